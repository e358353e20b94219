#include "common/base/background.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

namespace posthorn {

BackgroundWorker::BackgroundWorker(int threads)
    : event_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
}

BackgroundWorker::~BackgroundWorker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void BackgroundWorker::Submit(std::function<void()> work, std::function<void()> done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_.push_back(Job{std::move(work), std::move(done)});
  }
  cv_.notify_one();
}

void BackgroundWorker::Loop() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      if (pending_.empty()) return;  // stopping, and nothing left to do
      job = std::move(pending_.front());
      pending_.pop_front();
    }
    job.work();
    {
      std::lock_guard<std::mutex> lock(mu_);
      finished_.push_back(std::move(job.done));
    }
    uint64_t one = 1;
    (void)!::write(event_fd_.get(), &one, sizeof one);
  }
}

int BackgroundWorker::RunCompletions() {
  uint64_t count;
  (void)!::read(event_fd_.get(), &count, sizeof count);
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ready.swap(finished_);
  }
  for (auto& done : ready) done();
  return static_cast<int>(ready.size());
}

}  // namespace posthorn
