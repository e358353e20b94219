// Reading a message by a name that another process may have changed.
#include "common/maildir/read_message.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include "common/maildir/folder.h"
#include "tests/unit/temp_dir.h"

namespace posthorn::maildir {
namespace {

class MaildirReadMessage : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(CreateMaildir(dir_.path()).ok()); }
  void Put(const std::string& rel, const std::string& text) { std::ofstream(dir_.path() + "/" + rel) << text; }
  testing::TempDir dir_;
};

TEST_F(MaildirReadMessage, ReadsTheBytesAndTheTime) {
  Put("cur/1.M1.h:2,S", "Subject: x\n\nbody\n");
  struct stat st;
  ASSERT_EQ(::stat((dir_.path() + "/cur/1.M1.h:2,S").c_str(), &st), 0);
  Result<StoredMessage> m = ReadMessage(dir_.path(), "cur/1.M1.h:2,S");
  ASSERT_TRUE(m.ok()) << m.message();
  EXPECT_EQ(m->bytes, "Subject: x\n\nbody\n");
  EXPECT_EQ(m->file, "cur/1.M1.h:2,S");
  EXPECT_EQ(m->mtime, st.st_mtime);
}

TEST_F(MaildirReadMessage, HeaderOnlyStopsAfterTheBlankLine) {
  std::string body(20000, 'x');
  Put("cur/1.M1.h:2,", "Subject: x\nTo: y\n\n" + body + "\n\nmore\n");
  Result<StoredMessage> m = ReadMessage(dir_.path(), "cur/1.M1.h:2,", /*header_only=*/true);
  ASSERT_TRUE(m.ok()) << m.message();
  EXPECT_EQ(m->bytes, "Subject: x\nTo: y\n\n");
  Put("cur/2.M1.h:2,", "Subject: x\r\n\r\nbody");
  EXPECT_EQ(ReadMessage(dir_.path(), "cur/2.M1.h:2,", true)->bytes, "Subject: x\r\n\r\n");
  Put("cur/3.M1.h:2,", "Subject: no body");  // no blank line: all of it
  EXPECT_EQ(ReadMessage(dir_.path(), "cur/3.M1.h:2,", true)->bytes, "Subject: no body");
  Put("cur/4.M1.h:2,", "\nno header\n\nat all\n");
  EXPECT_EQ(ReadMessage(dir_.path(), "cur/4.M1.h:2,", true)->bytes, "\n");
  // A blank line across the 8 KB reads.
  std::string header = "X-Pad: " + std::string(8192 - 8, 'p') + "\n";
  Put("cur/5.M1.h:2,", header + "\nbody\n");
  EXPECT_EQ(ReadMessage(dir_.path(), "cur/5.M1.h:2,", true)->bytes, header + "\n");
}

TEST_F(MaildirReadMessage, RefusesASymlinkPlantedAsAMessage) {
  Put("secret", "another user's mail");
  ASSERT_EQ(::symlink((dir_.path() + "/secret").c_str(), (dir_.path() + "/cur/1.M1.h:2,").c_str()), 0);
  Result<StoredMessage> m = ReadMessage(dir_.path(), "cur/1.M1.h:2,");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.errnum(), ELOOP);
}

TEST_F(MaildirReadMessage, FindsARenamedMessageByItsBaseName) {
  Put("cur/1.M1.h:2,FS", "moved");
  Put("cur/2.M1.h:2,", "other");
  Result<StoredMessage> m = ReadMessage(dir_.path(), "new/1.M1.h");
  ASSERT_TRUE(m.ok()) << m.message();
  EXPECT_EQ(m->bytes, "moved");
  EXPECT_EQ(m->file, "cur/1.M1.h:2,FS");
}

TEST_F(MaildirReadMessage, AGoneMessageIsEnoent) {
  Put("cur/2.M1.h:2,", "other");
  Result<StoredMessage> m = ReadMessage(dir_.path(), "cur/1.M1.h:2,");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.errnum(), ENOENT);
}

TEST_F(MaildirReadMessage, EmptyAndLargeFiles) {
  Put("cur/1.M1.h:2,", "");
  EXPECT_EQ(ReadMessage(dir_.path(), "cur/1.M1.h:2,")->bytes, "");
  std::string big(300000, 'x');
  Put("cur/2.M1.h:2,", big);
  EXPECT_EQ(ReadMessage(dir_.path(), "cur/2.M1.h:2,")->bytes, big);
}

}  // namespace
}  // namespace posthorn::maildir
