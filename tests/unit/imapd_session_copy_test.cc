// COPY, MOVE, their UID forms and APPEND through the session, with the
// UIDPLUS codes and the files they leave.
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include <fstream>

#include "common/base/fs.h"
#include "common/base/io.h"
#include "common/maildir/uidlist.h"
#include "tests/unit/imapd_session_harness.h"

namespace posthorn::imapd {
namespace {

class ImapdCopy : public ImapdSession {
 protected:
  void SetUp() override {
    ImapdSession::SetUp();
    ASSERT_TRUE(maildir::CreateMaildir(host_.maildir + "/.Archive").ok());
  }
  void Put(const std::string& rel, const std::string& text = "Subject: x\n\nbody\n") {
    std::ofstream(host_.maildir + "/" + rel) << text;
  }
  std::vector<std::string> Files(const std::string& sub) {
    std::vector<std::string> names = *ListDir(host_.maildir + "/" + sub);
    std::sort(names.begin(), names.end());
    return names;
  }
  std::string Uidvalidity(const std::string& dir) {
    return std::to_string(maildir::UidList::Open(host_.maildir + dir)->uidvalidity());
  }
  void Select() {
    Open();
    LogIn();
    ASSERT_NE(Talk("s SELECT INBOX\r\n").find("s OK"), std::string::npos);
  }
};

TEST_F(ImapdCopy, CopyIntoAFolderOutOfKeywordLettersIsALimitNotAServerBug) {
  Put("cur/100.M1.h:2,");
  Select();
  std::string full = "(";
  for (int i = 0; i < 26; ++i) full += (i ? " k" : "k") + std::to_string(i);
  full += ")";
  ASSERT_NE(Talk("a APPEND Archive " + full + " {2+}\r\nx\n\r\n").find("a OK [APPENDUID"), std::string::npos);
  ASSERT_EQ(Talk("b STORE 1 +FLAGS.SILENT (other)\r\n"), "b OK STORE completed\r\n");
  EXPECT_EQ(Talk("c COPY 1 Archive\r\n"),
            "c NO [LIMIT] no room for more keywords in this folder (26 at most)\r\n");
  EXPECT_EQ(Files(".Archive/cur").size(), 1u);
}

TEST_F(ImapdCopy, CopyLinksWithFlagsAndNamesTheNewUids) {
  Put("cur/100.M1.h,S=17,W=20:2,FS");
  Put("cur/200.M1.h:2,");
  Put("cur/300.M1.h:2,R");
  Select();
  EXPECT_EQ(Talk("a COPY 1,3 Archive\r\n"),
            "a OK [COPYUID " + Uidvalidity("/.Archive") + " 1,3 1:2] COPY completed\r\n");
  std::vector<std::string> copies = Files(".Archive/cur");
  ASSERT_EQ(copies.size(), 2u);
  EXPECT_NE(copies[0].find(",S=17,W=20:2,FS"), std::string::npos) << copies[0];
  EXPECT_TRUE(copies[1].ends_with(":2,R")) << copies[1];
  struct stat a, b;
  ASSERT_EQ(::stat((host_.maildir + "/cur/100.M1.h,S=17,W=20:2,FS").c_str(), &a), 0);
  ASSERT_EQ(::stat((host_.maildir + "/.Archive/cur/" + copies[0]).c_str(), &b), 0);
  EXPECT_EQ(a.st_ino, b.st_ino);  // a hard link: no bytes copied
  EXPECT_EQ(Files("cur").size(), 3u);
  EXPECT_EQ(Talk("b UID COPY 2 Archive\r\n"),
            "b OK [COPYUID " + Uidvalidity("/.Archive") + " 2 3] UID COPY completed\r\n");
}

TEST_F(ImapdCopy, CopyMapsKeywordsToTheTargetsLetters) {
  Put("cur/100.M1.h:2,");
  Open();
  LogIn();
  // The target knows another keyword first, so letters differ per folder.
  Talk("s SELECT Archive\r\n");
  Put(".Archive/cur/900.M1.h:2,");
  Talk("t NOOP\r\n");
  Talk("u STORE 1 +FLAGS (Other)\r\n");
  Talk("v SELECT INBOX\r\n");
  Talk("a STORE 1 +FLAGS (Work)\r\n");
  EXPECT_EQ(Talk("b COPY 1 Archive\r\n").substr(0, 17), "b OK [COPYUID " + Uidvalidity("/.Archive").substr(0, 3));
  Talk("c SELECT Archive\r\n");
  // \Recent: the copy is new to the folder (RFC 3501 §6.4.7).
  EXPECT_EQ(Talk("d FETCH 2 FLAGS\r\n"), "* 2 FETCH (FLAGS (Work \\Recent))\r\nd OK FETCH completed\r\n");
  EXPECT_TRUE(Files(".Archive/cur")[0].ends_with(":2,b"));  // the copy; 900 has Other as a
}

TEST_F(ImapdCopy, MoveRenamesAndExpunges) {
  Put("cur/100.M1.h:2,");
  Put("cur/200.M1.h:2,S");
  Put("cur/300.M1.h:2,");
  Select();
  EXPECT_EQ(Talk("a MOVE 2:3 Archive\r\n"),
            "* OK [COPYUID " + Uidvalidity("/.Archive") + " 2:3 1:2] Moved\r\n"
            "* 2 EXPUNGE\r\n* 2 EXPUNGE\r\na OK MOVE completed\r\n");
  EXPECT_EQ(Files("cur"), std::vector<std::string>{"100.M1.h:2,"});
  EXPECT_EQ(Files(".Archive/cur").size(), 2u);
  EXPECT_EQ(Talk("b UID MOVE 1 Archive\r\n"),
            "* OK [COPYUID " + Uidvalidity("/.Archive") + " 1 3] Moved\r\n* 1 EXPUNGE\r\nb OK UID MOVE completed\r\n");
}

TEST_F(ImapdCopy, MissingTargetAndBadArguments) {
  Put("cur/100.M1.h:2,");
  Select();
  EXPECT_EQ(Talk("a COPY 1 Nowhere\r\n"), "a NO [TRYCREATE] No such mailbox\r\n");
  EXPECT_EQ(Talk("b COPY 2 Archive\r\n"), "b BAD Invalid message number\r\n");
  EXPECT_EQ(Talk("c COPY 1\r\n"), "c BAD COPY takes a sequence set and a mailbox\r\n");
  EXPECT_EQ(Talk("d MOVE 1 ../x\r\n").substr(0, 5), "d NO ");
  EXPECT_EQ(Talk("e UID COPY 9 Archive\r\n"), "e OK UID COPY completed\r\n");  // no such UID: nothing to do
  Talk("f EXAMINE INBOX\r\n");
  EXPECT_EQ(Talk("g MOVE 1 Archive\r\n"), "g NO [READ-ONLY] The mailbox is read-only\r\n");
}

TEST_F(ImapdCopy, AppendStoresFlagsDateAndAnswersTheUid) {
  Open();
  LogIn();
  std::string msg = "Subject: hi\r\n\r\nbody\r\n";
  EXPECT_EQ(Talk("a APPEND Archive (\\Seen $Label1) \"14-Nov-2023 22:13:20 +0000\" {" + std::to_string(msg.size()) +
                 "+}\r\n" + msg + "\r\n"),
            "a OK [APPENDUID " + Uidvalidity("/.Archive") + " 1] APPEND completed\r\n");
  std::vector<std::string> files = Files(".Archive/cur");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_TRUE(files[0].ends_with(":2,Sa")) << files[0];
  std::string stored;
  struct stat st;
  ASSERT_TRUE(ReadFile(host_.maildir + "/.Archive/cur/" + files[0], &stored, &st).ok());
  EXPECT_EQ(stored, "Subject: hi\n\nbody\n");
  EXPECT_EQ(st.st_mtime, 1700000000);
  EXPECT_EQ(Talk("b APPEND INBOX {4}\r\n"), "+ Ready for literal data\r\n");
  EXPECT_EQ(Talk("x: y\r\n"), "b OK [APPENDUID " + Uidvalidity("") + " 1] APPEND completed\r\n");
}

// RFC 3501 §6.3.11, §6.4.7: what APPEND and COPY add is \Recent for the
// first session to select the folder after; EXAMINE and STATUS only look.
TEST_F(ImapdCopy, AppendedAndCopiedMessagesAreRecentForTheNextToSelect) {
  Put("cur/100.M1.h:2,S");
  Select();
  EXPECT_EQ(Talk("a APPEND Archive {1+}\r\nx\r\n").substr(0, 5), "a OK ");
  EXPECT_EQ(Talk("b COPY 1 Archive\r\n").substr(0, 5), "b OK ");
  EXPECT_EQ(Talk("c STATUS Archive (MESSAGES RECENT)\r\n"),
            "* STATUS Archive (MESSAGES 2 RECENT 2)\r\nc OK STATUS completed\r\n");
  for (const char* tag : {"d", "e"}) {
    std::string examined = Talk(std::string(tag) + " EXAMINE Archive\r\n");
    EXPECT_NE(examined.find("* 2 EXISTS\r\n* 2 RECENT\r\n"), std::string::npos) << examined;
  }
  std::string selected = Talk("f SELECT Archive\r\n");
  EXPECT_NE(selected.find("* 2 EXISTS\r\n* 2 RECENT\r\n"), std::string::npos) << selected;
  EXPECT_EQ(Talk("g FETCH 1:2 FLAGS\r\n"),
            "* 1 FETCH (FLAGS (\\Recent))\r\n* 2 FETCH (FLAGS (\\Seen \\Recent))\r\ng OK FETCH completed\r\n");
  // Taken by that SELECT: no one else sees them as recent.
  selected = Talk("h SELECT Archive\r\n");
  EXPECT_NE(selected.find("* 2 EXISTS\r\n* 0 RECENT\r\n"), std::string::npos) << selected;
  EXPECT_EQ(Talk("i STATUS INBOX (RECENT)\r\n"), "* STATUS INBOX (RECENT 0)\r\ni OK STATUS completed\r\n");
}

// A message appended and removed before anyone selected the folder is
// forgotten; one appended after a listing waits for the next look.
TEST_F(ImapdCopy, RecentOfAMessageGoneBeforeAnyoneLooked) {
  Select();
  EXPECT_EQ(Talk("a APPEND Archive {1+}\r\nx\r\n").substr(0, 5), "a OK ");
  for (const std::string& f : Files(".Archive/cur")) ::unlink((host_.maildir + "/.Archive/cur/" + f).c_str());
  std::string selected = Talk("b SELECT Archive\r\n");
  EXPECT_NE(selected.find("* 0 EXISTS\r\n* 0 RECENT\r\n"), std::string::npos) << selected;
  EXPECT_EQ(Talk("c APPEND Archive {1+}\r\ny\r\n").substr(0, 5), "c OK ");
  EXPECT_EQ(Talk("d NOOP\r\n"), "* 1 EXISTS\r\n* 1 RECENT\r\nd OK NOOP completed\r\n");
}

// Into the folder it came from: one state locked twice (LockBoth on a
// recursive mutex), and the copy is the session's own new, recent message.
TEST_F(ImapdCopy, CopyIntoTheSelectedFolderItself) {
  Put("cur/100.M1.h:2,S");
  Select();
  std::string copied = Talk("a COPY 1 INBOX\r\n");
  EXPECT_EQ(copied.substr(0, 5), "a OK ") << copied;
  EXPECT_NE(copied.find(" 1 2] "), std::string::npos) << copied;
  EXPECT_EQ(Talk("b NOOP\r\n"), "* 2 EXISTS\r\n* 1 RECENT\r\nb OK NOOP completed\r\n");
  EXPECT_EQ(Talk("c FETCH 2 (UID FLAGS)\r\n"),
            "* 2 FETCH (UID 2 FLAGS (\\Seen \\Recent))\r\nc OK FETCH completed\r\n");
}

TEST_F(ImapdCopy, AppendRefusals) {
  Open();
  LogIn();
  EXPECT_EQ(Talk("a APPEND Nowhere {1+}\r\nx\r\n"), "a NO [TRYCREATE] No such mailbox\r\n");
  EXPECT_EQ(Talk("b APPEND INBOX {0+}\r\n\r\n"), "b NO Empty message\r\n");
  EXPECT_EQ(Talk("c APPEND INBOX \"bad date\" {1+}\r\nx\r\n"), "c BAD Bad date-time\r\n");
  EXPECT_EQ(Talk("d APPEND INBOX (\\Recent) {1+}\r\nx\r\n").substr(0, 6), "d BAD ");
  EXPECT_EQ(Talk("e APPEND INBOX x\r\n"),
            "e BAD APPEND takes a mailbox, optional flags and date, and a message literal\r\n");
}

}  // namespace
}  // namespace posthorn::imapd
