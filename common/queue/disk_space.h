// Running out of disk is a temporary condition, not a failure of the
// message: smtpd answers 452 4.3.1 (RFC 3463 "mail system full") and the
// client tries later. Every queue operation that fails for lack of space
// or quota returns an error for which IsNoSpace() is true, and leaves
// nothing behind.
#pragma once

#include <cerrno>
#include <cstdint>
#include <string>

#include "common/base/result.h"

namespace posthorn::queue {

inline bool IsNoSpace(int errnum) { return errnum == ENOSPC || errnum == EDQUOT; }
inline bool IsNoSpace(const Status& s) { return !s.ok() && IsNoSpace(s.errnum()); }
inline bool IsNoSpace(const Error& e) { return IsNoSpace(e.errnum); }

// Refuses early, before a byte is written: an error with errnum ENOSPC
// (so IsNoSpace() holds) when the file system holding `dir` would have
// fewer than `reserve` bytes available (to an unprivileged user) after
// `need` more, or has no free inode left.
Status CheckFreeSpace(const std::string& dir, uint64_t need, uint64_t reserve);

}  // namespace posthorn::queue
