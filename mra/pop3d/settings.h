// pop3d's configuration: the mail-access servers' shared settings.
#pragma once

#include "common/config/mail_access.h"

namespace posthorn::pop3d {

using Settings = config::MailAccessSettings;

// RFC 1939 §3 asks for an inactivity timer of at least 10 minutes.
inline Result<Settings> LoadSettings(const config::Config& config) {
  return config::LoadMailAccessSettings(config, 10 * 60);
}

}  // namespace posthorn::pop3d
