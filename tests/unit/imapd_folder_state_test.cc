// The folder state the server's sessions share: listed again only when
// new/ or cur/ changed, settled after its own claims, kept a while.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>

#include "common/maildir/folder.h"
#include "mra/imapd/folder_state.h"
#include "tests/unit/temp_dir.h"

namespace posthorn::imapd {
namespace {

class ImapdFolderState : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(maildir::CreateMaildir(dir_.path()).ok()); }
  void Put(const std::string& rel) { std::ofstream(dir_.path() + "/" + rel) << "Subject: x\n\nbody\n"; }
  // Sets the mtime of new/ and cur/ an hour back: a change long settled.
  void AgeDirs() {
    timespec old[2] = {{::time(nullptr) - 3600, 0}, {::time(nullptr) - 3600, 123}};
    for (const char* sub : {"/new", "/cur"}) ASSERT_EQ(::utimensat(AT_FDCWD, (dir_.path() + sub).c_str(), old, 0), 0);
  }
  std::vector<uint32_t> Uids(const FolderLook& look) {
    std::vector<uint32_t> out;
    for (const ViewMessage& m : *look.messages) out.push_back(m.uid);
    return out;
  }
  testing::TempDir dir_;
};

TEST_F(ImapdFolderState, ListsAgainOnlyWhenADirectoryChanged) {
  Put("cur/100.M1.h:2,S");
  AgeDirs();
  FolderState state(dir_.path());
  Result<FolderLook> first = state.Look(false, false);
  ASSERT_TRUE(first.ok()) << first.message();
  EXPECT_EQ(Uids(*first), (std::vector<uint32_t>{1}));
  // A file slipped in with the mtime put back (as a change within the
  // same timestamp tick would leave it): proof that nothing was listed.
  Put("cur/200.M1.h:2,");
  AgeDirs();
  Result<FolderLook> second = state.Look(false, false);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->messages.get(), first->messages.get());  // shared, not copied
  // Once cur/ says it changed, the listing is made anew.
  timespec now[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
  ASSERT_EQ(::utimensat(AT_FDCWD, (dir_.path() + "/cur").c_str(), now, 0), 0);
  Result<FolderLook> third = state.Look(false, false);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(Uids(*third), (std::vector<uint32_t>{1, 2}));
}

TEST_F(ImapdFolderState, AFreshMtimeIsNotTrusted) {
  Put("cur/100.M1.h:2,");
  FolderState state(dir_.path());  // cur/ changed just now
  ASSERT_TRUE(state.Look(false, false).ok());
  // Within the same tick as the listing: the mtime may not move, so the
  // folder is listed again.
  Put("cur/200.M1.h:2,");
  timespec now[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}};
  ASSERT_EQ(::utimensat(AT_FDCWD, (dir_.path() + "/cur").c_str(), now, 0), 0);
  Result<FolderLook> look = state.Look(false, false);
  ASSERT_TRUE(look.ok());
  EXPECT_EQ(Uids(*look), (std::vector<uint32_t>{1, 2}));
}

TEST_F(ImapdFolderState, ClaimingLeavesItUnsettledUntilListedAgain) {
  Put("new/100.M1.h");
  AgeDirs();
  FolderState state(dir_.path());
  Result<FolderLook> look = state.Look(/*claim_new=*/true, false);
  ASSERT_TRUE(look.ok());
  EXPECT_EQ(look->recent, (std::vector<uint32_t>{1}));
  EXPECT_EQ((*look->messages)[0].file, "cur/100.M1.h:2,");
  EXPECT_TRUE(state.unsettled());
  // Too soon after the renames: nothing is done yet.
  ASSERT_TRUE(state.Settle().ok());
  EXPECT_TRUE(state.unsettled());
  AgeDirs();
  ASSERT_TRUE(state.Settle().ok());
  EXPECT_FALSE(state.unsettled());
  // Settled, the next look lists nothing: a file slipped in is unseen.
  Put("cur/200.M1.h:2,");
  AgeDirs();
  Result<FolderLook> after = state.Look(true, false);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(Uids(*after), (std::vector<uint32_t>{1}));
  EXPECT_TRUE(after->recent.empty());  // claimed once, by the first look
}

TEST_F(ImapdFolderState, PeekingShowsNewMailRecentWithoutMovingIt) {
  Put("new/100.M1.h");
  AgeDirs();
  FolderState state(dir_.path());
  Result<FolderLook> look = state.Look(false, /*peek_new=*/true);
  ASSERT_TRUE(look.ok());
  EXPECT_EQ(look->recent, (std::vector<uint32_t>{1}));
  look = state.Look(false, true);  // from the kept listing this time
  ASSERT_TRUE(look.ok());
  EXPECT_EQ(look->recent, (std::vector<uint32_t>{1}));
  EXPECT_EQ(::access((dir_.path() + "/new/100.M1.h").c_str(), F_OK), 0);
  EXPECT_FALSE(state.unsettled());
}

TEST_F(ImapdFolderState, TheUidlistLosesMessagesGoneFromTwoListings) {
  constexpr int kMessages = 1200;
  for (int i = 0; i < kMessages; ++i) Put("cur/" + std::to_string(100000 + i) + ".M1.h:2,");
  FolderState state(dir_.path());
  ASSERT_TRUE(state.Look(false, false).ok());
  auto lines = [&] {
    std::ifstream in(dir_.path() + "/posthorn-uidlist");
    int n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n - 1;  // the header
  };
  EXPECT_EQ(lines(), kMessages);
  // All but the last ten removed: the next listing still keeps their
  // entries (the listing before had them)...
  for (int i = 0; i < kMessages - 10; ++i)
    ASSERT_EQ(::unlink((dir_.path() + "/cur/" + std::to_string(100000 + i) + ".M1.h:2,").c_str()), 0);
  Result<FolderLook> look = state.Look(false, false);
  ASSERT_TRUE(look.ok());
  EXPECT_EQ(look->messages->size(), 10u);
  EXPECT_EQ(lines(), kMessages);
  // ...and the one after that drops them, the UIDs of the rest unchanged.
  Put("cur/200000.M1.h:2,");
  look = state.Look(false, false);
  ASSERT_TRUE(look.ok());
  EXPECT_EQ(lines(), 11);
  ASSERT_EQ(look->messages->size(), 11u);
  EXPECT_EQ((*look->messages)[0].uid, uint32_t(kMessages - 9));
  EXPECT_EQ((*look->messages)[10].uid, uint32_t(kMessages + 1));
  // Another server reading the compacted file agrees.
  FolderState other(dir_.path());
  Result<FolderLook> fresh = other.Look(false, false);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(Uids(*fresh), Uids(*look));
}

TEST(ImapdFolderStates, OneStatePerFolderKeptAWhileAfterUse) {
  FolderStates states(/*keep=*/1);
  std::shared_ptr<FolderState> a = states.Get("/x/a");
  EXPECT_EQ(states.Get("/x/a").get(), a.get());
  std::weak_ptr<FolderState> weak = a;
  a.reset();
  EXPECT_FALSE(weak.expired());  // kept: the last one used
  states.Get("/x/b");            // pushes it out
  EXPECT_TRUE(weak.expired());
}

}  // namespace
}  // namespace posthorn::imapd
