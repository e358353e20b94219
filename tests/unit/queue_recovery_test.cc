// What QueueStore::Open() makes of spare files a crash left in queue/msg/
// (common/queue/recovery.h): complete ones become messages, the rest go.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>

#include "common/base/fs.h"
#include "common/base/io.h"
#include "common/queue/recovery.h"
#include "common/queue/store.h"
#include "tests/unit/temp_dir.h"

namespace posthorn::queue {
namespace {

class QueueRecoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    state_ = dir_.path() + "/spool";
    Result<QueueStore> s = QueueStore::Open(state_);
    ASSERT_TRUE(s.ok()) << s.message();
    store_.emplace(std::move(*s));
  }

  // A committed message whose rename to its ID did not reach the disk:
  // the same bytes under a spare's name. Returns the ID.
  std::string CommittedAsSpare(const std::string& spare, const std::string& body) {
    Envelope e;
    e.sender = *ParsePath("<a@x.org>");
    e.recipients.push_back({*ParsePath("<b@y.org>"), "", true, 0});
    Result<Writer> w = store_->Create(e);
    EXPECT_TRUE(w.ok());
    EXPECT_TRUE(w->Write(body).ok());
    EXPECT_TRUE(store_->Commit(*w).ok());
    EXPECT_EQ(::rename(Msg(w->id()).c_str(), Msg(spare).c_str()), 0);
    return w->id();
  }

  std::string Msg(const std::string& name) const { return store_->msg_dir() + "/" + name; }

  std::vector<std::string> MsgNames() const {
    std::vector<std::string> n = *ListDir(store_->msg_dir());
    std::sort(n.begin(), n.end());
    return n;
  }

  void Reopen() {
    Result<QueueStore> s = QueueStore::Open(state_);
    ASSERT_TRUE(s.ok()) << s.message();
  }

  testing::TempDir dir_;
  std::string state_;
  std::optional<QueueStore> store_;
};

TEST_F(QueueRecoveryTest, CompleteSpareBecomesItsMessage) {
  std::string id = CommittedAsSpare("spare-7.0", "Subject: kept\r\n\r\nbody\r\n");
  std::string before;
  ASSERT_TRUE(ReadFile(Msg("spare-7.0"), &before).ok());
  Reopen();
  EXPECT_EQ(MsgNames(), std::vector<std::string>{id});
  std::string after;
  ASSERT_TRUE(ReadFile(Msg(id), &after).ok());
  EXPECT_EQ(after, before);
  Result<QueuedMessage> m = store_->Load(id);
  ASSERT_TRUE(m.ok()) << m.message();
  EXPECT_EQ(after.substr(m->body_offset), "Subject: kept\r\n\r\nbody\r\n");
}

TEST_F(QueueRecoveryTest, RecoveredMessageKeepsItsStateLog) {
  // Outcomes recorded before the crash belong to the message.
  std::string id = CommittedAsSpare("spare-7.0", "x\r\n");
  std::ofstream(Msg(id + ".state")) << "";
  Reopen();
  EXPECT_EQ(MsgNames(), (std::vector<std::string>{id, id + ".state"}));
}

TEST_F(QueueRecoveryTest, EmptyAndUnfinishedSparesAreRemoved) {
  std::ofstream(Msg("spare-7.0"));  // made ahead, never used
  std::string id = CommittedAsSpare("spare-7.1", "Subject: s\r\n\r\nbody\r\n");
  // Cut short: the message was still arriving.
  ASSERT_EQ(::truncate(Msg("spare-7.1").c_str(), std::filesystem::file_size(Msg("spare-7.1")) - 3), 0);
  Reopen();
  EXPECT_TRUE(MsgNames().empty());
}

TEST_F(QueueRecoveryTest, SpareWhoseDigitsWereNeverFilledInIsRemoved) {
  // The size record still zeros, as before Prepare(): not a message,
  // even though the length is right for it.
  CommittedAsSpare("spare-7.0", "");
  std::string file;
  ASSERT_TRUE(ReadFile(Msg("spare-7.0"), &file).ok());
  size_t crc = file.find("\ncrc ") + 5;
  file.replace(crc, kCrcDigits, std::string(kCrcDigits, '0'));
  std::ofstream(Msg("spare-7.0"), std::ios::trunc) << file;
  Reopen();
  EXPECT_TRUE(MsgNames().empty());
}

TEST_F(QueueRecoveryTest, TornSpareIsRemoved) {
  // Right length, wrong bytes: what a file system that persists the
  // length before the data can leave.
  CommittedAsSpare("spare-7.0", "Subject: s\r\n\r\nbody\r\n");
  std::string file;
  ASSERT_TRUE(ReadFile(Msg("spare-7.0"), &file).ok());
  file[file.size() - 4] = '\0';
  std::ofstream(Msg("spare-7.0"), std::ios::trunc | std::ios::binary) << file;
  Reopen();
  EXPECT_TRUE(MsgNames().empty());
}

TEST_F(QueueRecoveryTest, SpareWhoseIdIsTakenIsRemovedAndTheOtherKept) {
  std::string id = CommittedAsSpare("spare-7.0", "first\r\n");
  // Another message already holds the ID: the spare's publish failed.
  std::ofstream(Msg(id)) << "another message";
  Reopen();
  EXPECT_EQ(MsgNames(), std::vector<std::string>{id});
  std::string kept;
  ASSERT_TRUE(ReadFile(Msg(id), &kept).ok());
  EXPECT_EQ(kept, "another message");
}

TEST_F(QueueRecoveryTest, FileWithoutChecksumIsNotComplete) {
  // Files from before the crc record are only ever published ones.
  std::string text = "posthorn-queue 1\nid 6553F1A20C3B79E1\narrival 1\nsize 00000000000000000002\n"
                     "sender <a@x.org>\nrcpt <b@y.org> local\ndata\nx\n";
  std::ofstream(Msg("spare-7.0")) << text;
  UniqueFd fd(::open(Msg("spare-7.0").c_str(), O_RDONLY));
  Result<std::string> id = CompleteMessageId(fd.get(), Msg("spare-7.0"));
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "");
  Reopen();
  EXPECT_TRUE(MsgNames().empty());
}

TEST_F(QueueRecoveryTest, IdInFileNamesWhatWasStarted) {
  std::ofstream(Msg("a")) << "posthorn-queue 1\nid 6553F1A20C3B79E1\nsize 00";
  std::ofstream(Msg("b")) << "posthorn-queue 1\nid 6553F1A2";
  std::ofstream(Msg("c"));
  EXPECT_EQ(IdInFile(Msg("a")), "6553F1A20C3B79E1");
  EXPECT_EQ(IdInFile(Msg("b")), "");
  EXPECT_EQ(IdInFile(Msg("c")), "");
  EXPECT_EQ(IdInFile(Msg("none")), "");
}

}  // namespace
}  // namespace posthorn::queue
