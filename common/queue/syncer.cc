#include "common/queue/syncer.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "common/log/log.h"

namespace posthorn::queue {

Result<std::unique_ptr<Syncer>> Syncer::Start(const QueueStore* store) {
  UniqueFd efd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!efd.valid()) return SysError("cannot create eventfd", errno);
  return std::unique_ptr<Syncer>(new Syncer(store, std::move(efd)));
}

Syncer::Syncer(const QueueStore* store, UniqueFd event_fd)
    : store_(store), event_fd_(std::move(event_fd)), worker_([this] { Run(); }) {}

Syncer::~Syncer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  worker_.join();
}

void Syncer::Commit(Writer writer, Done done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_.push_back(Job{std::move(writer), std::move(done), Status::Ok()});
  }
  wake_.notify_one();
}

void Syncer::Run() {
  while (true) {
    std::vector<Job> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [this] { return stop_ || !pending_.empty(); });
      if (stop_) return;
      batch.reserve(pending_.size());
      for (Job& job : pending_) batch.push_back(std::move(job));
      pending_.clear();
    }
    batches_.fetch_add(1);
    SyncBatch(batch);
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (Job& job : batch) done_.push_back(std::move(job));
    }
    uint64_t one = 1;
    // Cannot fail short of a broken fd: the counter would need 2^64 posts.
    (void)!::write(event_fd_.get(), &one, sizeof one);
  }
}

void Syncer::SyncBatch(std::vector<Job>& batch) {
  for (Job& job : batch) job.status = store_->StartWriteback(job.writer);
  for (Job& job : batch)
    if (job.status.ok()) job.status = store_->Prepare(job.writer);
  bool any = false;
  for (Job& job : batch) {
    if (!job.status.ok()) continue;
    job.status = store_->Publish(job.writer);
    any = any || (job.status.ok() && job.writer.needs_dir_sync());
  }
  if (!any) return;
  Status dir = store_->SyncMsgDir();
  if (dir.ok()) return;
  // The renames may not survive a crash, so these messages must not be
  // acknowledged. Take them back too: the clients will retry, and a copy
  // left behind would be delivered twice.
  for (Job& job : batch) {
    if (!job.status.ok() || !job.writer.needs_dir_sync()) continue;
    job.status = dir;
    std::string path = store_->msg_dir() + "/" + job.writer.id();
    if (::unlink(path.c_str()) != 0) log::Warning("%s: cannot take back after a failed fsync", job.writer.id().c_str());
  }
}

size_t Syncer::DrainCompletions() {
  uint64_t count;
  (void)!::read(event_fd_.get(), &count, sizeof count);  // resets the counter; EAGAIN is fine
  std::vector<Job> finished;
  {
    std::lock_guard<std::mutex> lock(mu_);
    finished.swap(done_);
  }
  for (Job& job : finished) job.done(job.status);
  return finished.size();
}

}  // namespace posthorn::queue
