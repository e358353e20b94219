#include "common/queue/drop_import.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/base/io.h"
#include "common/log/log.h"
#include "common/maildir/sync.h"
#include "common/base/fs.h"
#include "common/queue/drop_format.h"
#include "common/queue/record.h"

namespace posthorn::queue {

namespace {

bool IsFinishedName(const std::string& name) {
  return !name.empty() && name[0] != '.' && name.size() <= 255 && name.find('/') == std::string::npos;
}

ImportResult Retry(const Error& e) { return ImportResult{ImportResult::Kind::kRetry, "", e.message, e}; }

// Moves a refused drop aside, so that it is not tried again.
ImportResult Reject(const QueueStore& store, const std::string& name, long uid, const std::string& reason) {
  std::string from = store.maildrop_dir() + "/" + name, to = store.corrupt_dir() + "/" + name;
  const char* where = "moved to corrupt/";
  if (!RenameNoReplace(from, to).ok()) {
    ::unlink(from.c_str());
    where = "removed";
  }
  log::Warning("maildrop/%s: uid=%ld: %s; %s", name.c_str(), uid, reason.c_str(), where);
  return ImportResult{ImportResult::Kind::kRejected, "", reason, Error{}};
}

bool HasNonAscii(const Address& a) {
  return std::any_of(a.local.begin(), a.local.end(), [](char c) { return c & 0x80; }) ||
         std::any_of(a.domain.begin(), a.domain.end(), [](char c) { return c & 0x80; });
}

}  // namespace

Result<std::vector<std::string>> ListDrops(const QueueStore& store, time_t now) {
  std::string dir = store.maildrop_dir();
  Result<std::vector<std::string>> names = ListDir(dir);
  if (!names.ok()) return names;
  std::vector<std::string> finished;
  for (const std::string& name : *names) {
    if (IsFinishedName(name)) {
      finished.push_back(name);
      continue;
    }
    struct stat st;
    std::string path = dir + "/" + name;
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    // A writer still appending keeps mtime and ctime fresh.
    if (st.st_mtime > now - kStaleDropAge || st.st_ctime > now - kStaleDropAge) continue;
    if (::unlink(path.c_str()) == 0) log::Info("maildrop/%s: uid=%ld: removed stale unfinished drop", name.c_str(), long(st.st_uid));
  }
  // Unique names start with the time in seconds: oldest first.
  std::sort(finished.begin(), finished.end());
  return finished;
}

ImportResult ImportDrop(const QueueStore& store, const std::string& name, const ImportOptions& options) {
  if (!IsFinishedName(name)) return Retry(Error{"maildrop/" + name + ": not a finished drop file"});
  std::string path = store.maildrop_dir() + "/" + name;
  // O_NONBLOCK: a FIFO planted here must not hang smtpd on open.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd.valid()) {
    int err = errno;
    struct stat lst;
    if (err == ELOOP && ::lstat(path.c_str(), &lst) == 0) return Reject(store, name, long(lst.st_uid), "symbolic link");
    return Retry(SysError("cannot open " + path, err));
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return Retry(SysError("cannot stat " + path, errno));
  long uid = static_cast<long>(st.st_uid);
  if (!S_ISREG(st.st_mode)) return Reject(store, name, uid, "not a regular file");
  if (st.st_nlink != 1) return Reject(store, name, uid, "hard-linked");

  Result<std::string> header = ReadHeader(fd.get(), kMaxEnvelopeBytes, "maildrop/" + name);
  if (!header.ok()) return Retry(header.error());
  size_t offset = 0;
  Result<DropEnvelope> drop = ParseDrop(*header, &offset);
  if (!drop.ok()) return Reject(store, name, uid, drop.message());

  Envelope env;
  env.sender = drop->sender;
  env.smtputf8 = HasNonAscii(env.sender);
  for (Address& a : drop->recipients) {
    Recipient r;
    r.local = options.is_local && options.is_local(a);
    env.smtputf8 = env.smtputf8 || HasNonAscii(a);
    r.address = std::move(a);
    env.recipients.push_back(std::move(r));
  }
  env.client.protocol = "local";
  env.client.uid = uid;
  Result<Writer> w = store.Create(env);
  if (!w.ok()) return w.errnum() == 0 ? Reject(store, name, uid, w.message()) : Retry(w.error());

  // The message: what came with the header, then the rest of the file.
  std::string chunk = header->substr(offset);
  while (true) {
    if (options.max_message_size != 0 && w->size() + chunk.size() > options.max_message_size)
      return Reject(store, name, uid, "message too large");
    if (Status s = w->Write(chunk); !s.ok()) return Retry(s.error());
    chunk.resize(65536);
    ssize_t n = ReadSome(fd.get(), chunk.data(), chunk.size());
    if (n < 0) return Retry(SysError("cannot read " + path, errno));
    if (n == 0) break;
    chunk.resize(static_cast<size_t>(n));
  }
  if (Status s = store.Commit(*w); !s.ok()) return Retry(s.error());
  log::Info("%s: uid=%ld from=<%s>", w->id().c_str(), uid, env.sender.ToString().c_str());

  // The message is safe in the queue; now the drop must go, durably, or a
  // crash would import it a second time.
  if (::unlink(path.c_str()) != 0)
    log::Error("%s: cannot remove maildrop/%s: %s", w->id().c_str(), name.c_str(), std::strerror(errno));
  else if (Status s = maildir::SyncDir(store.maildrop_dir()); !s.ok())
    log::Warning("%s: %s", w->id().c_str(), s.message().c_str());
  return ImportResult{ImportResult::Kind::kQueued, w->id(), "", Error{}};
}

}  // namespace posthorn::queue
