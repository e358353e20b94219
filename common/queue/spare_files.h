// Queue files made ahead of need, in queue/msg/ itself. Creating a file
// is a change to the directory, and on a journalling file system it can
// wait behind another process's fsync (0.4-0.8 ms measured under load, a
// stall for every session on smtpd's loop); making it durable costs a
// directory fsync, a whole journal commit. A thread keeps a few empty
// files ready, named spare-PID.N, and fsyncs the directory once per batch
// before handing any out; Take() hands one over without touching the disk.
// QueueStore::Create() writes the message into it in place under a queue
// ID chosen then, so the message is durable with the file's own fsync:
// one journal commit per message instead of two (writer.h). Spare names
// are never queue IDs, so readers of the queue (List, mailq) skip them.
// A crash leaves spares behind, empty or not; Open() sorts them out.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/base/unique_fd.h"

namespace posthorn::queue {

struct SpareFile {
  std::string path;
  UniqueFd fd;  // open for writing, empty
};

class SpareFiles {
 public:
  // Starts the thread, which keeps `keep` files ready in `dir`.
  SpareFiles(std::string dir, size_t keep);
  // Stops the thread and removes the files not taken.
  ~SpareFiles();
  SpareFiles(const SpareFiles&) = delete;
  SpareFiles& operator=(const SpareFiles&) = delete;

  // A ready file, or nullopt when there is none (the thread is behind, or
  // creating fails: a full disk, say); the caller then makes its own.
  std::optional<SpareFile> Take();

  // True when a file name is a spare's (in queue/msg/, or in queue/tmp/
  // where earlier versions kept them).
  static bool IsSpareName(const std::string& name);

 private:
  void Loop();
  // Makes `count` files and their names durable; empty on failure.
  std::deque<SpareFile> MakeBatch(size_t count);

  const std::string dir_;
  const size_t keep_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<SpareFile> ready_;
  bool stopping_ = false;
  bool failing_ = false;  // the last creation failed: wait for a Take() to try again
  unsigned long long next_ = 0;
  std::thread thread_;  // last: starts once the rest is built
};

}  // namespace posthorn::queue
