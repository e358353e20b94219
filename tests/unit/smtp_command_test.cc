#include "common/smtp/command.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/smtp_command_helpers.h"

namespace posthorn::smtp {
namespace {

using testing::Parsed;
using testing::Refusal;

// ---- verbs ---------------------------------------------------------------

TEST(SmtpCommand, VerbsCaseInsensitive) {
  EXPECT_EQ(Parsed("noop").verb, Verb::kNoop);
  EXPECT_EQ(Parsed("Quit").verb, Verb::kQuit);
  EXPECT_EQ(Parsed("StartTLS").verb, Verb::kStartTls);
  EXPECT_EQ(Parsed("rset").verb, Verb::kRset);
  EXPECT_EQ(Parsed("DATA").verb, Verb::kData);
}

TEST(SmtpCommand, UnknownVerb) {
  EXPECT_EQ(Refusal("FOO"), "500 5.5.2 Error: command not recognized");
  EXPECT_EQ(Refusal("MAILFROM:<a@b.org>"), "500 5.5.2 Error: command not recognized");
  EXPECT_EQ(Refusal(" NOOP"), "500 5.5.2 Error: command not recognized");
  EXPECT_EQ(Refusal("NOOP\tx"), "500 5.5.2 Error: command not recognized");
  EXPECT_EQ(Refusal(std::string("NO\0OP", 5)), "500 5.5.2 Error: command not recognized");
  EXPECT_EQ(Refusal("N\xc3\x96OP"), "500 5.5.2 Error: command not recognized");
}

TEST(SmtpCommand, EmptyLine) {
  EXPECT_EQ(Refusal(""), "500 5.5.2 Error: bad syntax");
  EXPECT_EQ(Refusal("   "), "500 5.5.2 Error: bad syntax");
}

TEST(SmtpCommand, TrailingSpacesIgnored) {
  EXPECT_EQ(Parsed("DATA  ").verb, Verb::kData);
  EXPECT_EQ(Parsed("EHLO client.example.org ").argument, "client.example.org");
}

TEST(SmtpCommand, RejectsControlCharacters) {
  EXPECT_EQ(Refusal(std::string("NOOP a\0b", 8)), "501 5.5.2 Syntax error: control character in command");
  EXPECT_EQ(Refusal("EHLO a\rb"), "501 5.5.2 Syntax error: control character in command");
  EXPECT_EQ(Refusal("HELP \x7f"), "501 5.5.2 Syntax error: control character in command");
  EXPECT_EQ(Refusal("MAIL FROM:<a@b.org>\tSIZE=1"), "501 5.5.2 Syntax error: control character in command");
  EXPECT_EQ(Refusal(std::string("RCPT TO:<a\0@b.org>", 18)), "501 5.5.2 Syntax error: control character in command");
}

TEST(SmtpCommand, RejectsNonAsciiOutsidePaths) {
  EXPECT_EQ(Refusal("EHLO b\xc3\xbc""cher.example"), "501 5.5.2 Syntax error: non-ASCII character in command");
  EXPECT_EQ(Refusal("NOOP \xff", true), "501 5.5.2 Syntax error: non-ASCII character in command");
  EXPECT_EQ(Refusal("AUTH PLAIN \x80"), "501 5.5.2 Syntax error: non-ASCII character in command");
}

// ---- EHLO / HELO -----------------------------------------------------------

TEST(SmtpCommand, Ehlo) {
  Command c = Parsed("EHLO client.example.org");
  EXPECT_EQ(c.verb, Verb::kEhlo);
  EXPECT_EQ(c.argument, "client.example.org");
  EXPECT_EQ(Parsed("ehlo [192.0.2.1]").argument, "[192.0.2.1]");
  EXPECT_EQ(Parsed("EHLO   localhost").argument, "localhost");
  EXPECT_EQ(Parsed("HELO not_a_valid-name!").argument, "not_a_valid-name!");  // liberal
  EXPECT_EQ(Parsed("HELO x").verb, Verb::kHelo);
}

TEST(SmtpCommand, EhloNeedsOneToken) {
  EXPECT_EQ(Refusal("EHLO"), "501 5.5.4 Syntax: EHLO hostname");
  EXPECT_EQ(Refusal("EHLO "), "501 5.5.4 Syntax: EHLO hostname");
  EXPECT_EQ(Refusal("HELO"), "501 5.5.4 Syntax: HELO hostname");
  EXPECT_EQ(Refusal("HELO a b"), "501 5.5.4 Syntax: HELO hostname");
}

// ---- commands without, with optional and with required arguments ----------

TEST(SmtpCommand, NoArgumentAllowed) {
  EXPECT_EQ(Refusal("DATA x"), "501 5.5.4 Syntax: DATA");
  EXPECT_EQ(Refusal("RSET now"), "501 5.5.4 Syntax: RSET");
  EXPECT_EQ(Refusal("QUIT bye"), "501 5.5.4 Syntax: QUIT");
  EXPECT_EQ(Refusal("STARTTLS x"), "501 5.5.4 Syntax: STARTTLS");
}

TEST(SmtpCommand, NoopAndHelpTakeAnything) {
  EXPECT_EQ(Parsed("NOOP").argument, "");
  EXPECT_EQ(Parsed("NOOP anything at all").argument, "anything at all");
  EXPECT_EQ(Parsed("HELP").verb, Verb::kHelp);
  EXPECT_EQ(Parsed("HELP MAIL").argument, "MAIL");
}

TEST(SmtpCommand, VrfyAndExpnNeedArgument) {
  EXPECT_EQ(Parsed("VRFY postmaster").argument, "postmaster");
  EXPECT_EQ(Parsed("EXPN staff").verb, Verb::kExpn);
  EXPECT_EQ(Refusal("VRFY"), "501 5.5.4 Syntax: VRFY address");
  EXPECT_EQ(Refusal("EXPN "), "501 5.5.4 Syntax: EXPN list");
}

TEST(SmtpCommand, Auth) {
  Command c = Parsed("AUTH PLAIN dGVzdAB0ZXN0AHRlc3Q=");
  EXPECT_EQ(c.verb, Verb::kAuth);
  EXPECT_EQ(c.argument, "PLAIN dGVzdAB0ZXN0AHRlc3Q=");
  EXPECT_EQ(Parsed("auth  LOGIN ").argument, "LOGIN");
  EXPECT_EQ(Refusal("AUTH"), "501 5.5.4 Syntax: AUTH mechanism [initial-response]");
}

// ---- BDAT (RFC 3030) --------------------------------------------------------

TEST(SmtpCommand, Bdat) {
  Command c = Parsed("BDAT 1000");
  EXPECT_EQ(c.verb, Verb::kBdat);
  EXPECT_EQ(c.chunk_size, 1000u);
  EXPECT_FALSE(c.last);
  c = Parsed("bdat 0 last");
  EXPECT_EQ(c.chunk_size, 0u);
  EXPECT_TRUE(c.last);
  EXPECT_EQ(Parsed("BDAT 18446744073709551615 LAST").chunk_size, 18446744073709551615u);
}

TEST(SmtpCommand, BdatRejectsBadSizes) {
  const std::string usage = "501 5.5.4 Syntax: BDAT size [LAST]";
  EXPECT_EQ(Refusal("BDAT"), usage);
  EXPECT_EQ(Refusal("BDAT x"), usage);
  EXPECT_EQ(Refusal("BDAT -1"), usage);
  EXPECT_EQ(Refusal("BDAT +1"), usage);
  EXPECT_EQ(Refusal("BDAT 18446744073709551616"), usage);  // 2^64
  EXPECT_EQ(Refusal("BDAT 000000000000000000001"), usage);  // 21 digits
  EXPECT_EQ(Refusal("BDAT 10 FIRST"), usage);
  EXPECT_EQ(Refusal("BDAT 10 LAST x"), usage);
  EXPECT_EQ(Refusal("BDAT LAST"), usage);
}

}  // namespace
}  // namespace posthorn::smtp
