// Checking a password against a crypt(3) hash (DESIGN.md contract 2). Kept
// apart from the passwd file so programs that only look users up (mda) do
// not link libcrypt.
#pragma once

#include <string_view>

#include "common/auth/passwd.h"

namespace posthorn::auth {

// True when `password` matches `hash` under crypt(3). Locked or empty
// hashes (`!`, `*`, "") never match. Compares in constant time.
bool VerifyPassword(std::string_view hash, std::string_view password);

// Verifies a login. For an unknown user it still runs one crypt(3) over a
// dummy hash so that timing does not reveal which addresses exist.
bool Authenticate(const PasswdFile& passwd, std::string_view address, std::string_view password);

}  // namespace posthorn::auth
