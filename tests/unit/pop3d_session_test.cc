// The POP3 session driven in memory: client lines in, exact replies out,
// requests to the host recorded and answered by calling the session back,
// and the same replies whatever the packetisation.
#include "mra/pop3d/session.h"

#include <gtest/gtest.h>

#include <optional>

#include "common/base/base64.h"

namespace posthorn::pop3d {
namespace {

using Flags = std::vector<bool>;

struct LoginRequest {
  std::string user, password;
  int failures;
};
struct SendRequest {
  size_t index;
  std::optional<size_t> body_lines;
  std::string first_line;
};
struct UpdateRequest {
  Flags deleted, retrieved;
};

enum class Pending { kNone, kTls, kLogin, kSend, kUpdate };

class FakeHost : public SessionHost {
 public:
  void Send(std::string_view b) override { sent += b; }
  void StartTls() override {
    ++tls_starts;
    pending = Pending::kTls;
  }
  void Close() override { ++closes; }
  void Login(const std::string& user, const std::string& password, int failures) override {
    logins.push_back({user, password, failures});
    pending = Pending::kLogin;
    if (sync_login) {  // as the real host does for an address over its limit
      pending = Pending::kNone;
      session->OnLogin(*sync_login, {});
    }
  }
  void SendMessage(size_t index, std::optional<size_t> body_lines, const std::string& first_line) override {
    sends.push_back({index, body_lines, first_line});
    pending = Pending::kSend;
  }
  void Update(const Flags& deleted, const Flags& retrieved) override {
    updates.push_back({deleted, retrieved});
    pending = Pending::kUpdate;
  }
  void Log(const std::string& line) override { log += line + "\n"; }

  Session* session = nullptr;
  std::optional<LoginOutcome> sync_login;
  Pending pending = Pending::kNone;
  std::string sent, log;
  int tls_starts = 0, closes = 0;
  std::vector<LoginRequest> logins;
  std::vector<SendRequest> sends;
  std::vector<UpdateRequest> updates;
};

// Three messages: sizes 120 + 250 + 4000 = 4370 octets.
Listing ThreeMessages() {
  Listing l;
  l.sizes = {120, 250, 4000};
  l.uids = {"1700000001.M1P1.host", "1700000002.M2P2.host", "Hc8687a08aa5d6ed2044328fa6a697ab8e96dc342"};
  return l;
}

SessionInfo Tls() {
  SessionInfo i;
  i.client_addr = "203.0.113.9";
  i.tls = true;
  i.tls_available = true;
  return i;
}

SessionInfo Cleartext(bool cert = true, bool loopback = false) {
  SessionInfo i;
  i.client_addr = loopback ? "127.0.0.1" : "203.0.113.9";
  i.tls_available = cert;
  i.loopback = loopback;
  return i;
}

std::string Plain(const std::string& authzid, const std::string& user, const std::string& pw) {
  return Base64Encode(authzid + std::string(1, '\0') + user + std::string(1, '\0') + pw);
}

const char kNotValid[] = "-ERR Command not valid in this state\r\n";
const char kInvalid[] = "-ERR Invalid arguments\r\n";
const char kNoSuch[] = "-ERR No such message\r\n";
const char kTlsFirst[] = "-ERR [AUTH] Passwords only over TLS: use STLS first\r\n";

struct Harness {
  explicit Harness(SessionInfo info = Tls(), Settings s = Settings()) : settings(s), session(settings, info, &host) {
    host.session = &session;
    session.Start();
    host.sent.clear();
  }

  // Feeds `input` in pieces of `step` bytes the way a connection does:
  // unconsumed bytes stay buffered and are offered again with the next
  // piece, and again after the host answers a request (when `answer`).
  std::string Feed(const std::string& input, size_t step = 1 << 20) {
    host.sent.clear();
    for (size_t i = 0; i < input.size(); i += step) {
      buffer += input.substr(i, step);
      Pump();
    }
    return host.sent;
  }
  void Pump() {
    for (;;) {
      buffer.erase(0, session.OnInput(buffer));
      if (!answer || !session.waiting() || !AnswerOne()) return;
    }
  }
  // Answers the outstanding request as a working host would.
  bool AnswerOne() {
    Pending p = host.pending;
    host.pending = Pending::kNone;
    switch (p) {
      case Pending::kNone: return false;
      case Pending::kTls:
        buffer.clear();  // pipelined cleartext is discarded
        session.OnTlsStarted();
        return true;
      case Pending::kLogin: {
        const LoginRequest& r = host.logins.back();
        if (login_outcome) {
          session.OnLogin(*login_outcome, *login_outcome == LoginOutcome::kOk ? listing : Listing());
        } else if (r.user == "bob@example.org" && r.password == password) {
          session.OnLogin(LoginOutcome::kOk, listing);
        } else {
          session.OnLogin(LoginOutcome::kFailed, {});
        }
        return true;
      }
      case Pending::kSend: {
        const SendRequest& r = host.sends.back();
        host.Send(r.first_line);
        host.Send("<message " + std::to_string(r.index + 1) +
                  (r.body_lines ? " top " + std::to_string(*r.body_lines) : std::string()) + ">\r\n.\r\n");
        session.OnSent(true, true);
        return true;
      }
      case Pending::kUpdate: {
        size_t n = 0;
        for (bool d : host.updates.back().deleted) n += d;
        session.OnUpdated(true, n);
        return true;
      }
    }
    return false;
  }
  // Logs in as bob over USER/PASS and clears what that sent.
  void LogIn() {
    ASSERT_EQ(Feed("USER bob@example.org\r\nPASS secret\r\n"), "+OK Send PASS\r\n+OK Logged in, 3 messages (4370 octets)\r\n");
    ASSERT_EQ(session.state(), Session::State::kTransaction);
    host.sent.clear();
    host.log.clear();
  }

  Settings settings;
  FakeHost host;
  Session session;
  std::string buffer;
  bool answer = true;
  std::string password = "secret";
  std::optional<LoginOutcome> login_outcome;
  Listing listing = ThreeMessages();
};

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
