// The POP3 session after login (STAT to QUIT), input handling (pipelining,
// line ends, long lines, errors) and shutdown.
#include "tests/unit/pop3d_session_harness.h"

namespace posthorn::pop3d {
namespace {


TEST(Pop3Session, StatListUidlNoop) {
  Harness h(Tls());
  h.LogIn();
  EXPECT_EQ(h.Feed("STAT\r\n"), "+OK 3 4370\r\n");
  EXPECT_EQ(h.Feed("LIST\r\n"), "+OK 3 messages (4370 octets)\r\n1 120\r\n2 250\r\n3 4000\r\n.\r\n");
  EXPECT_EQ(h.Feed("LIST 2\r\n"), "+OK 2 250\r\n");
  EXPECT_EQ(h.Feed("list 03\r\n"), "+OK 3 4000\r\n");
  EXPECT_EQ(h.Feed("UIDL\r\n"),
            "+OK\r\n1 1700000001.M1P1.host\r\n2 1700000002.M2P2.host\r\n3 Hc8687a08aa5d6ed2044328fa6a697ab8e96dc342\r\n.\r\n");
  EXPECT_EQ(h.Feed("UIDL 1\r\n"), "+OK 1 1700000001.M1P1.host\r\n");
  EXPECT_EQ(h.Feed("NOOP\r\n"), "+OK\r\n");
}

TEST(Pop3Session, BadMessageArguments) {
  Harness h(Tls());
  h.LogIn();
  EXPECT_EQ(h.Feed("LIST 4\r\n"), kNoSuch);
  EXPECT_EQ(h.Feed("LIST 999999999\r\n"), kNoSuch);
  EXPECT_EQ(h.Feed("UIDL 4\r\n"), kNoSuch);
  EXPECT_EQ(h.Feed("RETR 4\r\n"), kNoSuch);
  EXPECT_EQ(h.Feed("TOP 4 0\r\n"), kNoSuch);
  EXPECT_EQ(h.Feed("DELE 4\r\n"), kNoSuch);
  for (const char* cmd : {"LIST 0", "LIST x", "LIST -1", "LIST 1 2", "LIST 1234567890", "UIDL 0", "UIDL 1 2",
                          "RETR", "RETR 0", "RETR x", "RETR 1 2", "TOP", "TOP 1", "TOP 1 x", "TOP x 1",
                          "TOP 0 1", "TOP 1 -1", "TOP 1 1 1", "DELE", "DELE 0", "DELE x", "DELE 1 2"}) {
    Harness k(Tls());  // a fresh session each: these count toward the error limit
    k.LogIn();
    EXPECT_EQ(k.Feed(std::string(cmd) + "\r\n"), kInvalid) << cmd;
    EXPECT_TRUE(k.host.sends.empty()) << cmd;
    EXPECT_EQ(k.Feed("STAT\r\n"), "+OK 3 4370\r\n") << cmd;
  }
  EXPECT_TRUE(h.host.sends.empty());
  EXPECT_EQ(h.Feed("STAT\r\n"), "+OK 3 4370\r\n");
}

TEST(Pop3Session, DeleAffectsStatListUidlAndRset) {
  Harness h(Tls());
  h.LogIn();
  EXPECT_EQ(h.Feed("DELE 2\r\n"), "+OK Marked to be deleted\r\n");
  EXPECT_EQ(h.Feed("DELE 2\r\n"), "-ERR Message already deleted\r\n");
  EXPECT_EQ(h.Feed("STAT\r\n"), "+OK 2 4120\r\n");
  EXPECT_EQ(h.Feed("LIST\r\n"), "+OK 2 messages (4120 octets)\r\n1 120\r\n3 4000\r\n.\r\n");
  EXPECT_EQ(h.Feed("LIST 2\r\n"), kNoSuch);
  EXPECT_EQ(h.Feed("LIST 3\r\n"), "+OK 3 4000\r\n");
  EXPECT_EQ(h.Feed("UIDL\r\n"), "+OK\r\n1 1700000001.M1P1.host\r\n3 Hc8687a08aa5d6ed2044328fa6a697ab8e96dc342\r\n.\r\n");
  EXPECT_EQ(h.Feed("UIDL 2\r\n"), kNoSuch);
  EXPECT_EQ(h.Feed("RETR 2\r\n"), kNoSuch);
  EXPECT_EQ(h.Feed("TOP 2 0\r\n"), kNoSuch);
  EXPECT_TRUE(h.host.sends.empty());
  EXPECT_EQ(h.Feed("DELE 1\r\nDELE 3\r\n"), "+OK Marked to be deleted\r\n+OK Marked to be deleted\r\n");
  EXPECT_EQ(h.Feed("STAT\r\nLIST\r\n"), "+OK 0 0\r\n+OK 0 messages (0 octets)\r\n.\r\n");
  EXPECT_EQ(h.Feed("RSET\r\n"), "+OK 3 messages (4370 octets)\r\n");
  EXPECT_EQ(h.Feed("STAT\r\n"), "+OK 3 4370\r\n");
  EXPECT_EQ(h.Feed("LIST 2\r\n"), "+OK 2 250\r\n");
  EXPECT_EQ(h.Feed("QUIT\r\n"), "+OK Bye, 0 messages deleted\r\n");
  ASSERT_EQ(h.host.updates.size(), 1u);
  EXPECT_EQ(h.host.updates[0].deleted, (Flags{false, false, false}));
}

// ---- RETR / TOP ------------------------------------------------------------

TEST(Pop3Session, RetrAsksTheHostAndWaits) {
  Harness h(Tls());
  h.LogIn();
  h.answer = false;
  EXPECT_EQ(h.session.OnInput("RETR 2\r\nSTAT\r\n"), 8u);
  EXPECT_EQ(h.host.sent, "");  // the host sends the first line with the message
  ASSERT_EQ(h.host.sends.size(), 1u);
  EXPECT_EQ(h.host.sends[0].index, 1u);
  EXPECT_EQ(h.host.sends[0].body_lines, std::nullopt);
  EXPECT_EQ(h.host.sends[0].first_line, "+OK 250 octets\r\n");
  EXPECT_TRUE(h.session.waiting());
  EXPECT_EQ(h.session.OnInput("STAT\r\n"), 0u);
  EXPECT_EQ(h.host.sent, "");
  h.session.OnSent(true, true);
  EXPECT_EQ(h.session.state(), Session::State::kTransaction);
  EXPECT_EQ(h.session.OnInput("STAT\r\n"), 6u);
  EXPECT_EQ(h.host.sent, "+OK 3 4370\r\n");
}

TEST(Pop3Session, TopAsksTheHostForBodyLines) {
  Harness h(Tls());
  h.LogIn();
  EXPECT_EQ(h.Feed("TOP 3 5\r\nTOP 1 0\r\ntop 2 007\r\n"),
            "+OK\r\n<message 3 top 5>\r\n.\r\n+OK\r\n<message 1 top 0>\r\n.\r\n+OK\r\n<message 2 top 7>\r\n.\r\n");
  ASSERT_EQ(h.host.sends.size(), 3u);
  EXPECT_EQ(h.host.sends[0].index, 2u);
  EXPECT_EQ(h.host.sends[0].body_lines, std::optional<size_t>(5));
  EXPECT_EQ(h.host.sends[0].first_line, "+OK\r\n");
  EXPECT_EQ(h.host.sends[1].body_lines, std::optional<size_t>(0));
}

TEST(Pop3Session, RetrMarksRetrievedTopDoesNot) {
  Harness h(Tls());
  h.LogIn();
  EXPECT_EQ(h.Feed("RETR 1\r\nTOP 2 0\r\nDELE 3\r\n"),
            "+OK 120 octets\r\n<message 1>\r\n.\r\n+OK\r\n<message 2 top 0>\r\n.\r\n+OK Marked to be deleted\r\n");
  h.answer = false;
  EXPECT_EQ(h.Feed("QUIT\r\n"), "");
  ASSERT_EQ(h.host.updates.size(), 1u);
  EXPECT_EQ(h.host.updates[0].deleted, (Flags{false, false, true}));
  EXPECT_EQ(h.host.updates[0].retrieved, (Flags{true, false, false}));
  EXPECT_TRUE(h.session.waiting());
  EXPECT_EQ(h.host.closes, 0);
  h.session.OnUpdated(true, 1);
  EXPECT_EQ(h.host.sent, "+OK Bye, 1 messages deleted\r\n");
  EXPECT_EQ(h.host.log, "bob@example.org: logout: retr=1/120, del=1/3\n");
  EXPECT_EQ(h.host.closes, 1);
  EXPECT_TRUE(h.session.closing());
}

TEST(Pop3Session, SendFailedBeforeAnythingWentOut) {
  Harness h(Tls());
  h.LogIn();
  h.answer = false;
  h.Feed("RETR 1\r\n");
  h.session.OnSent(false, false);
  EXPECT_EQ(h.host.sent, "-ERR [SYS/TEMP] Cannot read the message\r\n");
  EXPECT_EQ(h.session.state(), Session::State::kTransaction);
  EXPECT_EQ(h.host.closes, 0);
  h.answer = true;
  EXPECT_EQ(h.Feed("QUIT\r\n"), "+OK Bye, 0 messages deleted\r\n");
  ASSERT_EQ(h.host.updates.size(), 1u);
  EXPECT_EQ(h.host.updates[0].retrieved, (Flags{false, false, false}));
  EXPECT_EQ(h.host.log, "bob@example.org: logout: retr=0/0, del=0/3\n");
}

TEST(Pop3Session, SendFailedHalfwayCloses) {
  Harness h(Tls());
  h.LogIn();
  h.answer = false;
  h.Feed("RETR 3\r\nQUIT\r\n");
  h.session.OnSent(false, true);
  EXPECT_EQ(h.host.sent, "");
  EXPECT_EQ(h.host.closes, 1);
  EXPECT_TRUE(h.session.closing());
  h.Pump();
  EXPECT_TRUE(h.host.updates.empty());  // a dropped connection deletes nothing
}

TEST(Pop3Session, OnSentOutsideAWaitIsIgnored) {
  Harness h(Tls());
  h.LogIn();
  h.session.OnSent(false, false);
  h.session.OnSent(true, true);
  EXPECT_EQ(h.host.sent, "");
  EXPECT_EQ(h.Feed("QUIT\r\n"), "+OK Bye, 0 messages deleted\r\n");
  EXPECT_EQ(h.host.updates[0].retrieved, (Flags{false, false, false}));
}

// ---- QUIT ------------------------------------------------------------------

TEST(Pop3Session, QuitAppliesDeletionsAndLogsOut) {
  Harness h(Tls());
  h.LogIn();
  EXPECT_EQ(h.Feed("RETR 2\r\nRETR 3\r\nRETR 2\r\nDELE 1\r\nDELE 2\r\nQUIT\r\nNOOP\r\n"),
            "+OK 250 octets\r\n<message 2>\r\n.\r\n+OK 4000 octets\r\n<message 3>\r\n.\r\n"
            "+OK 250 octets\r\n<message 2>\r\n.\r\n+OK Marked to be deleted\r\n+OK Marked to be deleted\r\n"
            "+OK Bye, 2 messages deleted\r\n");
  ASSERT_EQ(h.host.updates.size(), 1u);
  EXPECT_EQ(h.host.updates[0].deleted, (Flags{true, true, false}));
  EXPECT_EQ(h.host.updates[0].retrieved, (Flags{false, true, true}));
  EXPECT_EQ(h.host.log, "bob@example.org: logout: retr=3/4500, del=2/3\n");
  EXPECT_EQ(h.host.closes, 1);
  EXPECT_EQ(h.buffer, "NOOP\r\n");
}

TEST(Pop3Session, QuitWhenDeletionFails) {
  Harness h(Tls());
  h.LogIn();
  h.answer = false;
  h.Feed("DELE 1\r\nDELE 2\r\nQUIT\r\n");
  h.host.sent.clear();
  h.session.OnUpdated(false, 1);
  EXPECT_EQ(h.host.sent, "-ERR [SYS/TEMP] Some messages could not be deleted\r\n");
  EXPECT_EQ(h.host.closes, 1);
  EXPECT_TRUE(h.session.closing());
  EXPECT_EQ(h.host.log, "bob@example.org: logout: retr=0/0, del=1/3\n");
}

TEST(Pop3Session, OnUpdatedOutsideAWaitIsIgnored) {
  Harness h(Tls());
  h.LogIn();
  h.session.OnUpdated(true, 3);
  EXPECT_EQ(h.host.sent, "");
  EXPECT_EQ(h.host.closes, 0);
  EXPECT_EQ(h.Feed("STAT\r\n"), "+OK 3 4370\r\n");
}

// ---- input handling --------------------------------------------------------

const char kWholeSession[] =
    "CAPA\r\nUSER bob@example.org\r\nPASS secret\r\nSTAT\r\nLIST\r\nRETR 1\r\nTOP 2 1\r\nDELE 3\r\nUIDL\r\nNOOP\r\n"
    "QUIT\r\n";
const char kWholeSessionReplies[] =
    "+OK Capability list follows\r\nTOP\r\nUIDL\r\nUSER\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\n"
    "SASL PLAIN\r\nIMPLEMENTATION Posthorn\r\n.\r\n"
    "+OK Send PASS\r\n+OK Logged in, 3 messages (4370 octets)\r\n+OK 3 4370\r\n"
    "+OK 3 messages (4370 octets)\r\n1 120\r\n2 250\r\n3 4000\r\n.\r\n"
    "+OK 120 octets\r\n<message 1>\r\n.\r\n+OK\r\n<message 2 top 1>\r\n.\r\n+OK Marked to be deleted\r\n"
    "+OK\r\n1 1700000001.M1P1.host\r\n2 1700000002.M2P2.host\r\n.\r\n+OK\r\n+OK Bye, 1 messages deleted\r\n";

TEST(Pop3Session, PipelinedSessionGivesTheSameRepliesForAnyPacketisation) {
  for (size_t step : {1ul, 2ul, 3ul, 7ul, 64ul, 100000ul}) {
    Harness h(Tls());
    EXPECT_EQ(h.Feed(kWholeSession, step), kWholeSessionReplies) << step;
    EXPECT_EQ(h.host.closes, 1) << step;
    ASSERT_EQ(h.host.updates.size(), 1u) << step;
    EXPECT_EQ(h.host.updates[0].deleted, (Flags{false, false, true})) << step;
    EXPECT_EQ(h.host.updates[0].retrieved, (Flags{true, false, false})) << step;
    EXPECT_EQ(h.host.log,
              "unknown[203.0.113.9]: login: user=<bob@example.org>, method=PASS, tls=yes\n"
              "bob@example.org: logout: retr=1/120, del=1/3\n")
        << step;
  }
}

TEST(Pop3Session, BareLfLineEnds) {
  std::string lf = kWholeSession;
  for (size_t p; (p = lf.find("\r\n")) != std::string::npos;) lf.erase(p, 1);
  for (size_t step : {1ul, 5ul, 100000ul}) {
    Harness h(Tls());
    EXPECT_EQ(h.Feed(lf, step), kWholeSessionReplies) << step;
  }
  Harness h(Tls());
  EXPECT_EQ(h.Feed("USER bob@example.org\nPASS secret\r\nSTAT\n"),
            "+OK Send PASS\r\n+OK Logged in, 3 messages (4370 octets)\r\n+OK 3 4370\r\n");
}

TEST(Pop3Session, InputIsNotConsumedWhileWaiting) {
  Harness h(Tls());
  h.answer = false;
  std::string in = "USER bob@example.org\r\nPASS secret\r\nSTAT\r\nLIST 1\r\n";
  size_t first = std::string("USER bob@example.org\r\nPASS secret\r\n").size();
  EXPECT_EQ(h.session.OnInput(in), first);
  EXPECT_TRUE(h.session.waiting());
  EXPECT_EQ(h.host.sent, "+OK Send PASS\r\n");
  EXPECT_EQ(h.session.OnInput(in.substr(first)), 0u);
  EXPECT_EQ(h.session.OnInput("x"), 0u);
  EXPECT_EQ(h.host.sent, "+OK Send PASS\r\n");
  EXPECT_EQ(h.host.logins.size(), 1u);
  h.session.OnLogin(LoginOutcome::kOk, ThreeMessages());
  EXPECT_EQ(h.session.OnInput(in.substr(first)), in.size() - first);
  EXPECT_EQ(h.host.sent, "+OK Send PASS\r\n+OK Logged in, 3 messages (4370 octets)\r\n+OK 3 4370\r\n+OK 1 120\r\n");
}

TEST(Pop3Session, PartialLineWaitsForItsEnd) {
  Harness h(Tls());
  EXPECT_EQ(h.session.OnInput("CAP"), 0u);
  EXPECT_EQ(h.session.OnInput("CAPA\r"), 0u);
  EXPECT_EQ(h.host.sent, "");
  EXPECT_EQ(h.session.OnInput("CAPA\r\nNOO"), 6u);
  EXPECT_EQ(h.host.sent.rfind("+OK Capability list follows\r\n", 0), 0u);
}

// "NOOP " and 293 more characters, then CRLF: 300 octets.
const std::string kLongLine = "NOOP " + std::string(293, 'a') + "\r\n";

TEST(Pop3Session, LineTooLong) {
  ASSERT_EQ(kLongLine.size(), 300u);
  for (size_t step : {1ul, 7ul, 100ul, 254ul, 255ul, 256ul, 100000ul}) {
    Harness h(Tls());
    h.LogIn();
    EXPECT_EQ(h.Feed(kLongLine + "NOOP\r\n", step), "-ERR Line too long\r\n+OK\r\n") << step;
    EXPECT_EQ(h.session.state(), Session::State::kTransaction);
  }
}

TEST(Pop3Session, LineTooLongWithItsEndInALaterCall) {
  Harness h(Tls());
  h.LogIn();
  std::string body = kLongLine.substr(0, 298);  // no line end yet
  EXPECT_EQ(h.session.OnInput(body), body.size());
  EXPECT_EQ(h.host.sent, "");
  EXPECT_EQ(h.session.OnInput(std::string(50, 'b')), 50u);  // still the same line
  EXPECT_EQ(h.host.sent, "");
  EXPECT_EQ(h.session.OnInput("\r\nNOOP\r\n"), 8u);
  EXPECT_EQ(h.host.sent, "-ERR Line too long\r\n+OK\r\n");
}

TEST(Pop3Session, LineTooLongWithBareLfInALaterCall) {
  Harness h(Tls());
  h.LogIn();
  EXPECT_EQ(h.session.OnInput(std::string(300, 'x')), 300u);
  EXPECT_EQ(h.session.OnInput("\nSTAT\n"), 6u);
  EXPECT_EQ(h.host.sent, "-ERR Line too long\r\n+OK 3 4370\r\n");
}

TEST(Pop3Session, LineLengthLimitIs255WithTheLineEnd) {
  Harness h(Tls());
  h.LogIn();
  std::string ok253 = "NOOP" + std::string(249, ' ');  // 253 + CRLF = 255
  EXPECT_EQ(h.Feed(ok253 + "\r\n"), "+OK\r\n");
  EXPECT_EQ(h.Feed(ok253 + " \r\n"), "-ERR Line too long\r\n");      // 256
  EXPECT_EQ(h.Feed(ok253 + " \n"), "+OK\r\n");                       // 254 + LF = 255
  EXPECT_EQ(h.Feed(ok253 + "  \n"), "-ERR Line too long\r\n");       // 256
  for (size_t step : {1ul, 3ul}) {
    EXPECT_EQ(h.Feed(ok253 + "\r\n" + ok253 + " \r\nNOOP\r\n", step), "+OK\r\n-ERR Line too long\r\n+OK\r\n") << step;
  }
}

TEST(Pop3Session, AnUnfinishedLineIsHeldOnlyWhileItCanStillFit) {
  Harness h(Tls());
  h.LogIn();
  // 254 octets may still end in a bare LF within the limit: kept.
  EXPECT_EQ(h.session.OnInput(std::string(254, 'x')), 0u);
  // 255 without a line end cannot: discarded at once, not buffered.
  EXPECT_EQ(h.session.OnInput(std::string(255, 'x')), 255u);
  EXPECT_EQ(h.host.sent, "");
  EXPECT_EQ(h.session.OnInput("\r\nNOOP\r\n"), 8u);
  EXPECT_EQ(h.host.sent, "-ERR Line too long\r\n+OK\r\n");
}

TEST(Pop3Session, LongPasswordLineIsNotALogin) {
  Harness h(Tls());
  EXPECT_EQ(h.Feed("USER bob@example.org\r\nPASS " + std::string(300, 'p') + "\r\n"),
            "+OK Send PASS\r\n-ERR Line too long\r\n");
  EXPECT_TRUE(h.host.logins.empty());
}

TEST(Pop3Session, TwentyErrorsClose) {
  Harness h(Tls());
  std::string in;
  for (int i = 0; i < 25; ++i) in += "FOO\r\n";
  std::string expected;
  for (int i = 0; i < 19; ++i) expected += "-ERR Unknown command\r\n";
  expected += "-ERR Too many errors\r\n";
  EXPECT_EQ(h.Feed(in), expected);
  EXPECT_EQ(h.host.closes, 1);
  EXPECT_TRUE(h.session.closing());
  EXPECT_EQ(h.buffer.size(), 5u * 5);
  EXPECT_EQ(h.session.OnInput(h.buffer), 0u);
}

TEST(Pop3Session, ErrorsOfEveryKindCountTogether) {
  Harness h(Tls());
  std::string in;
  for (int i = 0; i < 5; ++i) in += "FOO\r\nSTAT\r\nUSER\r\n" + kLongLine;
  std::string expected;
  for (int i = 0; i < 5; ++i) {
    expected += "-ERR Unknown command\r\n";
    expected += kNotValid;
    expected += kInvalid;
    expected += i == 4 ? "-ERR Too many errors\r\n" : "-ERR Line too long\r\n";
  }
  EXPECT_EQ(h.Feed(in, 9), expected);
  EXPECT_EQ(h.host.closes, 1);
}

TEST(Pop3Session, ErrorsInTransactionClose) {
  Harness h(Tls());
  h.LogIn();
  std::string in;
  for (int i = 0; i < 20; ++i) in += "RETR x\r\n";
  std::string out = h.Feed(in + "QUIT\r\n");
  EXPECT_EQ(out.substr(out.size() - 22), "-ERR Too many errors\r\n");
  EXPECT_EQ(h.host.closes, 1);
  EXPECT_TRUE(h.host.updates.empty());  // closing for errors deletes nothing
}

// ---- shutdown --------------------------------------------------------------

TEST(Pop3Session, ShutdownInAuthorization) {
  Harness h(Cleartext());
  h.session.OnShutdown();
  EXPECT_EQ(h.host.sent, "-ERR [SYS/TEMP] Server shutting down\r\n");
  EXPECT_EQ(h.host.closes, 1);
  EXPECT_TRUE(h.session.closing());
  EXPECT_EQ(h.session.OnInput("CAPA\r\n"), 0u);
}

TEST(Pop3Session, ShutdownInTransactionDeletesNothing) {
  Harness h(Tls());
  h.LogIn();
  h.Feed("DELE 1\r\n");
  h.host.sent.clear();
  h.session.OnShutdown();
  EXPECT_EQ(h.host.sent, "-ERR [SYS/TEMP] Server shutting down\r\n");
  EXPECT_EQ(h.host.closes, 1);
  EXPECT_EQ(h.Feed("QUIT\r\n"), "");
  EXPECT_TRUE(h.host.updates.empty());
  EXPECT_EQ(h.host.log, "");
}

TEST(Pop3Session, ShutdownWhileQuitIsAppliedLetsItFinish) {
  Harness h(Tls());
  h.LogIn();
  h.answer = false;
  h.Feed("DELE 1\r\nQUIT\r\n");
  h.host.sent.clear();
  h.session.OnShutdown();
  EXPECT_EQ(h.host.sent, "");
  EXPECT_EQ(h.host.closes, 0);
  h.session.OnUpdated(true, 1);
  EXPECT_EQ(h.host.sent, "+OK Bye, 1 messages deleted\r\n");
  EXPECT_EQ(h.host.closes, 1);
  h.session.OnShutdown();  // closing already: nothing more
  EXPECT_EQ(h.host.sent, "+OK Bye, 1 messages deleted\r\n");
  EXPECT_EQ(h.host.closes, 1);
}

TEST(Pop3Session, ShutdownWhileALoginIsCheckedStillEndsTheSession) {
  // session.h: "SIGTERM: say so and close (unless QUIT is being applied)".
  Harness h(Tls());
  h.answer = false;
  h.Feed("USER bob@example.org\r\nPASS secret\r\n");
  h.host.sent.clear();
  h.session.OnShutdown();
  h.session.OnLogin(LoginOutcome::kOk, ThreeMessages());
  EXPECT_NE(h.host.sent.find("-ERR [SYS/TEMP] Server shutting down\r\n"), std::string::npos) << h.host.sent;
  EXPECT_EQ(h.host.closes, 1);
  EXPECT_TRUE(h.session.closing());
}

TEST(Pop3Session, ShutdownDuringRetrStillEndsTheSessionWithoutDeleting) {
  Harness h(Tls());
  h.LogIn();
  h.answer = false;
  h.Feed("DELE 1\r\nRETR 2\r\n");
  h.host.sent.clear();
  h.session.OnShutdown();
  EXPECT_EQ(h.host.sent, "");  // not in the middle of the message
  h.session.OnSent(true, true);
  EXPECT_EQ(h.host.sent, "-ERR [SYS/TEMP] Server shutting down\r\n");
  EXPECT_EQ(h.host.closes, 1);
  EXPECT_TRUE(h.session.closing());
  EXPECT_TRUE(h.host.updates.empty());
}

}  // namespace
}  // namespace posthorn::pop3d
