// One message on its way into the queue. QueueStore::Create() makes the
// file holding the envelope; the caller appends the message with Write()
// as it arrives, then the store makes it durable (Prepare: fill in the
// size and checksum, fsync) and visible (Publish: rename to queue/msg/ID).
//
// The file is one of two kinds (store.h):
//  - in place: a spare file in queue/msg/ whose name was already on disk
//    when it was handed out. The fsync in Prepare() makes the message
//    durable; the rename to its ID may reach the disk later, since a
//    crash before it leaves a complete file that Open() recognises by its
//    size and checksum and renames itself.
//  - in queue/tmp/: made on demand. It is a message only once renamed
//    into queue/msg/ and that directory fsynced (needs_dir_sync()).
// Until Prepare() succeeds the file is incomplete, and a crash leaves
// something that Open() removes; the destructor, and any failed Write(),
// Prepare() or Publish(), remove the file at once. So no failure (disk
// full, I/O error, a client gone) leaves a message behind.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/result.h"
#include "common/base/unique_fd.h"

namespace posthorn::queue {

class QueueStore;

class Writer {
 public:
  Writer(Writer&& other) noexcept;
  Writer& operator=(Writer&&) = delete;
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  ~Writer();

  // The queue ID, known from the start: it goes into Received: headers
  // and log lines before the message is complete.
  const std::string& id() const { return id_; }
  // Message bytes written so far.
  uint64_t size() const { return size_; }
  bool published() const { return state_ == State::kPublished; }
  // After Publish(): the message is durable only once queue/msg/ is fsynced.
  bool needs_dir_sync() const { return !in_place_; }

  // Appends message bytes: as received, CR LF line ends, dot-unstuffed.
  // On failure the file is removed and every later call fails the same
  // way; IsNoSpace() tells a full disk or quota from other errors.
  Status Write(std::string_view bytes);

 private:
  friend class QueueStore;
  enum class State { kWriting, kPrepared, kPublished, kFailed };

  Writer(std::string id, std::string path, std::string msg_path, UniqueFd fd, std::string header, bool in_place);
  Status StartWriteback();
  Status Prepare();
  Status Publish();
  Status Fail(const std::string& what, int errnum);
  Status Flush();
  Status FillIn(uint64_t offset, std::string_view value);
  void Discard();

  std::string id_;
  std::string path_;  // where the file is now; "" once published, discarded or moved from
  std::string msg_path_;
  UniqueFd fd_;
  bool in_place_;
  uint64_t size_field_ = 0;  // file offsets of the size and crc records' digits
  uint64_t crc_field_ = 0;
  uint64_t size_ = 0;
  uint32_t crc_ = 0;  // of every byte so far, the digits still zeros
  // Bytes not yet written to the file: the envelope and the first part of
  // the message. Writing to a file can wait for the file system's journal
  // (another process's fsync), so on smtpd's loop only messages larger
  // than kBuffered write there; the rest is written by StartWriteback(),
  // on the syncer's thread.
  std::string buffer_;
  uint64_t flushed_ = 0;  // bytes of the file written so far
  State state_ = State::kWriting;
  bool complete_ = false;  // size filled in: no more Write()
  Error error_;           // kFailed: what went wrong
};

}  // namespace posthorn::queue
