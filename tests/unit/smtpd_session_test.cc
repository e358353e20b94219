// The SMTP session driven in memory: client lines in, exact replies out,
// and the same replies whatever the packetisation.
#include "mta/smtpd/session.h"

#include <gtest/gtest.h>

#include <map>

#include "common/base/base64.h"

namespace posthorn::smtpd {
namespace {

class StringSink : public MessageSink {
 public:
  StringSink(std::string id, std::string* out, bool fail) : id_(std::move(id)), out_(out), fail_(fail) {}
  const std::string& id() const override { return id_; }
  bool Write(std::string_view b) override {
    if (fail_) return false;
    out_->append(b);
    return true;
  }

 private:
  std::string id_;
  std::string* out_;
  bool fail_;
};

class FakeHost : public SessionHost {
 public:
  void Send(std::string_view b) override { sent += b; }
  void StartTls() override { tls_requested = true; }
  void Close() override { closed = true; }
  void VerifyLogin(const std::string& user, const std::string& password, int) override {
    login = user + ":" + password;
  }
  RecipientClass ClassifyRecipient(const Address& a) override {
    if (a.domain != "example.org") return RecipientClass::kRemote;
    return users.count(a.local) ? RecipientClass::kLocal : RecipientClass::kUnknownLocal;
  }
  std::unique_ptr<MessageSink> BeginMessage(const Transaction&, std::string* why) override {
    if (disk_full) {
      *why = "no space";
      return nullptr;
    }
    return std::make_unique<StringSink>("4A5B6C7D8E", &message, write_fails);
  }
  void CommitMessage(std::unique_ptr<MessageSink>, const Transaction& t) override {
    committed = true;
    recipients = t.recipients.size();
  }
  void Log(const std::string& line) override { log += line + "\n"; }

  std::string sent, message, login, log;
  bool tls_requested = false, closed = false, committed = false;
  bool disk_full = false, write_fails = false;
  size_t recipients = 0;
  std::map<std::string, int> users = {{"bob", 1}, {"postmaster", 1}};
};

Settings TestSettings() {
  Settings s;
  s.hostname = "mx.example.org";
  s.domains = {"example.org"};
  s.mynetworks = *net::CidrList::Parse("192.0.2.0/24");
  s.limits.max_message_size = 1000;
  s.limits.max_recipients = 3;
  s.limits.max_errors = 5;
  return s;
}

struct Harness {
  explicit Harness(SessionInfo info = {"203.0.113.9"}) : settings(TestSettings()), session(settings, info, &host) {
    session.Start();
    host.sent.clear();
  }
  // Feeds `input` in pieces of `step` bytes the way a connection would:
  // unconsumed bytes stay buffered and are offered again with the next.
  std::string Feed(const std::string& input, size_t step = 1 << 20) {
    host.sent.clear();
    for (size_t i = 0; i < input.size(); i += step) {
      buffer += input.substr(i, step);
      buffer.erase(0, session.OnInput(buffer));
    }
    return host.sent;
  }
  Settings settings;
  FakeHost host;
  Session session;
  std::string buffer;
};

TEST(SmtpdSession, GreetingAndEhloOnPort25WithoutTls) {
  FakeHost host;
  Settings settings = TestSettings();
  Session s(settings, {"203.0.113.9"}, &host);
  s.Start();
  EXPECT_EQ(host.sent, "220 mx.example.org ESMTP Posthorn\r\n");
  Harness h;
  EXPECT_EQ(h.Feed("EHLO client.example\r\n"),
            "250-mx.example.org\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n"
            "250-SMTPUTF8\r\n250 CHUNKING\r\n");
}

TEST(SmtpdSession, EhloAdvertisesStartTlsThenAuthAfterIt) {
  SessionInfo info{"203.0.113.9"};
  info.tls_available = true;
  Harness h(info);
  EXPECT_NE(h.Feed("EHLO c\r\n").find("250 STARTTLS\r\n"), std::string::npos);
  EXPECT_EQ(h.Feed("STARTTLS\r\nEHLO injected\r\n"), "220 2.0.0 Ready to start TLS\r\n");
  EXPECT_TRUE(h.host.tls_requested);
  EXPECT_TRUE(h.session.waiting());
  h.buffer.clear();  // what the host does: pipelined cleartext is discarded
  h.session.OnTlsStarted("TLSv1.3", "TLS_AES_256_GCM_SHA384");
  EXPECT_EQ(h.Feed("MAIL FROM:<a@b.example>\r\n"), "503 5.5.1 Error: send HELO/EHLO first\r\n");
  std::string ehlo = h.Feed("EHLO c\r\n");
  EXPECT_EQ(ehlo.find("STARTTLS"), std::string::npos);
  EXPECT_NE(ehlo.find("250 AUTH PLAIN LOGIN\r\n"), std::string::npos);
}

const char kTransaction[] =
    "EHLO client.example\r\nMAIL FROM:<alice@remote.example> SIZE=100\r\nRCPT TO:<bob@example.org>\r\n"
    "RCPT TO:<nobody@example.org>\r\nRCPT TO:<x@elsewhere.example>\r\nDATA\r\nSubject: hi\r\n\r\n"
    "..dot\r\nbody\r\n.\r\nQUIT\r\n";

const char kTransactionReplies[] =
    "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n"
    "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in local recipient table\r\n"
    "554 5.7.1 <x@elsewhere.example>: Relay access denied\r\n354 End data with <CR><LF>.<CR><LF>\r\n";

TEST(SmtpdSession, PipelinedTransactionGivesTheSameRepliesForAnyPacketisation) {
  for (size_t step : {1ul, 2ul, 3ul, 7ul, 64ul, 100000ul}) {
    Harness h;
    std::string out = h.Feed(kTransaction, step);
    std::string ehlo_end = "250 CHUNKING\r\n";
    ASSERT_NE(out.find(ehlo_end), std::string::npos) << step;
    EXPECT_EQ(out.substr(out.find(ehlo_end) + ehlo_end.size()), kTransactionReplies) << step;
    EXPECT_TRUE(h.host.committed) << step;
    EXPECT_TRUE(h.session.waiting());
    EXPECT_NE(h.host.message.find("Subject: hi\r\n\r\n.dot\r\nbody\r\n"), std::string::npos);
    EXPECT_EQ(h.host.message.rfind("Received: from client.example (unknown [203.0.113.9])\r\n\tby mx.example.org "
                                   "(Posthorn) with ESMTP id 4A5B6C7D8E\r\n\tfor <bob@example.org>; ", 0), 0u);
    h.host.sent.clear();
    h.session.OnCommitted(true, "");
    h.buffer.erase(0, h.session.OnInput(h.buffer));
    EXPECT_EQ(h.host.sent, "250 2.0.0 Ok: queued as 4A5B6C7D8E\r\n221 2.0.0 Bye\r\n") << step;
    EXPECT_TRUE(h.host.closed);
  }
}

TEST(SmtpdSession, SmugglingAttemptsDoNotEndData) {
  for (const char* fake_end : {"\n.\n", "\n.\r\n", "\r.\r", "\r\n.\n", "\r\n.\r", "\r.\r\n"}) {
    Harness h;
    h.Feed("EHLO c\r\nMAIL FROM:<a@remote.example>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n");
    std::string out = h.Feed(std::string("Subject: x\r\n\r\nbody") + fake_end + "MAIL FROM:<evil@x>\r\n");
    EXPECT_EQ(out, "") << "data ended early for " << fake_end;
    out = h.Feed("\r\n.\r\n");
    EXPECT_EQ(out, "554 5.6.0 Error: bare <CR> or <LF> in message data; lines end with <CR><LF>\r\n");
    EXPECT_FALSE(h.host.committed);
  }
}

TEST(SmtpdSession, BareLineEndsInCommandsAreErrors) {
  Harness h;
  EXPECT_EQ(h.Feed("EHLO c\nNOOP\r\n"), "500 5.5.2 Error: bare <LF> received; lines end with <CR><LF>\r\n250 2.0.0 Ok\r\n");
  EXPECT_EQ(h.Feed("NOOP\rRSET\r\n"), "500 5.5.2 Error: bare <CR> received; lines end with <CR><LF>\r\n");
}

TEST(SmtpdSession, LongLinesAreRefusedAndSkipped) {
  Harness h;
  std::string line = "NOOP " + std::string(5000, 'a') + "\r\nNOOP\r\n";
  for (size_t step : {1ul, 100ul, 100000ul}) {
    Harness k;
    EXPECT_EQ(k.Feed(line, step), "500 5.5.2 Error: line too long\r\n250 2.0.0 Ok\r\n") << step;
  }
}

TEST(SmtpdSession, SequenceErrors) {
  Harness h;
  h.settings.limits.max_errors = 20;
  EXPECT_EQ(h.Feed("MAIL FROM:<a@b.example>\r\n"), "503 5.5.1 Error: send HELO/EHLO first\r\n");
  h.Feed("HELO c\r\n");
  EXPECT_EQ(h.Feed("RCPT TO:<bob@example.org>\r\n"), "503 5.5.1 Error: need MAIL command\r\n");
  EXPECT_EQ(h.Feed("DATA\r\n"), "503 5.5.1 Error: need RCPT command\r\n");
  h.Feed("MAIL FROM:<>\r\n");
  EXPECT_EQ(h.Feed("MAIL FROM:<>\r\n"), "503 5.5.1 Error: nested MAIL command\r\n");
  EXPECT_EQ(h.Feed("DATA\r\n"), "554 5.5.1 Error: no valid recipients\r\n");
}

TEST(SmtpdSession, TooManyErrorsCloses) {
  Harness h;
  std::string out = h.Feed("FOO\r\nFOO\r\nFOO\r\nFOO\r\nFOO\r\nFOO\r\n");
  EXPECT_NE(out.find("421 4.7.0 mx.example.org Error: too many errors\r\n"), std::string::npos);
  EXPECT_TRUE(h.host.closed);
  EXPECT_TRUE(h.session.closing());
}

TEST(SmtpdSession, RelayFromMynetworksAndLimits) {
  Harness h({"192.0.2.10"});
  h.Feed("EHLO c\r\nMAIL FROM:<a@b.example>\r\n");
  EXPECT_EQ(h.Feed("RCPT TO:<x@elsewhere.example>\r\n"), "250 2.1.5 Ok\r\n");
  EXPECT_EQ(h.Feed("RCPT TO:<bob@example.org>\r\nRCPT TO:<postmaster>\r\nRCPT TO:<bob@example.org>\r\n"),
            "250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n452 4.5.3 Error: too many recipients\r\n");
}

TEST(SmtpdSession, SizeLimits) {
  Harness h;
  h.Feed("EHLO c\r\n");
  EXPECT_EQ(h.Feed("MAIL FROM:<a@b.example> SIZE=1001\r\n"), "552 5.3.4 Message size exceeds fixed maximum message size\r\n");
  h.Feed("MAIL FROM:<a@b.example>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n");
  EXPECT_EQ(h.Feed(std::string(2000, 'x') + "\r\n.\r\n"), "552 5.3.4 Error: message file too big\r\n");
  EXPECT_FALSE(h.host.committed);
}

TEST(SmtpdSession, DiskFullIs452) {
  Harness h;
  h.host.disk_full = true;
  h.Feed("EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<bob@example.org>\r\n");
  EXPECT_EQ(h.Feed("DATA\r\n"), "452 4.3.1 Error: insufficient system storage\r\n");
  Harness w;
  w.host.write_fails = true;
  w.Feed("EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n");
  EXPECT_EQ(w.Feed("Subject: x\r\n\r\nbody\r\n.\r\n"), "452 4.3.1 Error: insufficient system storage\r\n");
  EXPECT_FALSE(w.host.committed);
}

TEST(SmtpdSession, BdatChunks) {
  for (size_t step : {1ul, 5ul, 100000ul}) {
    Harness h;
    h.Feed("EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<bob@example.org>\r\n");
    std::string out = h.Feed("BDAT 14\r\nSubject: x\r\n\r\nBDAT 6 LAST\r\nbody\r\n", step);
    EXPECT_EQ(out, "250 2.0.0 Ok: 14 octets received\r\n") << step;
    EXPECT_TRUE(h.host.committed);
    EXPECT_NE(h.host.message.find("\r\nSubject: x\r\n\r\nbody\r\n"), std::string::npos);
  }
}

TEST(SmtpdSession, BdatWithoutRecipientsIsReadThenRefused) {
  Harness h;
  h.Feed("EHLO c\r\nMAIL FROM:<a@b.example>\r\n");
  EXPECT_EQ(h.Feed("BDAT 6 LAST\r\nNOOP\r\nNOOP\r\n"), "554 5.5.1 Error: no valid recipients\r\n250 2.0.0 Ok\r\n");
}

TEST(SmtpdSession, BdatBareLfIsRefused) {
  Harness h;
  h.Feed("EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<bob@example.org>\r\n");
  EXPECT_EQ(h.Feed("BDAT 8 LAST\r\nA: b\n\r\nx"),
            "554 5.6.0 Error: bare <CR> or <LF> in message data; lines end with <CR><LF>\r\n");
}

TEST(SmtpdSession, AuthRefusedOnCleartextAndAcceptedOverTls) {
  Harness plain;
  plain.Feed("EHLO c\r\n");
  EXPECT_EQ(plain.Feed("AUTH PLAIN " + Base64Encode(std::string("\0bob\0pw", 7)) + "\r\n"),
            "538 5.7.11 Encryption required for requested authentication mechanism\r\n");
  SessionInfo info{"203.0.113.9", ListenerKind::kSubmissions, true, "TLSv1.3", "X"};
  Harness h(info);
  h.Feed("EHLO c\r\n");
  EXPECT_EQ(h.Feed("MAIL FROM:<bob@example.org>\r\n"), "530 5.7.0 Authentication required\r\n");
  EXPECT_EQ(h.Feed("AUTH PLAIN " + Base64Encode(std::string("\0bob@example.org\0secret", 23)) + "\r\n"), "");
  EXPECT_EQ(h.host.login, "bob@example.org:secret");
  h.session.OnLoginResult(true);
  EXPECT_EQ(h.host.sent, "235 2.7.0 Authentication successful\r\n");
  EXPECT_EQ(h.host.log.find("secret"), std::string::npos);
  EXPECT_EQ(h.Feed("MAIL FROM:<bob@example.org>\r\nRCPT TO:<x@elsewhere.example>\r\n"), "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n");
}

TEST(SmtpdSession, AuthLoginExchangeAndFailures) {
  SessionInfo info{"203.0.113.9", ListenerKind::kSubmission, true, "TLSv1.3", "X"};
  Harness h(info);
  h.settings.limits.max_auth_failures = 2;
  h.Feed("EHLO c\r\n");
  EXPECT_EQ(h.Feed("AUTH LOGIN\r\n"), "334 VXNlcm5hbWU6\r\n");
  EXPECT_EQ(h.Feed(Base64Encode("bob@example.org") + "\r\n"), "334 UGFzc3dvcmQ6\r\n");
  EXPECT_EQ(h.Feed(Base64Encode("wrong") + "\r\n"), "");
  h.host.sent.clear();
  h.session.OnLoginResult(false);
  EXPECT_EQ(h.host.sent, "535 5.7.8 Error: authentication failed\r\n");
  EXPECT_EQ(h.Feed("AUTH PLAIN\r\n"), "334 \r\n");
  EXPECT_EQ(h.Feed("*\r\n"), "501 5.7.0 Authentication aborted\r\n");
  h.Feed("AUTH PLAIN " + Base64Encode(std::string("\0bob\0x", 6)) + "\r\n");
  h.host.sent.clear();
  h.session.OnLoginResult(false);
  EXPECT_EQ(h.host.sent, "421 4.7.0 mx.example.org Error: too many authentication failures\r\n");
  EXPECT_TRUE(h.host.closed);
}

TEST(SmtpdSession, OtherCommands) {
  Harness h;
  EXPECT_EQ(h.Feed("NOOP\r\nVRFY bob\r\nEXPN list\r\nHELP\r\nRSET\r\n"),
            "250 2.0.0 Ok\r\n252 2.0.0 Cannot VRFY user, but will accept message and attempt delivery\r\n"
            "502 5.5.1 Error: command not implemented\r\n"
            "214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH\r\n250 2.0.0 Ok\r\n");
  EXPECT_EQ(h.Feed("HELO c\r\n"), "250 mx.example.org\r\n");
  EXPECT_EQ(h.Feed("STARTTLS\r\n"), "454 4.7.0 TLS not available\r\n");
}

TEST(SmtpdSession, TimeoutSays421) {
  Harness h;
  h.session.OnTimeout();
  EXPECT_EQ(h.host.sent, "421 4.4.2 mx.example.org Error: timeout exceeded\r\n");
  EXPECT_TRUE(h.host.closed);
}

}  // namespace
}  // namespace posthorn::smtpd
