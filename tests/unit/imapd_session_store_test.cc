// STORE and UID STORE: flags renamed into the Maildir, keywords into the
// folder's letters, untagged FETCH answers.
#include <unistd.h>

#include <fstream>

#include "common/base/io.h"
#include "tests/unit/imapd_session_harness.h"

namespace posthorn::imapd {
namespace {

class ImapdStore : public ImapdSession {
 protected:
  void SetUp() override {
    ImapdSession::SetUp();
    for (const char* f : {"cur/100.M1.h:2,", "cur/200.M1.h:2,S", "cur/300.M1.h:2,P"})
      std::ofstream(host_.maildir + "/" + f) << "Subject: x\n\nbody\n";
    Open();
    LogIn();
    Talk("s SELECT INBOX\r\n");
  }
  bool Exists(const std::string& rel) { return ::access((host_.maildir + "/" + rel).c_str(), F_OK) == 0; }
};

TEST_F(ImapdStore, AddRemoveReplace) {
  EXPECT_EQ(Talk("a STORE 1:2 +FLAGS (\\Flagged \\Seen)\r\n"),
            "* 1 FETCH (FLAGS (\\Seen \\Flagged))\r\n* 2 FETCH (FLAGS (\\Seen \\Flagged))\r\na OK STORE completed\r\n");
  EXPECT_TRUE(Exists("cur/100.M1.h:2,FS"));
  EXPECT_TRUE(Exists("cur/200.M1.h:2,FS"));
  EXPECT_EQ(Talk("b STORE 2 -FLAGS.SILENT \\Seen\r\n"), "b OK STORE completed\r\n");
  EXPECT_TRUE(Exists("cur/200.M1.h:2,F"));
  EXPECT_EQ(Talk("c STORE 3 FLAGS (\\Answered)\r\n"), "* 3 FETCH (FLAGS (\\Answered))\r\nc OK STORE completed\r\n");
  EXPECT_TRUE(Exists("cur/300.M1.h:2,R"));
  // Nothing to report at the next NOOP: the session made those changes.
  EXPECT_EQ(Talk("d NOOP\r\n"), "d OK NOOP completed\r\n");
}

TEST_F(ImapdStore, KeywordsGetLettersAndShowByName) {
  EXPECT_EQ(Talk("a STORE 1 +FLAGS ($Junk Work)\r\n"), "* 1 FETCH (FLAGS ($Junk Work))\r\na OK STORE completed\r\n");
  EXPECT_TRUE(Exists("cur/100.M1.h:2,ab"));
  std::string map;
  ASSERT_TRUE(ReadFile(host_.maildir + "/posthorn-keywords", &map).ok());
  EXPECT_EQ(map, "posthorn-keywords 1\n$Junk\nWork\n");
  EXPECT_EQ(Talk("b STORE 1 -FLAGS (work)\r\n"), "* 1 FETCH (FLAGS ($Junk))\r\nb OK STORE completed\r\n");
  // Maildir's P reads as $Forwarded.
  EXPECT_EQ(Talk("c STORE 3 +FLAGS.SILENT ()\r\nd STORE 3 +FLAGS ()\r\n"),
            "c OK STORE completed\r\n* 3 FETCH (FLAGS ($Forwarded))\r\nd OK STORE completed\r\n");
  // And removing $Forwarded clears P, or it would show again.
  EXPECT_EQ(Talk("e STORE 3 -FLAGS ($forwarded)\r\n"), "* 3 FETCH (FLAGS ())\r\ne OK STORE completed\r\n");
  EXPECT_TRUE(Exists("cur/300.M1.h:2,"));
  map.clear();
  ASSERT_TRUE(ReadFile(host_.maildir + "/posthorn-keywords", &map).ok());
  EXPECT_EQ(map, "posthorn-keywords 1\n$Junk\nWork\n");
  EXPECT_EQ(Talk("f STORE 3 +FLAGS ($Forwarded)\r\n"), "* 3 FETCH (FLAGS ($Forwarded))\r\nf OK STORE completed\r\n");
}

TEST_F(ImapdStore, UidStoreNamesTheUidAndSkipsMissingOnes) {
  EXPECT_EQ(Talk("a UID STORE 2,9:* +FLAGS (\\Deleted)\r\n"),
            "* 2 FETCH (UID 2 FLAGS (\\Seen \\Deleted))\r\n* 3 FETCH (UID 3 FLAGS (\\Deleted $Forwarded))\r\n"
            "a OK UID STORE completed\r\n");
  EXPECT_EQ(Talk("b UID STORE 7 +FLAGS (\\Seen)\r\n"), "b OK UID STORE completed\r\n");
}

TEST_F(ImapdStore, BadInput) {
  EXPECT_EQ(Talk("a STORE 4 +FLAGS (\\Seen)\r\n"), "a BAD Invalid message number\r\n");
  EXPECT_EQ(Talk("b STORE 0 +FLAGS (\\Seen)\r\n"), "b BAD Bad sequence set\r\n");
  EXPECT_EQ(Talk("c STORE 1 +FLAGS (\\Recent)\r\n"), "c BAD cannot set flag \\Recent\r\n");
  EXPECT_EQ(Talk("d STORE 1 FLAGZ (\\Seen)\r\n"), "d BAD Unknown STORE item FLAGZ\r\n");
  EXPECT_EQ(Talk("e UID FROB 1\r\n"), "e BAD UID FROB is not supported\r\n");
  Talk("f EXAMINE INBOX\r\n");
  EXPECT_EQ(Talk("g STORE 1 +FLAGS (\\Seen)\r\n"), "g NO [READ-ONLY] The mailbox is read-only\r\n");
}

TEST_F(ImapdStore, AMessageRenamedByAnotherProcessIsStillFound) {
  ASSERT_EQ(::rename((host_.maildir + "/cur/100.M1.h:2,").c_str(), (host_.maildir + "/cur/100.M1.h:2,R").c_str()), 0);
  // The session has not looked again: its name is stale, yet +FLAGS adds
  // to what the other client set rather than to what this one knew.
  EXPECT_EQ(Talk("a STORE 1 +FLAGS (\\Seen)\r\n"),
            "* 1 FETCH (FLAGS (\\Seen \\Answered))\r\na OK STORE completed\r\n");
  EXPECT_TRUE(Exists("cur/100.M1.h:2,RS"));
}

}  // namespace
}  // namespace posthorn::imapd
