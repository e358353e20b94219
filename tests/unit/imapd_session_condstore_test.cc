// CONDSTORE and QRESYNC (RFC 7162) through the session: ENABLE, modseqs in
// SELECT, FETCH, STORE and STATUS, conditional STORE, CHANGEDSINCE, quick
// resynchronisation on SELECT, VANISHED, and UID EXPUNGE (RFC 4315).
// Modseqs start from the clock, so each test reads them off the answers
// and then asserts the exact bytes.
#include <unistd.h>

#include <fstream>

#include "common/maildir/uidlist.h"
#include "tests/unit/imapd_session_harness.h"

namespace posthorn::imapd {
namespace {

class ImapdCondstore : public ImapdSession {
 protected:
  void SetUp() override {
    ImapdSession::SetUp();
    for (const char* f : {"cur/100.M1.h:2,", "cur/200.M1.h:2,S", "cur/300.M1.h:2,"})
      std::ofstream(host_.maildir + "/" + f) << "Subject: x\n\nbody\n";
    Open();
    LogIn();
  }
  // The number after the `nth` "MODSEQ (" or "HIGHESTMODSEQ " in `out`.
  static std::string Modseq(const std::string& out, int nth = 0) { return NumberAfter(out, "MODSEQ", nth); }
  std::string Validity() { return std::to_string(maildir::UidList::Open(host_.maildir)->uidvalidity()); }
  void Rename(const std::string& from, const std::string& to) {
    ASSERT_EQ(::rename((host_.maildir + "/" + from).c_str(), (host_.maildir + "/" + to).c_str()), 0);
  }
};

TEST_F(ImapdCondstore, EnableNamesOnlyWhatItTurnedOn) {
  EXPECT_EQ(Talk("a ENABLE CONDSTORE\r\n"), "* ENABLED CONDSTORE\r\na OK ENABLE completed\r\n");
  EXPECT_EQ(Talk("b ENABLE qresync condstore\r\n"), "* ENABLED QRESYNC\r\nb OK ENABLE completed\r\n");
  EXPECT_EQ(Talk("c ENABLE QRESYNC\r\n"), "* ENABLED\r\nc OK ENABLE completed\r\n");
}

TEST_F(ImapdCondstore, ModseqsInFetchAndStore) {
  std::string sel = Talk("a SELECT INBOX (CONDSTORE)\r\n");
  std::string highest = Modseq(sel);
  ASSERT_NE(highest, "none");
  EXPECT_NE(sel.find("* OK [HIGHESTMODSEQ " + highest + "] Highest\r\n"), std::string::npos);
  std::string f = Talk("b FETCH 1:3 (MODSEQ)\r\n");
  std::string m1 = Modseq(f, 0), m2 = Modseq(f, 1), m3 = Modseq(f, 2);
  EXPECT_EQ(f, "* 1 FETCH (MODSEQ (" + m1 + "))\r\n* 2 FETCH (MODSEQ (" + m2 + "))\r\n* 3 FETCH (MODSEQ (" + m3 +
                   "))\r\nb OK FETCH completed\r\n");
  EXPECT_EQ(std::max({std::stoull(m1), std::stoull(m2), std::stoull(m3)}), std::stoull(highest));
  // Once CONDSTORE is on, MODSEQ goes with FLAGS.
  std::string s = Talk("c STORE 1 +FLAGS (\\Flagged)\r\n");
  std::string n1 = Modseq(s);
  EXPECT_GT(std::stoull(n1), std::stoull(highest));
  EXPECT_EQ(s, "* 1 FETCH (FLAGS (\\Flagged) MODSEQ (" + n1 + "))\r\nc OK STORE completed\r\n");
  // A STORE that changes nothing keeps the modseq (RFC 7162 §3.1).
  EXPECT_EQ(Talk("d STORE 1 +FLAGS (\\Flagged)\r\n"),
            "* 1 FETCH (FLAGS (\\Flagged) MODSEQ (" + n1 + "))\r\nd OK STORE completed\r\n");
  EXPECT_EQ(Talk("e FETCH 1:* (FLAGS) (CHANGEDSINCE " + highest + ")\r\n"),
            "* 1 FETCH (FLAGS (\\Flagged) MODSEQ (" + n1 + "))\r\ne OK FETCH completed\r\n");
  EXPECT_EQ(Talk("f STATUS INBOX (HIGHESTMODSEQ MESSAGES)\r\n"),
            "* STATUS INBOX (HIGHESTMODSEQ " + n1 + " MESSAGES 3)\r\nf OK STATUS completed\r\n");
}

TEST_F(ImapdCondstore, TheFirstEnablingCommandWithAFolderSelectedTellsTheHighest) {
  std::string highest = Modseq(Talk("a SELECT INBOX\r\n"));
  std::string f = Talk("b FETCH 2 (MODSEQ)\r\n");
  EXPECT_EQ(f, "* OK [HIGHESTMODSEQ " + highest + "] Highest\r\n* 2 FETCH (MODSEQ (" + Modseq(f, 1) +
                   "))\r\nb OK FETCH completed\r\n");
  EXPECT_EQ(Talk("c FETCH 2 (MODSEQ)\r\n").substr(0, 4), "* 2 ");
}

TEST_F(ImapdCondstore, ConditionalStore) {
  Talk("a SELECT INBOX (CONDSTORE)\r\n");
  std::string b = Talk("b FETCH 2:3 (MODSEQ)\r\n");
  std::string m2 = Modseq(b), m3 = Modseq(b, 1);
  // Unchanged since: stored, and answered even though .SILENT.
  std::string s = Talk("c STORE 2 (UNCHANGEDSINCE " + m2 + ") +FLAGS.SILENT (\\Answered)\r\n");
  std::string n2 = Modseq(s);
  EXPECT_EQ(s, "* 2 FETCH (FLAGS (\\Seen \\Answered) MODSEQ (" + n2 + "))\r\nc OK STORE completed\r\n");
  // Changed since: refused, named in MODIFIED, and nothing stored.
  std::string d = Talk("d UID STORE 1:3 (UNCHANGEDSINCE " + m3 + ") +FLAGS.SILENT (\\Deleted)\r\n");
  EXPECT_EQ(d, "* 1 FETCH (UID 1 FLAGS (\\Deleted) MODSEQ (" + Modseq(d, 0) + "))\r\n"
               "* 3 FETCH (UID 3 FLAGS (\\Deleted) MODSEQ (" + Modseq(d, 1) + "))\r\n"
               "d OK [MODIFIED 2] Conditional STORE failed\r\n");
  EXPECT_EQ(::access((host_.maildir + "/cur/200.M1.h:2,RS").c_str(), F_OK), 0);
  // UNCHANGEDSINCE 0 always fails (RFC 7162 §3.1.3 example 8).
  EXPECT_EQ(Talk("e STORE 3 (UNCHANGEDSINCE 0) +FLAGS (\\Seen)\r\n"), "e OK [MODIFIED 3] Conditional STORE failed\r\n");
}

TEST_F(ImapdCondstore, AChangeOnDiskFailsTheConditionalStore) {
  Talk("a SELECT INBOX (CONDSTORE)\r\n");
  std::string m3 = Modseq(Talk("b FETCH 3 (MODSEQ)\r\n"));
  Rename("cur/300.M1.h:2,", "cur/300.M1.h:2,F");  // mutt, say: no modseq recorded
  std::string s = Talk("c STORE 1,3 (UNCHANGEDSINCE " + m3 + ") +FLAGS.SILENT (\\Seen)\r\n");
  std::string n1 = Modseq(s);
  EXPECT_EQ(s, "* 1 FETCH (FLAGS (\\Seen) MODSEQ (" + n1 + "))\r\nc OK [MODIFIED 3] Conditional STORE failed\r\n");
  EXPECT_EQ(::access((host_.maildir + "/cur/300.M1.h:2,F").c_str(), F_OK), 0);
}

TEST_F(ImapdCondstore, QuickResynchronisation) {
  std::string highest = Modseq(Talk("a SELECT INBOX\r\n"));
  Talk("b LOGOUT\r\n");
  // While the client is away: message 1 is expunged, 3 is flagged.
  ASSERT_EQ(::unlink((host_.maildir + "/cur/100.M1.h:2,").c_str()), 0);
  Rename("cur/300.M1.h:2,", "cur/300.M1.h:2,F");
  Open();
  LogIn();
  Talk("c ENABLE QRESYNC\r\n");
  std::string sel = Talk("d SELECT INBOX (QRESYNC (" + Validity() + " " + highest + "))\r\n");
  std::string now = Modseq(sel), m3 = Modseq(sel, 1);
  EXPECT_GT(std::stoull(now), std::stoull(highest));
  std::string tail = "* OK [HIGHESTMODSEQ " + now + "] Highest\r\n* VANISHED (EARLIER) 1\r\n"
                     "* 2 FETCH (UID 3 FLAGS (\\Flagged) MODSEQ (" + m3 + "))\r\n"
                     "d OK [READ-WRITE] SELECT completed\r\n";
  ASSERT_GE(sel.size(), tail.size());
  EXPECT_EQ(sel.substr(sel.size() - tail.size()), tail);
  // The same question later, by UID FETCH.
  EXPECT_EQ(Talk("e UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + highest + " VANISHED)\r\n"),
            "* VANISHED (EARLIER) 1\r\n* 2 FETCH (UID 3 FLAGS (\\Flagged) MODSEQ (" + m3 +
                "))\r\ne OK UID FETCH completed\r\n");
  // Known UIDs limit the answer; a wrong UIDVALIDITY gets none.
  std::string again = Talk("f SELECT INBOX (QRESYNC (" + Validity() + " " + highest + " 2))\r\n");
  EXPECT_EQ(again.find("VANISHED"), std::string::npos);
  EXPECT_EQ(again.find("FETCH"), std::string::npos);
  EXPECT_EQ(again.substr(0, 39), "* OK [CLOSED] Previous mailbox closed\r\n");
  std::string other = Talk("g SELECT INBOX (QRESYNC (1 " + highest + "))\r\n");
  EXPECT_EQ(other.find("VANISHED"), std::string::npos);
}

TEST_F(ImapdCondstore, SequenceMatchDataNarrowsVanished) {
  std::string highest = Modseq(Talk("a SELECT INBOX\r\n"));
  Talk("b LOGOUT\r\n");
  ASSERT_EQ(::unlink((host_.maildir + "/cur/100.M1.h:2,").c_str()), 0);
  Open();
  LogIn();
  Talk("c ENABLE QRESYNC\r\n");
  // The cache remembers the expunge; without it, every hole would be told.
  std::string sel = Talk("d SELECT INBOX (QRESYNC (" + Validity() + " 1 1:3 (1,2 2,3)))\r\n");
  EXPECT_EQ(sel.find("VANISHED"), std::string::npos);  // 1 -> UID 2 holds: nothing at or below 2 is told
  std::string sel2 = Talk("e SELECT INBOX (QRESYNC (" + Validity() + " 1 1:3 (1 1)))\r\n");
  EXPECT_NE(sel2.find("* VANISHED (EARLIER) 1\r\n"), std::string::npos);
}

TEST_F(ImapdCondstore, VanishedReplacesExpungeUnderQresync) {
  Talk("a ENABLE QRESYNC\r\nb SELECT INBOX\r\n");
  Talk("c STORE 1,3 +FLAGS.SILENT (\\Deleted)\r\n");
  std::string out = Talk("d EXPUNGE\r\n");
  EXPECT_EQ(out, "* VANISHED 1,3\r\nd OK [HIGHESTMODSEQ " + Modseq(out) + "] EXPUNGE completed\r\n");
  // Another process's expunge too.
  ASSERT_EQ(::unlink((host_.maildir + "/cur/200.M1.h:2,S").c_str()), 0);
  EXPECT_EQ(Talk("e NOOP\r\n"), "* VANISHED 2\r\ne OK NOOP completed\r\n");
}

TEST_F(ImapdCondstore, UidExpungeRemovesOnlyTheUidsNamed) {
  Talk("a SELECT INBOX\r\nb STORE 1:3 +FLAGS.SILENT (\\Deleted)\r\n");
  EXPECT_EQ(Talk("c UID EXPUNGE 2:3\r\n"), "* 2 EXPUNGE\r\n* 2 EXPUNGE\r\nc OK UID EXPUNGE completed\r\n");
  EXPECT_EQ(::access((host_.maildir + "/cur/100.M1.h:2,T").c_str(), F_OK), 0);
  EXPECT_EQ(Talk("d UID EXPUNGE x\r\n"), "d BAD Bad UID set\r\n");
}

TEST_F(ImapdCondstore, BadUse) {
  EXPECT_EQ(Talk("a SELECT INBOX (QRESYNC (1 1))\r\n"), "a BAD QRESYNC must be enabled first\r\n");
  EXPECT_EQ(Talk("b SELECT INBOX (FOO)\r\n"), "b BAD Unknown SELECT parameter FOO\r\n");
  Talk("c SELECT INBOX\r\n");
  EXPECT_EQ(Talk("d FETCH 1 FLAGS (CHANGEDSINCE 1 VANISHED)\r\n"),
            "d BAD VANISHED needs UID FETCH and ENABLE QRESYNC\r\n");
  EXPECT_EQ(Talk("e UID FETCH 1 FLAGS (VANISHED)\r\n"), "e BAD VANISHED needs CHANGEDSINCE\r\n");
  EXPECT_EQ(Talk("f FETCH 1 FLAGS (CHANGEDSINCE x)\r\n"), "f BAD Bad FETCH modifier CHANGEDSINCE\r\n");
  EXPECT_EQ(Talk("g STORE 1 (UNCHANGEDSINCE -1) +FLAGS (\\Seen)\r\n"),
            "g BAD STORE modifier must be (UNCHANGEDSINCE modseq)\r\n");
  std::string h = Talk("h STATUS INBOX (HIGHESTMODSEQ)\r\n");
  EXPECT_EQ(h, "* OK [HIGHESTMODSEQ " + Modseq(h) + "] Highest\r\n* STATUS INBOX (HIGHESTMODSEQ " + Modseq(h) +
                   ")\r\nh OK STATUS completed\r\n");
}

}  // namespace
}  // namespace posthorn::imapd
