// FETCH ENVELOPE (RFC 3501 §7.4.2): the corpus in tests/data/imap, then
// the rules one at a time.
#include <gtest/gtest.h>

#include <string>

#include "mra/imapd/envelope.h"
#include "tests/unit/imapd_corpus.h"

namespace posthorn::imapd {
namespace {

using testing::ImapCorpusNames;
using testing::ReadImapCorpusFile;

// The tail of an envelope after date and subject when From is the only
// address field: from, sender and reply-to alike.
std::string OnlyFrom(const std::string& addr) {
  return "((" + addr + ")) ((" + addr + ")) ((" + addr + ")) NIL NIL NIL NIL NIL)";
}

TEST(ImapdEnvelope, Corpus) {
  std::vector<std::string> names = ImapCorpusNames();
  ASSERT_GE(names.size(), 14u) << "tests/data/imap not found or incomplete";
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    std::optional<std::string> eml = ReadImapCorpusFile(name, "eml");
    std::optional<std::string> expected = ReadImapCorpusFile(name, "envelope");
    ASSERT_TRUE(eml && expected);
    // A checkout that turned CRLF into LF would make every size wrong.
    for (size_t i = eml->find('\n'); i != std::string::npos; i = eml->find('\n', i + 1))
      ASSERT_TRUE(i > 0 && (*eml)[i - 1] == '\r') << "bare LF at " << i << ": see .gitattributes";
    EXPECT_EQ(FormatEnvelope(*eml), *expected);
  }
}

TEST(ImapdEnvelope, EmptyMessageIsAllNil) {
  EXPECT_EQ(FormatEnvelope(""), "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
  EXPECT_EQ(FormatEnvelope("\r\nFrom: not@header.example\r\n"), "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
}

TEST(ImapdEnvelope, HeaderWithoutBody) {
  EXPECT_EQ(FormatEnvelope("Subject: hi\r\nFrom: a@b.example"),
            "(NIL \"hi\" " + OnlyFrom("NIL NIL \"a\" \"b.example\""));
}

TEST(ImapdEnvelope, FirstFieldCounts) {
  EXPECT_EQ(FormatEnvelope("Subject: one\r\nFrom: a@b.example\r\nSubject: two\r\nFrom: c@d.example\r\n\r\n"),
            "(NIL \"one\" " + OnlyFrom("NIL NIL \"a\" \"b.example\""));
}

TEST(ImapdEnvelope, PresentButEmptyIsEmptyString) {
  // §7.4.2: absent is NIL, present but empty is "".
  EXPECT_EQ(FormatEnvelope("Date:\r\nSubject: \r\nMessage-ID:\r\n\r\n"),
            "(\"\" \"\" NIL NIL NIL NIL NIL NIL NIL \"\")");
}

TEST(ImapdEnvelope, SenderAndReplyToDefaultToFrom) {
  std::string from = "((\"A\" NIL \"a\" \"b.example\"))";
  EXPECT_EQ(FormatEnvelope("From: A <a@b.example>\r\nSender: ,\r\nReply-To: (nobody)\r\n\r\n"),
            "(NIL NIL " + from + " " + from + " " + from + " NIL NIL NIL NIL NIL)");
  // Present ones stay their own.
  EXPECT_EQ(FormatEnvelope("Reply-To: r@b.example\r\nFrom: A <a@b.example>\r\n"),
            "(NIL NIL " + from + " " + from + " ((NIL NIL \"r\" \"b.example\")) NIL NIL NIL NIL NIL)");
  // No From: nothing to default to.
  EXPECT_EQ(FormatEnvelope("To: t@b.example\r\n"),
            "(NIL NIL NIL NIL NIL ((NIL NIL \"t\" \"b.example\")) NIL NIL NIL NIL)");
}

TEST(ImapdEnvelope, FoldedValuesAreUnfolded) {
  // Only the line breaks go; the blanks after them stay, a TAB too (which
  // imap::FormatString sends as a literal).
  EXPECT_EQ(FormatEnvelope("Subject: a\r\n b\r\n\tc \r\nIn-Reply-To:\r\n <x@y.example>\r\n <z@y.example>\r\n\r\n"),
            "(NIL {5}\r\na b\tc NIL NIL NIL NIL NIL NIL \"<x@y.example> <z@y.example>\" NIL)");
  EXPECT_EQ(FormatEnvelope("Subject: a\r\n  b\r\n\r\n"), "(NIL \"a  b\" NIL NIL NIL NIL NIL NIL NIL NIL)");
}

TEST(ImapdEnvelope, UnquotableTextGoesAsLiteral) {
  EXPECT_EQ(FormatEnvelope("Subject: caf\xc3\xa9\r\n"), "(NIL {5}\r\ncaf\xc3\xa9 NIL NIL NIL NIL NIL NIL NIL NIL)");
  // A bare CR is not a line break: it stays, and needs a literal.
  EXPECT_EQ(FormatEnvelope("Subject: a\rb\r\n"), "(NIL {3}\r\na\rb NIL NIL NIL NIL NIL NIL NIL NIL)");
  std::string long_subject(1001, 'x');
  EXPECT_EQ(FormatEnvelope("Subject: " + long_subject + "\r\n"),
            "(NIL {1001}\r\n" + long_subject + " NIL NIL NIL NIL NIL NIL NIL NIL)");
}

TEST(ImapdEnvelope, QuotesAndBackslashesAreEscaped) {
  EXPECT_EQ(FormatEnvelope("Subject: say \"hi\" \\o/\r\n"),
            "(NIL \"say \\\"hi\\\" \\\\o/\" NIL NIL NIL NIL NIL NIL NIL NIL)");
}

TEST(ImapdEnvelope, NulBecomesSpace) {
  std::string m = "Subject: a";
  m += '\0';
  m += "b\r\n";
  EXPECT_EQ(FormatEnvelope(m), "(NIL \"a b\" NIL NIL NIL NIL NIL NIL NIL NIL)");
}

TEST(ImapdEnvelope, Groups) {
  // An unterminated group is closed at the end of the field; a group
  // without members is still a start and an end marker.
  EXPECT_EQ(FormatEnvelope("To: Friends: a@b.example, \"C D\" <c@d.example>\r\nCc: :;\r\n"),
            "(NIL NIL NIL NIL NIL ((NIL NIL \"Friends\" NIL)(NIL NIL \"a\" \"b.example\")"
            "(\"C D\" NIL \"c\" \"d.example\")(NIL NIL NIL NIL)) ((NIL NIL \"\" NIL)(NIL NIL NIL NIL)) NIL NIL NIL)");
}

TEST(ImapdEnvelope, AddressesWithoutDomainGetPlaceholderHost) {
  EXPECT_EQ(FormatEnvelope("From: MAILER-DAEMON\r\n"),
            "(NIL NIL " + OnlyFrom("NIL NIL \"MAILER-DAEMON\" \".MISSING-HOST-NAME.\""));
}

TEST(ImapdEnvelope, DomainLiteralAndCommentName) {
  EXPECT_EQ(FormatEnvelope("From: user@[192.0.2.1] (The User)\r\n"),
            "(NIL NIL " + OnlyFrom("\"The User\" NIL \"user\" \"[192.0.2.1]\""));
}

}  // namespace
}  // namespace posthorn::imapd
