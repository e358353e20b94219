// CREATE, DELETE, RENAME on a Maildir++ tree (RFC 3501 §6.3.3-5).
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "common/maildir/folder.h"
#include "mra/imapd/folder_ops.h"
#include "mra/imapd/mailbox_list.h"
#include "tests/unit/temp_dir.h"

namespace posthorn::imapd {
namespace {

class ImapdFolderOps : public ::testing::Test {
 protected:
  void SetUp() override {
    md_ = dir_.path() + "/m";
    ASSERT_TRUE(maildir::CreateMaildir(md_).ok());
  }
  std::vector<std::string> Folders() {
    std::vector<std::string> n = *ListFolderNames(md_);
    std::sort(n.begin(), n.end());
    return n;
  }
  bool Exists(const std::string& rel) { return ::access((md_ + "/" + rel).c_str(), F_OK) == 0; }
  testing::TempDir dir_;
  std::string md_;
};

TEST_F(ImapdFolderOps, CreateRefusesWhatExistsAndWhatEscapes) {
  ASSERT_TRUE(CreateFolder(md_, "Lists.").ok());
  EXPECT_TRUE(Exists(".Lists/cur"));
  EXPECT_TRUE(Exists(".Lists/maildirfolder"));
  EXPECT_EQ(CreateFolder(md_, "Lists").errnum(), EEXIST);
  EXPECT_EQ(CreateFolder(md_, "inbox").errnum(), EEXIST);
  for (std::string bad : {"../x", "a/b", "a..b", ".a", ""}) EXPECT_EQ(CreateFolder(md_, bad).errnum(), EINVAL) << bad;
}

TEST_F(ImapdFolderOps, DeleteRemovesTheFolderButNotItsChildren) {
  ASSERT_TRUE(CreateFolder(md_, "a").ok());
  ASSERT_TRUE(CreateFolder(md_, "a.b").ok());
  std::ofstream(md_ + "/.a/cur/1.M1.h:2,S") << "x";
  ASSERT_TRUE(DeleteFolder(md_, "a").ok());
  EXPECT_FALSE(Exists(".a"));
  EXPECT_TRUE(Exists(".a.b/cur"));
  EXPECT_EQ(DeleteFolder(md_, "a").errnum(), ENOENT);
  EXPECT_EQ(DeleteFolder(md_, "INBOX").errnum(), EPERM);
  // Nothing left over under a hidden name.
  std::vector<std::string> f = Folders();
  EXPECT_EQ(std::count(f.begin(), f.end(), "a.b"), 1);
  EXPECT_EQ(f.size(), 5u);
}

TEST_F(ImapdFolderOps, RenameTakesChildrenAlong) {
  ASSERT_TRUE(CreateFolder(md_, "Work").ok());
  ASSERT_TRUE(CreateFolder(md_, "Work.2026").ok());
  std::ofstream(md_ + "/.Work/cur/1.M1.h:2,S") << "x";
  ASSERT_TRUE(RenameFolder(md_, "Work", "Old.Work").ok());
  EXPECT_TRUE(Exists(".Old.Work/cur/1.M1.h:2,S"));
  EXPECT_TRUE(Exists(".Old.Work.2026/cur"));
  EXPECT_FALSE(Exists(".Work"));
  EXPECT_EQ(RenameFolder(md_, "Work", "X").errnum(), ENOENT);
  EXPECT_EQ(RenameFolder(md_, "Sent", "Drafts").errnum(), EEXIST);
  EXPECT_EQ(RenameFolder(md_, "Sent", "Sent.in").errnum(), EINVAL);
  EXPECT_EQ(RenameFolder(md_, "Sent", "INBOX").errnum(), EEXIST);
}

TEST_F(ImapdFolderOps, RenamingInboxMovesItsMessagesAndLeavesItEmpty) {
  std::ofstream(md_ + "/new/1.M1.h") << "x";
  std::ofstream(md_ + "/cur/2.M1.h:2,S") << "y";
  ASSERT_TRUE(RenameFolder(md_, "INBOX", "Old").ok());
  EXPECT_TRUE(Exists(".Old/new/1.M1.h"));
  EXPECT_TRUE(Exists(".Old/cur/2.M1.h:2,S"));
  EXPECT_FALSE(Exists("new/1.M1.h"));
  EXPECT_TRUE(Exists("cur"));
  EXPECT_EQ(RenameFolder(md_, "INBOX", "Old").errnum(), EEXIST);
}

}  // namespace
}  // namespace posthorn::imapd
