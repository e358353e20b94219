// The commands of any state and of the not-authenticated state (RFC 3501
// §6.1-6.2, RFC 4959 SASL-IR, RFC 2971 ID, RFC 5161 ENABLE).
#include "common/auth/sasl.h"
#include "common/base/strings.h"
#include "common/imap/wire.h"
#include "mra/imapd/session.h"

namespace posthorn::imapd {

void Session::Capability(const imap::Command& c) {
  if (!c.args.empty()) return Bad(c.tag, "CAPABILITY takes no arguments");
  Send("* CAPABILITY " + Capabilities() + "\r\n");
  Tagged(c.tag, "OK", "Capability completed");
}

void Session::Noop(const imap::Command& c) {
  if (!c.args.empty()) return Bad(c.tag, "NOOP takes no arguments");
  // RFC 3501 §6.1.2: NOOP is how a client polls for changes.
  if (selected_) return UpdateSelected(c.tag, false, "NOOP completed");
  Tagged(c.tag, "OK", "NOOP completed");
}

void Session::Logout(const imap::Command& c) {
  if (!c.args.empty()) return Bad(c.tag, "LOGOUT takes no arguments");
  Send("* BYE Logging out\r\n");
  Tagged(c.tag, "OK", "Logout completed");
  state_ = State::kLogout;
  host_->Close();
}

void Session::StartTls(const imap::Command& c) {
  if (!c.args.empty()) return Bad(c.tag, "STARTTLS takes no arguments");
  if (info_.tls) return Bad(c.tag, "TLS is already on");
  if (!info_.tls_available) return Tagged(c.tag, "NO", "TLS is not available");
  Tagged(c.tag, "OK", "Begin TLS negotiation now");
  // RFC 3501 §6.2.1: whatever the client sent after STARTTLS in the clear
  // is discarded by the host with the rest of its plaintext buffer; the
  // parser holds none of it (it stops at a command's end).
  Wait();
  host_->StartTls();
}

void Session::OnTlsStarted() {
  info_.tls = true;
  Resume();
}

void Session::Login(const imap::Command& c) {
  std::optional<std::string_view> user, password;
  if (c.args.size() == 2) {
    user = imap::AsAstring(c.args[0]);
    password = imap::AsAstring(c.args[1]);
  }
  if (!user || !password) return Bad(c.tag, "LOGIN takes a user name and a password");
  if (!LoginAllowed()) return Tagged(c.tag, "NO", "[PRIVACYREQUIRED] Use STARTTLS first");
  StartLogin(c.tag, "LOGIN", std::string(*user), std::string(*password));
}

void Session::Authenticate(const imap::Command& c) {
  if (c.args.empty() || c.args.size() > 2 || c.args[0].kind != imap::Arg::Kind::kAtom)
    return Bad(c.tag, "AUTHENTICATE takes a mechanism and an optional initial response");
  if (!EqualsIgnoreCase(c.args[0].text, "PLAIN")) return Tagged(c.tag, "NO", "Unsupported authentication mechanism");
  if (!LoginAllowed()) return Tagged(c.tag, "NO", "[PRIVACYREQUIRED] Use STARTTLS first");
  pending_tag_ = c.tag;
  if (c.args.size() == 2) {
    // RFC 4959: "=" is an empty initial response.
    if (c.args[1].kind != imap::Arg::Kind::kAtom) return Bad(c.tag, "The initial response is an atom");
    return SaslResponse(c.args[1].text == "=" ? "" : c.args[1].text);
  }
  Send("+ \r\n");
  sasl_pending_ = true;
}

void Session::SaslResponse(std::string_view line) {
  std::string tag = pending_tag_;
  // RFC 3501 §6.2.2: "*" cancels, answered with a tagged BAD.
  if (line == "*") return Bad(tag, "Authentication cancelled");
  Result<auth::Credentials> creds = auth::DecodePlain(line);
  if (!creds.ok()) return Bad(tag, "Bad PLAIN response: " + creds.message());
  StartLogin(tag, "PLAIN", creds->user, creds->password);
}

void Session::StartLogin(const std::string& tag, std::string_view method, const std::string& user,
                         const std::string& password) {
  pending_tag_ = tag;
  user_ = user;
  login_method_ = method;
  Wait();
  host_->Login(user, password, auth_failures_);
}

void Session::OnLogin(LoginOutcome outcome, const std::string& maildir) {
  std::string tag = pending_tag_;
  // The lines an admin (or fail2ban) greps for, as pop3d writes them.
  std::string what = "user=<" + user_ + ">, method=" + login_method_;
  switch (outcome) {
    case LoginOutcome::kOk:
      state_ = State::kAuthenticated;
      maildir_ = maildir;
      parser_.SetLimits(imap::Limits());
      host_->Log("login: " + what + ", tls=" + (info_.tls ? "yes" : "no"));
      Tagged(tag, "OK", "[CAPABILITY " + Capabilities() + "] Logged in");
      break;
    case LoginOutcome::kFailed:
      host_->Log("login failed: " + what);
      ++auth_failures_;
      user_.clear();
      Tagged(tag, "NO", "[AUTHENTICATIONFAILED] Authentication failed");
      if (auth_failures_ >= settings_.max_auth_failures) {
        waiting_ = false;
        return Bye("Too many failed logins");
      }
      break;
    case LoginOutcome::kInUse:  // pop3d's user lock: imapd takes none, so never
    case LoginOutcome::kMailboxError:
      host_->Log("login refused: " + what + ", mailbox cannot be opened");
      user_.clear();
      Tagged(tag, "NO", "[UNAVAILABLE] Your mailbox cannot be opened; try again later");
      break;
    case LoginOutcome::kAddressLimited:
      host_->Log("login refused: " + what + ", too many failures from this address");
      user_.clear();
      Tagged(tag, "NO", "[UNAVAILABLE] Too many failed logins from your address; try again later");
      // Nothing more this connection could try would be checked.
      waiting_ = false;
      return Bye("Too many failed logins from your address");
  }
  Resume();
}

void Session::Id(const imap::Command& c) {
  if (c.args.size() != 1 || (c.args[0].kind != imap::Arg::Kind::kNil && c.args[0].kind != imap::Arg::Kind::kList))
    return Bad(c.tag, "ID takes NIL or a parenthesised list");
  Send("* ID (\"name\" \"Posthorn\" \"vendor\" \"Posthorn\")\r\n");
  Tagged(c.tag, "OK", "ID completed");
}

void Session::Enable(const imap::Command& c) {
  if (c.args.empty()) return Bad(c.tag, "ENABLE takes capability names");
  for (const imap::Arg& a : c.args)
    if (a.kind != imap::Arg::Kind::kAtom) return Bad(c.tag, "ENABLE takes capability names");
  // RFC 5161 §3.1: extensions not known (or not enablable) are ignored,
  // and ENABLED names only what this command turned on.
  std::string enabled;
  for (const imap::Arg& a : c.args) {
    bool qresync = EqualsIgnoreCase(a.text, "QRESYNC");
    if (!qresync && !EqualsIgnoreCase(a.text, "CONDSTORE")) continue;
    if (!condstore_) enabled += " CONDSTORE";
    EnableCondstore();
    // RFC 7162 §3.2.3: QRESYNC implies CONDSTORE.
    if (qresync && !qresync_) enabled += " QRESYNC";
    qresync_ = qresync_ || qresync;
  }
  Send("* ENABLED" + enabled + "\r\n");
  Tagged(c.tag, "OK", "ENABLE completed");
}

}  // namespace posthorn::imapd
