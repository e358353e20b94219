// One message on its way into the queue. QueueStore::Create() makes the
// file queue/tmp/ID holding the envelope; the caller appends the message
// with Write() as it arrives, then the store makes it durable (Prepare:
// fill in the size, fsync) and visible (Publish: rename into queue/msg/).
//
// Until Publish() succeeds the message exists only in queue/tmp/, which
// nobody reads and QueueStore::Open() empties; the destructor, and any
// failed Write() or Prepare(), remove the file at once. So no failure
// (disk full, I/O error, a client gone) leaves anything behind, and a
// SIGKILL leaves only a file that the next start removes.
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

  // Appends message bytes: as received, CR LF line ends, dot-unstuffed.
  // On failure the file is removed and every later call fails the same
  // way; IsNoSpace() tells a full disk or quota from other errors.
  Status Write(std::string_view bytes);

 private:
  friend class QueueStore;
  enum class State { kWriting, kPrepared, kPublished, kFailed };

  Writer(std::string id, std::string tmp_path, std::string msg_path, UniqueFd fd, uint64_t size_field);
  Status StartWriteback();
  Status Prepare();
  Status Publish();
  Status Fail(const std::string& what, int errnum);
  Status Flush();
  void Discard();

  std::string id_;
  std::string tmp_path_;  // "" once published, discarded or moved from
  std::string msg_path_;
  UniqueFd fd_;
  uint64_t size_field_;   // file offset of the size record's digits
  uint64_t size_ = 0;
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
