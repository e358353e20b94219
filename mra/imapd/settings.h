// imapd's configuration, read once from posthorn.conf (and again on
// SIGHUP) into typed values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/base/result.h"
#include "common/config/config.h"

namespace posthorn::imapd {

struct Settings {
  std::string passwd;
  std::string maildir;  // template: %d, %n, %u
  std::string tls_cert, tls_key;
  bool auth_cleartext_loopback = false;
  int max_auth_failures = 3;
  size_t max_auth_failures_per_client = 10;
  // RFC 3501 §5.4: an inactivity autologout timer of at least 30 minutes.
  uint64_t idle_timeout = 30 * 60;  // seconds
  size_t max_connections = 500;
  size_t max_connections_per_client = 20;
  // BAD answers before the session is ended ("* BYE").
  int max_errors = 20;
};

Result<Settings> LoadSettings(const config::Config& config);

}  // namespace posthorn::imapd
