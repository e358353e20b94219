// Per-recipient outcomes: the state log's records, how they merge, what a
// crash in the middle of an append leaves, and removing a message.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>

#include "common/base/io.h"
#include "common/base/fs.h"
#include "common/queue/state_log.h"
#include "common/queue/store.h"
#include "tests/unit/temp_dir.h"

namespace posthorn::queue {
namespace {

using namespace std::string_literals;

constexpr auto kDelivered = RecipientStatus::kDelivered;
constexpr auto kBounced = RecipientStatus::kBounced;
constexpr auto kDeferred = RecipientStatus::kDeferred;
constexpr auto kPending = RecipientStatus::kPending;

std::string Record(size_t index, const RecipientState& s) {
  Result<std::string> r = FormatStateRecord(index, s);
  EXPECT_TRUE(r.ok()) << r.message();
  return r.ok() ? *r : "";
}

TEST(QueueStateLog, RecordFormat) {
  EXPECT_EQ(Record(2, {kDeferred, 1700000000, 3, 1700003600, "451 4.3.0 try later"}),
            "2 deferred 1700000000 3 1700003600 451%204.3.0%20try%20later\n");
  EXPECT_EQ(Record(0, {kDelivered, 5, 1, 0, ""}), "0 delivered 5 1 0\n");
  EXPECT_FALSE(FormatStateRecord(0, {kPending, 5, 1, 0, ""}).ok());
  EXPECT_FALSE(FormatStateRecord(0, {kBounced, -1, 1, 0, ""}).ok());
  // A long diagnostic is cut, not refused: the outcome matters more.
  std::string r = Record(0, {kBounced, 5, 1, 0, std::string(10000, '\n')});
  EXPECT_LT(r.size(), 4096u);
}

TEST(QueueStateLog, LastRecordWinsButFinalIsFinal) {
  std::string log = Record(0, {kDeferred, 10, 1, 20, "busy"}) + Record(1, {kDeferred, 10, 1, 20, "busy"}) +
                    Record(0, {kDeferred, 20, 2, 40, "still busy"}) + Record(1, {kBounced, 20, 2, 0, "550 no"}) +
                    Record(1, {kDelivered, 30, 3, 0, "late"});  // a caller bug must not undo a bounce
  std::vector<RecipientState> states(3);
  size_t end = 0;
  ASSERT_TRUE(ApplyStateLog(log, &states, &end).ok());
  EXPECT_EQ(end, log.size());
  EXPECT_EQ(states[0], (RecipientState{kDeferred, 20, 2, 40, "still busy"}));
  EXPECT_EQ(states[1], (RecipientState{kBounced, 20, 2, 0, "550 no"}));
  EXPECT_EQ(states[2].status, kPending);
}

TEST(QueueStateLog, TornLastLineIsIgnored) {
  std::string good = Record(0, {kDeferred, 10, 1, 20, "busy"});
  for (std::string torn : {"1 delivered 30"s, "1 deliv"s, "1"s, "\0\0\0\0"s, "1 delivered 30 1 0 ok\0\0"s,
                           "garbage\n"s, "1 delivered 30 x 0\n"s}) {
    std::vector<RecipientState> states(2);
    size_t end = 0;
    ASSERT_TRUE(ApplyStateLog(good + torn, &states, &end).ok()) << torn;
    EXPECT_EQ(end, good.size()) << torn;
    EXPECT_EQ(states[0].status, kDeferred);
    EXPECT_EQ(states[1].status, kPending) << torn;
  }
  // In the middle of the log, a bad line is damage, not a crash.
  std::vector<RecipientState> states(2);
  size_t end = 0;
  Status s = ApplyStateLog("garbage\n" + good, &states, &end);
  EXPECT_EQ(s.message(), "line 1: malformed record");
  s = ApplyStateLog(Record(5, {kDelivered, 1, 1, 0, ""}) + good, &states, &end);
  EXPECT_EQ(s.message(), "line 1: no recipient 5");
}

class QueueStateStore : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<QueueStore> s = QueueStore::Open(dir_.path());
    ASSERT_TRUE(s.ok()) << s.message();
    store_.emplace(std::move(*s));
    Envelope e;
    for (const char* r : {"<a@x.org>", "<b@x.org>", "<c@y.org>"}) e.recipients.push_back({*ParsePath(r), "", true, 0});
    Result<Writer> w = store_->Create(e);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(w->Write("Subject: x\r\n\r\nhi\r\n").ok());
    ASSERT_TRUE(store_->Commit(*w).ok());
    id_ = w->id();
    state_path_ = store_->msg_dir() + "/" + id_ + ".state";
  }

  testing::TempDir dir_;
  std::optional<QueueStore> store_;
  std::string id_;
  std::string state_path_;
};

TEST_F(QueueStateStore, OutcomesMergeIntoLoad) {
  ASSERT_TRUE(store_->RecordOutcome(id_, 0, {kDelivered, 100, 1, 0, "delivered to maildir"}).ok());
  ASSERT_TRUE(store_->RecordOutcomes(id_, {{1, {kDeferred, 100, 1, 400, "mda: 75"}}, {2, {kDeferred, 100, 1, 400, "dns"}}}).ok());
  ASSERT_TRUE(store_->RecordOutcome(id_, 2, {kBounced, 400, 2, 0, "550 5.1.1 no such user"}).ok());
  Result<QueuedMessage> m = store_->Load(id_);
  ASSERT_TRUE(m.ok()) << m.message();
  EXPECT_EQ(m->states[0], (RecipientState{kDelivered, 100, 1, 0, "delivered to maildir"}));
  EXPECT_EQ(m->states[1], (RecipientState{kDeferred, 100, 1, 400, "mda: 75"}));
  EXPECT_EQ(m->states[2], (RecipientState{kBounced, 400, 2, 0, "550 5.1.1 no such user"}));
  EXPECT_FALSE(m->done());
  ASSERT_TRUE(store_->RecordOutcome(id_, 1, {kDelivered, 500, 2, 0, ""}).ok());
  EXPECT_TRUE(store_->Load(id_)->done());

  EXPECT_FALSE(store_->RecordOutcome(id_, 3, {kDelivered, 500, 2, 0, ""}).ok());  // no such recipient
  EXPECT_FALSE(store_->RecordOutcome(id_, 0, {kPending, 500, 2, 0, ""}).ok());
  EXPECT_FALSE(store_->RecordOutcome("0000000000000000", 0, {kDelivered, 1, 1, 0, ""}).ok());
}

TEST_F(QueueStateStore, TornAppendIsCutBeforeTheNext) {
  ASSERT_TRUE(store_->RecordOutcome(id_, 0, {kDeferred, 100, 1, 400, "busy"}).ok());
  // What a crash in the middle of write(2) leaves: half a record.
  std::ofstream(state_path_, std::ios::app) << "1 delivered 10";
  Result<QueuedMessage> m = store_->Load(id_);
  ASSERT_TRUE(m.ok()) << m.message();
  EXPECT_EQ(m->states[0].status, kDeferred);
  EXPECT_EQ(m->states[1].status, kPending);

  ASSERT_TRUE(store_->RecordOutcome(id_, 2, {kDelivered, 500, 1, 0, "ok"}).ok());
  std::string log;
  ASSERT_TRUE(ReadFile(state_path_, &log).ok());
  EXPECT_EQ(log, "0 deferred 100 1 400 busy\n2 delivered 500 1 0 ok\n");
  m = store_->Load(id_);
  ASSERT_TRUE(m.ok()) << m.message();
  EXPECT_EQ(m->states[1].status, kPending);
  EXPECT_EQ(m->states[2].status, kDelivered);
}

TEST_F(QueueStateStore, DamagedLogIsAnError) {
  std::ofstream(state_path_) << "garbage\n0 delivered 1 1 0\n";
  Result<QueuedMessage> m = store_->Load(id_);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.message().find(".state: line 1: malformed record"), std::string::npos) << m.message();
}

TEST_F(QueueStateStore, Remove) {
  ASSERT_TRUE(store_->RecordOutcomes(id_, {{0, {kDelivered, 1, 1, 0, ""}}, {1, {kDelivered, 1, 1, 0, ""}},
                                           {2, {kBounced, 1, 1, 0, ""}}})
                  .ok());
  ASSERT_TRUE(store_->Load(id_)->done());
  ASSERT_TRUE(store_->Remove(id_).ok());
  EXPECT_TRUE(ListDir(store_->msg_dir())->empty());
  EXPECT_TRUE(store_->List()->empty());
  EXPECT_EQ(store_->Remove(id_).errnum(), ENOENT);
  EXPECT_EQ(store_->Load(id_).errnum(), ENOENT);
}

}  // namespace
}  // namespace posthorn::queue
