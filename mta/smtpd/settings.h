// smtpd's configuration, read once from posthorn.conf (and again on
// SIGHUP) into typed values, so sessions never parse strings.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "common/config/config.h"
#include "common/net/cidr.h"

namespace posthorn::smtpd {

struct Limits {
  uint64_t max_message_size = 0;
  size_t max_line_length = 2048;
  size_t max_recipients = 1000;
  int max_errors = 20;
  int max_auth_failures = 3;
  uint64_t command_timeout = 300;  // seconds
  uint64_t data_timeout = 600;
  size_t max_connections = 500;
  size_t max_connections_per_client = 20;
};

struct DeliverySettings {
  std::string mda = "mda -d %r -f %s -i %i";
  size_t concurrency = 10;
  uint64_t timeout = 600;       // seconds per mda run
  uint64_t retry_min = 300;
  uint64_t retry_max = 3600;
  uint64_t lifetime = 5 * 86400;
};

struct Settings {
  std::string hostname;
  std::vector<std::string> domains;  // lower-case
  std::string passwd, aliases;
  net::CidrList mynetworks;
  bool auth_cleartext_loopback = false;
  Limits limits;
  DeliverySettings delivery;
  std::string state_dir;
  std::string tls_cert, tls_key;
};

Result<Settings> LoadSettings(const config::Config& config);

}  // namespace posthorn::smtpd
