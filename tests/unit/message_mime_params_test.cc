#include <gtest/gtest.h>

#include <string>

#include "common/message/mime_params.h"

namespace posthorn::message {
namespace {

TEST(MessageMimeParams, ContentTypeWithComment) {
  // The example of RFC 2045 §5.1.
  ContentType ct = ParseContentType("text/plain; charset=us-ascii (Plain text)");
  EXPECT_EQ(ct.type, "text");
  EXPECT_EQ(ct.subtype, "plain");
  EXPECT_FALSE(ct.defaulted);
  ASSERT_EQ(ct.params.entries.size(), 1u);
  EXPECT_EQ(ct.params.Get("charset"), "us-ascii");
}

TEST(MessageMimeParams, LowerCasesNamesButNotValues) {
  ContentType ct = ParseContentType("Text/HTML; CHARSET=\"UTF-8\"; Format=Flowed");
  EXPECT_EQ(ct.type, "text");
  EXPECT_EQ(ct.subtype, "html");
  EXPECT_TRUE(ct.Is("TEXT", "Html"));
  ASSERT_EQ(ct.params.entries.size(), 2u);
  EXPECT_EQ(ct.params.entries[0].name, "charset");
  EXPECT_EQ(ct.params.entries[0].raw, "UTF-8");
  EXPECT_EQ(ct.params.entries[1].value, "Flowed");
  EXPECT_EQ(ct.params.Get("FORMAT"), "Flowed");
}

TEST(MessageMimeParams, CommentsAndFoldingEverywhere) {
  ContentType ct = ParseContentType("multipart/mixed (c) ;\r\n\t(c) boundary (c) = (c) \"x\\\"y\r\n z\" (c)");
  EXPECT_EQ(ct.subtype, "mixed");
  EXPECT_EQ(ct.params.Get("boundary"), "x\"y z");
  ContentType spaced = ParseContentType(" text (a) / (b) plain ");
  EXPECT_TRUE(spaced.Is("text", "plain"));
  EXPECT_FALSE(spaced.defaulted);
}

TEST(MessageMimeParams, GarbageGivesTheDefault) {
  for (std::string_view bad : {"garbage", "", "text/", "/plain", "t\xebxt/plain", "text plain", "(only a comment)",
                               "text/(c)", "\"text\"/plain"}) {
    ContentType ct = ParseContentType(bad);
    EXPECT_TRUE(ct.defaulted) << bad;
    EXPECT_TRUE(ct.Is("text", "plain")) << bad;
    EXPECT_EQ(ct.params.Get("charset"), "us-ascii") << bad;
  }
  ContentType digest = DefaultContentType(true);
  EXPECT_TRUE(digest.Is("message", "rfc822"));
  EXPECT_TRUE(digest.params.entries.empty());
}

TEST(MessageMimeParams, BrokenParametersAreSkipped) {
  MimeParams p = ParseParams("; ; foo; =x; a b=c; charset=utf-8;name=\"un;terminated");
  EXPECT_EQ(p.Get("charset"), "utf-8");
  EXPECT_EQ(p.Get("name"), "un;terminated");
  EXPECT_EQ(p.entries.size(), 2u);
  // Junk before the first ';' is not a parameter.
  EXPECT_TRUE(ParseParams("junk=1").entries.empty());
}

TEST(MessageMimeParams, UnquotedValuesWithSpacesAndEightBit) {
  MimeParams p = ParseParams("; name=my file.pdf ; other=\xc3\xa4.txt; last=a(comment)");
  EXPECT_EQ(p.Get("name"), "my file.pdf");
  EXPECT_EQ(p.Get("other"), "\xc3\xa4.txt");
  EXPECT_EQ(p.Get("last"), "a");
}

TEST(MessageMimeParams, RepeatedNameKeepsTheFirst) {
  MimeParams p = ParseParams("; charset=a; CHARSET=b");
  ASSERT_EQ(p.entries.size(), 1u);
  EXPECT_EQ(p.Get("charset"), "a");
}

// RFC 2231 §4.
TEST(MessageMimeParams, Rfc2231Encoded) {
  MimeParams p = ParseParams("; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A");
  const MimeParam* t = p.Find("title");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->value, "This is ***fun***");
  EXPECT_EQ(t->raw, "us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A");
  EXPECT_EQ(t->charset, "us-ascii");
  EXPECT_EQ(t->language, "en-us");
  EXPECT_TRUE(t->extended);
  EXPECT_TRUE(t->encoded);
}

// RFC 2231 §4.1: encoded and plain sections mixed.
TEST(MessageMimeParams, Rfc2231ContinuedAndEncoded) {
  // As printed in the RFC, without ';' between the sections: a `name=`
  // right after a value starts a parameter.
  MimeParams p = ParseParams(
      ";\r\n title*0*=us-ascii'en'This%20is%20even%20more%20\r\n title*1*=%2A%2A%2Afun%2A%2A%2A%20\r\n"
      " title*2=\"isn't it!\"");
  ASSERT_EQ(p.entries.size(), 1u);
  const MimeParam& t = p.entries[0];
  EXPECT_EQ(t.name, "title");
  EXPECT_EQ(t.value, "This is even more ***fun*** isn't it!");
  // Joined as IMAP servers should (RFC 2231 §6), the plain section escaped.
  EXPECT_EQ(t.raw, "us-ascii'en'This%20is%20even%20more%20%2A%2A%2Afun%2A%2A%2A%20isn%27t%20it!");
  EXPECT_EQ(t.language, "en");
}

TEST(MessageMimeParams, Rfc2231SectionsInAnyOrderWithGaps) {
  MimeParams p = ParseParams("; URL*1=\"cs.utk.edu/\"; url*0=\"ftp://\"; URL*3=bulk; URL*1=dup");
  const MimeParam* url = p.Find("url");
  ASSERT_NE(url, nullptr);
  EXPECT_EQ(url->value, "ftp://cs.utk.edu/bulk");
  EXPECT_EQ(url->raw, "ftp://cs.utk.edu/bulk");
  EXPECT_TRUE(url->extended);
  EXPECT_FALSE(url->encoded);
}

TEST(MessageMimeParams, Rfc2231Charsets) {
  EXPECT_EQ(ParseParams("; filename*=UTF-8''%E2%82%AC%20rates.txt").Get("filename"), "\u20ac rates.txt");
  EXPECT_EQ(ParseParams("; filename*=iso-8859-1''%E9t%E9.txt").Get("filename"), "\u00e9t\u00e9.txt");
  EXPECT_EQ(ParseParams("; filename*0*=utf-8''%C3; filename*1*=%A4.txt").Get("filename"), "\u00e4.txt");
  // Unknown charset: the bytes as they are. No quotes: no charset at all.
  EXPECT_EQ(ParseParams("; f*=x-unknown''%41%42").Get("f"), "AB");
  MimeParams bare_params = ParseParams("; f*=%41%zz");
  const MimeParam* bare = bare_params.Find("f");
  EXPECT_EQ(bare->value, "A%zz");
  EXPECT_EQ(bare->raw, "''%41%zz");
  // Charset and language lead only the first section (§4.1 (1)).
  EXPECT_EQ(ParseParams("; f*0*=''a; f*1*=b'c'd").Get("f"), "ab'c'd");
}

TEST(MessageMimeParams, Rfc2231FormPreferredOverPlain) {
  MimeParams p = ParseParams("; filename=\"fallback.txt\"; filename*=utf-8''real.txt");
  ASSERT_EQ(p.entries.size(), 2u);
  EXPECT_FALSE(p.entries[0].extended);
  EXPECT_EQ(p.Get("filename"), "real.txt");
  // A whole `name*=` wins over numbered sections.
  EXPECT_EQ(ParseParams("; f*0=a; f*=''whole; f*1=b").Get("f"), "whole");
}

TEST(MessageMimeParams, EncodedWordsInPlainValues) {
  MimeParams params = ParseParams("; filename=\"=?UTF-8?B?w6TDtsO8LnR4dA==?=\"");
  const MimeParam* p = params.Find("filename");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->value, "\u00e4\u00f6\u00fc.txt");
  EXPECT_EQ(p->raw, "=?UTF-8?B?w6TDtsO8LnR4dA==?=");
}

TEST(MessageMimeParams, ContentDisposition) {
  ContentDisposition d = ParseContentDisposition("Attachment; filename=\"a b.pdf\";\r\n size=1234");
  EXPECT_EQ(d.type, "attachment");
  EXPECT_EQ(d.params.Get("filename"), "a b.pdf");
  EXPECT_EQ(d.params.Get("size"), "1234");
  EXPECT_EQ(ParseContentDisposition(" INLINE ").type, "inline");
  ContentDisposition broken = ParseContentDisposition("; filename=x");
  EXPECT_EQ(broken.type, "");
  EXPECT_EQ(broken.params.Get("filename"), "x");
  EXPECT_EQ(ParseContentDisposition("").type, "");
}

TEST(MessageMimeParams, HostileInputIsBounded) {
  std::string many;
  for (int i = 0; i < 100000; ++i) many += "; p" + std::to_string(i) + "=v";
  EXPECT_EQ(ParseParams(many).entries.size(), kMaxMimeParams);
  std::string sections;
  for (int i = 0; i < 100000; ++i) sections += "; f*" + std::to_string(i % 300) + "*=%41";
  EXPECT_EQ(ParseParams(sections).Get("f"), std::string(kMaxMimeParams, 'A'));
  EXPECT_TRUE(ParseParams("; f*99999999999999999999=a").entries.empty());
  EXPECT_TRUE(ParseParams("; f*10000=a").entries.empty());
  std::string parens = "; a=" + std::string(1 << 20, '(');
  EXPECT_EQ(ParseParams(parens).entries.size(), 1u);
  std::string quotes = "text/plain; a=\"" + std::string(1 << 20, '\\');
  EXPECT_EQ(ParseContentType(quotes).params.Get("a").size(), 1u << 19);
  std::string semis(1 << 20, ';');
  EXPECT_TRUE(ParseParams(semis).entries.empty());
}

}  // namespace
}  // namespace posthorn::message
