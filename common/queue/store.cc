#include "common/queue/store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

#include "common/base/io.h"
#include "common/log/log.h"
#include "common/maildir/sync.h"
#include "common/base/fs.h"
#include "common/queue/queue_id.h"
#include "common/queue/recovery.h"

namespace posthorn::queue {

namespace {

constexpr std::string_view kStateSuffix = ".state";

bool IsStateName(const std::string& name) {
  return name.size() == kQueueIdLength + kStateSuffix.size() && name.ends_with(kStateSuffix) &&
         IsValidQueueId(std::string_view(name).substr(0, kQueueIdLength));
}

// Empties queue/tmp: each file there belongs to a message that was never
// answered 250 (the process that wrote it is gone, since only the owner
// writes here and the owner is starting).
Status CleanTmp(const std::string& tmp) {
  Result<std::vector<std::string>> names = ListDir(tmp);
  if (!names.ok()) return names.error();
  for (const std::string& name : *names) {
    std::string path = tmp + "/" + name;
    std::string id = SpareFiles::IsSpareName(name) ? IdInFile(path) : name;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return SysError("cannot remove " + path, errno);
    if (!id.empty()) log::Info("%s: removed unfinished queue file (never acknowledged)", id.c_str());
  }
  return Status::Ok();
}

// Removes ID.state files whose message is gone (a Remove() cut short
// between its two unlinks).
Status CleanOrphanStates(const std::string& msg) {
  Result<std::vector<std::string>> names = ListDir(msg);
  if (!names.ok()) return names.error();
  for (const std::string& name : *names) {
    if (!IsStateName(name)) continue;
    std::string message = msg + "/" + name.substr(0, kQueueIdLength);
    if (::access(message.c_str(), F_OK) == 0 || errno != ENOENT) continue;
    std::string path = msg + "/" + name;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return SysError("cannot remove " + path, errno);
  }
  return Status::Ok();
}

}  // namespace

bool QueuedMessage::done() const {
  return std::all_of(states.begin(), states.end(), [](const RecipientState& s) { return s.final(); });
}

Result<QueueStore> QueueStore::Open(const std::string& state_dir) {
  QueueStore store(state_dir);
  const std::pair<std::string, mode_t> dirs[] = {
      {state_dir, 0755},
      {state_dir + "/queue", 0700},
      {store.tmp_dir(), 0700},
      {store.msg_dir(), 0700},
      // Like /tmp: anyone may create, nobody may list the directory or
      // remove another's files (sticky). The owner (smtpd) reads it.
      {store.maildrop_dir(), 01733},
      {store.corrupt_dir(), 0700},
  };
  for (const auto& [dir, mode] : dirs)
    if (Status s = MakeDir(dir, mode); !s.ok()) return s.error();
  if (Status s = CleanTmp(store.tmp_dir()); !s.ok()) return s.error();
  // Before the orphan check: a recovered message may have a state log.
  if (Status s = RecoverSpares(store.msg_dir()); !s.ok()) return s.error();
  if (Status s = CleanOrphanStates(store.msg_dir()); !s.ok()) return s.error();
  return store;
}

Result<QueueStore> QueueStore::OpenForReading(const std::string& state_dir) {
  QueueStore store(state_dir);
  struct stat st;
  if (::stat(store.msg_dir().c_str(), &st) != 0) return SysError("cannot open queue " + store.msg_dir(), errno);
  if (!S_ISDIR(st.st_mode)) return Error{store.msg_dir() + " is not a directory", ENOTDIR};
  return store;
}

Result<Writer> QueueStore::Create(const Envelope& envelope, std::optional<SpareFile> spare) const {
  Envelope e = envelope;
  if (e.arrival == 0) e.arrival = ::time(nullptr);
  e.size = 0;
  e.crc = 0;
  // A collision means two IDs in one microsecond with the same random
  // bits, or a clock stepped back onto an ID still queued: draw again.
  for (int attempt = 0; attempt < 8; ++attempt) {
    e.id = NewQueueId();
    Result<std::string> header = FormatEnvelope(e);
    if (!header.ok()) {
      if (spare) ::unlink(spare->path.c_str());
      return header.error();
    }
    if (spare) {
      // No look into queue/msg/ for the ID: that lookup waits while the
      // directory changes (renames, removals). Publishing never replaces
      // a file, so the one-in-4096 chance of a clash in the same
      // microsecond (or a clock stepped back onto a queued ID) fails that
      // message with a temporary error rather than hurting another.
      SpareFile f = std::move(*spare);
      spare.reset();
      return Writer(e.id, std::move(f.path), MsgPath(e.id), std::move(f.fd), std::move(*header), /*in_place=*/true);
    }
    std::string tmp = tmp_dir() + "/" + e.id;
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid()) {
      if (errno == EEXIST) continue;
      return SysError("cannot create " + tmp, errno);
    }
    // tmp/ID is ours (O_EXCL), so nobody else can publish this ID now.
    if (::access(MsgPath(e.id).c_str(), F_OK) == 0) {
      ::unlink(tmp.c_str());
      continue;
    }
    return Writer(e.id, std::move(tmp), MsgPath(e.id), std::move(fd), std::move(*header), /*in_place=*/false);
  }
  return Error{"cannot find an unused queue ID in " + tmp_dir(), EEXIST};
}

Status QueueStore::StartWriteback(Writer& writer) const { return writer.StartWriteback(); }

Status QueueStore::Prepare(Writer& writer) const { return writer.Prepare(); }

Status QueueStore::Publish(Writer& writer) const { return writer.Publish(); }

Status QueueStore::SyncMsgDir() const { return maildir::SyncDir(msg_dir()); }

Status QueueStore::Commit(Writer& writer) const {
  if (Status s = Prepare(writer); !s.ok()) return s;
  if (Status s = Publish(writer); !s.ok()) return s;
  return SyncMsgDir();
}

Result<std::vector<std::string>> QueueStore::List() const {
  Result<std::vector<std::string>> names = ListDir(msg_dir());
  if (!names.ok()) return names;
  std::erase_if(*names, [](const std::string& n) { return !IsValidQueueId(n); });
  std::sort(names->begin(), names->end());
  return names;
}

Status QueueStore::Remove(const std::string& id, bool sync) const {
  if (!IsValidQueueId(id)) return Error{"bad queue ID '" + id + "'"};
  std::string path = MsgPath(id);
  if (::unlink(path.c_str()) != 0) return SysError("cannot remove " + path, errno);
  // The message must be gone for good before its outcomes are: a message
  // that came back without its state log would be delivered again.
  if (sync) {
    if (Status s = SyncMsgDir(); !s.ok()) return s;
  }
  std::string state = path + std::string(kStateSuffix);
  if (::unlink(state.c_str()) != 0 && errno != ENOENT) return SysError("cannot remove " + state, errno);
  return Status::Ok();
}

}  // namespace posthorn::queue
