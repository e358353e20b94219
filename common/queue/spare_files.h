// Queue files made ahead of need. Creating a file is a change to the
// directory, and on a journalling file system it can wait behind another
// process's fsync (0.4-0.8 ms measured under load, a stall for every
// session on smtpd's loop). A thread keeps a few empty files ready in
// queue/tmp/, named spare-N; Take() hands one over without touching the
// disk, and QueueStore::Create() writes the message into it under a queue
// ID chosen then. The file is renamed to queue/msg/ID at commit as any
// other. A crash leaves spares in queue/tmp/, which Open() empties anyway.
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
  // Starts the thread, which keeps `keep` files ready in `tmp_dir`.
  SpareFiles(std::string tmp_dir, size_t keep);
  // Stops the thread and removes the files not taken.
  ~SpareFiles();
  SpareFiles(const SpareFiles&) = delete;
  SpareFiles& operator=(const SpareFiles&) = delete;

  // A ready file, or nullopt when there is none (the thread is behind, or
  // creating fails: a full disk, say); the caller then makes its own.
  std::optional<SpareFile> Take();

  // True when a file name in queue/tmp/ is a spare.
  static bool IsSpareName(const std::string& name);

 private:
  void Loop();

  const std::string tmp_dir_;
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
