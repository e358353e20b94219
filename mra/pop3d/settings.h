// pop3d's configuration, read once from posthorn.conf (and again on
// SIGHUP) into typed values.
#pragma once

#include <cstdint>
#include <string>

#include "common/base/result.h"
#include "common/config/config.h"

namespace posthorn::pop3d {

struct Settings {
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

Result<Settings> LoadSettings(const config::Config& config);

}  // namespace posthorn::pop3d
