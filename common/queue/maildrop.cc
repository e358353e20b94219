#include "common/queue/maildrop.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "common/base/io.h"
#include "common/maildir/sync.h"
#include "common/maildir/unique_name.h"
#include "common/base/fs.h"

namespace posthorn::queue {

DropWriter::DropWriter(std::string dir, std::string name, UniqueFd fd)
    : dir_(std::move(dir)), name_(std::move(name)), temp_name_("." + name_), fd_(std::move(fd)) {}

DropWriter::DropWriter(DropWriter&& other) noexcept
    : dir_(std::move(other.dir_)),
      name_(std::move(other.name_)),
      temp_name_(std::exchange(other.temp_name_, std::string())),
      fd_(std::move(other.fd_)),
      last_(other.last_),
      failed_(other.failed_),
      error_(std::move(other.error_)) {}

DropWriter::~DropWriter() {
  fd_.Reset();
  if (!temp_name_.empty()) ::unlink((dir_ + "/" + temp_name_).c_str());
}

Result<DropWriter> DropWriter::Create(const std::string& state_dir, const DropEnvelope& envelope) {
  Result<std::string> header = FormatDrop(envelope);
  if (!header.ok()) return header.error();
  std::string dir = state_dir + "/maildrop";
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::string name = maildir::NewUniqueName();
    std::string path = dir + "/." + name;
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644));
    if (!fd.valid()) {
      if (errno == EEXIST) continue;
      return SysError("cannot create " + path, errno);
    }
    DropWriter w(dir, std::move(name), std::move(fd));
    // Whatever the user's umask: smtpd, another user, must read it.
    if (::fchmod(w.fd_.get(), 0644) != 0) return w.Fail("cannot chmod", errno).error();
    if (!WriteAll(w.fd_.get(), *header)) return w.Fail("cannot write", errno).error();
    return w;
  }
  return Error{"cannot create a unique file in " + dir};
}

Status DropWriter::Fail(const std::string& what, int errnum) {
  error_ = SysError(what + " " + dir_ + "/" + temp_name_, errnum);
  failed_ = true;
  fd_.Reset();
  if (!temp_name_.empty()) ::unlink((dir_ + "/" + temp_name_).c_str());
  temp_name_.clear();
  return error_;
}

Status DropWriter::Write(std::string_view text) {
  if (failed_) return error_;
  if (!fd_.valid()) return Error{"write after commit"};
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (char c : text) {
    if (c == '\n' && last_ != '\r') out += '\r';
    out += c;
    last_ = c;
  }
  if (!WriteAll(fd_.get(), out)) return Fail("cannot write", errno);
  return Status::Ok();
}

Result<std::string> DropWriter::Commit() {
  if (failed_) return error_;
  if (!fd_.valid()) return Error{"committed twice"};
  // RFC 5322 §2.1: a message is lines; end the last one.
  if (last_ != '\n')
    if (Status s = Write("\n"); !s.ok()) return s.error();
  if (::fsync(fd_.get()) != 0) return Fail("cannot fsync", errno).error();
  if (::close(fd_.Release()) != 0) return Fail("cannot close", errno).error();
  std::string from = dir_ + "/" + temp_name_, to = dir_ + "/" + name_;
  // NOREPLACE: in a sticky directory we may not replace another's file
  // anyway, but we must not replace our own either.
  if (Status s = RenameNoReplace(from, to); !s.ok()) return Fail("cannot rename", s.errnum()).error();
  temp_name_.clear();
  // A user other than the maildrop's owner may write into the 1733
  // directory but not open it, so cannot fsync it: then the file's data
  // is safe and its name follows with the file system's next journal
  // commit. Failing here would make the caller send the message twice.
  if (Status s = maildir::SyncDir(dir_); !s.ok() && s.errnum() != EACCES) return s.error();
  return name_;
}

}  // namespace posthorn::queue
