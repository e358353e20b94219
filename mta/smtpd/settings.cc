#include "mta/smtpd/settings.h"

#include "common/base/strings.h"

namespace posthorn::smtpd {

Result<Settings> LoadSettings(const config::Config& c) {
  Settings s;
  s.hostname = config::HostName(c);
  for (const std::string& d : c.List("domains")) s.domains.push_back(AsciiLower(d));
  s.passwd = c.String("passwd");
  s.aliases = c.String("aliases");
  std::string networks;
  for (const std::string& n : c.List("mynetworks")) networks += n + " ";
  Result<net::CidrList> nets = net::CidrList::Parse(networks);
  if (!nets.ok()) return Error{c.Where("mynetworks") + ": " + nets.message()};
  s.mynetworks = std::move(nets).value();
  s.auth_cleartext_loopback = c.Bool("auth_cleartext_loopback");
  Limits& l = s.limits;
  l.max_message_size = c.Size("max_message_size");
  l.max_line_length = c.Size("max_line_length");
  if (l.max_line_length < 512) return Error{c.Where("max_line_length") + ": must be at least 512 (RFC 5321 4.5.3.1.4)"};
  l.max_recipients = c.Count("max_recipients");
  l.max_errors = static_cast<int>(c.Count("max_errors"));
  l.max_auth_failures = static_cast<int>(c.Count("max_auth_failures"));
  l.command_timeout = c.Duration("command_timeout");
  l.data_timeout = c.Duration("data_timeout");
  l.max_connections = c.Count("max_connections");
  l.max_connections_per_client = c.Count("max_connections_per_client");
  DeliverySettings& d = s.delivery;
  d.mda = c.String("mda");
  if (d.mda.find_first_not_of(" \t") == std::string::npos) return Error{c.Where("mda") + ": empty command"};
  d.concurrency = c.Count("mda_concurrency");
  if (d.concurrency == 0) return Error{c.Where("mda_concurrency") + ": must be at least 1"};
  d.timeout = c.Duration("mda_timeout");
  d.retry_min = c.Duration("retry_min");
  d.retry_max = c.Duration("retry_max");
  d.lifetime = c.Duration("queue_lifetime");
  if (d.retry_min == 0 || d.retry_max < d.retry_min) return Error{c.Where("retry_max") + ": must be at least retry_min (> 0)"};
  s.state_dir = c.String("state_dir");
  s.tls_cert = c.String("tls_cert");
  s.tls_key = c.String("tls_key");
  return s;
}

}  // namespace posthorn::smtpd
