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
