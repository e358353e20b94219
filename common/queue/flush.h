// `smtpd -q` and `sendmail -q`: ask the running smtpd to retry its
// deferred mail now, by SIGUSR1 to the pid in state_dir/smtpd.pid.
#pragma once

#include <string>

#include "common/base/result.h"

namespace posthorn::queue {

Status RequestFlush(const std::string& state_dir);

}  // namespace posthorn::queue
