// imapd's configuration: the mail-access servers' shared settings, and its
// own.
#pragma once

#include "common/config/mail_access.h"

namespace posthorn::imapd {

struct Settings : config::MailAccessSettings {
  // BAD answers before the session is ended ("* BYE").
  int max_errors = 20;
};

Result<Settings> LoadSettings(const config::Config& config);

}  // namespace posthorn::imapd
