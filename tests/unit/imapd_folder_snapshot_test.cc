// A fresh look at a Maildir folder: UIDs from the uidlist, flags from the
// names, \Recent for the session that moves a message out of new/.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>

#include "common/base/fs.h"
#include "mra/imapd/folder_snapshot.h"
#include "tests/unit/temp_dir.h"

namespace posthorn::imapd {
namespace {

class ImapdFolderSnapshot : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* d : {"/new", "/cur", "/tmp"}) ::mkdir((dir_.path() + d).c_str(), 0700);
  }
  void Put(const std::string& rel) { std::ofstream(dir_.path() + "/" + rel) << "Subject: x\n\nbody\n"; }
  maildir::UidList Uids() { return std::move(*maildir::UidList::Open(dir_.path())); }
  testing::TempDir dir_;
};

TEST_F(ImapdFolderSnapshot, NumbersMessagesOldestFirstAndKeepsTheirUids) {
  Put("cur/200.M1.h:2,S");
  Put("new/300.M1.h");
  Put("cur/100.M1.h:2,FS");
  maildir::UidList uids = Uids();
  Result<FolderSnapshot> s = TakeSnapshot(dir_.path(), uids, {});
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(s->messages.size(), 3u);
  EXPECT_EQ(s->messages[0].uid, 1u);
  EXPECT_EQ(s->messages[0].base(), "100.M1.h");
  EXPECT_EQ(s->messages[0].file, "cur/100.M1.h:2,FS");
  EXPECT_TRUE(s->messages[0].flags.flagged && s->messages[0].flags.seen);
  EXPECT_EQ(s->messages[2].uid, 3u);
  EXPECT_EQ(s->messages[2].file, "new/300.M1.h");
  EXPECT_TRUE(s->recent.empty());
  EXPECT_EQ(s->next_uid, 4u);
  EXPECT_EQ(s->uidvalidity, uids.uidvalidity());

  // A flag change and a move keep the UID; a new message gets the next.
  ASSERT_EQ(::rename((dir_.path() + "/cur/200.M1.h:2,S").c_str(), (dir_.path() + "/cur/200.M1.h:2,RS").c_str()), 0);
  Put("new/050.M1.h");  // an older name, yet a later arrival
  maildir::UidList other = Uids();
  s = TakeSnapshot(dir_.path(), other, {});
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->messages.size(), 4u);
  EXPECT_EQ(s->messages[1].uid, 2u);
  EXPECT_TRUE(s->messages[1].flags.replied);
  EXPECT_EQ(s->messages[3].uid, 4u);
  EXPECT_EQ(s->messages[3].base(), "050.M1.h");
  EXPECT_FALSE(s->uidvalidity_changed);
}

TEST_F(ImapdFolderSnapshot, TheSessionThatClaimsNewMessagesSeesThemRecent) {
  Put("new/100.M1.h");
  maildir::UidList uids = Uids();
  SnapshotOptions claim;
  claim.claim_new = true;
  Result<FolderSnapshot> s = TakeSnapshot(dir_.path(), uids, claim);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->messages.size(), 1u);
  EXPECT_EQ(s->recent, (std::vector<uint32_t>{1}));
  EXPECT_EQ(s->messages[0].file, "cur/100.M1.h:2,");
  EXPECT_EQ(::access((dir_.path() + "/cur/100.M1.h:2,").c_str(), F_OK), 0);
  // Another session, later: the same message, not recent for it.
  maildir::UidList other = Uids();
  s = TakeSnapshot(dir_.path(), other, claim);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->recent.empty());
  EXPECT_EQ(s->messages[0].uid, 1u);
}

TEST_F(ImapdFolderSnapshot, ARemovedMessageIsAbsentAndItsUidNotReused) {
  Put("cur/100.M1.h:2,");
  Put("cur/200.M1.h:2,");
  maildir::UidList uids = Uids();
  ASSERT_TRUE(TakeSnapshot(dir_.path(), uids, {}).ok());
  ASSERT_EQ(::unlink((dir_.path() + "/cur/200.M1.h:2,").c_str()), 0);
  Put("cur/300.M1.h:2,");
  Result<FolderSnapshot> s = TakeSnapshot(dir_.path(), uids, {});
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->messages.size(), 2u);
  EXPECT_EQ(s->messages[1].uid, 3u);
}

}  // namespace
}  // namespace posthorn::imapd
