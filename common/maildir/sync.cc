#include "common/maildir/sync.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "common/base/unique_fd.h"

namespace posthorn::maildir {

Status SyncDir(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return SysError("cannot open " + dir, errno);
  if (::fsync(fd.get()) != 0) return SysError("cannot fsync " + dir, errno);
  return Status::Ok();
}

}  // namespace posthorn::maildir
