// The queue store: layout, the write → prepare → publish → load round
// trip, and what is (not) left behind.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include "common/base/io.h"
#include "common/base/fs.h"
#include "common/queue/disk_space.h"
#include "common/queue/queue_id.h"
#include "common/queue/recovery.h"
#include "common/queue/spare_files.h"
#include "common/queue/store.h"
#include "tests/unit/temp_dir.h"

namespace posthorn::queue {
namespace {

Envelope TestEnvelope(int nrcpt = 1) {
  Envelope e;
  e.sender = *ParsePath("<a@x.org>");
  for (int i = 0; i < nrcpt; ++i)
    e.recipients.push_back({*ParsePath("<r" + std::to_string(i) + "@y.org>"), "", i % 2 == 0, 0});
  e.client.helo = "client.x.org";
  e.client.protocol = "ESMTP";
  return e;
}

std::vector<std::string> Names(const std::string& dir) {
  Result<std::vector<std::string>> n = ListDir(dir);
  return n.ok() ? *n : std::vector<std::string>{"(cannot list)"};
}

// zlib's CRC-32 of a queue file with the size and crc digits as zeros,
// computed here without the store's code (posthorn-queue(5)).
uint32_t FileCrc(const std::string& path) {
  std::string file;
  if (!ReadFile(path, &file).ok()) return 0;
  for (std::string key : {"\nsize ", "\ncrc "}) {
    size_t at = file.find(key) + key.size();
    while (at < file.size() && file[at] != '\n') file[at++] = '0';
  }
  return static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(file.data()), static_cast<uInt>(file.size())));
}

mode_t Mode(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
}

class QueueStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    state_ = dir_.path() + "/spool";
    Result<QueueStore> s = QueueStore::Open(state_);
    ASSERT_TRUE(s.ok()) << s.message();
    store_.emplace(std::move(*s));
  }

  // Queues `body`; returns the ID.
  std::string Queue(const std::string& body, int nrcpt = 1) {
    Result<Writer> w = store_->Create(TestEnvelope(nrcpt));
    EXPECT_TRUE(w.ok()) << w.message();
    if (!w.ok()) return "";
    EXPECT_TRUE(w->Write(body).ok());
    EXPECT_TRUE(store_->Commit(*w).ok());
    return w->id();
  }

  testing::TempDir dir_;
  std::string state_;
  std::optional<QueueStore> store_;
};

TEST_F(QueueStoreTest, OpenMakesTheLayout) {
  EXPECT_EQ(Mode(state_), 0755u);
  EXPECT_EQ(Mode(state_ + "/queue"), 0700u);
  EXPECT_EQ(Mode(state_ + "/queue/tmp"), 0700u);
  EXPECT_EQ(Mode(state_ + "/queue/msg"), 0700u);
  EXPECT_EQ(Mode(state_ + "/maildrop"), 01733u);
  EXPECT_EQ(Mode(state_ + "/corrupt"), 0700u);
  // Again: harmless, and existing modes stand.
  ASSERT_EQ(::chmod((state_ + "/maildrop").c_str(), 01730), 0);
  ASSERT_TRUE(QueueStore::Open(state_).ok());
  EXPECT_EQ(Mode(state_ + "/maildrop"), 01730u);
  EXPECT_FALSE(QueueStore::OpenForReading(dir_.path() + "/nothing").ok());
  EXPECT_FALSE(QueueStore::Open(dir_.path() + "/no/such/parent").ok());
}

TEST_F(QueueStoreTest, RoundTripIsByteExact) {
  std::string body = "Subject: test\r\n\r\n";
  for (int c = 0; c < 256; ++c) body += static_cast<char>(c);
  body += "\r\ndata\n\r\n.\r\n";  // nothing in the body is special to the store
  Result<Writer> w = store_->Create(TestEnvelope(3));
  ASSERT_TRUE(w.ok()) << w.message();
  std::string id = w->id();
  EXPECT_TRUE(IsValidQueueId(id));
  ASSERT_TRUE(w->Write(body.substr(0, 10)).ok());
  ASSERT_TRUE(w->Write(body.substr(10)).ok());
  EXPECT_EQ(w->size(), body.size());
  EXPECT_EQ(Names(store_->tmp_dir()), std::vector<std::string>{id});
  EXPECT_TRUE(Names(store_->msg_dir()).empty());

  ASSERT_TRUE(store_->Prepare(*w).ok());
  EXPECT_TRUE(Names(store_->msg_dir()).empty());  // not visible before Publish
  ASSERT_TRUE(store_->Publish(*w).ok());
  ASSERT_TRUE(store_->SyncMsgDir().ok());
  EXPECT_TRUE(w->published());
  EXPECT_FALSE(w->Write("more").ok());
  EXPECT_TRUE(Names(store_->tmp_dir()).empty());
  EXPECT_EQ(*store_->List(), std::vector<std::string>{id});
  EXPECT_EQ(Mode(store_->msg_dir() + "/" + id), 0600u);

  Result<QueuedMessage> m = store_->Load(id);
  ASSERT_TRUE(m.ok()) << m.message();
  Envelope want = TestEnvelope(3);
  want.id = id;
  want.size = body.size();
  want.arrival = m->envelope.arrival;
  want.crc = FileCrc(store_->msg_dir() + "/" + id);
  EXPECT_TRUE(m->envelope == want);
  EXPECT_NEAR(double(m->envelope.arrival), double(::time(nullptr)), 5);
  ASSERT_EQ(m->states.size(), 3u);
  EXPECT_EQ(m->states[0].status, RecipientStatus::kPending);
  EXPECT_FALSE(m->done());

  std::string file;
  ASSERT_TRUE(ReadFile(store_->msg_dir() + "/" + id, &file).ok());
  EXPECT_EQ(file.substr(m->body_offset), body);

  Result<MessageBody> b = store_->OpenBody(id);
  ASSERT_TRUE(b.ok()) << b.message();
  EXPECT_EQ(b->size, body.size());
  EXPECT_EQ(b->offset, m->body_offset);
  std::string streamed(body.size() + 10, '\0');
  ssize_t n = ::read(b->fd.get(), streamed.data(), streamed.size());
  ASSERT_EQ(n, ssize_t(body.size()));
  streamed.resize(size_t(n));
  EXPECT_EQ(streamed, body);
}

TEST_F(QueueStoreTest, AbandonedWriterLeavesNothing) {
  {
    Result<Writer> w = store_->Create(TestEnvelope());
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(w->Write("half a mess").ok());
  }
  {
    Result<Writer> w = store_->Create(TestEnvelope());
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(store_->Prepare(*w).ok());  // durable but never published
  }
  EXPECT_TRUE(Names(store_->tmp_dir()).empty());
  EXPECT_TRUE(Names(store_->msg_dir()).empty());
}

TEST_F(QueueStoreTest, OutOfOrderCallsAreRefused) {
  Result<Writer> w = store_->Create(TestEnvelope());
  ASSERT_TRUE(w.ok());
  EXPECT_FALSE(store_->Publish(*w).ok());  // not prepared
  ASSERT_TRUE(store_->Prepare(*w).ok());
  EXPECT_FALSE(store_->Prepare(*w).ok());
  EXPECT_FALSE(w->Write("x").ok());
  EXPECT_TRUE(store_->Publish(*w).ok());
  EXPECT_FALSE(store_->Publish(*w).ok());

  Result<Writer> w2 = store_->Create(TestEnvelope());
  ASSERT_TRUE(w2.ok());
  ASSERT_TRUE(w2->Write("body\r\n").ok());
  EXPECT_TRUE(store_->StartWriteback(*w2).ok());
  EXPECT_TRUE(store_->StartWriteback(*w2).ok());  // harmless twice
  EXPECT_FALSE(w2->Write("late").ok());
  EXPECT_TRUE(store_->Commit(*w2).ok());
  EXPECT_EQ(store_->Load(w2->id())->envelope.size, 6u);
}

TEST_F(QueueStoreTest, OpenCleansTmpAndOrphanStates) {
  std::string kept = Queue("kept\r\n");
  std::ofstream(store_->tmp_dir() + "/6553F1A20C3B79E1") << "posthorn-queue 1\nid 6553F1A20C3B79E1\n";
  std::ofstream(store_->tmp_dir() + "/junk") << "x";
  std::ofstream(store_->msg_dir() + "/6553F1A20C3B79E2.state") << "0 delivered 1 1 0\n";
  std::ofstream(store_->msg_dir() + "/README") << "not a message";
  ASSERT_TRUE(store_->RecordOutcome(kept, 0, {RecipientStatus::kDeferred, 1, 1, 2, "later"}).ok());

  Result<QueueStore> again = QueueStore::Open(state_);
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_TRUE(Names(store_->tmp_dir()).empty());
  std::vector<std::string> msg = Names(store_->msg_dir());
  std::sort(msg.begin(), msg.end());
  EXPECT_EQ(msg, (std::vector<std::string>{kept, kept + ".state", "README"}));
  EXPECT_EQ(*again->List(), std::vector<std::string>{kept});
  EXPECT_EQ(again->Load(kept)->states[0].text, "later");
}

TEST_F(QueueStoreTest, SpareFilesAreReadyEmptyAndCleanedUp) {
  std::optional<SpareFile> spare;
  {
    SpareFiles spares(store_->msg_dir(), 3);
    // Handed out only once the batch's names are on disk (all three).
    for (int i = 0; i < 500 && !(spare = spares.Take()); ++i) usleep(2000);
    ASSERT_TRUE(spare.has_value());
    EXPECT_EQ(Names(store_->msg_dir()).size(), 3u);
    EXPECT_TRUE(store_->List()->empty());  // spares are not messages
    EXPECT_TRUE(SpareFiles::IsSpareName(spare->path.substr(spare->path.rfind('/') + 1))) << spare->path;
    EXPECT_EQ(spare->path.substr(0, spare->path.rfind('/')), store_->msg_dir());
    struct stat st;
    ASSERT_EQ(::fstat(spare->fd.get(), &st), 0);
    EXPECT_EQ(st.st_size, 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
  }
  // The spares not taken are gone; the one taken is the taker's.
  EXPECT_EQ(Names(store_->msg_dir()), std::vector<std::string>{spare->path.substr(spare->path.rfind('/') + 1)});
}

TEST_F(QueueStoreTest, MessageWrittenIntoASpareIsPublishedInPlace) {
  SpareFiles spares(store_->msg_dir(), 1);
  std::optional<SpareFile> spare;
  for (int i = 0; i < 500 && !(spare = spares.Take()); ++i) usleep(2000);
  ASSERT_TRUE(spare.has_value());
  std::string spare_path = spare->path;
  Result<Writer> w = store_->Create(TestEnvelope(), std::move(spare));
  ASSERT_TRUE(w.ok()) << w.message();
  ASSERT_TRUE(w->Write("Subject: s\r\n\r\nbody\r\n").ok());
  ASSERT_TRUE(store_->Prepare(*w).ok());
  // Durable now, under the spare's name: complete by size and checksum.
  UniqueFd fd(::open(spare_path.c_str(), O_RDONLY));
  EXPECT_EQ(*CompleteMessageId(fd.get(), spare_path), w->id());
  ASSERT_TRUE(store_->Publish(*w).ok());
  EXPECT_FALSE(w->needs_dir_sync());
  EXPECT_EQ(*store_->List(), std::vector<std::string>{w->id()});
  EXPECT_EQ(store_->Load(w->id())->envelope.size, 20u);
  EXPECT_EQ(store_->Load(w->id())->envelope.crc, FileCrc(store_->msg_dir() + "/" + w->id()));
  EXPECT_NE(::access(spare_path.c_str(), F_OK), 0);
  EXPECT_TRUE(Names(store_->tmp_dir()).empty());
}

TEST_F(QueueStoreTest, MessageMadeWithoutASpareNeedsTheDirectorySynced) {
  Result<Writer> w = store_->Create(TestEnvelope());
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(w->Write("x\r\n").ok());
  ASSERT_TRUE(store_->Prepare(*w).ok());
  ASSERT_TRUE(store_->Publish(*w).ok());
  EXPECT_TRUE(w->needs_dir_sync());
}

TEST_F(QueueStoreTest, LargeMessageGetsItsSizeAndChecksumFilledInAfterTheFact) {
  // Over the writer's buffer: the header reaches the file before the
  // message is complete, and the digits are written in place later.
  std::string body;
  for (int i = 0; body.size() < 300 * 1024; ++i) body += "line " + std::to_string(i) + "\r\n";
  std::string id = Queue(body);
  std::string path = store_->msg_dir() + "/" + id;
  EXPECT_EQ(store_->Load(id)->envelope.size, body.size());
  EXPECT_EQ(store_->Load(id)->envelope.crc, FileCrc(path));
  UniqueFd fd(::open(path.c_str(), O_RDONLY));
  EXPECT_EQ(*CompleteMessageId(fd.get(), path), id);
}

TEST_F(QueueStoreTest, OpenRemovesOldSparesInTmp) {
  std::ofstream(store_->tmp_dir() + "/spare-1.0");  // empty: made ahead, never used
  std::ofstream(store_->tmp_dir() + "/spare-1.1") << "posthorn-queue 1\nid 6553F1A20C3B79E1\nsize 00000";
  Result<QueueStore> again = QueueStore::Open(state_);
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_TRUE(Names(store_->tmp_dir()).empty());
  EXPECT_TRUE(again->List()->empty());
}

TEST_F(QueueStoreTest, RemoveWithoutSyncRemovesAll) {
  std::string id = Queue("x\r\n", 2);
  ASSERT_TRUE(store_->RecordOutcome(id, 0, {RecipientStatus::kDelivered, 1, 1, 0, ""}).ok());
  ASSERT_TRUE(store_->Remove(id, false).ok());
  EXPECT_TRUE(Names(store_->msg_dir()).empty());
}

TEST_F(QueueStoreTest, ReadersChangeNothing) {
  std::ofstream(store_->tmp_dir() + "/6553F1A20C3B79E1") << "in progress";
  Result<QueueStore> reader = QueueStore::OpenForReading(state_);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(Names(store_->tmp_dir()).size(), 1u);
}

TEST_F(QueueStoreTest, ListIsSortedAndLoadChecksTheFile) {
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(Queue("message " + std::to_string(i) + "\r\n"));
  std::vector<std::string> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(*store_->List(), sorted);

  // A file cut short (by hand: the store never does this) is refused.
  std::string path = store_->msg_dir() + "/" + ids[0];
  ASSERT_EQ(::truncate(path.c_str(), std::filesystem::file_size(path) - 1), 0);
  Result<QueuedMessage> m = store_->Load(ids[0]);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.message().find("bytes, expected"), std::string::npos) << m.message();
  EXPECT_FALSE(store_->OpenBody(ids[0]).ok());
  // A file under another's name is refused.
  std::filesystem::copy_file(store_->msg_dir() + "/" + ids[1], store_->msg_dir() + "/6553F1A20C3B79E1");
  EXPECT_NE(store_->Load("6553F1A20C3B79E1").message().find("holds message " + ids[1]), std::string::npos);
  for (const char* bad : {"../../etc/passwd", "", "6553f1a20c3b79e1"}) {
    EXPECT_FALSE(store_->Load(bad).ok());
    EXPECT_FALSE(store_->OpenBody(bad).ok());
    EXPECT_FALSE(store_->Remove(bad).ok());
  }
  EXPECT_EQ(store_->Load("0000000000000000").errnum(), ENOENT);
}

TEST_F(QueueStoreTest, FreeSpaceCheck) {
  EXPECT_TRUE(CheckFreeSpace(store_->msg_dir(), 1000, 1 << 20).ok());
  Status s = CheckFreeSpace(store_->msg_dir(), 1000, UINT64_MAX / 2);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(IsNoSpace(s));
  EXPECT_FALSE(IsNoSpace(CheckFreeSpace(dir_.path() + "/none", 0, 0)));
}

}  // namespace
}  // namespace posthorn::queue
