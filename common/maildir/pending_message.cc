#include "common/maildir/pending_message.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "common/base/fs.h"
#include "common/maildir/sync.h"
#include "common/maildir/unique_name.h"

namespace posthorn::maildir {

PendingMessage::PendingMessage(std::string maildir, std::string base, UniqueFd fd)
    : maildir_(std::move(maildir)), base_(std::move(base)), fd_(std::move(fd)) {
  tmp_path_ = maildir_ + "/tmp/" + base_;
}

PendingMessage::PendingMessage(PendingMessage&& other) noexcept
    : maildir_(std::move(other.maildir_)),
      base_(std::move(other.base_)),
      tmp_path_(std::exchange(other.tmp_path_, std::string())),
      fd_(std::move(other.fd_)) {}

PendingMessage::~PendingMessage() {
  if (!tmp_path_.empty()) ::unlink(tmp_path_.c_str());
}

Result<PendingMessage> PendingMessage::Create(const std::string& maildir, std::string_view tag) {
  // A collision means a clock step or pid reuse inside one microsecond; a
  // fresh name (new counter and random part) settles it.
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::string base = NewUniqueName(tag);
    std::string path = maildir + "/tmp/" + base;
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd >= 0) return PendingMessage(maildir, std::move(base), UniqueFd(fd));
    if (errno != EEXIST) return SysError("cannot create " + path, errno);
  }
  return Error{"cannot create a unique file in " + maildir + "/tmp"};
}

Status PendingMessage::Sync() {
  if (::fsync(fd_.get()) != 0) return SysError("cannot fsync " + tmp_path_, errno);
  // close(2) can report a deferred write error (NFS); it counts.
  if (::close(fd_.Release()) != 0) return SysError("cannot close " + tmp_path_, errno);
  return Status::Ok();
}

Result<std::string> PendingMessage::Publish(uint64_t size, uint64_t wsize, bool to_cur, const Flags& flags) {
  std::string name = NameWithSizes(base_, size, wsize);
  std::string path = maildir_ + (to_cur ? "/cur/" + NameWithFlags(name, flags) : "/new/" + name);
  if (Status s = RenameNoReplace(tmp_path_, path); !s.ok()) return SysError("cannot move message to " + path, s.errnum());
  tmp_path_.clear();
  return path;
}

Result<std::string> PendingMessage::Commit(uint64_t size, uint64_t wsize) {
  if (Status s = Sync(); !s.ok()) return s.error();
  Result<std::string> path = Publish(size, wsize);
  if (!path.ok()) return path;
  if (Status s = SyncDir(maildir_ + "/new"); !s.ok()) return s.error();
  return path;
}

}  // namespace posthorn::maildir
