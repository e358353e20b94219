#include "common/queue/recovery.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/base/fs.h"
#include "common/base/unique_fd.h"
#include "common/log/log.h"
#include "common/maildir/sync.h"
#include "common/queue/checksum.h"
#include "common/queue/envelope.h"
#include "common/queue/queue_id.h"
#include "common/queue/record.h"
#include "common/queue/spare_files.h"

namespace posthorn::queue {

std::string IdInFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  char head[64];
  ssize_t n = fd.valid() ? ::read(fd.get(), head, sizeof head) : -1;
  if (n <= 0) return "";
  std::string_view text(head, static_cast<size_t>(n));
  size_t at = RecordValueOffset(text, "id");
  if (at == std::string_view::npos || text.size() < at + kQueueIdLength) return "";
  std::string id(text.substr(at, kQueueIdLength));
  return IsValidQueueId(id) ? id : "";
}

Result<std::string> CompleteMessageId(int fd, const std::string& path) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return SysError("cannot stat " + path, errno);
  Result<std::string> head = ReadHeader(fd, kMaxEnvelopeBytes, path);
  if (!head.ok()) return head.error();
  size_t offset = 0;
  Result<Envelope> env = ParseEnvelope(*head, &offset);
  if (!env.ok() || !env->crc || static_cast<uint64_t>(st.st_size) != offset + env->size) return std::string();
  std::string header = head->substr(0, offset);
  header.replace(RecordValueOffset(header, "size"), kSizeDigits, kSizeDigits, '0');
  header.replace(RecordValueOffset(header, "crc"), kCrcDigits, kCrcDigits, '0');
  uint32_t crc = ExtendCrc(0, header);
  char buf[65536];
  for (uint64_t at = offset; at < static_cast<uint64_t>(st.st_size);) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(sizeof buf, st.st_size - at));
    ssize_t n = ::pread(fd, buf, want, static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return SysError("cannot read " + path, errno);
    if (n == 0) return std::string();  // shrank while we read: not ours to keep
    crc = ExtendCrc(crc, std::string_view(buf, static_cast<size_t>(n)));
    at += static_cast<uint64_t>(n);
  }
  return crc == *env->crc ? env->id : std::string();
}

namespace {

// Keeps the spare at `path` as queue/msg/ID if it is a complete message;
// otherwise removes it. Returns whether the directory changed.
Result<bool> RecoverSpare(const std::string& msg_dir, const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) return errno == ENOENT ? Result<bool>(false) : Result<bool>(SysError("cannot open " + path, errno));
  Result<std::string> id = CompleteMessageId(fd.get(), path);
  if (!id.ok()) return id.error();
  if (!id->empty()) {
    Status renamed = RenameNoReplace(path, msg_dir + "/" + *id);
    if (renamed.ok()) {
      log::Info("%s: kept queue file %s, committed before a crash", id->c_str(), path.c_str());
      return true;
    }
    if (renamed.errnum() != EEXIST) return renamed.error();
    // A publish that failed on a clash of IDs: never acknowledged.
    log::Warning("%s: removed %s, a copy never acknowledged (the ID is taken)", id->c_str(), path.c_str());
  } else if (std::string started = IdInFile(path); !started.empty()) {
    log::Info("%s: removed unfinished queue file (never acknowledged)", started.c_str());
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return SysError("cannot remove " + path, errno);
  return true;
}

}  // namespace

Status RecoverSpares(const std::string& msg_dir) {
  Result<std::vector<std::string>> names = ListDir(msg_dir);
  if (!names.ok()) return names.error();
  bool changed = false;
  for (const std::string& name : *names) {
    if (!SpareFiles::IsSpareName(name)) continue;
    Result<bool> r = RecoverSpare(msg_dir, msg_dir + "/" + name);
    if (!r.ok()) return r.error();
    changed = changed || *r;
  }
  return changed ? maildir::SyncDir(msg_dir) : Status::Ok();
}

}  // namespace posthorn::queue
