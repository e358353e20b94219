// Changing flags by renaming, wherever another process moved the file.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>

#include "common/maildir/set_flags.h"
#include "tests/unit/temp_dir.h"

namespace posthorn::maildir {
namespace {

class MaildirSetFlags : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* d : {"/new", "/cur", "/tmp"}) ::mkdir((dir_.path() + d).c_str(), 0700);
  }
  bool Exists(const std::string& rel) { return ::access((dir_.path() + "/" + rel).c_str(), F_OK) == 0; }
  testing::TempDir dir_;
};

TEST_F(MaildirSetFlags, MovesFromNewAndRenamesInCur) {
  std::ofstream(dir_.path() + "/new/100.M1.h,S=5");
  Flags f;
  f.seen = true;
  f.keywords = 0b101;
  Result<std::string> r = SetFlags(dir_.path(), "new/100.M1.h,S=5", f);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(*r, "cur/100.M1.h,S=5:2,Sac");
  EXPECT_TRUE(Exists("cur/100.M1.h,S=5:2,Sac"));
  f.flagged = true;
  r = SetFlags(dir_.path(), *r, f);
  EXPECT_EQ(*r, "cur/100.M1.h,S=5:2,FSac");
  EXPECT_FALSE(Exists("cur/100.M1.h,S=5:2,Sac"));
  EXPECT_EQ(*SetFlags(dir_.path(), *r, f), "cur/100.M1.h,S=5:2,FSac");  // no change
}

TEST_F(MaildirSetFlags, FindsAFileAnotherProcessRenamed) {
  std::ofstream(dir_.path() + "/cur/100.M1.h:2,R");
  Flags f;
  f.trashed = true;
  Result<std::string> r = SetFlags(dir_.path(), "new/100.M1.h", f);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(*r, "cur/100.M1.h:2,T");
}

TEST_F(MaildirSetFlags, AGoneMessageIsEnoent) {
  Flags seen;
  seen.seen = true;
  Result<std::string> r = SetFlags(dir_.path(), "cur/100.M1.h:2,", seen);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errnum(), ENOENT);
  EXPECT_EQ(r.message(), "message 100.M1.h is gone");
}

}  // namespace
}  // namespace posthorn::maildir
