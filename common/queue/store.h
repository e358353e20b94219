// The durable queue (DESIGN.md contract 5; the format is posthorn-queue(5)).
// Under state_dir:
//
//   queue/tmp/ID         a message being written without a spare; removed at Open
//   queue/msg/spare-*    empty files made ahead (spare_files.h), then a message
//                        being written in place; sorted out at Open (recovery.h)
//   queue/msg/ID         a committed message: envelope, then message bytes
//   queue/msg/ID.state   append-only per-recipient outcomes (state_log.h)
//   maildrop/            sendmail(1) drops (maildrop.h), imported by smtpd
//   corrupt/             drop files that failed to import, kept for the admin
//
// A message written in place exists once its file is fsynced complete
// (size and checksum filled in), and 250 comes after that fsync; the
// rename to queue/msg/ID follows and may reach the disk later. One
// written in queue/tmp/ exists once renamed into queue/msg/, and 250
// comes after the directory's fsync. Killing the process at any instant
// leaves either no message (nothing, an incomplete spare, or a file in
// tmp/) or a whole one.
//
// One process owns a queue (smtpd: Open); others only read it (mailq:
// OpenForReading). A QueueStore holds no mutable state after opening, so
// its methods may run on several threads at once for different messages.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/base/result.h"
#include "common/base/unique_fd.h"
#include "common/queue/envelope.h"
#include "common/queue/spare_files.h"
#include "common/queue/state_log.h"
#include "common/queue/writer.h"

namespace posthorn::queue {

struct QueuedMessage {
  Envelope envelope;                   // envelope.size: bytes of message
  uint64_t body_offset = 0;            // where the message starts in the file
  std::vector<RecipientState> states;  // one per envelope recipient

  // Every recipient delivered or bounced: the message may be removed.
  bool done() const;
};

// The message bytes of a queued message, to stream to mda or a remote MX.
struct MessageBody {
  UniqueFd fd;  // read-only, positioned at the first message byte
  uint64_t offset = 0;
  uint64_t size = 0;
};

class QueueStore {
 public:
  // For the queue's owner: creates the missing directories (state_dir
  // itself 0755, maildrop 1733, the rest 0700) and empties queue/tmp: what
  // is there was never acknowledged. Keeps complete spares under their IDs
  // and removes the rest (recovery.h), then removes ID.state files left by
  // a Remove() that was cut short.
  static Result<QueueStore> Open(const std::string& state_dir);
  // For readers (mailq): changes nothing on disk.
  static Result<QueueStore> OpenForReading(const std::string& state_dir);

  const std::string& state_dir() const { return state_dir_; }
  std::string tmp_dir() const { return state_dir_ + "/queue/tmp"; }
  std::string msg_dir() const { return state_dir_ + "/queue/msg"; }
  std::string maildrop_dir() const { return state_dir_ + "/maildrop"; }
  std::string corrupt_dir() const { return state_dir_ + "/corrupt"; }

  // Starts a message: picks a fresh ID (envelope.id is ignored), writes
  // the envelope into `spare` (spare_files.h) when given, else to
  // queue/tmp/ID. `envelope.arrival` 0 means now. An envelope the format cannot
  // hold is refused with errnum 0; system errors (IsNoSpace among them)
  // carry their errno.
  Result<Writer> Create(const Envelope& envelope, std::optional<SpareFile> spare = std::nullopt) const;
  // Optional: ends the message (no more Write) and starts writing it out
  // without waiting. A batch that starts all its files before fsyncing
  // any gets overlapping writes; Prepare() does this itself if needed.
  Status StartWriteback(Writer& writer) const;
  // Fills in the size and fsyncs the file. Blocks on the disk: may run on
  // a worker thread (syncer.h), as long as nothing else uses the Writer.
  Status Prepare(Writer& writer) const;
  // Renames the prepared file to queue/msg/ID. If the writer
  // needs_dir_sync(), not durable until SyncMsgDir(), which covers any
  // number of published messages.
  Status Publish(Writer& writer) const;
  Status SyncMsgDir() const;
  // Prepare + Publish + SyncMsgDir, for callers with one message.
  Status Commit(Writer& writer) const;

  // IDs of the committed messages, sorted (so oldest first).
  Result<std::vector<std::string>> List() const;
  // Envelope and merged recipient states. Refuses a file whose length
  // does not match its size record.
  Result<QueuedMessage> Load(const std::string& id) const;
  // The message bytes, checked as Load() checks them.
  Result<MessageBody> OpenBody(const std::string& id) const;

  // Appends outcomes to ID.state and fsyncs it before returning, so the
  // caller may act on them (log, bounce, Remove). One writer per message
  // at a time. A final outcome is never undone by a later one.
  Status RecordOutcome(const std::string& id, size_t index, const RecipientState& state) const;
  Status RecordOutcomes(const std::string& id, const std::vector<std::pair<size_t, RecipientState>>& outcomes) const;

  // Removes the message, then its state log. The caller makes sure every
  // recipient is final (QueuedMessage::done) or means to drop the message.
  // With `sync`, the removal is on disk before the state log goes; without,
  // it reaches the disk with the file system's next commit, and a crash
  // before that brings the message back (with or without its state log):
  // only for a message whose deliveries can tell they are repeats.
  Status Remove(const std::string& id, bool sync = true) const;

 private:
  explicit QueueStore(std::string state_dir) : state_dir_(std::move(state_dir)) {}
  std::string MsgPath(const std::string& id) const { return msg_dir() + "/" + id; }
  Result<QueuedMessage> LoadFrom(int fd, const std::string& id, size_t* state_end) const;

  std::string state_dir_;
};

}  // namespace posthorn::queue
