#include "common/base/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>

namespace posthorn {

Status SwitchToUser(const std::string& user) {
  if (::geteuid() != 0) return Status::Ok();
  if (user.empty()) return Error{"no user configured to switch to; refusing to stay root"};
  errno = 0;
  struct passwd* pw = ::getpwnam(user.c_str());
  if (pw == nullptr) return Error{"user '" + user + "' does not exist"};
  if (pw->pw_uid == 0) return Status::Ok();
  if (::setgroups(0, nullptr) != 0 && errno != EPERM) return SysError("setgroups", errno);
  if (::initgroups(pw->pw_name, pw->pw_gid) != 0) return SysError("initgroups " + user, errno);
  if (::setgid(pw->pw_gid) != 0) return SysError("setgid " + user, errno);
  if (::setuid(pw->pw_uid) != 0) return SysError("setuid " + user, errno);
  // Paranoia: a process that can regain root did not drop it.
  if (::setuid(0) == 0) return Error{"could not drop root privileges"};
  return Status::Ok();
}

}  // namespace posthorn
