// imapd sessions before and around login, and the mailbox commands, with
// a host that answers at once in memory (no sockets, no threads).
#include <gtest/gtest.h>

#include "common/base/base64.h"
#include "tests/unit/imapd_session_harness.h"

namespace posthorn::imapd {
namespace {

TEST_F(ImapdSession, GreetingAndCapabilitiesFollowTlsAndLogin) {
  Open(/*tls=*/false);
  EXPECT_EQ(host_.sent, "* OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID STARTTLS LOGINDISABLED] Posthorn ready\r\n");
  EXPECT_EQ(Talk("a LOGIN bob@example.org secret\r\n"), "a NO [PRIVACYREQUIRED] Use STARTTLS first\r\n");
  EXPECT_EQ(Talk("b AUTHENTICATE PLAIN\r\n"), "b NO [PRIVACYREQUIRED] Use STARTTLS first\r\n");
  EXPECT_TRUE(host_.logins.empty());
  // Pipelined after STARTTLS: not read (the host throws it away).
  host_.sent.clear();
  std::string in = "c STARTTLS\r\nd LOGIN bob@example.org secret\r\n";
  size_t used = session_->OnInput(in);
  EXPECT_EQ(used, std::string("c STARTTLS\r\n").size());
  EXPECT_EQ(host_.sent, "c OK Begin TLS negotiation now\r\n");
  EXPECT_TRUE(host_.tls_started && session_->waiting());
  session_->OnTlsStarted();
  EXPECT_EQ(Talk("e CAPABILITY\r\n"), "* CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID AUTH=PLAIN\r\ne OK Capability completed\r\n");
  EXPECT_EQ(Talk("f LOGIN bob@example.org secret\r\n"),
            "f OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE NAMESPACE UNSELECT CHILDREN SPECIAL-USE IDLE UIDPLUS MOVE CONDSTORE QRESYNC] Logged in\r\n");
  EXPECT_EQ(session_->state(), Session::State::kAuthenticated);
  EXPECT_EQ(Talk("g STARTTLS\r\n"), "g BAD STARTTLS is not valid in this state\r\n");
}

TEST_F(ImapdSession, LoginWithQuotedAndLiteralArguments) {
  Open();
  EXPECT_EQ(Talk("a LOGIN \"bob@example.org\" {6}\r\n"), "+ Ready for literal data\r\n");
  EXPECT_EQ(Talk("secret\r\n").substr(0, 5), "a OK ");
  EXPECT_EQ(host_.logins, std::vector<std::string>{"bob@example.org:secret"});
}

TEST_F(ImapdSession, FailedLoginsAreCountedThenTheSessionEnds) {
  Open();
  EXPECT_EQ(Talk("a LOGIN bob@example.org wrong\r\n"), "a NO [AUTHENTICATIONFAILED] Authentication failed\r\n");
  EXPECT_EQ(Talk("b LOGIN bob@example.org wrong\r\n"), "b NO [AUTHENTICATIONFAILED] Authentication failed\r\n");
  EXPECT_EQ(Talk("c LOGIN bob@example.org wrong\r\n"),
            "c NO [AUTHENTICATIONFAILED] Authentication failed\r\n* BYE Too many failed logins\r\n");
  EXPECT_TRUE(host_.closed);
}

TEST_F(ImapdSession, LoginOutcomesAreLoggedTheWayPop3dLogsThem) {
  Open();
  Talk("a LOGIN bob@example.org wrong\r\n");
  std::string plain = Base64Encode(std::string("\0bob@example.org\0secret", 23));
  Talk("b AUTHENTICATE PLAIN " + plain + "\r\n");
  EXPECT_EQ(host_.log,
            "login failed: user=<bob@example.org>, method=LOGIN\n"
            "login: user=<bob@example.org>, method=PLAIN, tls=yes\n");
  Open();
  host_.log.clear();
  host_.outcome = LoginOutcome::kMailboxError;
  EXPECT_EQ(Talk("c LOGIN bob@example.org secret\r\n"),
            "c NO [UNAVAILABLE] Your mailbox cannot be opened; try again later\r\n");
  EXPECT_EQ(host_.log, "login refused: user=<bob@example.org>, method=LOGIN, mailbox cannot be opened\n");
  EXPECT_FALSE(host_.closed);
}

TEST_F(ImapdSession, AnAddressOverItsFailureLimitIsSentAway) {
  Open();
  host_.outcome = LoginOutcome::kAddressLimited;
  EXPECT_EQ(Talk("a LOGIN bob@example.org secret\r\n"),
            "a NO [UNAVAILABLE] Too many failed logins from your address; try again later\r\n"
            "* BYE Too many failed logins from your address\r\n");
  EXPECT_TRUE(host_.closed);
  EXPECT_EQ(host_.log,
            "login refused: user=<bob@example.org>, method=LOGIN, too many failures from this address\n");
}

TEST_F(ImapdSession, AuthenticatePlainWithAndWithoutInitialResponse) {
  Open();
  std::string plain = Base64Encode(std::string("\0bob@example.org\0secret", 23));
  EXPECT_EQ(Talk("a AUTHENTICATE PLAIN\r\n"), "+ \r\n");
  EXPECT_EQ(Talk("*\r\n"), "a BAD Authentication cancelled\r\n");
  EXPECT_EQ(Talk("b AUTHENTICATE PLAIN\r\n"), "+ \r\n");
  EXPECT_EQ(Talk(plain + "\r\n").substr(0, 5), "b OK ");
  Open();
  EXPECT_EQ(Talk("c AUTHENTICATE PLAIN " + plain + "\r\n").substr(0, 5), "c OK ");
  Open();
  EXPECT_EQ(Talk("d AUTHENTICATE CRAM-MD5\r\n"), "d NO Unsupported authentication mechanism\r\n");
  EXPECT_EQ(Talk("e AUTHENTICATE PLAIN !!!\r\n").substr(0, 24), "e BAD Bad PLAIN response");
}

TEST_F(ImapdSession, StatesAndSyntax) {
  Open();
  EXPECT_EQ(Talk("a LIST \"\" *\r\n"), "a BAD Log in first\r\n");
  EXPECT_EQ(Talk("b FROB\r\n"), "b BAD Unknown command FROB\r\n");
  EXPECT_EQ(Talk("c NOOP\r\n"), "c OK NOOP completed\r\n");
  EXPECT_EQ(Talk("d ID NIL\r\n"), "* ID (\"name\" \"Posthorn\" \"vendor\" \"Posthorn\")\r\nd OK ID completed\r\n");
  EXPECT_EQ(Talk("e LOGIN a\r\n"), "e BAD LOGIN takes a user name and a password\r\n");
  EXPECT_EQ(Talk("f LOGOUT\r\n"), "* BYE Logging out\r\nf OK Logout completed\r\n");
  EXPECT_TRUE(host_.closed);
}

TEST_F(ImapdSession, TooManyErrorsEndTheSession) {
  settings_.max_errors = 3;
  Open();
  host_.sent.clear();
  std::string in = "a X\r\nb X\r\nc X\r\nd NOOP\r\n";
  EXPECT_EQ(session_->OnInput(in), in.size() - 8);  // d NOOP is never read
  EXPECT_EQ(host_.sent,
            "a BAD Unknown command X\r\nb BAD Unknown command X\r\nc BAD Unknown command X\r\n"
            "* BYE Too many invalid commands\r\n");
  EXPECT_TRUE(host_.closed);
}

TEST_F(ImapdSession, ALiteralTooLargeBeforeLoginIsRefusedWithoutAContinuation) {
  Open();
  std::string out = Talk("a LOGIN bob {4294967295}\r\n");
  EXPECT_EQ(out.substr(0, 6), "a BAD ");
  EXPECT_EQ(out.find("+ "), std::string::npos);
}

TEST_F(ImapdSession, MailboxCommands) {
  Open();
  LogIn();
  EXPECT_EQ(Talk("a NAMESPACE\r\n"), "* NAMESPACE ((\"\" \".\")) NIL NIL\r\na OK NAMESPACE completed\r\n");
  EXPECT_EQ(Talk("b CREATE Lists.debian\r\n"), "b OK CREATE completed\r\n");
  EXPECT_EQ(Talk("c CREATE Lists.debian\r\n"), "c NO [ALREADYEXISTS] mailbox exists\r\n");
  EXPECT_EQ(Talk("d CREATE \"&AOk-t&AOk-\"\r\n"), "d OK CREATE completed\r\n");
  EXPECT_EQ(Talk("e CREATE \"&Jjo\"\r\n").substr(0, 24), "e BAD Bad mailbox name: ");
  EXPECT_EQ(Talk("f CREATE ../../etc\r\n").substr(0, 14), "f NO [CANNOT] ");
  EXPECT_EQ(Talk("g LIST \"\" %\r\n"),
            "* LIST (\\HasNoChildren) \".\" INBOX\r\n"
            "* LIST (\\HasNoChildren) \".\" &AOk-t&AOk-\r\n"
            "* LIST (\\HasNoChildren \\Drafts) \".\" Drafts\r\n"
            "* LIST (\\HasNoChildren \\Junk) \".\" Junk\r\n"
            "* LIST (\\Noselect \\HasChildren) \".\" Lists\r\n"
            "* LIST (\\HasNoChildren \\Sent) \".\" Sent\r\n"
            "* LIST (\\HasNoChildren \\Trash) \".\" Trash\r\n"
            "g OK LIST completed\r\n");
  EXPECT_EQ(Talk("h LIST \"\" \"\"\r\n"), "* LIST (\\Noselect) \".\" \"\"\r\nh OK LIST completed\r\n");
  EXPECT_EQ(Talk("i RENAME Lists Old\r\n"), "i NO [NONEXISTENT] no mailbox Lists\r\n");
  EXPECT_EQ(Talk("j RENAME Lists.debian Old.debian\r\n"), "j OK RENAME completed\r\n");
  EXPECT_EQ(Talk("k DELETE Old.debian\r\n"), "k OK DELETE completed\r\n");
  EXPECT_EQ(Talk("l DELETE INBOX\r\n"), "l NO [CANNOT] INBOX cannot be deleted\r\n");
  EXPECT_EQ(Talk("m SUBSCRIBE Sent\r\nn SUBSCRIBE Gone\r\no LSUB \"\" *\r\n"),
            "m OK SUBSCRIBE completed\r\nn OK SUBSCRIBE completed\r\n"
            "* LSUB () \".\" Sent\r\n* LSUB () \".\" Gone\r\no OK LSUB completed\r\n");
  EXPECT_EQ(Talk("p UNSUBSCRIBE Gone\r\nq LSUB \"\" G*\r\n"), "p OK UNSUBSCRIBE completed\r\nq OK LSUB completed\r\n");
  EXPECT_EQ(Talk("r ENABLE X-UNKNOWN\r\n"), "* ENABLED\r\nr OK ENABLE completed\r\n");
}

}  // namespace
}  // namespace posthorn::imapd
