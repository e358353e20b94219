// Work that must not run on an event loop (crypt(3) takes tens of
// milliseconds by design; fsync can take longer) runs on worker threads,
// and its completion comes back to the loop thread: the loop watches
// notify_fd() and calls RunCompletions() when it is readable. Loop-agnostic
// on purpose, so libevent stays out of common/base.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "common/base/unique_fd.h"

namespace posthorn {

class BackgroundWorker {
 public:
  explicit BackgroundWorker(int threads);
  ~BackgroundWorker();  // finishes queued work, drops completions not yet run
  BackgroundWorker(const BackgroundWorker&) = delete;
  BackgroundWorker& operator=(const BackgroundWorker&) = delete;

  // Runs `work` on a worker thread, then `done` on the thread that calls
  // RunCompletions(). `work` must not touch loop-owned state.
  void Submit(std::function<void()> work, std::function<void()> done);

  // Readable when completions are waiting (an eventfd).
  int notify_fd() const { return event_fd_.get(); }
  // Runs the waiting completions; returns how many ran.
  int RunCompletions();

 private:
  struct Job {
    std::function<void()> work, done;
  };
  void Loop();

  UniqueFd event_fd_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> pending_;
  std::vector<std::function<void()>> finished_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace posthorn
