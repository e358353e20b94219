// Dropping root (DESIGN.md: least privilege).
#pragma once

#include <string>

#include "common/base/result.h"

namespace posthorn {

// Becomes `user` (uid, gid and supplementary groups) when running as root.
// A non-root process stays who it is: it could not switch anyway, and that
// is how tests and users run the programs. `user` being root is allowed
// (the admin said so) and changes nothing. Fails when `user` is unknown,
// or empty while running as root: an unset `user` must not mean "stay root".
Status SwitchToUser(const std::string& user);

}  // namespace posthorn
