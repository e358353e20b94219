// An exclusive flock(2) on a lock file, held for the object's lifetime.
// flock rather than fcntl locks: a process's fcntl locks all drop when it
// closes any descriptor of the file, which a library may do behind its back;
// and the kernel releases either kind when a holder dies, so a crash never
// leaves a folder locked.
#pragma once

#include <string>

#include "common/base/result.h"
#include "common/base/unique_fd.h"

namespace posthorn {

class FileLock {
 public:
  // Creates `path` (mode 0600) if missing and waits for the lock.
  static Result<FileLock> Acquire(const std::string& path);

 private:
  explicit FileLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;  // closing it releases the lock
};

}  // namespace posthorn
