// Reading queued messages and recording their outcomes (QueueStore).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/base/io.h"
#include "common/queue/queue_id.h"
#include "common/queue/record.h"
#include "common/queue/store.h"

namespace posthorn::queue {

namespace {

Result<UniqueFd> OpenMessage(const std::string& path, const std::string& id) {
  if (!IsValidQueueId(id)) return Error{"bad queue ID '" + id + "'"};
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) return SysError("cannot open " + path, errno);
  return fd;
}

}  // namespace

Result<QueuedMessage> QueueStore::LoadFrom(int fd, const std::string& id, size_t* state_end) const {
  std::string path = MsgPath(id);
  struct stat st;
  if (::fstat(fd, &st) != 0) return SysError("cannot stat " + path, errno);
  Result<std::string> header = ReadHeader(fd, kMaxEnvelopeBytes, path);
  if (!header.ok()) return header.error();
  QueuedMessage m;
  size_t offset = 0;
  Result<Envelope> env = ParseEnvelope(*header, &offset);
  if (!env.ok()) return Error{path + ": " + env.message()};
  m.envelope = std::move(*env);
  m.body_offset = offset;
  if (m.envelope.id != id) return Error{path + ": holds message " + m.envelope.id};
  if (static_cast<uint64_t>(st.st_size) != offset + m.envelope.size)
    return Error{path + ": " + std::to_string(st.st_size) + " bytes, expected " +
                 std::to_string(offset + m.envelope.size)};

  m.states.resize(m.envelope.recipients.size());
  std::string log;
  std::string state_path = path + ".state";
  if (Status s = ReadFile(state_path, &log); !s.ok() && s.errnum() != ENOENT) return s.error();
  size_t end = 0;
  if (Status s = ApplyStateLog(log, &m.states, &end); !s.ok()) return Error{state_path + ": " + s.message()};
  if (state_end != nullptr) *state_end = end;
  return m;
}

Result<QueuedMessage> QueueStore::Load(const std::string& id) const {
  Result<UniqueFd> fd = OpenMessage(MsgPath(id), id);
  if (!fd.ok()) return fd.error();
  return LoadFrom(fd->get(), id, nullptr);
}

Result<MessageBody> QueueStore::OpenBody(const std::string& id) const {
  Result<UniqueFd> fd = OpenMessage(MsgPath(id), id);
  if (!fd.ok()) return fd.error();
  Result<QueuedMessage> m = LoadFrom(fd->get(), id, nullptr);
  if (!m.ok()) return m.error();
  uint64_t offset = m->body_offset;
  if (::lseek(fd->get(), static_cast<off_t>(offset), SEEK_SET) < 0) return SysError("cannot seek " + MsgPath(id), errno);
  MessageBody body;
  body.fd = std::move(*fd);
  body.offset = offset;
  body.size = m->envelope.size;
  return body;
}

Status QueueStore::RecordOutcome(const std::string& id, size_t index, const RecipientState& state) const {
  return RecordOutcomes(id, {{index, state}});
}

Status QueueStore::RecordOutcomes(const std::string& id,
                                  const std::vector<std::pair<size_t, RecipientState>>& outcomes) const {
  Result<UniqueFd> fd = OpenMessage(MsgPath(id), id);
  if (!fd.ok()) return fd.error();
  size_t valid_end = 0;
  Result<QueuedMessage> m = LoadFrom(fd->get(), id, &valid_end);
  if (!m.ok()) return m.error();
  std::string records;
  for (const auto& [index, state] : outcomes) {
    if (index >= m->states.size()) return Error{id + ": no recipient " + std::to_string(index)};
    Result<std::string> line = FormatStateRecord(index, state);
    if (!line.ok()) return Error{id + ": " + line.message()};
    records += *line;
  }

  std::string path = MsgPath(id) + ".state";
  bool created = false;
  UniqueFd log(::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW));
  if (!log.valid() && errno == ENOENT) {
    log.Reset(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    created = log.valid();
  }
  if (!log.valid()) return SysError("cannot open " + path, errno);
  // Cut a torn last record off before appending, or the next record would
  // be glued to it and both lost.
  struct stat st;
  if (::fstat(log.get(), &st) != 0) return SysError("cannot stat " + path, errno);
  if (static_cast<uint64_t>(st.st_size) > valid_end && ::ftruncate(log.get(), static_cast<off_t>(valid_end)) != 0)
    return SysError("cannot truncate " + path, errno);
  if (!WriteAll(log.get(), records) || ::fsync(log.get()) != 0) {
    int err = errno;
    (void)!::ftruncate(log.get(), static_cast<off_t>(valid_end));
    return SysError("cannot append to " + path, err);
  }
  // A new file is durable only once its directory entry is.
  if (created) return SyncMsgDir();
  return Status::Ok();
}

}  // namespace posthorn::queue
