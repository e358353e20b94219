#include "mra/pop3d/session.h"

#include "common/auth/sasl.h"
#include "common/base/strings.h"

namespace posthorn::pop3d {

namespace {

constexpr int kMaxErrors = 20;

}  // namespace

Session::Session(const Settings& settings, SessionInfo info, SessionHost* host)
    : settings_(settings), info_(std::move(info)), host_(host) {}

void Session::Start(const std::string& refuse) {
  if (!refuse.empty()) return Fatal("[SYS/TEMP] " + refuse);
  Ok("Posthorn POP3 server ready");
}

void Session::Send(std::string_view text) { host_->Send(text); }

void Session::Ok(const std::string& text) { Send(text.empty() ? "+OK\r\n" : "+OK " + text + "\r\n"); }

void Session::Err(const std::string& text) { Send("-ERR " + text + "\r\n"); }

void Session::Error(const std::string& text) {
  if (++errors_ >= kMaxErrors) return Fatal("Too many errors");
  Err(text);
}

void Session::Fatal(const std::string& text) {
  Err(text);
  Enter(State::kClosing);
  host_->Close();
}

size_t Session::OnInput(std::string_view input) {
  size_t used = 0;
  while (used < input.size() && !waiting() && !closing()) {
    size_t n = ConsumeLine(input.substr(used));
    if (n == 0) break;
    used += n;
  }
  return used;
}

size_t Session::ConsumeLine(std::string_view input) {
  // RFC 5034 §4 limits commands, AUTH's initial response included, to
  // RFC 2449's 255 octets, but not the response after "+ ".
  size_t limit = state_ == State::kSaslResponse ? kMaxSaslLine : kMaxCommandLine;
  size_t lf = input.find('\n');
  if (lf == std::string_view::npos) {
    // No line end yet: wait for it, unless the line is already too long.
    if (input.size() < limit && !discarding_) return 0;
    discarding_ = true;
    return input.size();
  }
  if (discarding_ || lf + 1 > limit) {
    discarding_ = false;
    Error("Line too long");
    return lf + 1;
  }
  std::string_view line = input.substr(0, lf);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (state_ == State::kSaslResponse) {
    SaslResponse(line);
  } else {
    Dispatch(ParseCommand(line));
  }
  return lf + 1;
}

void Session::OnShutdown() {
  if (closing()) return;
  if (waiting()) {
    // Said when the host answers; a QUIT being applied finishes instead.
    if (after_wait_ != State::kClosing) shutdown_pending_ = true;
    return;
  }
  Fatal("[SYS/TEMP] Server shutting down");
}

void Session::AfterWait() {
  if (shutdown_pending_ && !waiting() && !closing()) Fatal("[SYS/TEMP] Server shutting down");
}

void Session::Dispatch(const Command& c) {
  switch (c.verb) {
    case Verb::kCapa: return Capa();
    case Verb::kNoop:
      if (state_ != State::kTransaction) return Error("Command not valid in this state");
      return Ok("");
    case Verb::kUnknown: return Error("Unknown command");
    default: break;
  }
  if (state_ == State::kAuthorization) return Authorization(c);
  Transaction(c);
}

bool Session::LoginAllowed() const { return info_.LoginAllowed(settings_); }

void Session::Capa() {
  bool auth = state_ == State::kAuthorization;
  std::string out = "+OK Capability list follows\r\nTOP\r\nUIDL\r\n";
  if (auth && LoginAllowed()) out += "USER\r\n";
  out += "RESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\n";
  if (auth && LoginAllowed()) out += "SASL PLAIN\r\n";
  if (auth && info_.tls_available && !info_.tls) out += "STLS\r\n";
  out += "IMPLEMENTATION Posthorn\r\n.\r\n";
  Send(out);
}

void Session::Authorization(const Command& c) {
  switch (c.verb) {
    case Verb::kStls: return Stls();
    case Verb::kQuit:
      Ok("Bye");
      Enter(State::kClosing);
      return host_->Close();
    case Verb::kUser:
      if (!LoginAllowed()) return Err("[AUTH] Passwords only over TLS: use STLS first");
      if (c.args.size() != 1) return Error("Invalid arguments");
      pending_user_ = c.args[0];
      return Ok("Send PASS");
    case Verb::kPass:
      if (!LoginAllowed()) return Err("[AUTH] Passwords only over TLS: use STLS first");
      if (pending_user_.empty()) return Error("USER first");
      if (c.rest.empty()) return Error("Invalid arguments");
      return Pass(c.rest);
    case Verb::kAuth: return Auth(c);
    default: return Error("Command not valid in this state");
  }
}

void Session::Stls() {
  if (info_.tls) return Error("Already using TLS");
  if (!info_.tls_available) return Error("STLS not available");
  Ok("Begin TLS negotiation");
  after_wait_ = State::kAuthorization;
  Enter(State::kWaiting);
  host_->StartTls();
}

void Session::OnTlsStarted() {
  if (state_ != State::kWaiting) return;
  // RFC 2595 §4: nothing learnt before the handshake carries over.
  info_.tls = true;
  pending_user_.clear();
  Enter(State::kAuthorization);
  AfterWait();
}

void Session::Pass(const std::string& password) {
  std::string user = std::move(pending_user_);
  pending_user_.clear();
  StartLogin(user, password, "PASS");
}

void Session::Auth(const Command& c) {
  if (c.args.empty()) return Send("+OK\r\nPLAIN\r\n.\r\n");
  if (!EqualsIgnoreCase(c.args[0], "PLAIN")) return Error("Unsupported authentication mechanism");
  if (!LoginAllowed()) return Err("[AUTH] Passwords only over TLS: use STLS first");
  if (c.args.size() > 2) return Error("Invalid arguments");
  if (c.args.size() == 2) return SaslResponse(c.args[1]);
  Send("+ \r\n");
  Enter(State::kSaslResponse);
}

void Session::SaslResponse(std::string_view line) {
  Enter(State::kAuthorization);
  if (line == "*") return Err("Authentication cancelled");
  Result<auth::Credentials> cred = auth::DecodePlain(line == "=" ? std::string_view() : line);
  if (!cred.ok()) return Error("[AUTH] Invalid SASL response");
  StartLogin(cred->user, cred->password, "PLAIN");
}

void Session::StartLogin(const std::string& user, const std::string& password, const std::string& method) {
  login_user_ = user;
  login_method_ = method;
  after_wait_ = State::kAuthorization;
  Enter(State::kWaiting);
  host_->Login(user, password, auth_failures_);
}

void Session::OnLogin(LoginOutcome outcome, Listing listing) {
  if (state_ != State::kWaiting) return;
  Enter(State::kAuthorization);
  LoginAnswer(outcome, std::move(listing));
  AfterWait();
}

void Session::LoginAnswer(LoginOutcome outcome, Listing listing) {
  std::string who = "unknown[" + info_.client_addr + "]: ";
  std::string what = "user=<" + login_user_ + ">, method=" + login_method_;
  switch (outcome) {
    case LoginOutcome::kOk:
      host_->Log(who + "login: " + what + ", tls=" + (info_.tls ? "yes" : "no"));
      user_ = login_user_;
      logged_in_ = true;
      listing_ = std::move(listing);
      deleted_.assign(listing_.sizes.size(), false);
      retrieved_.assign(listing_.sizes.size(), false);
      Enter(State::kTransaction);
      return Ok("Logged in, " + Summary());
    case LoginOutcome::kInUse:
      host_->Log(who + "login refused: " + what + ", mailbox in use");
      return Err("[IN-USE] Mailbox is locked by another session");
    case LoginOutcome::kMailboxError:
      host_->Log(who + "login refused: " + what + ", mailbox cannot be read");
      return Err("[SYS/TEMP] Cannot open the mailbox");
    case LoginOutcome::kAddressLimited:
      host_->Log(who + "login refused: " + what + ", too many failures from this address");
      return Fatal("[AUTH] Too many failed logins from your address; try again later");
    case LoginOutcome::kFailed:
      host_->Log(who + "login failed: " + what);
      if (++auth_failures_ >= settings_.max_auth_failures) return Fatal("[AUTH] Too many authentication failures");
      return Err("[AUTH] Authentication failed");
  }
}

std::pair<size_t, uint64_t> Session::Counts() const {
  size_t n = 0;
  uint64_t octets = 0;
  for (size_t i = 0; i < listing_.sizes.size(); ++i) {
    if (deleted_[i]) continue;
    ++n;
    octets += listing_.sizes[i];
  }
  return {n, octets};
}

std::string Session::Summary() const {
  auto [n, octets] = Counts();
  return std::to_string(n) + " messages (" + std::to_string(octets) + " octets)";
}

std::optional<size_t> Session::Message(const Command& c, size_t arg) {
  std::optional<size_t> n = arg < c.args.size() ? ParseMessageNumber(c.args[arg]) : std::nullopt;
  if (!n) {
    Error("Invalid arguments");
    return std::nullopt;
  }
  if (*n > listing_.sizes.size() || deleted_[*n - 1]) {
    Err("No such message");
    return std::nullopt;
  }
  return *n - 1;
}

void Session::Transaction(const Command& c) {
  switch (c.verb) {
    case Verb::kStat: {
      auto [n, octets] = Counts();
      return Ok(std::to_string(n) + " " + std::to_string(octets));
    }
    case Verb::kList: return List(c);
    case Verb::kUidl: return Uidl(c);
    case Verb::kRetr: return Retrieve(c, false);
    case Verb::kTop: return Retrieve(c, true);
    case Verb::kDele: {
      std::optional<size_t> n = c.args.size() == 1 ? ParseMessageNumber(c.args[0]) : std::nullopt;
      if (!n) return Error("Invalid arguments");
      if (*n > deleted_.size()) return Err("No such message");
      if (deleted_[*n - 1]) return Err("Message already deleted");
      deleted_[*n - 1] = true;
      return Ok("Marked to be deleted");
    }
    case Verb::kRset:
      deleted_.assign(deleted_.size(), false);
      return Ok(Summary());
    case Verb::kQuit:
      after_wait_ = State::kClosing;
      Enter(State::kWaiting);
      return host_->Update(deleted_, retrieved_);
    default: return Error("Command not valid in this state");
  }
}

void Session::List(const Command& c) {
  if (c.args.size() > 1) return Error("Invalid arguments");
  if (c.args.size() == 1) {
    std::optional<size_t> i = Message(c, 0);
    if (i) Ok(std::to_string(*i + 1) + " " + std::to_string(listing_.sizes[*i]));
    return;
  }
  std::string out = "+OK " + Summary() + "\r\n";
  for (size_t i = 0; i < listing_.sizes.size(); ++i) {
    if (!deleted_[i]) out += std::to_string(i + 1) + " " + std::to_string(listing_.sizes[i]) + "\r\n";
  }
  Send(out + ".\r\n");
}

void Session::Uidl(const Command& c) {
  if (c.args.size() > 1) return Error("Invalid arguments");
  if (c.args.size() == 1) {
    std::optional<size_t> i = Message(c, 0);
    if (i) Ok(std::to_string(*i + 1) + " " + listing_.uids[*i]);
    return;
  }
  std::string out = "+OK\r\n";
  for (size_t i = 0; i < listing_.uids.size(); ++i) {
    if (!deleted_[i]) out += std::to_string(i + 1) + " " + listing_.uids[i] + "\r\n";
  }
  Send(out + ".\r\n");
}

void Session::Retrieve(const Command& c, bool top) {
  if (c.args.size() != (top ? 2u : 1u)) return Error("Invalid arguments");
  std::optional<size_t> lines;
  if (top) {
    lines = ParseCount(c.args[1]);
    if (!lines) return Error("Invalid arguments");
  }
  std::optional<size_t> i = Message(c, 0);
  if (!i) return;
  sending_ = *i;
  sending_retr_ = !top;
  after_wait_ = State::kTransaction;
  Enter(State::kWaiting);
  host_->SendMessage(*i, lines, top ? "+OK\r\n" : "+OK " + std::to_string(listing_.sizes[*i]) + " octets\r\n");
}

void Session::OnSent(bool ok, bool started) {
  if (state_ != State::kWaiting) return;
  Enter(State::kTransaction);
  SentAnswer(ok, started);
  AfterWait();
}

void Session::SentAnswer(bool ok, bool started) {
  if (ok) {
    if (sending_retr_) {
      retrieved_[sending_] = true;
      ++retr_count_;
      retr_bytes_ += listing_.sizes[sending_];
    }
    return;
  }
  if (started) {
    Enter(State::kClosing);
    return host_->Close();
  }
  Err("[SYS/TEMP] Cannot read the message");
}

void Session::OnUpdated(bool ok, size_t removed) {
  if (state_ != State::kWaiting) return;
  host_->Log(user_ + ": logout: retr=" + std::to_string(retr_count_) + "/" + std::to_string(retr_bytes_) +
             ", del=" + std::to_string(removed) + "/" + std::to_string(listing_.sizes.size()));
  if (ok) Ok("Bye, " + std::to_string(removed) + " messages deleted");
  else Err("[SYS/TEMP] Some messages could not be deleted");
  Enter(State::kClosing);
  host_->Close();
}

}  // namespace posthorn::pop3d
