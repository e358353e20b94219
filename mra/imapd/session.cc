#include "mra/imapd/session.h"

#include "common/base/strings.h"

namespace posthorn::imapd {

namespace {

enum StateBit : unsigned { kNotAuth = 1, kAuth = 2, kSel = 4, kAny = kNotAuth | kAuth | kSel };

// Before login a client has no business sending more than a password:
// small literals and lines, so an unauthenticated peer cannot make the
// session hold much (RFC 3501 §7.5 lets the server refuse a literal).
imap::Limits PreLoginLimits() {
  imap::Limits l;
  l.max_line = 8 * 1024;
  l.max_literal = 8 * 1024;
  l.max_append_literal = 0;
  l.max_command = 16 * 1024;
  l.max_append_command = 0;
  l.max_args = 100;
  l.max_discard = 64 * 1024;
  return l;
}

// An AUTHENTICATE response or IDLE's DONE beyond this is abuse.
constexpr size_t kMaxSaslLine = 8 * 1024;

}  // namespace

struct Session::CommandSpec {
  const char* name;
  unsigned states;
  void (Session::*run)(const imap::Command&);
};

const Session::CommandSpec* Session::Find(std::string_view name) {
  static const CommandSpec kCommands[] = {
      {"CAPABILITY", kAny, &Session::Capability},
      {"NOOP", kAny, &Session::Noop},
      {"LOGOUT", kAny, &Session::Logout},
      {"ID", kAny, &Session::Id},
      {"STARTTLS", kNotAuth, &Session::StartTls},
      {"LOGIN", kNotAuth, &Session::Login},
      {"AUTHENTICATE", kNotAuth, &Session::Authenticate},
      {"ENABLE", kAuth, &Session::Enable},
      {"NAMESPACE", kAuth | kSel, &Session::Namespace},
      {"LIST", kAuth | kSel, &Session::List},
      {"LSUB", kAuth | kSel, &Session::List},
      {"CREATE", kAuth | kSel, &Session::Create},
      {"DELETE", kAuth | kSel, &Session::Delete},
      {"RENAME", kAuth | kSel, &Session::Rename},
      {"SUBSCRIBE", kAuth | kSel, &Session::Subscribe},
      {"UNSUBSCRIBE", kAuth | kSel, &Session::Subscribe},
      {"SELECT", kAuth | kSel, &Session::Select},
      {"EXAMINE", kAuth | kSel, &Session::Select},
      {"STATUS", kAuth | kSel, &Session::StatusCommand},
      {"CHECK", kSel, &Session::Check},
      {"CLOSE", kSel, &Session::Close},
      {"UNSELECT", kSel, &Session::Close},
      {"EXPUNGE", kSel, &Session::Expunge},
      {"STORE", kSel, &Session::StoreSeq},
      {"FETCH", kSel, &Session::FetchSeq},
      {"SEARCH", kSel, &Session::SearchSeq},
      {"COPY", kSel, &Session::CopySeq},
      {"MOVE", kSel, &Session::CopySeq},
      {"APPEND", kAuth | kSel, &Session::Append},
      {"UID", kSel, &Session::Uid},
      {"IDLE", kAuth | kSel, &Session::Idle},
  };
  for (const CommandSpec& c : kCommands)
    if (name == c.name) return &c;
  return nullptr;
}

Session::Session(const Settings& settings, SessionInfo info, SessionHost* host)
    : settings_(settings), info_(std::move(info)), host_(host), parser_(PreLoginLimits()) {}

void Session::Start(const std::string& refuse) {
  if (!refuse.empty()) return Bye(refuse);
  Send("* OK [CAPABILITY " + Capabilities() + "] Posthorn ready\r\n");
}

void Session::Send(std::string_view text) { host_->Send(text); }

void Session::Tagged(const std::string& tag, std::string_view status, std::string_view text) {
  Send(tag + " " + std::string(status) + " " + std::string(text) + "\r\n");
}

void Session::Bad(const std::string& tag, std::string_view text) {
  Tagged(tag.empty() ? "*" : tag, "BAD", text);
  if (++errors_ >= settings_.max_errors) Bye("Too many invalid commands");
}

void Session::Bye(std::string_view text) {
  Send("* BYE " + std::string(text) + "\r\n");
  state_ = State::kLogout;
  host_->Close();
}

bool Session::LoginAllowed() const { return info_.LoginAllowed(settings_); }

std::string Session::Capabilities() const {
  std::string caps = "IMAP4rev1 LITERAL+ SASL-IR ID";
  if (state_ == State::kNotAuthenticated) {
    if (info_.tls_available && !info_.tls) caps += " STARTTLS";
    caps += LoginAllowed() ? " AUTH=PLAIN" : " LOGINDISABLED";
  } else {
    caps += " ENABLE NAMESPACE UNSELECT CHILDREN SPECIAL-USE IDLE UIDPLUS MOVE CONDSTORE QRESYNC ESEARCH";
  }
  return caps;
}

size_t Session::OnInput(std::string_view input) {
  size_t used = 0;
  while (!waiting_ && state_ != State::kLogout && used < input.size()) {
    if (sasl_pending_ || !idle_tag_.empty()) {
      // A bare line, not a command: the SASL response or IDLE's DONE.
      std::string_view rest = input.substr(used);
      size_t lf = rest.find('\n');
      if (lf == std::string_view::npos) {
        if (rest.size() > kMaxSaslLine) Bye("Line too long");
        break;
      }
      std::string_view line = rest.substr(0, lf);
      used += lf + 1;
      bool crlf = line.ends_with('\r');
      if (crlf) line.remove_suffix(1);
      if (!idle_tag_.empty()) {
        IdleInput(line, crlf);
        continue;
      }
      sasl_pending_ = false;
      if (!crlf) {
        Bad(pending_tag_, "Lines end with CRLF");
        continue;
      }
      SaslResponse(line);
      continue;
    }
    imap::Event e = parser_.Feed(input.substr(used));
    used += e.consumed;
    switch (e.kind) {
      case imap::Event::Kind::kNeedMore:
        return used;
      case imap::Event::Kind::kContinuation:
        Send("+ Ready for literal data\r\n");
        parser_.ContinuationSent();
        break;
      case imap::Event::Kind::kError:
        if (e.recovery == imap::Event::Recovery::kClose) {
          Bye(e.error);
          return used;
        }
        Bad(e.command.tag, e.error);
        break;
      case imap::Event::Kind::kCommand:
        Dispatch(e.command);
        break;
    }
  }
  return used;
}

void Session::Dispatch(const imap::Command& c) {
  const CommandSpec* spec = Find(c.name);
  if (spec == nullptr) return Bad(c.tag, "Unknown command " + c.name);
  unsigned bit = state_ == State::kNotAuthenticated ? kNotAuth : state_ == State::kAuthenticated ? kAuth : kSel;
  if (!(spec->states & bit)) {
    if (state_ == State::kNotAuthenticated) return Bad(c.tag, "Log in first");
    return Bad(c.tag, c.name + " is not valid in this state");
  }
  (this->*spec->run)(c);
}

void Session::Resume() {
  waiting_ = false;
  pending_tag_.clear();
  if (shutdown_pending_) Bye("Server shutting down");
}

void Session::OnShutdown() {
  if (state_ == State::kLogout) return;
  if (waiting_) {
    shutdown_pending_ = true;
    return;
  }
  Bye("Server shutting down");
}

}  // namespace posthorn::imapd
