// What every protocol session (smtpd, pop3d, imapd) asks of the connection
// that carries it. Each daemon's SessionHost adds its own requests (a
// password check, the queue, the Maildir) to these.
#pragma once

#include <string>
#include <string_view>

namespace posthorn::net {

// How a login ended, as pop3d's and imapd's sessions are told.
enum class LoginOutcome {
  kOk,
  kFailed,          // unknown user or wrong password
  kInUse,           // the user has a session open already (pop3d)
  kMailboxError,    // the Maildir could not be found, made or read
  kAddressLimited,  // too many failures from this address lately: not checked
};

class SessionHostBase {
 public:
  virtual ~SessionHostBase() = default;
  virtual void Send(std::string_view bytes) = 0;
  // The reply that starts TLS (220, +OK, tagged OK) has been sent: discard
  // buffered input (RFC 3207 §4.2, RFC 2595 §3.1: nothing pipelined in
  // the clear counts), start the handshake, then call the session's
  // OnTlsStarted() (or close on failure).
  virtual void StartTls() = 0;
  // Close once everything sent so far is flushed.
  virtual void Close() = 0;
  // One log line (contract 6), without the program name.
  virtual void Log(const std::string& line) = 0;
};

}  // namespace posthorn::net
