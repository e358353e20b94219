// imapd's per-folder cache: facts and flag changes shared between
// processes, started afresh when it does not read back.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include "common/base/io.h"
#include "mra/imapd/message_cache.h"
#include "tests/unit/temp_dir.h"

namespace posthorn::imapd {
namespace {

MessageFacts Facts(uint64_t size) {
  return MessageFacts{size, 1700000000, "(\"Tue, 1 Dec 2026\" \"hi there\" NIL)", "(\"text\" \"plain\" NIL)"};
}

class ImapdMessageCache : public ::testing::Test {
 protected:
  MessageCache Open(uint32_t uidvalidity = 7) {
    Result<MessageCache> c = MessageCache::Open(dir_.path(), uidvalidity);
    EXPECT_TRUE(c.ok()) << c.message();
    return std::move(*c);
  }
  std::string File() {
    std::string text;
    EXPECT_TRUE(ReadFile(dir_.path() + "/posthorn-cache", &text).ok());
    return text;
  }
  testing::TempDir dir_;
};

TEST_F(ImapdMessageCache, RecordsReadBackInAnotherProcess) {
  MessageCache one = Open();
  MessageCache two = Open();
  ASSERT_TRUE(one.AddFacts(3, Facts(4096)).ok());
  ASSERT_TRUE(one.AddFlags(3, {1000, "2,S"}).ok());
  ASSERT_TRUE(one.AddFlags(3, {1001, "2,FS"}).ok());
  EXPECT_EQ(File(),
            "posthorn-cache 2 7\n"
            "m 3 4096 1700000000 (\"Tue,%201%20Dec%202026\"%20\"hi%20there\"%20NIL) (\"text\"%20\"plain\"%20NIL)\n"
            "f 3 1000 2,S\n"
            "f 3 1001 2,FS\n");
  EXPECT_EQ(two.Facts(3), nullptr);
  ASSERT_TRUE(two.Refresh().ok());
  ASSERT_NE(two.Facts(3), nullptr);
  EXPECT_EQ(*two.Facts(3), Facts(4096));
  EXPECT_EQ(two.Flags(3)->modseq, 1001u);
  EXPECT_EQ(two.Flags(3)->info, "2,FS");
  EXPECT_EQ(two.highest_modseq(), 1001u);
  EXPECT_EQ(two.Flags(4), nullptr);
}

TEST_F(ImapdMessageCache, ALineCutShortWaitsAndADamagedOneStartsAfresh) {
  MessageCache c = Open();
  ASSERT_TRUE(c.AddFacts(1, Facts(10)).ok());
  std::ofstream(dir_.path() + "/posthorn-cache", std::ios::app) << "m 2 20 1";
  MessageCache other = Open();
  EXPECT_NE(other.Facts(1), nullptr);
  EXPECT_EQ(other.Facts(2), nullptr);
  std::ofstream(dir_.path() + "/posthorn-cache", std::ios::app) << " x y\nbogus line\n";
  ASSERT_TRUE(other.Refresh().ok());
  EXPECT_EQ(other.Facts(1), nullptr);
  EXPECT_EQ(File(), "posthorn-cache 2 7\n");
}

TEST_F(ImapdMessageCache, AnotherUidValidityStartsAfresh) {
  ASSERT_TRUE(Open(7).AddFacts(1, Facts(10)).ok());
  MessageCache c = Open(8);
  EXPECT_EQ(c.Facts(1), nullptr);
  EXPECT_EQ(File(), "posthorn-cache 2 8\n");
}

TEST_F(ImapdMessageCache, CompactionKeepsOnlyWhatIsAsked) {
  MessageCache c = Open();
  for (uint32_t uid : {1u, 2u, 3u}) ASSERT_TRUE(c.AddFacts(uid, Facts(uid)).ok());
  ASSERT_TRUE(c.AddFlags(2, {5, "2,S"}).ok());
  ASSERT_TRUE(c.AddFlags(2, {6, "2,"}).ok());
  ASSERT_TRUE(c.Compact([](uint32_t uid) { return uid != 1; }).ok());
  EXPECT_EQ(c.Facts(1), nullptr);
  EXPECT_EQ(c.Flags(2)->modseq, 6u);
  std::string text = File();
  EXPECT_EQ(text.find("m 1 "), std::string::npos);
  EXPECT_NE(text.find("f 2 6 2,\n"), std::string::npos);
  EXPECT_EQ(text.find("f 2 5 "), std::string::npos);
  MessageCache other = Open();
  EXPECT_NE(other.Facts(3), nullptr);
}

TEST(ImapdMessageCacheModseq, AboveTheHighestAndTheClock) {
  uint64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                     std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_GE(NextModseq(0), now);
  EXPECT_EQ(NextModseq(now + 1000000000), now + 1000000001);
}

}  // namespace
}  // namespace posthorn::imapd
