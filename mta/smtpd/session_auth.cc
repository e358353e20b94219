// AUTH (RFC 4954) with PLAIN and LOGIN. Passwords are checked by the host
// off the event loop and never logged; failures are slowed by the host and
// end the session after max_auth_failures.
#include "common/auth/sasl.h"
#include "common/base/strings.h"
#include "common/net/cidr.h"
#include "mta/smtpd/session.h"

namespace posthorn::smtpd {

void Session::Auth(const smtp::Command& c) {
  if (!auth_user_.empty()) return Error(503, "5.5.1", "Error: already authenticated");
  if (state_ == State::kMail || state_ == State::kRcpt) return Error(503, "5.5.1", "Error: MAIL transaction in progress");
  if (!info_.tls && !(settings_.auth_cleartext_loopback && net::IsLoopback(info_.client_addr)))
    return Error(538, "5.7.11", "Encryption required for requested authentication mechanism");
  std::vector<std::string> words = SplitWords(c.argument);
  std::string mech = words.empty() ? "" : AsciiLower(words[0]);
  if (words.size() > 2 || (mech != "plain" && mech != "login"))
    return Error(504, "5.5.4", "Error: unsupported authentication mechanism");
  auth_mechanism_ = mech;
  auth_login_user_.clear();
  after_wait_ = state_;
  if (words.size() == 2) {
    // RFC 4954 §4: "=" is an empty initial response.
    Enter(State::kAuth);
    AuthLine(words[1] == "=" ? "" : words[1]);
    return;
  }
  Enter(State::kAuth);
  Reply(334, "", mech == "plain" ? "" : std::string(auth::kLoginUserChallenge));
}

void Session::AuthLine(std::string_view line) {
  if (line == "*") {
    Enter(after_wait_);
    return Error(501, "5.7.0", "Authentication aborted");
  }
  std::string user, password;
  if (auth_mechanism_ == "plain") {
    Result<auth::Credentials> c = auth::DecodePlain(line);
    if (!c.ok()) {
      Enter(after_wait_);
      return Error(501, "5.5.2", "Error: malformed authentication response");
    }
    user = c->user;
    password = c->password;
  } else {
    Result<std::string> step = auth::DecodeLoginStep(line);
    if (!step.ok()) {
      Enter(after_wait_);
      return Error(501, "5.5.2", "Error: malformed authentication response");
    }
    if (auth_login_user_.empty()) {
      auth_login_user_ = *step;
      return Reply(334, "", std::string(auth::kLoginPasswordChallenge));
    }
    user = auth_login_user_;
    password = *step;
  }
  auth_login_user_ = user;  // kept for the log line, never the password
  Enter(State::kWaiting);
  host_->VerifyLogin(user, password, auth_failures_);
}

void Session::OnLoginResult(bool ok) {
  if (state_ == State::kClosing) return;
  std::string method = auth_mechanism_ == "plain" ? "PLAIN" : "LOGIN";
  Enter(after_wait_);
  if (ok) {
    auth_user_ = auth_login_user_;
    host_->Log("client=" + ClientName() + ", sasl_method=" + method + ", sasl_username=" + auth_user_);
    return Reply(235, "2.7.0", "Authentication successful");
  }
  host_->Log("warning: " + ClientName() + ": SASL " + method + " authentication failed");
  if (++auth_failures_ >= settings_.limits.max_auth_failures)
    return Fatal(421, "4.7.0", settings_.hostname + " Error: too many authentication failures");
  Error(535, "5.7.8", "Error: authentication failed");
}

}  // namespace posthorn::smtpd
