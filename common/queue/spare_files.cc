#include "common/queue/spare_files.h"

#include <fcntl.h>
#include <unistd.h>

#include "common/maildir/sync.h"

namespace posthorn::queue {

namespace {
constexpr std::string_view kPrefix = "spare-";
}

SpareFiles::SpareFiles(std::string dir, size_t keep)
    : dir_(std::move(dir)), keep_(keep), thread_([this] { Loop(); }) {}

SpareFiles::~SpareFiles() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
  for (const SpareFile& f : ready_) ::unlink(f.path.c_str());
}

bool SpareFiles::IsSpareName(const std::string& name) { return name.starts_with(kPrefix); }

std::optional<SpareFile> SpareFiles::Take() {
  std::optional<SpareFile> out;
  bool wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    failing_ = false;
    if (!ready_.empty()) {
      out = std::move(ready_.front());
      ready_.pop_front();
    }
    // Refill in batches: a thread woken for every message competes with
    // the loop for a CPU at the moment a client waits for 354.
    wake = ready_.size() <= keep_ / 2;
  }
  if (wake) cv_.notify_one();
  return out;
}

void SpareFiles::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || (ready_.size() < keep_ && !failing_); });
    if (stopping_) return;
    size_t count = keep_ - ready_.size();
    lock.unlock();
    std::deque<SpareFile> batch = MakeBatch(count);
    lock.lock();
    // On failure the caller makes its own file, and reports the error.
    failing_ = batch.empty();
    for (SpareFile& f : batch) ready_.push_back(std::move(f));
  }
}

std::deque<SpareFile> SpareFiles::MakeBatch(size_t count) {
  std::deque<SpareFile> batch;
  auto drop = [&batch] {
    for (const SpareFile& f : batch) ::unlink(f.path.c_str());
    batch.clear();
  };
  for (size_t i = 0; i < count; ++i) {
    std::string path = dir_ + "/" + std::string(kPrefix) + std::to_string(getpid()) + "." + std::to_string(next_++);
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
      drop();
      return batch;
    }
    batch.push_back(SpareFile{std::move(path), UniqueFd(fd)});
  }
  // Handed out before this, a spare could hold an acknowledged message
  // under a name that a crash takes away.
  if (!maildir::SyncDir(dir_).ok()) drop();
  return batch;
}

}  // namespace posthorn::queue
