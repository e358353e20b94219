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
  return s;
}

}  // namespace posthorn::smtpd
