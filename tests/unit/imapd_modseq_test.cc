// Modification sequences (RFC 7162) kept through the folder's cache:
// stable while nothing changes, new for any change, raised by expunges.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "common/maildir/folder.h"
#include "mra/imapd/selected_folder.h"
#include "tests/unit/temp_dir.h"

namespace posthorn::imapd {
namespace {

class ImapdModseq : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(maildir::CreateMaildir(dir_.path()).ok()); }
  void Put(const std::string& rel) { std::ofstream(dir_.path() + "/" + rel) << "Subject: x\n\nbody\n"; }
  void Rename(const std::string& from, const std::string& to) {
    ASSERT_EQ(::rename((dir_.path() + "/" + from).c_str(), (dir_.path() + "/" + to).c_str()), 0);
  }
  SelectedFolder Open() {
    // A state of its own: as another server would see the folder.
    Result<SelectedFolder> f = SelectedFolder::Open(std::make_shared<FolderState>(dir_.path()), "INBOX", false);
    EXPECT_TRUE(f.ok()) << f.message();
    return std::move(*f);
  }
  testing::TempDir dir_;
};

TEST_F(ImapdModseq, StableAcrossSessionsWhileNothingChanges) {
  Put("cur/100.M1.h:2,S");
  Put("cur/200.M1.h:2,");
  SelectedFolder a = Open();
  uint64_t m1 = a.view.at(1).modseq, m2 = a.view.at(2).modseq;
  EXPECT_GT(m1, 0u);
  EXPECT_GT(m2, m1);
  EXPECT_EQ(a.highest_modseq(), m2);
  SelectedFolder b = Open();
  EXPECT_EQ(b.view.at(1).modseq, m1);
  EXPECT_EQ(b.view.at(2).modseq, m2);
  EXPECT_EQ(b.highest_modseq(), m2);
  ASSERT_TRUE(b.Update(true).ok());
  EXPECT_EQ(b.highest_modseq(), m2);
}

TEST_F(ImapdModseq, AChangeByAnotherProcessGetsANewModseq) {
  Put("cur/100.M1.h:2,");
  Put("cur/200.M1.h:2,");
  SelectedFolder a = Open();
  uint64_t high = a.highest_modseq(), m2 = a.view.at(2).modseq;
  Rename("cur/100.M1.h:2,", "cur/100.M1.h:2,F");  // mutt flags it
  Result<std::string> out = a.Update(true);
  ASSERT_TRUE(out.ok());
  EXPECT_GT(a.view.at(1).modseq, high);
  EXPECT_EQ(a.view.at(2).modseq, m2);
  EXPECT_EQ(a.highest_modseq(), a.view.at(1).modseq);
  // Another session sees the same number for it.
  EXPECT_EQ(Open().view.at(1).modseq, a.view.at(1).modseq);
}

TEST_F(ImapdModseq, OwnChangesAreRecordedAndNoChangeKeepsTheModseq) {
  Put("cur/100.M1.h:2,");
  SelectedFolder a = Open();
  uint64_t before = a.view.at(1).modseq;
  a.RecordFlags(1, a.view.at(1).flags, "cur/100.M1.h:2,");
  EXPECT_EQ(a.view.at(1).modseq, before);
  Rename("cur/100.M1.h:2,", "cur/100.M1.h:2,S");
  maildir::Flags seen;
  seen.seen = true;
  a.RecordFlags(1, seen, "cur/100.M1.h:2,S");
  EXPECT_GT(a.view.at(1).modseq, before);
  SelectedFolder b = Open();
  EXPECT_EQ(b.view.at(1).modseq, a.view.at(1).modseq);
}

TEST_F(ImapdModseq, AnExpungeSeenByNoSessionStillRaisesTheHighest) {
  Put("cur/100.M1.h:2,");
  Put("cur/200.M1.h:2,");
  uint64_t high = Open().highest_modseq();
  ASSERT_EQ(::unlink((dir_.path() + "/cur/100.M1.h:2,").c_str()), 0);
  SelectedFolder b = Open();
  EXPECT_GT(b.highest_modseq(), high);
  ASSERT_NE(b.cache(), nullptr);
  EXPECT_EQ(b.cache()->expunged().count(1), 1u);
  EXPECT_EQ(b.cache()->expunged().count(2), 0u);
  // Recorded once: the next session finds nothing new.
  uint64_t after = b.highest_modseq();
  EXPECT_EQ(Open().highest_modseq(), after);
}

}  // namespace
}  // namespace posthorn::imapd
