#include "common/queue/disk_space.h"

#include <sys/statvfs.h>

#include <cerrno>

namespace posthorn::queue {

Status CheckFreeSpace(const std::string& dir, uint64_t need, uint64_t reserve) {
  struct statvfs st;
  if (::statvfs(dir.c_str(), &st) != 0) return SysError("cannot statvfs " + dir, errno);
  uint64_t avail = static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
  // f_files == 0: the file system does not count inodes (btrfs).
  if (st.f_files != 0 && st.f_favail == 0) return Error{dir + ": no free inodes", ENOSPC};
  if (avail < reserve || avail - reserve < need) {
    return Error{dir + ": " + std::to_string(avail) + " bytes free, " + std::to_string(need) +
                     " needed above a reserve of " + std::to_string(reserve),
                 ENOSPC};
  }
  return Status::Ok();
}

}  // namespace posthorn::queue
