// Group commit: many messages from the loop's thread, made durable on the
// worker, reported back through the eventfd exactly once each.
#include <poll.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <map>

#include "common/base/fs.h"
#include "common/queue/syncer.h"
#include "tests/unit/temp_dir.h"

namespace posthorn::queue {
namespace {

class QueueSyncerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<QueueStore> s = QueueStore::Open(dir_.path());
    ASSERT_TRUE(s.ok()) << s.message();
    store_.emplace(std::move(*s));
    Result<std::unique_ptr<Syncer>> syncer = Syncer::Start(&*store_);
    ASSERT_TRUE(syncer.ok()) << syncer.message();
    syncer_ = std::move(*syncer);
  }

  Writer NewMessage(const std::string& body) {
    Envelope e;
    e.recipients.push_back({*ParsePath("<b@y.org>"), "", false, 0});
    Result<Writer> w = store_->Create(e);
    EXPECT_TRUE(w.ok()) << w.message();
    EXPECT_TRUE(w->Write(body).ok());
    return std::move(*w);
  }

  bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

  // Runs the "event loop" until `want` callbacks ran or 20 s passed.
  void Loop(const std::map<std::string, int>& counts, size_t want) {
    for (int i = 0; i < 2000; ++i) {
      size_t total = 0;
      for (const auto& [id, n] : counts) total += n;
      if (total >= want) return;
      pollfd p = {syncer_->notify_fd(), POLLIN, 0};
      if (::poll(&p, 1, 10) == 1) syncer_->DrainCompletions();
    }
  }

  testing::TempDir dir_;
  std::optional<QueueStore> store_;
  std::unique_ptr<Syncer> syncer_;
};

TEST_F(QueueSyncerTest, TwoHundredMessagesEachReportedOnceWhenDurable) {
  constexpr int kJobs = 200;
  std::map<std::string, int> calls;
  int failures = 0;
  for (int i = 0; i < kJobs; ++i) {
    Writer w = NewMessage("message " + std::to_string(i) + "\r\n");
    std::string id = w.id();
    calls[id] = 0;
    syncer_->Commit(std::move(w), [this, id, &calls, &failures](const Status& s) {
      ++calls[id];
      if (!s.ok()) ++failures;
      // The callback is where smtpd answers 250: the message must be in
      // msg/ (renamed, directory fsynced) and nothing left in tmp/.
      EXPECT_TRUE(Exists(store_->msg_dir() + "/" + id)) << id;
      EXPECT_FALSE(Exists(store_->tmp_dir() + "/" + id)) << id;
    });
    // Drain now and then, as a loop would between sessions.
    if (i % 25 == 0) syncer_->DrainCompletions();
  }
  Loop(calls, kJobs);
  EXPECT_EQ(failures, 0);
  for (const auto& [id, n] : calls) EXPECT_EQ(n, 1) << id;
  EXPECT_EQ(store_->List()->size(), size_t(kJobs));
  EXPECT_TRUE(ListDir(store_->tmp_dir())->empty());
  for (const auto& [id, n] : calls) EXPECT_TRUE(store_->Load(id).ok()) << id;
  // Batching happened (jobs queue up while the worker fsyncs).
  EXPECT_LE(syncer_->batches(), uint64_t(kJobs));
  EXPECT_GE(syncer_->batches(), 1u);
  std::printf("[   INFO   ] %d messages in %llu batches\n", kJobs, static_cast<unsigned long long>(syncer_->batches()));
  EXPECT_EQ(syncer_->DrainCompletions(), 0u);  // nothing reported twice
}

TEST_F(QueueSyncerTest, OneFailureDoesNotSinkTheBatch) {
  std::map<std::string, int> calls;
  std::map<std::string, bool> ok;
  std::string doomed;
  for (int i = 0; i < 5; ++i) {
    Writer w = NewMessage("x\r\n");
    std::string id = w.id();
    if (i == 2) {
      doomed = id;
      ::unlink((store_->tmp_dir() + "/" + id).c_str());  // the rename will fail
    }
    calls[id] = 0;
    syncer_->Commit(std::move(w), [id, &calls, &ok](const Status& s) {
      ++calls[id];
      ok[id] = s.ok();
    });
  }
  Loop(calls, 5);
  for (const auto& [id, n] : calls) {
    EXPECT_EQ(n, 1);
    EXPECT_EQ(ok[id], id != doomed) << id;
  }
  EXPECT_EQ(store_->List()->size(), 4u);
}

TEST_F(QueueSyncerTest, CallbacksMayCommitMore) {
  std::map<std::string, int> calls;
  Writer first = NewMessage("first\r\n");
  std::string id = first.id();
  calls[id] = 0;
  syncer_->Commit(std::move(first), [&](const Status&) {
    ++calls[id];
    Writer second = NewMessage("second\r\n");
    std::string id2 = second.id();
    calls[id2] = 0;
    syncer_->Commit(std::move(second), [&calls, id2](const Status& s) {
      EXPECT_TRUE(s.ok());
      ++calls[id2];
    });
  });
  Loop(calls, 2);
  EXPECT_EQ(calls.size(), 2u);
  for (const auto& [i, n] : calls) EXPECT_EQ(n, 1);
}

TEST_F(QueueSyncerTest, DestroyedWithJobsLeavesOnlyWholeMessages) {
  int callbacks = 0;
  for (int i = 0; i < 50; ++i) syncer_->Commit(NewMessage("m\r\n"), [&callbacks](const Status&) { ++callbacks; });
  syncer_.reset();
  EXPECT_EQ(callbacks, 0);
  EXPECT_TRUE(ListDir(store_->tmp_dir())->empty());
  std::vector<std::string> ids = *store_->List();
  for (const std::string& id : ids) EXPECT_TRUE(store_->Load(id).ok()) << id;
}

}  // namespace
}  // namespace posthorn::queue
