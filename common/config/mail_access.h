// The settings the mail-access servers (pop3d, imapd) share, read from
// posthorn.conf (and again on SIGHUP) into typed values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/base/result.h"
#include "common/config/config.h"

namespace posthorn::config {

struct MailAccessSettings {
  std::string passwd;
  std::string maildir;  // template: %d, %n, %u
  std::string tls_cert, tls_key;
  bool auth_cleartext_loopback = false;
  int max_auth_failures = 3;
  size_t max_auth_failures_per_client = 10;
  uint64_t idle_timeout = 600;  // seconds
  size_t max_connections = 500;
  size_t max_connections_per_client = 20;
};

// Reads them; `idle_default` (seconds) applies when idle_timeout is not
// set, since the protocols ask for different minimums (RFC 1939 §3: 10
// minutes; RFC 3501 §5.4: 30). A shorter one set by the admin stands.
Result<MailAccessSettings> LoadMailAccessSettings(const Config& config, uint64_t idle_default);

// Passwords may travel only over TLS, or over loopback when the admin
// allowed that (webmail on the host).
struct ClientSecurity {
  std::string client_addr;
  bool tls = false;            // TLS is on (implicit from the start, or after STARTTLS/STLS)
  bool tls_available = false;  // a certificate is loaded: STARTTLS/STLS can be offered
  bool loopback = false;

  bool LoginAllowed(const MailAccessSettings& s) const { return tls || (s.auth_cleartext_loopback && loopback); }
};

}  // namespace posthorn::config
