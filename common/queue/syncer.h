// Group commit for an event loop: the loop hands finished messages to a
// worker thread that makes them durable and reports back through an
// eventfd, so no fsync ever runs on the loop (DESIGN.md, "Nothing blocks
// the event loop").
//
// The worker takes every job waiting when it wakes, as one batch: it
// fsyncs each file (Prepare), renames each to queue/msg/ID (Publish), and,
// if any came from queue/tmp/, fsyncs queue/msg/ once for the whole batch
// (files written in place are durable with their own fsync; writer.h).
// While it does, new jobs queue up for the next batch, so the busier the
// server, the more messages share each fsync. Only then are the
// completions posted; a callback that says OK may answer 250.
//
// Why the worker also renames: a rename is the point where a message
// becomes visible, not where it becomes durable, and contract 5 asks for
// 250 only after both. Nothing on the loop looks at a message before its
// callback runs, and the callback runs after the fsyncs, so doing
// the rename on the worker costs no safety and keeps even the rename's
// metadata I/O off the loop.
//
// The worker first starts writeback of every file in the batch
// (sync_file_range), then fsyncs them one by one, so the writes overlap.
//
// Why fsync per file rather than one syncfs(2) per batch: syncfs flushes
// every dirty page of the whole file system, including other programs'
// (logs, a backup in progress), so its latency depends on what others
// do, and before Linux 5.8 it did not report writeback errors. Measured
// on ext4 (4 KB messages, batches of 10 and 100): on an idle file system
// syncfs was about 25% faster than plain per-file fsync and even with
// writeback-then-fsync; with another process writing 1 MB blocks to the
// same file system without syncing, syncfs fell to 30 messages/s at
// batches of 10 (per-file: 450) and 200/s at batches of 100 (per-file:
// 500). An fsync error also names the message it hit.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/base/result.h"
#include "common/base/unique_fd.h"
#include "common/queue/store.h"
#include "common/queue/writer.h"

namespace posthorn::queue {

class Syncer {
 public:
  // Runs on the thread that calls DrainCompletions(), with OK when the
  // message is durable (file and directory fsynced) or the error that
  // stopped it (then nothing of it is left; IsNoSpace() for a full disk).
  using Done = std::function<void(const Status&)>;

  // `store` must outlive the Syncer.
  static Result<std::unique_ptr<Syncer>> Start(const QueueStore* store);
  // Finishes the batch in hand, then stops. Jobs not yet started are
  // dropped (their files removed) and no callback runs after this.
  ~Syncer();
  Syncer(const Syncer&) = delete;
  Syncer& operator=(const Syncer&) = delete;

  // Readable when completions are waiting; the loop watches it.
  int notify_fd() const { return event_fd_.get(); }

  // Takes over a Writer whose message is complete.
  void Commit(Writer writer, Done done);

  // Runs the callbacks of every finished job, on the calling thread, each
  // exactly once; returns how many ran. Callbacks may call Commit(), but
  // must not destroy the Syncer.
  size_t DrainCompletions();

  // Batches taken so far (for tests and the curious).
  uint64_t batches() const { return batches_.load(); }

 private:
  struct Job {
    Writer writer;
    Done done;
    Status status;
  };

  Syncer(const QueueStore* store, UniqueFd event_fd);
  void Run();
  void SyncBatch(std::vector<Job>& batch);

  const QueueStore* store_;
  UniqueFd event_fd_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Job> pending_;   // guarded by mu_
  std::vector<Job> done_;     // guarded by mu_
  bool stop_ = false;         // guarded by mu_
  std::atomic<uint64_t> batches_{0};
  std::thread worker_;        // last: starts after everything above exists
};

}  // namespace posthorn::queue
