// The command table of the SMTP session: which states each verb is allowed
// in, and what it does. Replies follow Postfix's wording where admins and
// their log parsers know it.
#include <cstdlib>

#include "common/base/strings.h"
#include "common/net/cidr.h"
#include "mta/smtpd/session.h"

namespace posthorn::smtpd {

void Session::Dispatch(const smtp::Command& c) {
  using smtp::Verb;
  switch (c.verb) {
    case Verb::kEhlo: return Ehlo(c, true);
    case Verb::kHelo: return Ehlo(c, false);
    case Verb::kMail: return Mail(c);
    case Verb::kRcpt: return Rcpt(c);
    case Verb::kData: return Data();
    case Verb::kBdat: return Bdat(c);
    case Verb::kStartTls: return StartTlsCommand();
    case Verb::kAuth: return Auth(c);
    case Verb::kRset:
      ResetTransaction();
      if (state_ != State::kGreeting) Enter(State::kReady);
      return Reply(250, "2.0.0", "Ok");
    case Verb::kNoop:
      return Reply(250, "2.0.0", "Ok");
    case Verb::kQuit:
      Reply(221, "2.0.0", "Bye");
      ResetTransaction();
      Enter(State::kClosing);
      return host_->Close();
    case Verb::kVrfy:
      // RFC 5321 §3.5.3: 252 neither confirms nor denies, so VRFY cannot be
      // used to harvest addresses.
      return Reply(252, "2.0.0", "Cannot VRFY user, but will accept message and attempt delivery");
    case Verb::kExpn:
      return Error(502, "5.5.1", "Error: command not implemented");
    case Verb::kHelp:
      return Reply(214, "2.0.0", "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH");
  }
}

std::string Session::EhloLines() const {
  std::string lines = settings_.hostname;
  lines += "\nPIPELINING";
  lines += "\nSIZE " + std::to_string(settings_.limits.max_message_size);
  lines += "\n8BITMIME\nENHANCEDSTATUSCODES\nSMTPUTF8\nCHUNKING";
  if (!info_.tls && info_.tls_available) lines += "\nSTARTTLS";
  bool auth_ok = info_.tls || (settings_.auth_cleartext_loopback && net::IsLoopback(info_.client_addr));
  if (auth_ok && auth_user_.empty()) lines += "\nAUTH PLAIN LOGIN";
  return lines;
}

void Session::Ehlo(const smtp::Command& c, bool extended) {
  // RFC 5321 §4.1.4: EHLO/HELO mid-transaction resets it.
  ResetTransaction();
  helo_ = c.argument;
  ehlo_ = extended;
  Enter(State::kReady);
  if (extended) Reply(250, "", EhloLines());
  else Reply(250, "", settings_.hostname);
}

void Session::Mail(const smtp::Command& c) {
  if (state_ == State::kGreeting) return Error(503, "5.5.1", "Error: send HELO/EHLO first");
  if (state_ != State::kReady) return Error(503, "5.5.1", "Error: nested MAIL command");
  if (info_.kind != ListenerKind::kSmtp && auth_user_.empty())
    return Error(530, "5.7.0", "Authentication required");
  uint64_t max = settings_.limits.max_message_size;
  if (c.size && max > 0 && *c.size > max)
    return Error(552, "5.3.4", "Message size exceeds fixed maximum message size");
  if (c.body == smtp::BodyType::kBinaryMime) return Error(555, "5.5.4", "Unsupported option: BODY=BINARYMIME");
  if (c.smtputf8 && !ehlo_) return Error(555, "5.5.4", "Unsupported option: SMTPUTF8");
  txn_ = Transaction();
  txn_.sender = c.path;
  txn_.declared_size = c.size;
  txn_.body = c.body;
  txn_.smtputf8 = c.smtputf8;
  Enter(State::kMail);
  Reply(250, "2.1.0", "Ok");
}

void Session::Rcpt(const smtp::Command& c) {
  if (state_ != State::kMail && state_ != State::kRcpt) return Error(503, "5.5.1", "Error: need MAIL command");
  if (sink_) return Error(503, "5.5.1", "Error: BDAT in progress");
  if (txn_.recipients.size() >= settings_.limits.max_recipients)
    return Reply(452, "4.5.3", "Error: too many recipients");
  Address rcpt = c.path;
  // RFC 5321 §4.5.1: <postmaster> without a domain must be accepted.
  if (rcpt.domain.empty()) rcpt.domain = settings_.domains.empty() ? AsciiLower(settings_.hostname) : settings_.domains[0];
  std::string who = "<" + rcpt.ToString() + ">";
  RecipientClass cls = host_->ClassifyRecipient(rcpt);
  bool postmaster = EqualsIgnoreCase(rcpt.local, "postmaster") && cls != RecipientClass::kRemote;
  auto reject = [&](int code, const char* enh, const std::string& text) {
    host_->Log("NOQUEUE: reject: RCPT from " + ClientName() + ": " + std::to_string(code) + " " + enh + " " + text +
               "; from=<" + txn_.sender.ToString() + "> to=<" + rcpt.ToString() + "> helo=<" + helo_ + ">");
    Error(code, enh, text);
  };
  if (cls == RecipientClass::kUnknownLocal && !postmaster)
    return reject(550, "5.1.1", who + ": Recipient address rejected: User unknown in local recipient table");
  if (cls == RecipientClass::kRemote && !RelayAllowed()) return reject(554, "5.7.1", who + ": Relay access denied");
  txn_.recipients.push_back(rcpt);
  txn_.local.push_back(cls != RecipientClass::kRemote);
  Enter(State::kRcpt);
  Reply(250, "2.1.5", "Ok");
}

void Session::Data() {
  if (state_ == State::kMail) return Error(554, "5.5.1", "Error: no valid recipients");
  if (state_ != State::kRcpt) return Error(503, "5.5.1", "Error: need RCPT command");
  if (sink_) return Error(503, "5.5.1", "Error: BDAT in progress");
  if (!StartMessage()) {
    Reply(452, "4.3.1", "Error: insufficient system storage");
    ResetTransaction();
    return Enter(State::kReady);
  }
  Enter(State::kData);
  Reply(354, "", "End data with <CR><LF>.<CR><LF>");
}

void Session::Bdat(const smtp::Command& c) {
  // RFC 3030 §2: the chunk follows the command whatever we answer, so it is
  // always read; a refusal is sent once it has been.
  after_wait_ = state_;
  smtp::Reply refusal;
  if (state_ == State::kMail) refusal = {554, "5.5.1", "Error: no valid recipients"};
  else if (state_ != State::kRcpt) refusal = {503, "5.5.1", "Error: need RCPT command"};
  else if (!sink_ && !StartMessage()) {
    refusal = {452, "4.3.1", "Error: insufficient system storage"};
    ResetTransaction();
    after_wait_ = State::kReady;
  }
  bdat_left_ = c.chunk_size;
  bdat_last_ = c.last;
  bdat_error_ = refusal;
  Enter(State::kBdat);
  if (bdat_left_ == 0) ChunkDone();
}

void Session::StartTlsCommand() {
  if (info_.tls) return Error(503, "5.5.1", "Error: TLS already active");
  if (!info_.tls_available) return Error(454, "4.7.0", "TLS not available");
  if (state_ == State::kMail || state_ == State::kRcpt) return Error(503, "5.5.1", "Error: MAIL transaction in progress");
  Reply(220, "2.0.0", "Ready to start TLS");
  after_wait_ = State::kGreeting;
  Enter(State::kWaiting);
  host_->StartTls();
}

void Session::OnImplicitTls(const std::string& version, const std::string& cipher) {
  info_.tls_version = version;
  info_.tls_cipher = cipher;
}

void Session::OnTlsStarted(const std::string& version, const std::string& cipher) {
  // RFC 3207 §4.2: forget everything learned before the handshake.
  info_.tls = true;
  info_.tls_version = version;
  info_.tls_cipher = cipher;
  helo_.clear();
  ehlo_ = false;
  auth_user_.clear();
  ResetTransaction();
  Enter(State::kGreeting);
}

}  // namespace posthorn::smtpd
