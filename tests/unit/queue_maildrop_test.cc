// sendmail(1)'s maildrop: the writer, and smtpd's import of finished
// drops, garbage and files still being written.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>

#include "common/base/io.h"
#include "common/log/log.h"
#include "common/base/fs.h"
#include "common/queue/drop_format.h"
#include "common/queue/drop_import.h"
#include "common/queue/maildrop.h"
#include "tests/unit/temp_dir.h"

namespace posthorn::queue {
namespace {

using Kind = ImportResult::Kind;

class QueueMaildrop : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<QueueStore> s = QueueStore::Open(dir_.path());
    ASSERT_TRUE(s.ok()) << s.message();
    store_.emplace(std::move(*s));
    options_.is_local = [](const Address& a) { return a.domain == "here.org"; };
  }
  DropEnvelope Drop() const {
    return {*ParsePath("<alice@here.org>"), {*ParsePath("<bob@here.org>"), *ParsePath("<carol@far.org>")}};
  }
  std::vector<std::string> Drops() {
    Result<std::vector<std::string>> d = ListDrops(*store_, ::time(nullptr));
    return d.ok() ? *d : std::vector<std::string>{"(" + d.message() + ")"};
  }
  std::string Body(const std::string& id) {
    Result<MessageBody> b = store_->OpenBody(id);
    if (!b.ok()) return b.message();
    std::string out(b->size, '\0');
    return ::read(b->fd.get(), out.data(), out.size()) == ssize_t(out.size()) ? out : "(short)";
  }

  testing::TempDir dir_;
  std::optional<QueueStore> store_;
  ImportOptions options_;
};

TEST_F(QueueMaildrop, DropAndImport) {
  Result<DropWriter> w = DropWriter::Create(dir_.path(), Drop());
  ASSERT_TRUE(w.ok()) << w.message();
  ASSERT_TRUE(w->Write("Subject: hi\n\nline one\r\nline").ok());
  ASSERT_TRUE(w->Write(" two\n.\nno final newline").ok());
  Result<std::string> name = w->Commit();
  ASSERT_TRUE(name.ok()) << name.message();
  EXPECT_NE((*name)[0], '.');
  struct stat st;
  ASSERT_EQ(::stat((store_->maildrop_dir() + "/" + *name).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  EXPECT_EQ(Drops(), std::vector<std::string>{*name});

  ImportResult r = ImportDrop(*store_, *name, options_);
  ASSERT_EQ(r.kind, Kind::kQueued) << r.reason;
  EXPECT_TRUE(Drops().empty());
  Result<QueuedMessage> m = store_->Load(r.id);
  ASSERT_TRUE(m.ok()) << m.message();
  const Envelope& e = m->envelope;
  EXPECT_EQ(e.sender.ToString(), "alice@here.org");
  ASSERT_EQ(e.recipients.size(), 2u);
  EXPECT_EQ(e.recipients[0].address.ToString(), "bob@here.org");
  EXPECT_TRUE(e.recipients[0].local);
  EXPECT_FALSE(e.recipients[1].local);
  EXPECT_EQ(e.client.uid, int64_t(::getuid()));
  EXPECT_EQ(e.client.protocol, "local");
  EXPECT_NEAR(double(e.arrival), double(::time(nullptr)), 5);
  EXPECT_EQ(Body(r.id), "Subject: hi\r\n\r\nline one\r\nline two\r\n.\r\nno final newline\r\n");
}

TEST_F(QueueMaildrop, UnfinishedDropsAreNotTaken) {
  Result<DropWriter> w = DropWriter::Create(dir_.path(), Drop());
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(w->Write("Subject: slow\n\nstill typing").ok());
  EXPECT_TRUE(Drops().empty());
  EXPECT_EQ(ImportDrop(*store_, w->temp_name(), options_).kind, Kind::kRetry);
  EXPECT_EQ(ListDir(store_->maildrop_dir())->size(), 1u);  // untouched
  EXPECT_TRUE(store_->List()->empty());
  Result<std::string> name = w->Commit();
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(Drops(), std::vector<std::string>{*name});
  EXPECT_EQ(ImportDrop(*store_, *name, options_).kind, Kind::kQueued);
}

TEST_F(QueueMaildrop, AbandonedAndStaleDrops) {
  {
    Result<DropWriter> w = DropWriter::Create(dir_.path(), Drop());
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(w->Write("gone").ok());
  }
  EXPECT_TRUE(ListDir(store_->maildrop_dir())->empty());
  // A sendmail killed mid-write leaves ".NAME"; after a day and a half it goes.
  std::string stale = store_->maildrop_dir() + "/.1700000000.M1P2Q3R4.host";
  std::ofstream(stale) << "posthorn-drop 1\n";
  EXPECT_TRUE(Drops().empty());
  EXPECT_EQ(ListDir(store_->maildrop_dir())->size(), 1u);
  Result<std::vector<std::string>> later = ListDrops(*store_, ::time(nullptr) + kStaleDropAge + 10);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(ListDir(store_->maildrop_dir())->empty());
}

TEST_F(QueueMaildrop, GarbageIsMovedAside) {
  std::string md = store_->maildrop_dir();
  std::ofstream(md + "/garbage") << "From: someone\n\nnot a drop file\n";
  std::ofstream(md + "/nodata") << "posthorn-drop 1\nsender <a@x.org>\nrcpt <b@y.org>\n";
  std::ofstream(md + "/norcpt") << "posthorn-drop 1\nsender <a@x.org>\ndata\nhi\r\n";
  std::ofstream(md + "/bigheader") << "posthorn-drop 1\nsender <a@x.org>\n" << std::string(kMaxEnvelopeBytes, 'x');
  std::ofstream(md + "/injected") << "posthorn-drop 1\nsender <a@x.org>\nrcpt <b@y.org>\nid 6553F1A20C3B79E1\ndata\n";
  ASSERT_EQ(::symlink("/etc/passwd", (md + "/link").c_str()), 0);
  std::ofstream(dir_.path() + "/secret") << "posthorn-drop 1\nsender <a@x.org>\nrcpt <b@y.org>\ndata\nsecret\r\n";
  ASSERT_EQ(::link((dir_.path() + "/secret").c_str(), (md + "/hardlink").c_str()), 0);
  ASSERT_EQ(::mkfifo((md + "/fifo").c_str(), 0644), 0);

  std::vector<std::string> names = Drops();
  EXPECT_EQ(names.size(), 8u);
  log::Init("smtpd", /*to_stderr=*/true);
  ::testing::internal::CaptureStderr();
  for (const std::string& name : names) {
    ImportResult r = ImportDrop(*store_, name, options_);
    EXPECT_EQ(r.kind, Kind::kRejected) << name << ": " << r.reason;
  }
  std::string log = ::testing::internal::GetCapturedStderr();
  std::string uid = std::to_string(::getuid());
  for (const std::string& line :
       {"maildrop/garbage: uid=" + uid + ": line 1: not a maildrop file; moved to corrupt/",
        "maildrop/injected: uid=" + uid + ": line 4: unknown record 'id'; moved to corrupt/",
        "maildrop/hardlink: uid=" + uid + ": hard-linked; moved to corrupt/",
        "maildrop/fifo: uid=" + uid + ": not a regular file; moved to corrupt/",
        "maildrop/link: uid=" + uid + ": symbolic link; moved to corrupt/"})
    EXPECT_NE(log.find(line), std::string::npos) << line << "\n" << log;
  EXPECT_TRUE(ListDir(md)->empty());
  EXPECT_EQ(ListDir(store_->corrupt_dir())->size(), 8u);
  EXPECT_TRUE(store_->List()->empty());
  struct stat st;
  EXPECT_EQ(::lstat((store_->corrupt_dir() + "/link").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));  // the link moved, not its target
}

TEST_F(QueueMaildrop, SizeLimit) {
  Result<DropWriter> w = DropWriter::Create(dir_.path(), Drop());
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(w->Write(std::string(200000, 'x')).ok());
  Result<std::string> name = w->Commit();
  ASSERT_TRUE(name.ok());
  options_.max_message_size = 100000;
  ImportResult r = ImportDrop(*store_, *name, options_);
  EXPECT_EQ(r.kind, Kind::kRejected);
  EXPECT_EQ(r.reason, "message too large");
  EXPECT_TRUE(ListDir(store_->tmp_dir())->empty());
}

TEST_F(QueueMaildrop, DropFormat) {
  Result<std::string> text = FormatDrop(Drop());
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "posthorn-drop 1\nsender <alice@here.org>\nrcpt <bob@here.org>\nrcpt <carol@far.org>\ndata\n");
  EXPECT_FALSE(FormatDrop({Address{}, {}}).ok());  // no recipient
  EXPECT_TRUE(FormatDrop({Address{}, {*ParsePath("<b@y.org>")}}).ok());
  size_t offset = 0;
  for (const char* bad : {"posthorn-drop 2\n", "posthorn-drop 1\nsender <a@x.org>\nsender <a@x.org>\n",
                          "posthorn-drop 1\nsender <a@x.org>\nrcpt <>\ndata\n",
                          "posthorn-drop 1\nrcpt <b@y.org>\ndata\n"})
    EXPECT_FALSE(ParseDrop(bad, &offset).ok()) << bad;
}

}  // namespace
}  // namespace posthorn::queue
