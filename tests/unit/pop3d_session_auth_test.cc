// The POP3 session before login: greeting, CAPA, STLS, USER/PASS, AUTH,
// and commands of the wrong state.
#include "tests/unit/pop3d_session_harness.h"

namespace posthorn::pop3d {
namespace {


// ---- start -----------------------------------------------------------------

TEST(Pop3Session, Greeting) {
  FakeHost host;
  Settings settings;
  Session s(settings, Cleartext(), &host);
  s.Start();
  EXPECT_EQ(host.sent, "+OK Posthorn POP3 server ready\r\n");
  EXPECT_EQ(host.closes, 0);
  EXPECT_EQ(s.state(), Session::State::kAuthorization);
  EXPECT_FALSE(s.logged_in());
}

TEST(Pop3Session, RefusedAtConnect) {
  for (const char* why : {"Too many connections", "Too many connections from your address"}) {
    FakeHost host;
    Settings settings;
    Session s(settings, Cleartext(), &host);
    s.Start(why);
    EXPECT_EQ(host.sent, std::string("-ERR [SYS/TEMP] ") + why + "\r\n");
    EXPECT_EQ(host.closes, 1);
    EXPECT_TRUE(s.closing());
    EXPECT_EQ(s.OnInput("CAPA\r\n"), 0u);
    EXPECT_EQ(host.sent, std::string("-ERR [SYS/TEMP] ") + why + "\r\n");
  }
}

// ---- CAPA ------------------------------------------------------------------

const std::string kCapaHead = "+OK Capability list follows\r\nTOP\r\nUIDL\r\n";
const std::string kCapaMiddle = "RESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\n";
const std::string kCapaTail = "IMPLEMENTATION Posthorn\r\n.\r\n";

TEST(Pop3Session, CapaCleartextWithoutCertificate) {
  Harness h(Cleartext(false));
  EXPECT_EQ(h.Feed("CAPA\r\n"), kCapaHead + kCapaMiddle + kCapaTail);
}

TEST(Pop3Session, CapaCleartextWithCertificateOffersStlsOnly) {
  Harness h(Cleartext(true));
  EXPECT_EQ(h.Feed("CAPA\r\n"), kCapaHead + kCapaMiddle + "STLS\r\n" + kCapaTail);
}

TEST(Pop3Session, CapaOverTlsOffersUserAndSasl) {
  Harness h(Tls());
  EXPECT_EQ(h.Feed("capa\r\n"), kCapaHead + "USER\r\n" + kCapaMiddle + "SASL PLAIN\r\n" + kCapaTail);
}

TEST(Pop3Session, CapaOnLoopbackDependsOnTheSetting) {
  Settings allow;
  allow.auth_cleartext_loopback = true;
  {
    Harness h(Cleartext(true, true), allow);
    EXPECT_EQ(h.Feed("CAPA\r\n"), kCapaHead + "USER\r\n" + kCapaMiddle + "SASL PLAIN\r\nSTLS\r\n" + kCapaTail);
  }
  {
    Harness h(Cleartext(false, true), allow);
    EXPECT_EQ(h.Feed("CAPA\r\n"), kCapaHead + "USER\r\n" + kCapaMiddle + "SASL PLAIN\r\n" + kCapaTail);
  }
  {  // Setting on, but the peer is not loopback.
    Harness h(Cleartext(true, false), allow);
    EXPECT_EQ(h.Feed("CAPA\r\n"), kCapaHead + kCapaMiddle + "STLS\r\n" + kCapaTail);
  }
  {  // Loopback peer, setting off (the default).
    Harness h(Cleartext(true, true));
    EXPECT_EQ(h.Feed("CAPA\r\n"), kCapaHead + kCapaMiddle + "STLS\r\n" + kCapaTail);
  }
}

TEST(Pop3Session, CapaInTransaction) {
  Harness h(Tls());
  h.LogIn();
  EXPECT_EQ(h.Feed("CAPA\r\n"), kCapaHead + kCapaMiddle + kCapaTail);
  Settings allow;
  allow.auth_cleartext_loopback = true;
  Harness k(Cleartext(true, true), allow);
  k.LogIn();
  EXPECT_EQ(k.Feed("CAPA\r\n"), kCapaHead + kCapaMiddle + kCapaTail);
}

// ---- STLS ------------------------------------------------------------------

TEST(Pop3Session, StlsWithoutCertificate) {
  Harness h(Cleartext(false));
  EXPECT_EQ(h.Feed("STLS\r\n"), "-ERR STLS not available\r\n");
  EXPECT_EQ(h.host.tls_starts, 0);
  EXPECT_EQ(h.session.state(), Session::State::kAuthorization);
}

TEST(Pop3Session, StlsWhenAlreadyTls) {
  Harness h(Tls());
  EXPECT_EQ(h.Feed("STLS\r\n"), "-ERR Already using TLS\r\n");
  EXPECT_EQ(h.host.tls_starts, 0);
}

TEST(Pop3Session, StlsWaitsForTheHandshakeAndThenAllowsLogin) {
  Harness h(Cleartext(true));
  h.answer = false;
  std::string in = "STLS\r\nUSER injected@example.org\r\n";
  EXPECT_EQ(h.session.OnInput(in), 6u);  // only the STLS line
  EXPECT_EQ(h.host.sent, "+OK Begin TLS negotiation\r\n");
  EXPECT_EQ(h.host.tls_starts, 1);
  EXPECT_TRUE(h.session.waiting());
  EXPECT_EQ(h.session.OnInput(in.substr(6)), 0u);  // nothing read while waiting
  EXPECT_EQ(h.host.sent, "+OK Begin TLS negotiation\r\n");
  h.session.OnTlsStarted();
  EXPECT_EQ(h.session.state(), Session::State::kAuthorization);
  EXPECT_EQ(h.Feed("CAPA\r\n"), kCapaHead + "USER\r\n" + kCapaMiddle + "SASL PLAIN\r\n" + kCapaTail);
  EXPECT_EQ(h.Feed("STLS\r\n"), "-ERR Already using TLS\r\n");
  h.answer = true;
  EXPECT_EQ(h.Feed("USER bob@example.org\r\nPASS secret\r\n"),
            "+OK Send PASS\r\n+OK Logged in, 3 messages (4370 octets)\r\n");
  EXPECT_EQ(h.host.log, "unknown[203.0.113.9]: login: user=<bob@example.org>, method=PASS, tls=yes\n");
}

TEST(Pop3Session, StlsPipelinedInputIsDiscardedByTheHost) {
  Harness h(Cleartext(true));
  EXPECT_EQ(h.Feed("STLS\r\nUSER bob@example.org\r\nPASS secret\r\n"), "+OK Begin TLS negotiation\r\n");
  EXPECT_TRUE(h.host.logins.empty());
  EXPECT_EQ(h.session.state(), Session::State::kAuthorization);
}

TEST(Pop3Session, StlsForgetsUser) {
  Settings allow;
  allow.auth_cleartext_loopback = true;
  Harness h(Cleartext(true, true), allow);
  EXPECT_EQ(h.Feed("USER bob@example.org\r\n"), "+OK Send PASS\r\n");
  EXPECT_EQ(h.Feed("STLS\r\n"), "+OK Begin TLS negotiation\r\n");
  EXPECT_EQ(h.session.state(), Session::State::kAuthorization);
  EXPECT_EQ(h.Feed("PASS secret\r\n"), "-ERR USER first\r\n");
  EXPECT_TRUE(h.host.logins.empty());
}

TEST(Pop3Session, OnTlsStartedOutsideAWaitIsIgnored) {
  Harness h(Cleartext(true));
  h.session.OnTlsStarted();
  EXPECT_EQ(h.Feed("USER bob@example.org\r\n"), kTlsFirst);
}

// ---- USER / PASS -----------------------------------------------------------

TEST(Pop3Session, PasswordsRefusedWithoutTls) {
  for (SessionInfo info : {Cleartext(true), Cleartext(false), Cleartext(true, true)}) {
    Harness h(info);
    EXPECT_EQ(h.Feed("USER bob@example.org\r\n"), kTlsFirst);
    EXPECT_EQ(h.Feed("PASS secret\r\n"), kTlsFirst);
    EXPECT_EQ(h.Feed("AUTH PLAIN\r\n"), kTlsFirst);
    EXPECT_EQ(h.Feed("AUTH PLAIN " + Plain("", "bob@example.org", "secret") + "\r\n"), kTlsFirst);
    EXPECT_TRUE(h.host.logins.empty());
    EXPECT_EQ(h.session.state(), Session::State::kAuthorization);
    // The mechanism list is not a secret.
    EXPECT_EQ(h.Feed("AUTH\r\n"), "+OK\r\nPLAIN\r\n.\r\n");
  }
}

TEST(Pop3Session, UserPassLogin) {
  Harness h(Tls());
  h.answer = false;
  EXPECT_EQ(h.Feed("USER bob@example.org\r\n"), "+OK Send PASS\r\n");
  EXPECT_EQ(h.Feed("PASS secret\r\n"), "");
  ASSERT_EQ(h.host.logins.size(), 1u);
  EXPECT_EQ(h.host.logins[0].user, "bob@example.org");
  EXPECT_EQ(h.host.logins[0].password, "secret");
  EXPECT_EQ(h.host.logins[0].failures, 0);
  EXPECT_TRUE(h.session.waiting());
  EXPECT_FALSE(h.session.logged_in());
  h.session.OnLogin(LoginOutcome::kOk, ThreeMessages());
  EXPECT_EQ(h.host.sent, "+OK Logged in, 3 messages (4370 octets)\r\n");
  EXPECT_EQ(h.session.state(), Session::State::kTransaction);
  EXPECT_TRUE(h.session.logged_in());
  EXPECT_EQ(h.session.user(), "bob@example.org");
  EXPECT_EQ(h.host.log, "unknown[203.0.113.9]: login: user=<bob@example.org>, method=PASS, tls=yes\n");
}

TEST(Pop3Session, LoginOnLoopbackWithoutTls) {
  Settings allow;
  allow.auth_cleartext_loopback = true;
  Harness h(Cleartext(false, true), allow);
  EXPECT_EQ(h.Feed("USER bob@example.org\r\nPASS secret\r\n"),
            "+OK Send PASS\r\n+OK Logged in, 3 messages (4370 octets)\r\n");
  EXPECT_EQ(h.host.log, "unknown[127.0.0.1]: login: user=<bob@example.org>, method=PASS, tls=no\n");
}

TEST(Pop3Session, LoginToAnEmptyMaildrop) {
  Harness h(Tls());
  h.listing = Listing();
  EXPECT_EQ(h.Feed("USER bob@example.org\r\nPASS secret\r\n"), "+OK Send PASS\r\n+OK Logged in, 0 messages (0 octets)\r\n");
  EXPECT_EQ(h.Feed("STAT\r\nLIST\r\nUIDL\r\nLIST 1\r\nRETR 1\r\n"),
            std::string("+OK 0 0\r\n+OK 0 messages (0 octets)\r\n.\r\n+OK\r\n.\r\n") + kNoSuch + kNoSuch);
}

TEST(Pop3Session, PassKeepsSpacesInThePassword) {
  Harness h(Tls());
  h.password = "my  secret pw ";
  EXPECT_EQ(h.Feed("USER bob@example.org\r\nPASS my  secret pw \r\n"),
            "+OK Send PASS\r\n+OK Logged in, 3 messages (4370 octets)\r\n");
  ASSERT_EQ(h.host.logins.size(), 1u);
  EXPECT_EQ(h.host.logins[0].password, "my  secret pw ");
}

TEST(Pop3Session, PassWithoutUser) {
  Harness h(Tls());
  EXPECT_EQ(h.Feed("PASS secret\r\n"), "-ERR USER first\r\n");
  EXPECT_TRUE(h.host.logins.empty());
}

TEST(Pop3Session, UserAndPassArguments) {
  Harness h(Tls());
  EXPECT_EQ(h.Feed("USER\r\n"), kInvalid);
  EXPECT_EQ(h.Feed("USER a b\r\n"), kInvalid);
  EXPECT_EQ(h.Feed("USER bob@example.org\r\n"), "+OK Send PASS\r\n");
  EXPECT_EQ(h.Feed("PASS\r\n"), kInvalid);
  EXPECT_EQ(h.Feed("PASS \r\n"), kInvalid);
  EXPECT_TRUE(h.host.logins.empty());
  // The USER given still stands.
  EXPECT_EQ(h.Feed("PASS secret\r\n"), "+OK Logged in, 3 messages (4370 octets)\r\n");
}

TEST(Pop3Session, LaterUserReplacesEarlier) {
  Harness h(Tls());
  h.Feed("USER alice@example.org\r\nUSER bob@example.org\r\nPASS secret\r\n");
  ASSERT_EQ(h.host.logins.size(), 1u);
  EXPECT_EQ(h.host.logins[0].user, "bob@example.org");
}

TEST(Pop3Session, FailedLogin) {
  Harness h(Tls());
  EXPECT_EQ(h.Feed("USER bob@example.org\r\nPASS wrong\r\n"), "+OK Send PASS\r\n-ERR [AUTH] Authentication failed\r\n");
  EXPECT_EQ(h.host.log, "unknown[203.0.113.9]: login failed: user=<bob@example.org>, method=PASS\n");
  EXPECT_EQ(h.host.log.find("wrong"), std::string::npos);
  EXPECT_EQ(h.session.state(), Session::State::kAuthorization);
  EXPECT_FALSE(h.session.logged_in());
  EXPECT_EQ(h.host.closes, 0);
  // USER is needed again, and the next attempt says how many failed before.
  EXPECT_EQ(h.Feed("PASS secret\r\n"), "-ERR USER first\r\n");
  EXPECT_EQ(h.Feed("USER bob@example.org\r\nPASS secret\r\n"), "+OK Send PASS\r\n+OK Logged in, 3 messages (4370 octets)\r\n");
  ASSERT_EQ(h.host.logins.size(), 2u);
  EXPECT_EQ(h.host.logins[0].failures, 0);
  EXPECT_EQ(h.host.logins[1].failures, 1);
}

TEST(Pop3Session, MaxAuthFailuresClosesTheSession) {
  Harness h(Tls());  // default: 3
  const std::string attempt = "USER bob@example.org\r\nPASS wrong\r\n";
  EXPECT_EQ(h.Feed(attempt), "+OK Send PASS\r\n-ERR [AUTH] Authentication failed\r\n");
  EXPECT_EQ(h.Feed(attempt), "+OK Send PASS\r\n-ERR [AUTH] Authentication failed\r\n");
  EXPECT_EQ(h.host.closes, 0);
  EXPECT_EQ(h.Feed(attempt + "CAPA\r\n"), "+OK Send PASS\r\n-ERR [AUTH] Too many authentication failures\r\n");
  EXPECT_EQ(h.host.closes, 1);
  EXPECT_TRUE(h.session.closing());
  EXPECT_EQ(h.buffer, "CAPA\r\n");
  ASSERT_EQ(h.host.logins.size(), 3u);
  EXPECT_EQ(h.host.logins[2].failures, 2);
}

TEST(Pop3Session, MaxAuthFailuresIsASetting) {
  for (int max : {1, 5}) {
    Settings s;
    s.max_auth_failures = max;
    Harness h(Tls(), s);
    for (int i = 1; i < max; ++i) {
      EXPECT_EQ(h.Feed("USER bob@example.org\r\nPASS wrong\r\n"), "+OK Send PASS\r\n-ERR [AUTH] Authentication failed\r\n")
          << max;
    }
    EXPECT_EQ(h.host.closes, 0) << max;
    EXPECT_EQ(h.Feed("USER bob@example.org\r\nPASS wrong\r\n"),
              "+OK Send PASS\r\n-ERR [AUTH] Too many authentication failures\r\n")
        << max;
    EXPECT_EQ(h.host.closes, 1) << max;
  }
}

TEST(Pop3Session, LoginOutcomeTexts) {
  struct Case {
    LoginOutcome outcome;
    const char* reply;
    const char* log;
  };
  const Case cases[] = {
      {LoginOutcome::kInUse, "-ERR [IN-USE] Mailbox is locked by another session\r\n",
       "unknown[203.0.113.9]: login refused: user=<bob@example.org>, method=PASS, mailbox in use\n"},
      {LoginOutcome::kMailboxError, "-ERR [SYS/TEMP] Cannot open the mailbox\r\n",
       "unknown[203.0.113.9]: login refused: user=<bob@example.org>, method=PASS, mailbox cannot be read\n"},
      {LoginOutcome::kAddressLimited, "-ERR [AUTH] Too many failed logins from your address; try again later\r\n",
       "unknown[203.0.113.9]: login refused: user=<bob@example.org>, method=PASS, too many failures from this address\n"},
  };
  for (const Case& c : cases) {
    Harness h(Tls());
    h.login_outcome = c.outcome;
    EXPECT_EQ(h.Feed("USER bob@example.org\r\nPASS secret\r\n"), std::string("+OK Send PASS\r\n") + c.reply);
    EXPECT_EQ(h.host.log, c.log);
    EXPECT_FALSE(h.session.logged_in());
    EXPECT_NE(h.session.state(), Session::State::kTransaction);
  }
}

TEST(Pop3Session, InUseAndMailboxErrorDoNotCountAsFailures) {
  Harness h(Tls());
  h.login_outcome = LoginOutcome::kInUse;
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(h.Feed("USER bob@example.org\r\nPASS secret\r\n"),
              "+OK Send PASS\r\n-ERR [IN-USE] Mailbox is locked by another session\r\n");
  }
  h.login_outcome = LoginOutcome::kMailboxError;
  EXPECT_EQ(h.Feed("USER bob@example.org\r\nPASS secret\r\n"), "+OK Send PASS\r\n-ERR [SYS/TEMP] Cannot open the mailbox\r\n");
  EXPECT_EQ(h.host.closes, 0);
  EXPECT_EQ(h.host.logins.back().failures, 0);
  h.login_outcome.reset();
  EXPECT_EQ(h.Feed("USER bob@example.org\r\nPASS secret\r\n"), "+OK Send PASS\r\n+OK Logged in, 3 messages (4370 octets)\r\n");
}

TEST(Pop3Session, AddressLimitedAnsweredFromInsideLogin) {
  // The real host answers kAddressLimited before Login returns.
  Harness h(Tls());
  h.host.sync_login = LoginOutcome::kAddressLimited;
  EXPECT_EQ(h.Feed("USER bob@example.org\r\nPASS secret\r\n"),
            "+OK Send PASS\r\n-ERR [AUTH] Too many failed logins from your address; try again later\r\n");
  EXPECT_FALSE(h.session.waiting());
  EXPECT_FALSE(h.session.logged_in());
}

TEST(Pop3Session, OnLoginOutsideAWaitIsIgnored) {
  Harness h(Tls());
  h.session.OnLogin(LoginOutcome::kOk, ThreeMessages());
  EXPECT_EQ(h.host.sent, "");
  EXPECT_FALSE(h.session.logged_in());
  EXPECT_EQ(h.Feed("STAT\r\n"), kNotValid);
}

// ---- AUTH ------------------------------------------------------------------

TEST(Pop3Session, AuthListsMechanisms) {
  Harness h(Tls());
  EXPECT_EQ(h.Feed("AUTH\r\n"), "+OK\r\nPLAIN\r\n.\r\n");
}

TEST(Pop3Session, AuthPlainWithInitialResponse) {
  Harness h(Tls());
  EXPECT_EQ(h.Feed("AUTH PLAIN " + Plain("", "bob@example.org", "secret") + "\r\n"),
            "+OK Logged in, 3 messages (4370 octets)\r\n");
  ASSERT_EQ(h.host.logins.size(), 1u);
  EXPECT_EQ(h.host.logins[0].user, "bob@example.org");
  EXPECT_EQ(h.host.logins[0].password, "secret");
  EXPECT_EQ(h.host.log, "unknown[203.0.113.9]: login: user=<bob@example.org>, method=PLAIN, tls=yes\n");
  EXPECT_EQ(h.session.user(), "bob@example.org");
}

TEST(Pop3Session, AuthPlainWithContinuation) {
  Harness h(Tls());
  EXPECT_EQ(h.Feed("auth plain\r\n"), "+ \r\n");
  EXPECT_EQ(h.session.state(), Session::State::kSaslResponse);
  EXPECT_EQ(h.Feed(Plain("bob@example.org", "bob@example.org", "pass word") + "\r\n"),
            "-ERR [AUTH] Authentication failed\r\n");
  ASSERT_EQ(h.host.logins.size(), 1u);
  EXPECT_EQ(h.host.logins[0].password, "pass word");
  EXPECT_EQ(h.host.log, "unknown[203.0.113.9]: login failed: user=<bob@example.org>, method=PLAIN\n");
  EXPECT_EQ(h.Feed("AUTH PLAIN\r\n" + Plain("", "bob@example.org", "secret") + "\r\n"),
            "+ \r\n+OK Logged in, 3 messages (4370 octets)\r\n");
  EXPECT_EQ(h.host.logins[1].failures, 1);
}

TEST(Pop3Session, AuthPlainContinuationLooksLikeACommandButIsNot) {
  Harness h(Tls());
  EXPECT_EQ(h.Feed("AUTH PLAIN\r\nQUIT\r\n"), "+ \r\n-ERR [AUTH] Invalid SASL response\r\n");
  EXPECT_EQ(h.host.closes, 0);
  EXPECT_EQ(h.session.state(), Session::State::kAuthorization);
}

TEST(Pop3Session, AuthPlainCancelled) {
  Harness h(Tls());
  EXPECT_EQ(h.Feed("AUTH PLAIN\r\n*\r\n"), "+ \r\n-ERR Authentication cancelled\r\n");
  EXPECT_EQ(h.session.state(), Session::State::kAuthorization);
  EXPECT_TRUE(h.host.logins.empty());
  EXPECT_EQ(h.Feed("NOOP\r\n"), kNotValid);
}

TEST(Pop3Session, AuthPlainBadResponses) {
  Harness h(Tls());
  EXPECT_EQ(h.Feed("AUTH PLAIN\r\nnot base64!\r\n"), "+ \r\n-ERR [AUTH] Invalid SASL response\r\n");
  EXPECT_EQ(h.Feed("AUTH PLAIN " + Base64Encode("bobsecret") + "\r\n"), "-ERR [AUTH] Invalid SASL response\r\n");
  EXPECT_EQ(h.Feed("AUTH PLAIN =\r\n"), "-ERR [AUTH] Invalid SASL response\r\n");
  EXPECT_EQ(h.Feed("AUTH PLAIN\r\n\r\n"), "+ \r\n-ERR [AUTH] Invalid SASL response\r\n");
  // Proxy authorization is not supported.
  EXPECT_EQ(h.Feed("AUTH PLAIN " + Plain("alice@example.org", "bob@example.org", "secret") + "\r\n"),
            "-ERR [AUTH] Invalid SASL response\r\n");
  EXPECT_TRUE(h.host.logins.empty());
  EXPECT_EQ(h.session.state(), Session::State::kAuthorization);
}

TEST(Pop3Session, AuthOtherMechanismsAndArguments) {
  Harness h(Tls());
  EXPECT_EQ(h.Feed("AUTH LOGIN\r\n"), "-ERR Unsupported authentication mechanism\r\n");
  EXPECT_EQ(h.Feed("AUTH CRAM-MD5\r\n"), "-ERR Unsupported authentication mechanism\r\n");
  EXPECT_EQ(h.Feed("AUTH PLAIN a b\r\n"), kInvalid);
  EXPECT_TRUE(h.host.logins.empty());
}

// ---- commands by state -----------------------------------------------------

TEST(Pop3Session, TransactionCommandsInAuthorization) {
  Harness h(Tls());
  for (const char* cmd : {"STAT", "LIST", "LIST 1", "RETR 1", "DELE 1", "NOOP", "RSET", "TOP 1 1", "UIDL", "UIDL 1"}) {
    EXPECT_EQ(h.Feed(std::string(cmd) + "\r\n"), kNotValid) << cmd;
  }
  EXPECT_TRUE(h.host.sends.empty());
  EXPECT_TRUE(h.host.updates.empty());
}

TEST(Pop3Session, AuthorizationCommandsInTransaction) {
  Harness h(Tls());
  h.LogIn();
  for (const char* cmd : {"USER bob@example.org", "PASS secret", "STLS", "AUTH", "AUTH PLAIN"}) {
    EXPECT_EQ(h.Feed(std::string(cmd) + "\r\n"), kNotValid) << cmd;
  }
  EXPECT_EQ(h.host.logins.size(), 1u);
  EXPECT_EQ(h.host.tls_starts, 0);
  EXPECT_EQ(h.session.state(), Session::State::kTransaction);
}

TEST(Pop3Session, UnknownCommandsInEveryState) {
  Harness h(Tls());
  EXPECT_EQ(h.Feed("FOO\r\n"), "-ERR Unknown command\r\n");
  EXPECT_EQ(h.Feed("\r\n"), "-ERR Unknown command\r\n");
  EXPECT_EQ(h.Feed(" USER bob@example.org\r\n"), "-ERR Unknown command\r\n");
  h.LogIn();
  EXPECT_EQ(h.Feed("XTND XMIT\r\n"), "-ERR Unknown command\r\n");
  EXPECT_EQ(h.Feed("\r\n"), "-ERR Unknown command\r\n");
}

TEST(Pop3Session, QuitInAuthorization) {
  Harness h(Tls());
  EXPECT_EQ(h.Feed("QUIT\r\nCAPA\r\n"), "+OK Bye\r\n");
  EXPECT_EQ(h.host.closes, 1);
  EXPECT_TRUE(h.session.closing());
  EXPECT_TRUE(h.host.updates.empty());
  EXPECT_EQ(h.buffer, "CAPA\r\n");
}
}  // namespace
}  // namespace posthorn::pop3d
