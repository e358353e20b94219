// What failures leave: a full disk (a tiny tmpfs) and a process killed
// with SIGKILL at each step of writing a message.
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>

#include "common/base/io.h"
#include "common/base/fs.h"
#include "common/queue/disk_space.h"
#include "common/queue/maildrop.h"
#include "common/queue/store.h"
#include "tests/unit/temp_dir.h"

namespace posthorn::queue {
namespace {

Envelope OneRecipient() {
  Envelope e;
  e.sender = *ParsePath("<a@x.org>");
  e.recipients.push_back({*ParsePath("<b@y.org>"), "", true, 0});
  return e;
}

std::string Body(const QueueStore& store, const std::string& id) {
  Result<MessageBody> b = store.OpenBody(id);
  if (!b.ok()) return "(" + b.message() + ")";
  std::string out(b->size, '\0');
  if (::read(b->fd.get(), out.data(), out.size()) != ssize_t(out.size())) return "(short read)";
  return out;
}

class QueueDiskFull : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to mount a tmpfs";
    mnt_ = dir_.path() + "/small";
    ASSERT_EQ(::mkdir(mnt_.c_str(), 0755), 0);
    if (::mount("tmpfs", mnt_.c_str(), "tmpfs", 0, "size=64k") != 0) GTEST_SKIP() << "cannot mount a tmpfs here";
    mounted_ = true;
    Result<QueueStore> s = QueueStore::Open(mnt_);
    ASSERT_TRUE(s.ok()) << s.message();
    store_.emplace(std::move(*s));
  }
  void TearDown() override {
    if (mounted_) ::umount2(mnt_.c_str(), MNT_DETACH);
  }

  testing::TempDir dir_;
  std::string mnt_;
  bool mounted_ = false;
  std::optional<QueueStore> store_;
};

TEST_F(QueueDiskFull, BigMessageFailsCleanlyAndSparesTheQueue) {
  Result<Writer> first = store_->Create(OneRecipient());
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->Write("Subject: earlier\r\n\r\nsafe\r\n").ok());
  ASSERT_TRUE(store_->Commit(*first).ok());
  std::string earlier = first->id();

  Result<Writer> w = store_->Create(OneRecipient());
  ASSERT_TRUE(w.ok());
  std::string chunk(8192, 'x');
  Status s;
  for (int i = 0; i < 128 && s.ok(); ++i) s = w->Write(chunk);  // 1 MB
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(IsNoSpace(s)) << s.message();
  // Gone at once, not when the writer goes: the space is back for others.
  EXPECT_TRUE(ListDir(store_->tmp_dir())->empty());
  EXPECT_FALSE(w->Write("more").ok());
  EXPECT_TRUE(IsNoSpace(store_->Prepare(*w)));

  EXPECT_EQ(*store_->List(), std::vector<std::string>{earlier});
  EXPECT_EQ(Body(*store_, earlier), "Subject: earlier\r\n\r\nsafe\r\n");
  Result<Writer> after = store_->Create(OneRecipient());  // and the queue still works
  ASSERT_TRUE(after.ok());
  ASSERT_TRUE(after->Write("small\r\n").ok());
  EXPECT_TRUE(store_->Commit(*after).ok());
}

TEST_F(QueueDiskFull, CreateOnAFullDiskAndTheEarlyCheck) {
  EXPECT_TRUE(CheckFreeSpace(store_->msg_dir(), 1000, 4096).ok());
  EXPECT_TRUE(IsNoSpace(CheckFreeSpace(store_->msg_dir(), 1 << 20, 4096)));
  {
    std::ofstream filler(mnt_ + "/filler");
    filler << std::string(128 << 10, 'f');
  }
  EXPECT_TRUE(IsNoSpace(CheckFreeSpace(store_->msg_dir(), 0, 1)));
  // The envelope waits in memory (writer.h), so the full disk may show
  // only when the message is committed; either way nothing is left.
  Result<Writer> w = store_->Create(OneRecipient());
  if (w.ok()) {
    EXPECT_TRUE(w->Write(std::string(8192, 'x')).ok());
    Status s = store_->Commit(*w);
    EXPECT_TRUE(IsNoSpace(s)) << s.message();
  } else {
    EXPECT_TRUE(IsNoSpace(w.error())) << w.message();
  }
  EXPECT_TRUE(ListDir(store_->tmp_dir())->empty());
  EXPECT_TRUE(store_->List()->empty());
  // sendmail's side fails the same way and leaves nothing either.
  DropEnvelope d{*ParsePath("<a@x.org>"), {*ParsePath("<b@y.org>")}};
  Result<DropWriter> dw = DropWriter::Create(mnt_, d);
  EXPECT_TRUE(!dw.ok() ? IsNoSpace(dw.error()) : IsNoSpace(dw->Write(std::string(8192, 'x'))));
  EXPECT_TRUE(ListDir(store_->maildrop_dir())->empty());
}

// Runs `step` in a child, which then signals and waits to be killed.
void KillAfter(const std::function<void()>& step) {
  int pipefd[2];
  ASSERT_EQ(::pipe(pipefd), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(pipefd[0]);
    step();
    (void)!::write(pipefd[1], "r", 1);
    while (true) ::pause();
  }
  ::close(pipefd[1]);
  char c;
  ASSERT_EQ(::read(pipefd[0], &c, 1), 1);
  ::close(pipefd[0]);
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

class QueueCrash : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<QueueStore> s = QueueStore::Open(dir_.path());
    ASSERT_TRUE(s.ok()) << s.message();
    store_.emplace(std::move(*s));
  }
  // The child's steps; _exit on surprise so the parent's read fails.
  void Step(int how_far) {
    Result<Writer> w = store_->Create(OneRecipient());
    if (!w.ok() || !w->Write("Subject: x\r\n\r\nhalf").ok()) ::_exit(1);
    if (how_far >= 1 && !store_->Prepare(*w).ok()) ::_exit(1);
    if (how_far >= 2 && (!store_->Publish(*w).ok() || !store_->SyncMsgDir().ok())) ::_exit(1);
    // Keep the writer alive: a SIGKILL runs no destructor.
    static std::optional<Writer> keep;
    keep.emplace(std::move(*w));
  }

  testing::TempDir dir_;
  std::optional<QueueStore> store_;
};

TEST_F(QueueCrash, KilledWhileWritingLeavesNoMessage) {
  KillAfter([this] { Step(0); });
  EXPECT_EQ(ListDir(store_->tmp_dir())->size(), 1u);  // what SIGKILL leaves
  EXPECT_TRUE(store_->List()->empty());               // but nobody sees it
  Result<QueueStore> again = QueueStore::Open(dir_.path());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(ListDir(again->tmp_dir())->empty());
  EXPECT_TRUE(again->List()->empty());
}

TEST_F(QueueCrash, KilledAfterFsyncBeforePublishLeavesNoMessage) {
  KillAfter([this] { Step(1); });
  Result<QueueStore> again = QueueStore::Open(dir_.path());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(ListDir(again->tmp_dir())->empty());
  EXPECT_TRUE(ListDir(again->msg_dir())->empty());
}

TEST_F(QueueCrash, KilledAfterCommitKeepsTheMessage) {
  KillAfter([this] { Step(2); });
  Result<QueueStore> again = QueueStore::Open(dir_.path());
  ASSERT_TRUE(again.ok());
  Result<std::vector<std::string>> ids = again->List();
  ASSERT_EQ(ids->size(), 1u);
  EXPECT_EQ(Body(*again, (*ids)[0]), "Subject: x\r\n\r\nhalf");
}

}  // namespace
}  // namespace posthorn::queue
