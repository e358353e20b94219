#include "common/smtp/reply.h"

#include <gtest/gtest.h>

namespace posthorn::smtp {
namespace {

TEST(SmtpReply, SingleLineWithEnhancedCode) {
  Reply r{250, "2.1.0", "Ok"};
  EXPECT_EQ(r.Wire(), "250 2.1.0 Ok\r\n");
  EXPECT_EQ(Brief(r), "250 2.1.0 Ok");
}

TEST(SmtpReply, WithoutEnhancedCode) {
  Reply r{220, "", "mail.example.org ESMTP Posthorn"};
  EXPECT_EQ(r.Wire(), "220 mail.example.org ESMTP Posthorn\r\n");
}

TEST(SmtpReply, MultilineUsesDashButOnLast) {
  Reply r{250, "", "mail.example.org\nPIPELINING\nSIZE 10240000\n8BITMIME"};
  EXPECT_EQ(r.Wire(),
            "250-mail.example.org\r\n"
            "250-PIPELINING\r\n"
            "250-SIZE 10240000\r\n"
            "250 8BITMIME\r\n");
  EXPECT_EQ(Brief(r), "250-mail.example.org");
}

TEST(SmtpReply, MultilineRepeatsEnhancedCode) {
  Reply r{550, "5.7.1", "Refused\nsee https://example.org/policy"};
  EXPECT_EQ(r.Wire(), "550-5.7.1 Refused\r\n550 5.7.1 see https://example.org/policy\r\n");
}

TEST(SmtpReply, EmptyText) {
  EXPECT_EQ((Reply{354, "", ""}).Wire(), "354 \r\n");
  EXPECT_EQ((Reply{250, "2.0.0", ""}).Wire(), "250 2.0.0 \r\n");
}

TEST(SmtpReply, TrailingNewlineIsAnEmptyLastLine) {
  EXPECT_EQ((Reply{250, "", "a\n"}).Wire(), "250-a\r\n250 \r\n");
}

TEST(SmtpReply, ControlCharactersCannotInjectLines) {
  const char kText[] = "bad\r250 ok\x00x\x7f\ty";
  Reply r{501, "5.5.4", std::string(kText, sizeof kText - 1)};
  EXPECT_EQ(r.Wire(), "501 5.5.4 bad?250 ok?x??y\r\n");
  // A '\n' starts a new line of this reply, with its code: it cannot forge
  // a reply of its own. The CR before it is masked.
  Reply lf_in_text{250, "", "one\r\n250 injected"};
  EXPECT_EQ(lf_in_text.Wire(), "250-one?\r\n250 250 injected\r\n");
}

TEST(SmtpReply, ControlCharactersInEnhancedCodeMasked) {
  EXPECT_EQ((Reply{250, "2.0.0\r\n", "Ok"}).Wire(), "250 2.0.0?? Ok\r\n");
}

TEST(SmtpReply, EightBitTextPassesThrough) {
  // RFC 6531 §3.7.4: UTF-8 in reply text is allowed; only controls are masked.
  EXPECT_EQ((Reply{250, "2.1.5", "Ok j\xc3\xb6rg"}).Wire(), "250 2.1.5 Ok j\xc3\xb6rg\r\n");
}

TEST(SmtpReply, Classes) {
  EXPECT_TRUE((Reply{250, "", ""}).positive());
  EXPECT_TRUE((Reply{354, "", ""}).positive());
  EXPECT_TRUE((Reply{451, "4.3.0", ""}).temporary());
  EXPECT_TRUE((Reply{554, "5.0.0", ""}).permanent());
  EXPECT_FALSE((Reply{554, "5.0.0", ""}).positive());
}

}  // namespace
}  // namespace posthorn::smtp
