// The selected state: SELECT/EXAMINE responses, changes by others reported
// at NOOP and CHECK, EXPUNGE, CLOSE and UNSELECT, STATUS.
#include <unistd.h>

#include <fstream>

#include "common/maildir/uidlist.h"
#include "mra/imapd/message_cache.h"
#include "tests/unit/imapd_session_harness.h"

namespace posthorn::imapd {
namespace {

class ImapdSelect : public ImapdSession {
 protected:
  void Put(const std::string& rel) { std::ofstream(host_.maildir + "/" + rel) << "Subject: x\n\nbody\n"; }
  bool Exists(const std::string& rel) { return ::access((host_.maildir + "/" + rel).c_str(), F_OK) == 0; }
  std::string Uidvalidity() { return std::to_string(maildir::UidList::Open(host_.maildir)->uidvalidity()); }
  std::string Highest() {
    uint32_t validity = maildir::UidList::Open(host_.maildir)->uidvalidity();
    return std::to_string(MessageCache::Open(host_.maildir, validity)->highest_modseq());
  }
  void Rename(const std::string& from, const std::string& to) {
    ASSERT_EQ(::rename((host_.maildir + "/" + from).c_str(), (host_.maildir + "/" + to).c_str()), 0);
  }
};

TEST_F(ImapdSelect, SelectAnswersWithTheFolderState) {
  Put("cur/100.M1.h:2,S");
  Put("cur/200.M1.h:2,");
  Put("new/300.M1.h");
  Open();
  LogIn();
  std::string out = Talk("a SELECT INBOX\r\n");
  EXPECT_EQ(out,
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
            "* 3 EXISTS\r\n"
            "* 1 RECENT\r\n"
            "* OK [UNSEEN 2] First unseen\r\n"
            "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Limited\r\n"
            "* OK [UIDVALIDITY " + Uidvalidity() + "] UIDs valid\r\n"
            "* OK [UIDNEXT 4] Predicted next UID\r\n"
            "* OK [HIGHESTMODSEQ " + Highest() + "] Highest\r\n"
            "a OK [READ-WRITE] SELECT completed\r\n");
  EXPECT_TRUE(Exists("cur/300.M1.h:2,"));  // claimed: \Recent for this session
  EXPECT_EQ(session_->state(), Session::State::kSelected);
}

TEST_F(ImapdSelect, OthersChangesComeAtNoopAndCheck) {
  Put("cur/100.M1.h:2,");
  Put("cur/200.M1.h:2,");
  Open();
  LogIn();
  Talk("a SELECT INBOX\r\n");
  EXPECT_EQ(Talk("b NOOP\r\n"), "b OK NOOP completed\r\n");
  Put("new/300.M1.h");                         // mda delivers
  Rename("cur/100.M1.h:2,", "cur/100.M1.h:2,FS");  // mutt flags
  EXPECT_EQ(Talk("c NOOP\r\n"),
            "* 3 EXISTS\r\n* 1 RECENT\r\n* 1 FETCH (UID 1 FLAGS (\\Seen \\Flagged))\r\nc OK NOOP completed\r\n");
  ASSERT_EQ(::unlink((host_.maildir + "/cur/200.M1.h:2,").c_str()), 0);  // another session expunged
  EXPECT_EQ(Talk("d CHECK\r\n"), "* 2 EXPUNGE\r\nd OK CHECK completed\r\n");
}

TEST_F(ImapdSelect, ExpungeRemovesDeletedMessagesEvenIfRenamedMeanwhile) {
  Put("cur/100.M1.h:2,");
  Put("cur/200.M1.h:2,T");
  Put("cur/300.M1.h:2,T");
  Open();
  LogIn();
  Talk("a SELECT INBOX\r\n");
  Rename("cur/300.M1.h:2,T", "cur/300.M1.h:2,ST");  // another session reads it
  EXPECT_EQ(Talk("b EXPUNGE\r\n"),
            "* 3 FETCH (UID 3 FLAGS (\\Seen \\Deleted))\r\n* 2 EXPUNGE\r\n* 2 EXPUNGE\r\nb OK EXPUNGE completed\r\n");
  EXPECT_TRUE(Exists("cur/100.M1.h:2,"));
  EXPECT_FALSE(Exists("cur/200.M1.h:2,T"));
  EXPECT_FALSE(Exists("cur/300.M1.h:2,ST"));
}

TEST_F(ImapdSelect, ExamineIsReadOnlyAndClaimsNothing) {
  Put("new/100.M1.h");
  Open();
  LogIn();
  // Recent to this session too (RFC 3501 §6.3.2), but left in new/ for the
  // next SELECT to claim.
  std::string out = Talk("a EXAMINE INBOX\r\n");
  EXPECT_NE(out.find("* 1 RECENT\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("* OK [PERMANENTFLAGS ()] Limited\r\n"), std::string::npos) << out;
  EXPECT_TRUE(out.ends_with("a OK [READ-ONLY] EXAMINE completed\r\n"));
  EXPECT_TRUE(Exists("new/100.M1.h"));
  EXPECT_EQ(Talk("b EXPUNGE\r\n"), "b NO [READ-ONLY] The mailbox is read-only\r\n");
}

TEST_F(ImapdSelect, CloseExpungesSilentlyAndUnselectDoesNot) {
  Put("cur/100.M1.h:2,T");
  Open();
  LogIn();
  Talk("a SELECT INBOX\r\n");
  EXPECT_EQ(Talk("b UNSELECT\r\n"), "b OK UNSELECT completed\r\n");
  EXPECT_TRUE(Exists("cur/100.M1.h:2,T"));
  EXPECT_EQ(Talk("c EXPUNGE\r\n"), "c BAD EXPUNGE is not valid in this state\r\n");
  Talk("d SELECT INBOX\r\n");
  EXPECT_EQ(Talk("e CLOSE\r\n"), "e OK CLOSE completed\r\n");
  EXPECT_FALSE(Exists("cur/100.M1.h:2,T"));
  EXPECT_EQ(session_->state(), Session::State::kAuthenticated);
}

TEST_F(ImapdSelect, AFailedSelectLeavesTheStateAuthenticated) {
  Open();
  LogIn();
  Talk("a SELECT INBOX\r\n");
  // RFC 7162 §3.2.11: the previous folder's end is marked.
  EXPECT_EQ(Talk("b SELECT Nowhere\r\n"), "* OK [CLOSED] Previous mailbox closed\r\nb NO [NONEXISTENT] No such mailbox\r\n");
  EXPECT_EQ(session_->state(), Session::State::kAuthenticated);
  EXPECT_EQ(Talk("c SELECT ../x\r\n"), "c NO [NONEXISTENT] No such mailbox\r\n");
  EXPECT_EQ(Talk("d SELECT \"&Jjo\"\r\n"), "d BAD Bad mailbox name\r\n");
  std::string out = Talk("e SELECT Sent\r\n");
  EXPECT_TRUE(out.ends_with("e OK [READ-WRITE] SELECT completed\r\n")) << out;
}

TEST_F(ImapdSelect, StatusCountsWithoutClaiming) {
  Put("cur/100.M1.h:2,S");
  Put("new/200.M1.h");
  Open();
  LogIn();
  EXPECT_EQ(Talk("a STATUS INBOX (MESSAGES RECENT UNSEEN UIDNEXT UIDVALIDITY)\r\n"),
            "* STATUS INBOX (MESSAGES 2 RECENT 1 UNSEEN 1 UIDNEXT 3 UIDVALIDITY " + Uidvalidity() +
                ")\r\na OK STATUS completed\r\n");
  EXPECT_TRUE(Exists("new/200.M1.h"));
  EXPECT_EQ(Talk("b STATUS INBOX (BOGUS)\r\n"), "b BAD Unknown STATUS item BOGUS\r\n");
  EXPECT_EQ(Talk("c STATUS Nowhere (MESSAGES)\r\n"), "c NO [NONEXISTENT] No such mailbox\r\n");
}

}  // namespace
}  // namespace posthorn::imapd
