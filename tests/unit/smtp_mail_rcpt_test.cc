// MAIL and RCPT: paths and parameters (RFC 5321 §4.1.1.2-3, §4.1.2).
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/smtp_command_helpers.h"

#include "common/smtp/command.h"

namespace posthorn::smtp {
namespace {

using testing::Parsed;
using testing::Refusal;

// ---- MAIL ----------------------------------------------------------------

TEST(SmtpCommand, MailPlain) {
  Command c = Parsed("MAIL FROM:<John@Example.ORG>");
  EXPECT_EQ(c.verb, Verb::kMail);
  EXPECT_EQ(c.path.local, "John");
  EXPECT_EQ(c.path.domain, "example.org");
  EXPECT_FALSE(c.size.has_value());
  EXPECT_EQ(c.body, BodyType::kUnspecified);
  EXPECT_FALSE(c.smtputf8);
}

TEST(SmtpCommand, MailNullSender) {
  Command c = Parsed("MAIL FROM:<>");
  EXPECT_TRUE(c.path.null());
  EXPECT_TRUE(Parsed("MAIL FROM:<> SIZE=100").path.null());
}

TEST(SmtpCommand, MailKeywordsCaseInsensitiveAndSpaceAfterColon) {
  EXPECT_EQ(Parsed("mail from:<a@b.org>").path.local, "a");
  EXPECT_EQ(Parsed("MAIL FROM: <a@b.org>").path.local, "a");  // Postfix accepts it too
  EXPECT_EQ(Parsed("MAIL  From:<a@b.org>  SIZE=1  ").size, 1u);
}

TEST(SmtpCommand, MailSyntax) {
  EXPECT_EQ(Refusal("MAIL"), "501 5.5.4 Syntax: MAIL FROM:<address>");
  EXPECT_EQ(Refusal("MAIL TO:<a@b.org>"), "501 5.5.4 Syntax: MAIL FROM:<address>");
  EXPECT_EQ(Refusal("MAIL FROM <a@b.org>"), "501 5.5.4 Syntax: MAIL FROM:<address>");
}

TEST(SmtpCommand, MailBadPath) {
  EXPECT_EQ(Refusal("MAIL FROM:"), "501 5.1.7 Bad sender address syntax: missing '<'");
  EXPECT_EQ(Refusal("MAIL FROM:a@b.org"), "501 5.1.7 Bad sender address syntax: missing '<'");
  EXPECT_EQ(Refusal("MAIL FROM:<a@b.org"), "501 5.1.7 Bad sender address syntax: missing '>'");
  EXPECT_EQ(Refusal("MAIL FROM:<a@b.org>x"), "501 5.1.7 Bad sender address syntax: garbage after '>'");
  EXPECT_EQ(Refusal("MAIL FROM:<a..b@b.org>"), "501 5.1.7 Bad sender address syntax: '..' in local part");
  EXPECT_EQ(Refusal("MAIL FROM:<a@>"), "501 5.1.7 Bad sender address syntax: missing domain");
}

TEST(SmtpCommand, MailQuotedLocalPartWithSpaceAndBracket) {
  Command c = Parsed("MAIL FROM:<\"john > doe\"@example.org> SIZE=5");
  EXPECT_EQ(c.path.local, "john > doe");
  EXPECT_EQ(c.size, 5u);
}

TEST(SmtpCommand, MailSourceRouteDropped) {
  Command c = Parsed("MAIL FROM:<@relay.example,@other.example:a@b.org>");
  EXPECT_EQ(c.path.local, "a");
  EXPECT_EQ(c.path.domain, "b.org");
}

TEST(SmtpCommand, MailSize) {
  EXPECT_EQ(Parsed("MAIL FROM:<a@b.org> SIZE=0").size, 0u);
  EXPECT_EQ(Parsed("MAIL FROM:<a@b.org> size=10240000").size, 10240000u);
  EXPECT_EQ(Refusal("MAIL FROM:<a@b.org> SIZE=big"), "501 5.5.4 Bad SIZE parameter");
  EXPECT_EQ(Refusal("MAIL FROM:<a@b.org> SIZE=-1"), "501 5.5.4 Bad SIZE parameter");
  EXPECT_EQ(Refusal("MAIL FROM:<a@b.org> SIZE=99999999999999999999"), "501 5.5.4 Bad SIZE parameter");
  EXPECT_EQ(Refusal("MAIL FROM:<a@b.org> SIZE"), "501 5.5.4 Bad SIZE parameter");
  EXPECT_EQ(Refusal("MAIL FROM:<a@b.org> SIZE="), "501 5.5.4 Syntax error in parameters");
}

TEST(SmtpCommand, MailBody) {
  EXPECT_EQ(Parsed("MAIL FROM:<a@b.org> BODY=7BIT").body, BodyType::k7Bit);
  EXPECT_EQ(Parsed("MAIL FROM:<a@b.org> BODY=8bitmime").body, BodyType::k8BitMime);
  EXPECT_EQ(Parsed("MAIL FROM:<a@b.org> body=BINARYMIME").body, BodyType::kBinaryMime);
  EXPECT_EQ(Refusal("MAIL FROM:<a@b.org> BODY=9BIT"), "501 5.5.4 Bad BODY parameter");
  EXPECT_EQ(Refusal("MAIL FROM:<a@b.org> BODY"), "501 5.5.4 Bad BODY parameter");
}

TEST(SmtpCommand, MailSmtpUtf8AllowsUtf8Path) {
  Command c = Parsed("MAIL FROM:<j\xc3\xb6rg@b\xc3\xbc""cher.example> SMTPUTF8");
  EXPECT_TRUE(c.smtputf8);
  EXPECT_EQ(c.path.local, "j\xc3\xb6rg");
  // MAIL decides from its own parameters, not from the caller's flag.
  EXPECT_EQ(Refusal("MAIL FROM:<j\xc3\xb6rg@b.org>", true),
            "501 5.1.7 Bad sender address syntax: non-ASCII character in local part");
  EXPECT_EQ(Refusal("MAIL FROM:<j\xff@b.org> SMTPUTF8"),
            "501 5.1.7 Bad sender address syntax: invalid UTF-8 in local part");
  EXPECT_EQ(Refusal("MAIL FROM:<a@b.org> SMTPUTF8=yes"), "501 5.5.4 Bad SMTPUTF8 parameter");
}

TEST(SmtpCommand, MailAuthAcceptedAndIgnored) {
  EXPECT_EQ(Parsed("MAIL FROM:<a@b.org> AUTH=<>").path.local, "a");
  EXPECT_EQ(Parsed("MAIL FROM:<a@b.org> AUTH=e+3Dmc2@example.com").path.local, "a");
  EXPECT_EQ(Refusal("MAIL FROM:<a@b.org> AUTH=a+3d"), "501 5.5.4 Bad AUTH parameter");  // hex is upper-case
  EXPECT_EQ(Refusal("MAIL FROM:<a@b.org> AUTH=a+"), "501 5.5.4 Bad AUTH parameter");
  EXPECT_EQ(Refusal("MAIL FROM:<a@b.org> AUTH=a=b"), "501 5.5.4 Bad AUTH parameter");
  EXPECT_EQ(Refusal("MAIL FROM:<a@b.org> AUTH"), "501 5.5.4 Bad AUTH parameter");
}

TEST(SmtpCommand, MailAllParametersTogether) {
  Command c = Parsed("MAIL FROM:<a@b.org> SIZE=42 BODY=8BITMIME SMTPUTF8 AUTH=<>");
  EXPECT_EQ(c.size, 42u);
  EXPECT_EQ(c.body, BodyType::k8BitMime);
  EXPECT_TRUE(c.smtputf8);
}

TEST(SmtpCommand, MailUnsupportedAndDuplicateParameters) {
  EXPECT_EQ(Refusal("MAIL FROM:<a@b.org> RET=HDRS"), "555 5.5.4 Unsupported parameter");
  EXPECT_EQ(Refusal("MAIL FROM:<a@b.org> X-FOO"), "555 5.5.4 Unsupported parameter");
  EXPECT_EQ(Refusal("MAIL FROM:<a@b.org> SIZE=1 SIZE=1"), "501 5.5.4 Duplicate parameter");
  EXPECT_EQ(Refusal("MAIL FROM:<a@b.org> SMTPUTF8 smtputf8"), "501 5.5.4 Duplicate parameter");
  EXPECT_EQ(Refusal("MAIL FROM:<a@b.org> =1"), "501 5.5.4 Syntax error in parameters");
  EXPECT_EQ(Refusal("MAIL FROM:<a@b.org> -X"), "501 5.5.4 Syntax error in parameters");
  EXPECT_EQ(Refusal("MAIL FROM:<a@b.org> S\xc3\x96ZE=1"), "501 5.5.4 Syntax error in parameters");
}

TEST(SmtpCommand, MailParametersCheckedBeforePath) {
  // The path's grammar depends on SMTPUTF8, so parameters come first.
  EXPECT_EQ(Refusal("MAIL FROM:<bad> FOO"), "555 5.5.4 Unsupported parameter");
}

// ---- RCPT ----------------------------------------------------------------

TEST(SmtpCommand, RcptPlain) {
  Command c = Parsed("RCPT TO:<User@Example.org>");
  EXPECT_EQ(c.verb, Verb::kRcpt);
  EXPECT_EQ(c.path.local, "User");
  EXPECT_EQ(c.path.domain, "example.org");
  EXPECT_EQ(Parsed("rcpt to: <a@b.org>").path.local, "a");
}

TEST(SmtpCommand, RcptPostmaster) {
  Command c = Parsed("RCPT TO:<Postmaster>");
  EXPECT_EQ(c.path.local, "postmaster");
  EXPECT_EQ(c.path.domain, "");
}

TEST(SmtpCommand, RcptSyntax) {
  EXPECT_EQ(Refusal("RCPT"), "501 5.5.4 Syntax: RCPT TO:<address>");
  EXPECT_EQ(Refusal("RCPT FROM:<a@b.org>"), "501 5.5.4 Syntax: RCPT TO:<address>");
}

TEST(SmtpCommand, RcptBadPath) {
  EXPECT_EQ(Refusal("RCPT TO:<>"), "501 5.1.3 Bad recipient address syntax: null path not allowed");
  EXPECT_EQ(Refusal("RCPT TO:<user>"), "501 5.1.3 Bad recipient address syntax: missing domain");
  EXPECT_EQ(Refusal("RCPT TO:user@b.org"), "501 5.1.3 Bad recipient address syntax: missing '<'");
  EXPECT_EQ(Refusal("RCPT TO:<a@b.org> <c@d.org>"), "555 5.5.4 Unsupported parameter");
}

TEST(SmtpCommand, RcptUtf8OnlyWhenTransactionAllows) {
  EXPECT_EQ(Refusal("RCPT TO:<j\xc3\xb6rg@b.org>"),
            "501 5.1.3 Bad recipient address syntax: non-ASCII character in local part");
  EXPECT_EQ(Parsed("RCPT TO:<j\xc3\xb6rg@b.org>", true).path.local, "j\xc3\xb6rg");
}

TEST(SmtpCommand, RcptParametersUnsupported) {
  EXPECT_EQ(Refusal("RCPT TO:<a@b.org> NOTIFY=NEVER"), "555 5.5.4 Unsupported parameter");
  EXPECT_EQ(Refusal("RCPT TO:<a@b.org> ORCPT=rfc822;a@b.org"), "555 5.5.4 Unsupported parameter");
  EXPECT_EQ(Parsed("RCPT TO:<a@b.org>   ").path.local, "a");
}

}  // namespace
}  // namespace posthorn::smtp
