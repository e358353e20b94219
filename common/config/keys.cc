#include "common/config/keys.h"

namespace posthorn::config {

namespace {

constexpr unsigned kEvery = kSmtpd | kImapd | kPop3d | kMda | kMua;

// Defaults follow DESIGN.md contract 1.
constexpr KeySpec kKeys[] = {
    // The host's name; empty means gethostname(2).
    {"hostname", Type::kString, "", kEvery},
    // Local domains; empty means the passwd and aliases files alone decide.
    {"domains", Type::kList, "", kEvery},
    {"passwd", Type::kString, "/etc/posthorn/passwd", kEvery},
    {"aliases", Type::kString, "/etc/posthorn/aliases", kEvery},
    {"maildir", Type::kString, "/var/mail/%d/%n", kEvery},
    {"user", Type::kString, "posthorn", kEvery},
    {"max_message_size", Type::kSize, "50M", kSmtpd | kMda},
    // A message that already carries this many Delivered-To: headers for
    // the recipient is a mail loop (Postfix refuses at the first).
    {"max_delivered_to", Type::kCount, "1", kMda},

    // smtpd. `listen` empty means the program's standard ports.
    {"listen", Type::kList, "", kSmtpd | kImapd | kPop3d},
    {"state_dir", Type::kString, "/var/spool/posthorn", kSmtpd},
    {"tls_cert", Type::kString, "/etc/posthorn/tls/cert.pem", kSmtpd | kImapd | kPop3d},
    {"tls_key", Type::kString, "/etc/posthorn/tls/key.pem", kSmtpd | kImapd | kPop3d},
    // Clients that may relay without authenticating.
    {"mynetworks", Type::kList, "127.0.0.0/8 [::1]/128", kSmtpd},
    // AUTH over cleartext, for loopback clients only (webmail on the host).
    {"auth_cleartext_loopback", Type::kBool, "no", kSmtpd | kImapd | kPop3d},
    {"max_line_length", Type::kSize, "2048", kSmtpd},
    {"max_recipients", Type::kCount, "1000", kSmtpd},
    {"max_errors", Type::kCount, "20", kSmtpd},
    {"max_auth_failures", Type::kCount, "3", kSmtpd | kImapd | kPop3d},
    // Failed logins from one address within 10 minutes before its logins
    // are refused unchecked (password guessing spread over sessions).
    {"max_auth_failures_per_client", Type::kCount, "10", kImapd | kPop3d},
    // A session with no command for this long is closed (pop3d: RFC 1939
    // asks for at least 10 minutes; imapd, when not set, uses RFC 3501's
    // 30 minutes).
    {"idle_timeout", Type::kDuration, "10m", kPop3d | kImapd},
    {"command_timeout", Type::kDuration, "5m", kSmtpd},
    {"data_timeout", Type::kDuration, "10m", kSmtpd},
    {"max_connections", Type::kCount, "500", kSmtpd | kImapd | kPop3d},
    {"max_connections_per_client", Type::kCount, "20", kSmtpd | kImapd | kPop3d},
    // Local delivery: the command (contract 4), how many at once, how long.
    {"mda", Type::kString, "mda -d %r -f %s -i %i", kSmtpd},
    {"mda_concurrency", Type::kCount, "10", kSmtpd},
    {"mda_timeout", Type::kDuration, "10m", kSmtpd},
    // Retries: first after retry_min, doubling up to retry_max; bounce
    // after queue_lifetime.
    {"retry_min", Type::kDuration, "5m", kSmtpd},
    {"retry_max", Type::kDuration, "1h", kSmtpd},
    {"queue_lifetime", Type::kDuration, "5d", kSmtpd},
};

}  // namespace

std::span<const KeySpec> AllKeys() { return kKeys; }

const KeySpec* FindKey(std::string_view name) {
  for (const KeySpec& k : kKeys)
    if (k.name == name) return &k;
  return nullptr;
}

unsigned ProgramForSection(std::string_view section) {
  if (section == "smtpd") return kSmtpd;
  if (section == "imapd") return kImapd;
  if (section == "pop3d") return kPop3d;
  if (section == "mda") return kMda;
  if (section == "mua") return kMua;
  return 0;
}

}  // namespace posthorn::config
