#include "mra/imapd/settings.h"

namespace posthorn::imapd {

Result<Settings> LoadSettings(const config::Config& c) {
  // RFC 3501 §5.4: an inactivity autologout timer of at least 30 minutes.
  Result<config::MailAccessSettings> common = config::LoadMailAccessSettings(c, 30 * 60);
  if (!common.ok()) return common.error();
  Settings s;
  static_cast<config::MailAccessSettings&>(s) = std::move(*common);
  return s;
}

}  // namespace posthorn::imapd
