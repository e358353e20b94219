// Why mda did not deliver: the sysexits(3) code smtpd, Postfix or a shell
// acts on (DESIGN.md contract 4) and the one line an admin reads.
#pragma once

#include <sysexits.h>

#include <optional>
#include <string>

namespace posthorn::mda {

struct Failure {
  int exit_code;
  std::string why;
};

using MaybeFailure = std::optional<Failure>;

// A failed system call on the way to the Maildir: temporary unless retrying
// cannot help. Creating directories that we may not create, or that a file
// is in the way of, is EX_CANTCREAT; disk full, quota, I/O errors and
// everything else is EX_TEMPFAIL, so the message waits for the admin.
inline int ExitCodeForErrno(int errnum) {
  switch (errnum) {
    case EACCES:
    case EPERM:
    case ENOTDIR:
    case EEXIST:
    case ENAMETOOLONG:
    case ELOOP:
      return EX_CANTCREAT;
    default:
      return EX_TEMPFAIL;
  }
}

}  // namespace posthorn::mda
