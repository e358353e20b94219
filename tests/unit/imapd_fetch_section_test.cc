// BODY[section]<partial>: which octets each section names.
#include "mra/imapd/fetch_section.h"

#include <gtest/gtest.h>

namespace posthorn::imapd {
namespace {

const std::string kSimple =
    "From: a@example.org\r\n"
    "Subject: hi\r\n"
    "  there\r\n"
    "To: b@example.org\r\n"
    "\r\n"
    "line 1\r\n"
    "line 2\r\n";

const std::string kMixed =
    "From: a@example.org\r\n"
    "Content-Type: multipart/mixed; boundary=XX\r\n"
    "\r\n"
    "preamble\r\n"
    "--XX\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "first\r\n"
    "--XX\r\n"
    "Content-Type: message/rfc822\r\n"
    "\r\n"
    "Subject: inner\r\n"
    "X-A: 1\r\n"
    "\r\n"
    "inner body\r\n"
    "--XX--\r\n";

std::optional<std::string> Get(const std::string& m, Section s) {
  return SectionText(m, message::ParseMimeTree(m), s);
}

Section S(std::vector<uint32_t> part, Section::Kind kind = Section::Kind::kAll,
          std::vector<std::string> fields = {}) {
  return Section{std::move(part), kind, std::move(fields)};
}

TEST(ImapdFetchSection, WholeHeaderAndText) {
  EXPECT_EQ(Get(kSimple, S({})), kSimple);
  EXPECT_EQ(Get(kSimple, S({}, Section::Kind::kHeader)),
            "From: a@example.org\r\nSubject: hi\r\n  there\r\nTo: b@example.org\r\n\r\n");
  EXPECT_EQ(Get(kSimple, S({}, Section::Kind::kText)), "line 1\r\nline 2\r\n");
  EXPECT_EQ(Get(kSimple, S({1})), "line 1\r\nline 2\r\n");  // a simple message's part 1 is its body
  EXPECT_EQ(Get(kSimple, S({2})), std::nullopt);
}

TEST(ImapdFetchSection, HeaderFieldsKeepOrderAndFolding) {
  EXPECT_EQ(Get(kSimple, S({}, Section::Kind::kHeaderFields, {"TO", "SUBJECT"})),
            "Subject: hi\r\n  there\r\nTo: b@example.org\r\n\r\n");
  EXPECT_EQ(Get(kSimple, S({}, Section::Kind::kHeaderFieldsNot, {"SUBJECT"})),
            "From: a@example.org\r\nTo: b@example.org\r\n\r\n");
  EXPECT_EQ(Get(kSimple, S({}, Section::Kind::kHeaderFields, {"CC"})), "\r\n");
}

TEST(ImapdFetchSection, HeaderWithoutBodyOrLineEnd) {
  std::string m = "Subject: x\r\nTo: y";
  EXPECT_EQ(Get(m, S({}, Section::Kind::kHeaderFields, {"TO"})), "To: y\r\n\r\n");
  EXPECT_EQ(Get(m, S({}, Section::Kind::kText)), "");
}

TEST(ImapdFetchSection, PartsOfAMultipart) {
  EXPECT_EQ(Get(kMixed, S({1})), "first");  // the CRLF before a delimiter is the delimiter's
  EXPECT_EQ(Get(kMixed, S({1}, Section::Kind::kMime)), "Content-Type: text/plain\r\n\r\n");
  EXPECT_EQ(Get(kMixed, S({2})), "Subject: inner\r\nX-A: 1\r\n\r\ninner body");
  EXPECT_EQ(Get(kMixed, S({2}, Section::Kind::kMime)), "Content-Type: message/rfc822\r\n\r\n");
  EXPECT_EQ(Get(kMixed, S({2}, Section::Kind::kHeader)), "Subject: inner\r\nX-A: 1\r\n\r\n");
  EXPECT_EQ(Get(kMixed, S({2}, Section::Kind::kText)), "inner body");
  EXPECT_EQ(Get(kMixed, S({2}, Section::Kind::kHeaderFields, {"X-A"})), "X-A: 1\r\n\r\n");
  EXPECT_EQ(Get(kMixed, S({2, 1})), "inner body");
  EXPECT_EQ(Get(kMixed, S({3})), std::nullopt);
  EXPECT_EQ(Get(kMixed, S({1, 1})), std::nullopt);  // a leaf inside a multipart has no parts
  EXPECT_EQ(Get(kMixed, S({1, 2})), std::nullopt);
  // HEADER and TEXT of a part that is no message/rfc822: there are none.
  EXPECT_EQ(Get(kMixed, S({1}, Section::Kind::kHeader)), "");
  EXPECT_EQ(Get(kMixed, S({1}, Section::Kind::kText)), "");
  EXPECT_EQ(Get(kMixed, S({1}, Section::Kind::kHeaderFields, {"CONTENT-TYPE"})), "");
  EXPECT_EQ(Get(kSimple, S({1}, Section::Kind::kHeader)), "");
}

TEST(ImapdFetchSection, Partial) {
  EXPECT_EQ(PartialOf("0123456789", 0, 4), "0123");
  EXPECT_EQ(PartialOf("0123456789", 8, 4), "89");
  EXPECT_EQ(PartialOf("0123456789", 10, 4), "");
  EXPECT_EQ(PartialOf("0123456789", 1ull << 40, 4), "");
  EXPECT_EQ(PartialOf("0123456789", 3, 0), "");
  EXPECT_EQ(PartialOf("0123456789", 3, UINT64_MAX), "3456789");
}

}  // namespace
}  // namespace posthorn::imapd
