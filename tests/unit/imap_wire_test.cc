// Strings in responses: atom, quoted string or literal, and NIL for absent
// nstrings (RFC 3501 §4.3, §9).
#include "common/imap/wire.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/imap/parser.h"

namespace posthorn::imap {
namespace {

TEST(ImapWire, AstringAsAtom) {
  EXPECT_EQ(FormatAstring("INBOX"), "INBOX");
  EXPECT_EQ(FormatAstring("Lists.debian-devel"), "Lists.debian-devel");
  EXPECT_EQ(FormatAstring("~peter/mail/&U,BTFw-"), "~peter/mail/&U,BTFw-");
  EXPECT_EQ(FormatAstring("a[b"), "a[b");
}

TEST(ImapWire, AstringQuotedWhenNotAnAtom) {
  EXPECT_EQ(FormatAstring(""), "\"\"");
  EXPECT_EQ(FormatAstring("NIL"), "\"NIL\"");
  EXPECT_EQ(FormatAstring("nil"), "\"nil\"");
  EXPECT_EQ(FormatAstring("Sent Items"), "\"Sent Items\"");
  // Each atom-special: ( ) { SP % * " \ ].
  EXPECT_EQ(FormatAstring("a(b"), "\"a(b\"");
  EXPECT_EQ(FormatAstring("a)b"), "\"a)b\"");
  EXPECT_EQ(FormatAstring("a{b"), "\"a{b\"");
  EXPECT_EQ(FormatAstring("a%b"), "\"a%b\"");
  EXPECT_EQ(FormatAstring("a*b"), "\"a*b\"");
  EXPECT_EQ(FormatAstring("[Gmail]"), "\"[Gmail]\"");
  EXPECT_EQ(FormatAstring("a\"b"), "\"a\\\"b\"");
  EXPECT_EQ(FormatAstring("a\\b"), "\"a\\\\b\"");
}

TEST(ImapWire, StringIsNeverAnAtom) {
  EXPECT_EQ(FormatString("INBOX"), "\"INBOX\"");
  EXPECT_EQ(FormatString(""), "\"\"");
  EXPECT_EQ(FormatString("Re: \"hi\" \\o/"), "\"Re: \\\"hi\\\" \\\\o/\"");
}

TEST(ImapWire, LiteralForUnsafeOctets) {
  EXPECT_EQ(FormatString("a\r\nb"), "{4}\r\na\r\nb");
  EXPECT_EQ(FormatString("a\rb"), "{3}\r\na\rb");
  EXPECT_EQ(FormatString("a\nb"), "{3}\r\na\nb");
  EXPECT_EQ(FormatString("tab\there"), "{8}\r\ntab\there");
  EXPECT_EQ(FormatString("\x7f"), "{1}\r\n\x7f");
  EXPECT_EQ(FormatString("caf\xc3\xa9"), "{5}\r\ncaf\xc3\xa9");
  EXPECT_EQ(FormatString(std::string_view("a\0b", 3)), std::string("{3}\r\na\0b", 8));
  EXPECT_EQ(FormatAstring("caf\xc3\xa9"), "{5}\r\ncaf\xc3\xa9");
  EXPECT_EQ(FormatAstring("a\r\n"), "{3}\r\na\r\n");
}

TEST(ImapWire, LiteralWhenLong) {
  EXPECT_EQ(kMaxQuoted, 1000u);
  std::string limit(kMaxQuoted, 'x');
  EXPECT_EQ(FormatString(limit), "\"" + limit + "\"");
  std::string over(kMaxQuoted + 1, 'x');
  EXPECT_EQ(FormatString(over), "{1001}\r\n" + over);
  // An atom is not limited: it is as long as the name.
  EXPECT_EQ(FormatAstring(over), over);
  EXPECT_EQ(FormatAstring(over + " "), "{1002}\r\n" + over + " ");
}

TEST(ImapWire, Nstring) {
  EXPECT_EQ(FormatNstring(std::nullopt), "NIL");
  EXPECT_EQ(FormatNstring(""), "\"\"");
  EXPECT_EQ(FormatNstring("NIL"), "\"NIL\"");
  EXPECT_EQ(FormatNstring("Subject"), "\"Subject\"");
  EXPECT_EQ(FormatNstring("two\r\nlines"), "{10}\r\ntwo\r\nlines");
}

// What the writers produce, the parser reads back as the same string.
TEST(ImapWire, ParserReadsItBack) {
  for (const std::string& s :
       std::vector<std::string>{"", "INBOX", "NIL", "a b", "a\"b\\c", "[x]", "a\r\nb", "caf\xc3\xa9", "%*",
                                std::string(1200, 'y'), std::string("x") + std::string(1, '\x01')}) {
    for (const std::string& wire : {FormatAstring(s), FormatString(s), FormatNstring(s)}) {
      Parser parser;
      std::string input = "a X " + wire + "\r\n";
      Event e = parser.Feed(input);
      if (e.kind == Event::Kind::kContinuation) {  // a literal, as a client would send it
        parser.ContinuationSent();
        input.erase(0, e.consumed);
        e = parser.Feed(input);
      }
      ASSERT_EQ(e.kind, Event::Kind::kCommand) << wire;
      ASSERT_EQ(e.command.args.size(), 1u) << wire;
      ASSERT_NE(e.command.args[0].kind, Arg::Kind::kNil) << wire;
      EXPECT_EQ(AsAstring(e.command.args[0]), s) << wire;
    }
  }
}

}  // namespace
}  // namespace posthorn::imap
