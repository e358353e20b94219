// Creating Maildirs and folders, writing messages, reaping tmp/.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/base/io.h"
#include "common/maildir/find_tagged.h"
#include "common/maildir/folder.h"
#include "common/maildir/location.h"
#include "common/maildir/pending_message.h"
#include "common/maildir/tmp_cleanup.h"
#include "tests/unit/temp_dir.h"

namespace posthorn::maildir {
namespace {

class MaildirStore : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.path();
    ASSERT_FALSE(root_.empty());
  }

  static std::vector<std::string> List(const std::string& dir) {
    std::vector<std::string> out;
    DIR* d = opendir(dir.c_str());
    if (d == nullptr) return out;
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') out.push_back(e->d_name);
    closedir(d);
    return out;
  }
  static bool IsDir(const std::string& p) {
    struct stat st;
    return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  }
  static bool Exists(const std::string& p) { return access(p.c_str(), F_OK) == 0; }

  testing::TempDir dir_;
  std::string root_;
};

TEST_F(MaildirStore, CreateMaildirMakesSpecialFolders) {
  std::string md = root_ + "/a/b/user";
  ASSERT_TRUE(CreateMaildir(md).ok());
  EXPECT_TRUE(IsMaildir(md));
  for (const char* f : {"Sent", "Drafts", "Junk", "Trash"}) {
    EXPECT_TRUE(IsMaildir(md + "/." + f)) << f;
    EXPECT_TRUE(Exists(md + "/." + f + "/maildirfolder")) << f;
  }
  EXPECT_FALSE(Exists(md + "/maildirfolder"));
  struct stat st;
  ASSERT_EQ(stat((md + "/new").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  // Creating again is harmless.
  EXPECT_TRUE(CreateMaildir(md).ok());
}

TEST_F(MaildirStore, AFileInTheWayIsAnError) {
  std::ofstream(root_ + "/file") << "x";
  Status s = CreateMaildir(root_ + "/file/user");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.errnum(), ENOTDIR);
  std::ofstream(root_ + "/user2") << "x";
  s = CreateMaildir(root_ + "/user2");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), root_ + "/user2 exists and is not a directory");
}

TEST_F(MaildirStore, FolderNames) {
  EXPECT_EQ(*FolderPath("/m", ""), "/m");
  EXPECT_EQ(*FolderPath("/m", "inbox"), "/m");
  EXPECT_EQ(*FolderPath("/m", "Sent"), "/m/.Sent");
  EXPECT_EQ(*FolderPath("/m", "Lists.debian"), "/m/.Lists.debian");
  for (const char* bad : {"..", "../x", ".x", "x.", "a..b", "a/b", "/etc", "x\ny", "\x7f", "~root", "a.~b"}) {
    EXPECT_FALSE(FolderPath("/m", bad).ok()) << bad;
  }
  EXPECT_FALSE(FolderPath("/m", std::string(256, 'a')).ok());
  EXPECT_EQ(CheckFolderName("Sent"), "");
  EXPECT_EQ(CheckFolderName("a~b.c~"), "");  // only a leading ~ looks like a home directory
  EXPECT_EQ(CheckFolderName("~root"), "folder name component starts with '~'");
}

TEST_F(MaildirStore, CommitPublishesIntoNewWithSizes) {
  ASSERT_TRUE(CreateMaildirDirs(root_, false).ok());
  auto m = PendingMessage::Create(root_);
  ASSERT_TRUE(m.ok()) << m.message();
  ASSERT_TRUE(WriteAll(m->fd(), "Subject: x\n\nbody\n"));
  EXPECT_EQ(List(root_ + "/tmp").size(), 1u);
  EXPECT_TRUE(List(root_ + "/new").empty());
  auto path = m->Commit(17, 20);
  ASSERT_TRUE(path.ok()) << path.message();
  EXPECT_TRUE(List(root_ + "/tmp").empty());
  ASSERT_EQ(List(root_ + "/new").size(), 1u);
  EXPECT_NE(path->find(",S=17,W=20"), std::string::npos);
  std::string content;
  ASSERT_TRUE(ReadFile(*path, &content).ok());
  EXPECT_EQ(content, "Subject: x\n\nbody\n");
  struct stat st;
  ASSERT_EQ(stat(path->c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(MaildirStore, AbandonedMessageLeavesNothing) {
  ASSERT_TRUE(CreateMaildirDirs(root_, false).ok());
  {
    auto m = PendingMessage::Create(root_);
    ASSERT_TRUE(m.ok());
    ASSERT_TRUE(WriteAll(m->fd(), "partial"));
  }
  EXPECT_TRUE(List(root_ + "/tmp").empty());
  EXPECT_TRUE(List(root_ + "/new").empty());
}

TEST_F(MaildirStore, PublishIntoCurWithFlags) {
  ASSERT_TRUE(CreateMaildirDirs(root_, false).ok());
  auto m = PendingMessage::Create(root_);
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(m->Sync().ok());
  Flags f;
  f.seen = true;
  auto path = m->Publish(0, 0, true, f);
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(path->substr(path->size() - 4), ":2,S");
  EXPECT_EQ(List(root_ + "/cur").size(), 1u);
}

TEST_F(MaildirStore, FindTaggedLooksInNewAndCur) {
  ASSERT_TRUE(CreateMaildirDirs(root_, false).ok());
  auto none = FindTagged(root_, "Q-1");
  ASSERT_TRUE(none.ok()) << none.message();
  EXPECT_EQ(*none, std::nullopt);
  auto untagged = PendingMessage::Create(root_);
  ASSERT_TRUE(untagged.ok() && untagged->Commit(0, 0).ok());
  auto in_new = PendingMessage::Create(root_, "Q-1");
  ASSERT_TRUE(in_new.ok());
  auto new_path = in_new->Commit(0, 0);
  ASSERT_TRUE(new_path.ok());
  EXPECT_EQ(*FindTagged(root_, "Q-1"), *new_path);
  EXPECT_EQ(*FindTagged(root_, "Q-10"), std::nullopt);
  EXPECT_EQ(*FindTagged(root_, "Q"), std::nullopt);
  auto in_cur = PendingMessage::Create(root_, "Q-2");
  ASSERT_TRUE(in_cur.ok() && in_cur->Sync().ok());
  auto cur_path = in_cur->Publish(0, 0, true, Flags{.seen = true});
  ASSERT_TRUE(cur_path.ok());
  EXPECT_EQ(*FindTagged(root_, "Q-2"), *cur_path);
}

TEST_F(MaildirStore, FindTaggedInAMissingMaildirFindsNothing) {
  auto r = FindTagged(root_ + "/missing", "Q-1");
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(*r, std::nullopt);
}

TEST_F(MaildirStore, CreateFailsWithoutTmp) {
  auto m = PendingMessage::Create(root_ + "/missing");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.errnum(), ENOENT);
}

TEST_F(MaildirStore, StaleTmpFilesAreReaped) {
  ASSERT_TRUE(CreateMaildirDirs(root_, false).ok());
  time_t now = time(nullptr);
  std::string old_file = root_ + "/tmp/old", fresh_file = root_ + "/tmp/fresh";
  std::ofstream(old_file) << "x";
  std::ofstream(fresh_file) << "y";
  struct utimbuf old_times = {now - 40 * 3600, now - 40 * 3600};
  ASSERT_EQ(utime(old_file.c_str(), &old_times), 0);
  // ctime cannot be set back, so pretend "now" is two days ahead.
  time_t later = now + 48 * 3600;
  struct utimbuf dir_times = {now - 9 * 3600, now};
  ASSERT_EQ(utime((root_ + "/tmp").c_str(), &dir_times), 0);
  EXPECT_EQ(CleanStaleTmp(root_, later), 2);
  EXPECT_TRUE(List(root_ + "/tmp").empty());
}

TEST_F(MaildirStore, TmpScanIsThrottledAndSparesFreshFiles) {
  ASSERT_TRUE(CreateMaildirDirs(root_, false).ok());
  time_t now = time(nullptr);
  std::ofstream(root_ + "/tmp/fresh") << "y";
  struct utimbuf dir_times = {now - 9 * 3600, now};
  ASSERT_EQ(utime((root_ + "/tmp").c_str(), &dir_times), 0);
  EXPECT_EQ(CleanStaleTmp(root_, now), 0);
  EXPECT_EQ(List(root_ + "/tmp").size(), 1u);
  // The scan stamped tmp/: a second call within the interval does nothing,
  // even when the files would be stale by then.
  EXPECT_EQ(CleanStaleTmp(root_, now + 37 * 3600 - kScanInterval + 60), 0);
  EXPECT_EQ(List(root_ + "/tmp").size(), 1u);
}

TEST(MaildirLocation, ExpandsTemplateLowerCased) {
  Address a{"Bob.Smith", "Example.ORG"};
  EXPECT_EQ(*ExpandTemplate("/var/mail/%d/%n", a), "/var/mail/example.org/bob.smith");
  EXPECT_EQ(*ExpandTemplate("/m/%u/Maildir", a), "/m/bob.smith@example.org/Maildir");
  EXPECT_EQ(*ExpandTemplate("/m/100%%/%n", a), "/m/100%/bob.smith");
}

TEST(MaildirLocation, AddressesCannotEscape) {
  for (const Address& a : {Address{"../../etc", "x.org"}, Address{"a/b", "x.org"}, Address{"..", "x.org"},
                           Address{".hidden", "x.org"}, Address{"a", "../x"}, Address{"a\nb", "x.org"},
                           Address{"", "x.org"}}) {
    EXPECT_FALSE(ExpandTemplate("/var/mail/%d/%n", a).ok()) << a.local << "@" << a.domain;
  }
}

TEST(MaildirLocation, CheckTemplate) {
  EXPECT_EQ(CheckTemplate("/var/mail/%d/%n"), "");
  EXPECT_EQ(CheckTemplate("mail/%n"), "maildir template must be an absolute path");
  EXPECT_EQ(CheckTemplate(""), "maildir template must be an absolute path");
  EXPECT_EQ(CheckTemplate("/m/%q"), "maildir template has unknown %q");
}

TEST(MaildirLocation, BadTemplates) {
  EXPECT_EQ(ExpandTemplate("/m/%", Address{"a", "b"}).message(), "maildir template ends with '%'");
  EXPECT_EQ(ExpandTemplate("/m/%x", Address{"a", "b"}).message(), "maildir template has unknown %x");
}

}  // namespace
}  // namespace posthorn::maildir
