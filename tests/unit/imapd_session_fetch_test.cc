// FETCH and UID FETCH through the session: items from the view, the cache
// and the file, \Seen set by non-PEEK body fetches, gone messages.
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include <cstdlib>
#include <ctime>
#include <fstream>

#include "common/base/io.h"
#include "tests/unit/imapd_session_harness.h"
#include "tests/unit/time_zone.h"

namespace posthorn::imapd {
namespace {

const char kMessage[] =
    "From: Ann <ann@example.org>\n"
    "Subject: Hello\n"
    "\n"
    "one\n"
    "two\n";

class ImapdFetch : public ImapdSession {
 protected:
  void Put(const std::string& rel, const std::string& text = kMessage) {
    PutFile(rel, text, 1700000000);  // 2023-11-14 22:13:20 UTC
  }
  bool Exists(const std::string& rel) { return ::access((host_.maildir + "/" + rel).c_str(), F_OK) == 0; }
  void Select(const std::string& how = "SELECT") {
    Open();
    LogIn();
    ASSERT_NE(Talk("s " + how + " INBOX\r\n").find("s OK"), std::string::npos);
  }
  // INTERNALDATE is shown in the server's zone: pin it.
  testing::ScopedTimeZone tz_{"UTC"};
};

TEST_F(ImapdFetch, ItemsFromTheViewAndTheName) {
  Put("cur/100.M1.h,S=40,W=45:2,S");
  Select();
  EXPECT_EQ(Talk("a FETCH 1 (UID FLAGS RFC822.SIZE)\r\n"),
            "* 1 FETCH (UID 1 FLAGS (\\Seen) RFC822.SIZE 45)\r\na OK FETCH completed\r\n");
}

TEST_F(ImapdFetch, SizeDateAndEnvelopeFromTheFile) {
  Put("cur/100.M1.h:2,S");
  Select();
  EXPECT_EQ(Talk("a FETCH 1 (RFC822.SIZE INTERNALDATE ENVELOPE)\r\n"),
            "* 1 FETCH (RFC822.SIZE 57 INTERNALDATE \"14-Nov-2023 22:13:20 +0000\" ENVELOPE "
            "(NIL \"Hello\" ((\"Ann\" NIL \"ann\" \"example.org\")) ((\"Ann\" NIL \"ann\" \"example.org\")) "
            "((\"Ann\" NIL \"ann\" \"example.org\")) NIL NIL NIL NIL NIL))\r\n"
            "a OK FETCH completed\r\n");
}

TEST_F(ImapdFetch, BodyFetchSetsSeenAndSaysSo) {
  Put("cur/100.M1.h:2,");
  Select();
  EXPECT_EQ(Talk("a FETCH 1 BODY[TEXT]\r\n"),
            "* 1 FETCH (BODY[TEXT] {10}\r\none\r\ntwo\r\n FLAGS (\\Seen))\r\na OK FETCH completed\r\n");
  EXPECT_TRUE(Exists("cur/100.M1.h:2,S"));
  // Now seen: nothing more to say about flags.
  EXPECT_EQ(Talk("b FETCH 1 (FLAGS BODY[]<0.4>)\r\n"),
            "* 1 FETCH (FLAGS (\\Seen) BODY[]<0> {4}\r\nFrom)\r\nb OK FETCH completed\r\n");
}

TEST_F(ImapdFetch, PeekAndExamineLeaveSeenAlone) {
  Put("cur/100.M1.h:2,");
  Select();
  EXPECT_EQ(Talk("a FETCH 1 (BODY.PEEK[HEADER.FIELDS (subject)] RFC822.HEADER)\r\n"),
            "* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {18}\r\nSubject: Hello\r\n\r\n "
            "RFC822.HEADER {47}\r\nFrom: Ann <ann@example.org>\r\nSubject: Hello\r\n\r\n)\r\n"
            "a OK FETCH completed\r\n");
  EXPECT_TRUE(Exists("cur/100.M1.h:2,"));
  Talk("b EXAMINE INBOX\r\n");
  Talk("c FETCH 1 RFC822\r\n");
  EXPECT_TRUE(Exists("cur/100.M1.h:2,"));
}

TEST_F(ImapdFetch, UidFetchNamesTheUidFirstAndSkipsUnknownUids) {
  Put("cur/100.M1.h:2,");
  Put("cur/200.M1.h:2,F");
  Select();
  EXPECT_EQ(Talk("a UID FETCH 2:9 FLAGS\r\n"), "* 2 FETCH (UID 2 FLAGS (\\Flagged))\r\na OK UID FETCH completed\r\n");
  EXPECT_EQ(Talk("b UID FETCH 5:9 FLAGS\r\n"), "b OK UID FETCH completed\r\n");
  EXPECT_EQ(Talk("c UID FETCH * (FLAGS UID)\r\n"), "* 2 FETCH (UID 2 FLAGS (\\Flagged))\r\nc OK UID FETCH completed\r\n");
}

TEST_F(ImapdFetch, BadRequests) {
  Put("cur/100.M1.h:2,");
  Select();
  EXPECT_EQ(Talk("a FETCH 2 FLAGS\r\n"), "a BAD Invalid message number\r\n");
  EXPECT_EQ(Talk("b FETCH 1 BOGUS\r\n"), "b BAD Unknown FETCH item BOGUS\r\n");
  EXPECT_EQ(Talk("c FETCH 1\r\n"), "c BAD FETCH takes a sequence set and items\r\n");
  EXPECT_EQ(Talk("d FETCH x FLAGS\r\n"), "d BAD Bad sequence set\r\n");
}

TEST_F(ImapdFetch, AMessageRenamedElsewhereIsFoundAndOneGoneIsReported) {
  Put("cur/100.M1.h:2,");
  Put("cur/200.M1.h:2,");
  Select();
  ASSERT_EQ(::rename((host_.maildir + "/cur/100.M1.h:2,").c_str(), (host_.maildir + "/cur/100.M1.h:2,F").c_str()), 0);
  ASSERT_EQ(::unlink((host_.maildir + "/cur/200.M1.h:2,").c_str()), 0);
  EXPECT_EQ(Talk("a FETCH 1:2 BODY.PEEK[TEXT]\r\n"),
            "* 1 FETCH (BODY[TEXT] {10}\r\none\r\ntwo\r\n)\r\n"
            "a NO [EXPUNGEISSUED] Some of the requested messages no longer exist\r\n");
}

TEST_F(ImapdFetch, TheCacheAnswersTheSecondTime) {
  Put("cur/100.M1.h:2,");
  Select();
  std::string first = Talk("a FETCH 1 (ENVELOPE BODYSTRUCTURE)\r\n");
  std::string cache;
  ASSERT_TRUE(ReadFile(host_.maildir + "/posthorn-cache", &cache).ok());
  EXPECT_NE(cache.find("\nm 1 57 1700000000 "), std::string::npos) << cache;
  // Rewritten in place (which no Maildir writer does): the cache still answers.
  Put("cur/100.M1.h:2,", "Subject: Other\n\nx\n");
  EXPECT_EQ(Talk("a FETCH 1 (ENVELOPE BODYSTRUCTURE)\r\n"), first);
}

TEST_F(ImapdFetch, AnEnvelopeWithASizeInTheNameReadsOnlyTheHeader) {
  // W=57 as mda writes it; the body is rewritten behind the server's
  // back (which no Maildir writer does) to show what was read when.
  Put("cur/100.M1.h,S=52,W=57:2,");
  Select();
  std::string envelope = Talk("a FETCH 1 (RFC822.SIZE ENVELOPE)\r\n");
  EXPECT_NE(envelope.find("RFC822.SIZE 57 ENVELOPE (NIL \"Hello\""), std::string::npos) << envelope;
  std::string cache;
  ASSERT_TRUE(ReadFile(host_.maildir + "/posthorn-cache", &cache).ok());
  EXPECT_NE(cache.find("\nm 1 57 1700000000 "), std::string::npos) << cache;
  EXPECT_TRUE(cache.ends_with(" -\n")) << cache;  // BODYSTRUCTURE not known yet
  // BODYSTRUCTURE reads the whole file, and records it.
  Put("cur/100.M1.h,S=52,W=57:2,", std::string(kMessage) + "three\n");
  std::string structure = Talk("a FETCH 1 BODYSTRUCTURE\r\n");
  EXPECT_NE(structure.find(" NIL NIL \"7bit\" 17 3 "), std::string::npos) << structure;
  ASSERT_TRUE(ReadFile(host_.maildir + "/posthorn-cache", &cache).ok());
  EXPECT_FALSE(cache.ends_with(" -\n")) << cache;
  // The whole read's facts replace the header's, size included.
  std::string again = Talk("a FETCH 1 (RFC822.SIZE ENVELOPE)\r\n");
  EXPECT_NE(again.find("RFC822.SIZE 64 ENVELOPE (NIL \"Hello\""), std::string::npos) << again;
}

}  // namespace
}  // namespace posthorn::imapd
