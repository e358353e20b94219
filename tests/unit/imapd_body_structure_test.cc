// FETCH BODYSTRUCTURE and BODY (RFC 3501 §7.4.2, §9 body): the corpus in
// tests/data/imap, then the rules one at a time.
#include <gtest/gtest.h>

#include <string>

#include "common/message/mime_tree.h"
#include "mra/imapd/body_structure.h"
#include "tests/unit/imapd_corpus.h"

namespace posthorn::imapd {
namespace {

using testing::ImapCorpusNames;
using testing::ReadImapCorpusFile;

std::string Structure(std::string_view m, const message::MimeLimits& limits = {}) {
  return FormatBodyStructure(message::ParseMimeTree(m, limits).root, m, true);
}
std::string Body(std::string_view m) { return FormatBodyStructure(message::ParseMimeTree(m).root, m, false); }

constexpr std::string_view kEmptyEnvelope = "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)";

TEST(ImapdBodyStructure, Corpus) {
  std::vector<std::string> names = ImapCorpusNames();
  ASSERT_GE(names.size(), 14u) << "tests/data/imap not found or incomplete";
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    std::optional<std::string> eml = ReadImapCorpusFile(name, "eml");
    std::optional<std::string> structure = ReadImapCorpusFile(name, "bodystructure");
    std::optional<std::string> body = ReadImapCorpusFile(name, "body");
    ASSERT_TRUE(eml && structure && body);
    message::MimeTree tree = message::ParseMimeTree(*eml);
    EXPECT_EQ(FormatBodyStructure(tree.root, *eml, true), *structure);
    EXPECT_EQ(FormatBodyStructure(tree.root, *eml, false), *body);
  }
}

TEST(ImapdBodyStructure, TextWithoutCharsetGetsTheDefault) {
  EXPECT_EQ(Body("Content-Type: text/html; format=flowed\r\n\r\nx"),
            R"(("text" "html" ("format" "flowed" "charset" "us-ascii") NIL NIL "7bit" 1 1))");
  // An RFC 2231 charset is a charset too.
  EXPECT_EQ(Body("Content-Type: text/plain; charset*=''utf-8\r\n\r\n"),
            R"(("text" "plain" ("charset*" "''utf-8") NIL NIL "7bit" 0 0))");
  // Other types get no charset, and NIL without parameters.
  EXPECT_EQ(Structure("Content-Type: application/pdf\r\nContent-MD5: abc=\r\n\r\n%PDF\r\n"),
            R"(("application" "pdf" NIL NIL NIL "7bit" 6 "abc=" NIL NIL NIL))");
}

TEST(ImapdBodyStructure, ParameterValuesAreStrings) {
  EXPECT_EQ(Body("Content-Type: text/plain; charset=us-ascii; x=\"a \\\"b\\\" c\\\\\"; y=\"\"\r\n\r\n"),
            R"(("text" "plain" ("charset" "us-ascii" "x" "a \"b\" c\\" "y" "") NIL NIL "7bit" 0 0))");
}

TEST(ImapdBodyStructure, PlainAndExtendedFormsAreBothSent) {
  EXPECT_EQ(Body("Content-Type: application/octet-stream; name=\"a.bin\"; name*=utf-8'de'%C3%A4.bin\r\n\r\n"),
            R"(("application" "octet-stream" ("name" "a.bin" "name*" "utf-8'de'%C3%A4.bin") NIL NIL "7bit" 0))");
}

TEST(ImapdBodyStructure, DispositionWithoutTypeIsNil) {
  EXPECT_EQ(Structure("Content-Disposition: ; filename=x\r\n\r\n"),
            R"(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL))");
  EXPECT_EQ(Structure("Content-Disposition: attachment\r\nContent-Language: fi\r\n\r\n"),
            R"(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL ("attachment" NIL) ("fi") NIL))");
}

TEST(ImapdBodyStructure, MessageAsTheRoot) {
  std::string m =
      "Content-Type: message/rfc822\r\n\r\n"
      "Subject: inner\r\n\r\n"
      "hi\r\n";
  EXPECT_EQ(Body(m),
            R"(("message" "rfc822" NIL NIL NIL "7bit" 22 (NIL "inner" NIL NIL NIL NIL NIL NIL NIL NIL) )"
            R"(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 4 1) 3))");
}

TEST(ImapdBodyStructure, MessageInsideMessage) {
  std::string m =
      "Content-Type: message/rfc822\r\n\r\n"
      "Content-Type: message/rfc822\r\n\r\n"
      "From: x@y.example\r\n\r\n"
      "z";
  std::string from = R"(((NIL NIL "x" "y.example")))";
  EXPECT_EQ(Body(m), R"(("message" "rfc822" NIL NIL NIL "7bit" 54 )" + std::string(kEmptyEnvelope) +
                         R"( ("message" "rfc822" NIL NIL NIL "7bit" 22 (NIL NIL )" + from + " " + from + " " + from +
                         R"( NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 1 1) 3) 5))");
}

TEST(ImapdBodyStructure, EncodedMessageKeepsTheMessageForm) {
  // RFC 2046 §5.2.1 forbids base64 here, so the parser does not look
  // inside; the grammar still wants an envelope and a body.
  std::string m =
      "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
      "U3ViamVjdDogeA0KDQp5DQo=\r\n";
  EXPECT_EQ(Structure(m), R"(("message" "rfc822" NIL NIL NIL "base64" 26 )" + std::string(kEmptyEnvelope) +
                              R"( ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL) 1 )"
                              R"(NIL NIL NIL NIL))");
}

TEST(ImapdBodyStructure, MessageGlobalIsABasicPart) {
  // IMAP4rev1 has no envelope for message/global (RFC 9051 added one).
  EXPECT_EQ(Body("Content-Type: message/global\r\n\r\nSubject: x\r\n\r\ny\r\n"),
            R"(("message" "global" NIL NIL NIL "7bit" 17))");
}

TEST(ImapdBodyStructure, PartsPastTheDepthLimitAreOpaque) {
  std::string m =
      "Content-Type: multipart/mixed; boundary=a\r\n\r\n"
      "--a\r\nContent-Type: message/rfc822\r\n\r\nSubject: deep\r\n\r\nx\r\n"
      "--a\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\ny\r\n--b--\r\n"
      "--a--\r\n";
  message::MimeLimits limits;
  limits.max_depth = 1;
  EXPECT_EQ(Structure(m, limits),
            R"((("message" "rfc822" NIL NIL NIL "7bit" 18 (NIL "deep" NIL NIL NIL NIL NIL NIL NIL NIL) )"
            R"(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL) 3 NIL NIL NIL NIL))"
            R"(("multipart" "mixed" ("boundary" "b") NIL NIL "7bit" 15 NIL NIL NIL NIL) )"
            R"("mixed" ("boundary" "a") NIL NIL NIL))");
}

TEST(ImapdBodyStructure, MultipartExtensionData) {
  std::string m =
      "Content-Type: multipart/mixed; boundary=x\r\n"
      "Content-Disposition: inline; filename=all.txt\r\n"
      "Content-Language: de, fr\r\n"
      "Content-Location: cid:all\r\n\r\n"
      "--x\r\n\r\na\r\n--x--\r\n";
  EXPECT_EQ(Structure(m),
            R"((("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 1 1 NIL NIL NIL NIL) "mixed" ("boundary" "x") )"
            R"(("inline" ("filename" "all.txt")) ("de" "fr") "cid:all"))");
  EXPECT_EQ(Body(m), R"((("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 1 1) "mixed"))");
}

TEST(ImapdBodyStructure, EightBitFieldsGoAsLiterals) {
  EXPECT_EQ(Body("Content-Type: text/plain; name=\"\xc3\xa4.txt\"\r\nContent-ID: <\xc3\xa4>\r\n\r\n"),
            "(\"text\" \"plain\" (\"name\" {6}\r\n\xc3\xa4.txt \"charset\" \"us-ascii\") "
            "{4}\r\n<\xc3\xa4> NIL \"7bit\" 0 0)");
}

TEST(ImapdBodyStructure, SizesMatchTheSections) {
  // What BODYSTRUCTURE says a part holds is what BODY[section] sends.
  std::optional<std::string> eml = ReadImapCorpusFile("rfc822_attachment", "eml");
  ASSERT_TRUE(eml);
  message::MimeTree tree = message::ParseMimeTree(*eml);
  const message::MimePart* attached = message::FindSection(tree.root, {2});
  ASSERT_NE(attached, nullptr);
  std::string_view text = std::string_view(*eml).substr(attached->body_offset, attached->body_size);
  EXPECT_TRUE(text.starts_with("Date: Fri, 4 Apr 2025"));
  EXPECT_TRUE(text.ends_with("--alt--\r\n"));
  EXPECT_NE(FormatBodyStructure(tree.root, *eml, false).find(" \"7bit\" " + std::to_string(text.size()) + " ("),
            std::string::npos);
}

}  // namespace
}  // namespace posthorn::imapd
