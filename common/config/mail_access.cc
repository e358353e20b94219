#include "common/config/mail_access.h"

#include "common/maildir/location.h"

namespace posthorn::config {

Result<MailAccessSettings> LoadMailAccessSettings(const Config& c, uint64_t idle_default) {
  MailAccessSettings s;
  s.passwd = c.String("passwd");
  s.maildir = c.String("maildir");
  if (std::string why = maildir::CheckTemplate(s.maildir); !why.empty()) return Error{c.Where("maildir") + ": " + why};
  s.tls_cert = c.String("tls_cert");
  s.tls_key = c.String("tls_key");
  s.auth_cleartext_loopback = c.Bool("auth_cleartext_loopback");
  s.max_auth_failures = static_cast<int>(c.Count("max_auth_failures"));
  if (s.max_auth_failures == 0) return Error{c.Where("max_auth_failures") + ": must be at least 1"};
  s.max_auth_failures_per_client = c.Count("max_auth_failures_per_client");
  s.idle_timeout = c.Where("idle_timeout") == "default" ? idle_default : c.Duration("idle_timeout");
  if (s.idle_timeout == 0) return Error{c.Where("idle_timeout") + ": must be at least 1s"};
  s.max_connections = c.Count("max_connections");
  s.max_connections_per_client = c.Count("max_connections_per_client");
  return s;
}

}  // namespace posthorn::config
