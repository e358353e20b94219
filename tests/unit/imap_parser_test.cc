// The grammar of IMAP command lines (RFC 3501 §9): tags, names, every
// argument kind, lists, FETCH sections as one atom, and the syntax errors.
// Literals are in imap_parser_literal_test.cc, limits and resynchronisation
// in imap_parser_limits_test.cc.
#include "common/imap/parser.h"

#include <gtest/gtest.h>

#include "tests/unit/imap_parser_helpers.h"

namespace posthorn::imap {
namespace {

using testing::Events;
using testing::V;

// The one command `line` (with its CRLF) parses to.
Command One(const std::string& line) {
  Parser parser;
  Event e = parser.Feed(line);
  EXPECT_EQ(e.kind, Event::Kind::kCommand) << line;
  EXPECT_EQ(e.consumed, line.size()) << line;
  return e.command;
}

TEST(ImapParser, SimpleCommand) {
  Command c = One("a1 NOOP\r\n");
  EXPECT_EQ(c.tag, "a1");
  EXPECT_EQ(c.name, "NOOP");
  EXPECT_TRUE(c.args.empty());
}

TEST(ImapParser, NameIsUpperCasedArgumentsAreNot) {
  EXPECT_EQ(Events("A1 noop\r\nA2 Uid fetch 1 flags\r\n"), (V{"A1 NOOP", "A2 UID fetch 1 flags"}));
}

TEST(ImapParser, EveryArgumentKind) {
  Command c = One("t LOGIN atom \"quoted\" NIL nil {3+}\r\nlit (x \"y\" NIL)\r\n");
  ASSERT_EQ(c.args.size(), 6u);
  EXPECT_EQ(c.args[0].kind, Arg::Kind::kAtom);
  EXPECT_EQ(c.args[0].text, "atom");
  EXPECT_EQ(c.args[1].kind, Arg::Kind::kQuoted);
  EXPECT_EQ(c.args[1].text, "quoted");
  EXPECT_EQ(c.args[2].kind, Arg::Kind::kNil);
  EXPECT_EQ(c.args[2].text, "NIL");
  EXPECT_EQ(c.args[3].kind, Arg::Kind::kNil);
  EXPECT_EQ(c.args[3].text, "nil");
  EXPECT_EQ(c.args[4].kind, Arg::Kind::kLiteral);
  EXPECT_EQ(c.args[4].text, "lit");
  EXPECT_EQ(c.args[5].kind, Arg::Kind::kList);
  ASSERT_EQ(c.args[5].list.size(), 3u);
  EXPECT_EQ(c.args[5].list[0].text, "x");
  EXPECT_EQ(c.args[5].list[1].kind, Arg::Kind::kQuoted);
  EXPECT_EQ(c.args[5].list[2].kind, Arg::Kind::kNil);
}

TEST(ImapParser, NilOnlyWhenTheWholeAtom) {
  EXPECT_EQ(Events("a X NIL NILS XNIL \"NIL\" (NIL)\r\n"), (V{"a X NIL(NIL) NILS XNIL \"NIL\" (NIL(NIL))"}));
}

TEST(ImapParser, QuotedStringEscapes) {
  Command c = One("a X \"a\\\"b\\\\c\" \"\" \"( ) { } [ ] % * \t\"\r\n");
  ASSERT_EQ(c.args.size(), 3u);
  EXPECT_EQ(c.args[0].text, "a\"b\\c");
  EXPECT_EQ(c.args[1].kind, Arg::Kind::kQuoted);
  EXPECT_EQ(c.args[1].text, "");
  EXPECT_EQ(c.args[2].text, "( ) { } [ ] % * \t");
}

TEST(ImapParser, QuotedStringErrors) {
  EXPECT_EQ(Events("a X \"\\n\"\r\nb NOOP\r\n"), (V{"BAD a: Invalid escape in quoted string", "b NOOP"}));
  EXPECT_EQ(Events(std::string("a X \"n\0l\"\r\nb NOOP\r\n", 19)), (V{"BAD a: NUL in quoted string", "b NOOP"}));
  EXPECT_EQ(Events("a X \"caf\xc3\xa9\"\r\nb NOOP\r\n"), (V{"BAD a: 8-bit character in quoted string", "b NOOP"}));
  EXPECT_EQ(Events("a X \"open\r\nb NOOP\r\n"), (V{"BAD a: Unterminated quoted string", "b NOOP"}));
  EXPECT_EQ(Events("a X \"end\\\"\r\nb NOOP\r\n"), (V{"BAD a: Unterminated quoted string", "b NOOP"}));
  EXPECT_EQ(Events("a X \"end\\\r\nb NOOP\r\n"), (V{"BAD a: Unterminated quoted string", "b NOOP"}));
  // CR and LF inside quotes are line breaks, and bare ones are refused first.
  EXPECT_EQ(Events("a X \"c\rr\"\r\nb NOOP\r\n"), (V{"BAD a: Bare CR: lines end with CRLF", "b NOOP"}));
  EXPECT_EQ(Events("a X \"l\nf\"\r\nb NOOP\r\n"),
            (V{"BAD a: Bare LF: lines end with CRLF", "BAD : Invalid character in tag", "b NOOP"}));
}

TEST(ImapParser, Lists) {
  EXPECT_EQ(Events("a X () (()) ((a) (b (c)) \"d\") e\r\n"), (V{"a X () (()) ((a) (b (c)) \"d\") e"}));
  Command c = One("a X ((a) ())\r\n");
  ASSERT_EQ(c.args.size(), 1u);
  ASSERT_EQ(c.args[0].list.size(), 2u);
  EXPECT_EQ(c.args[0].list[0].kind, Arg::Kind::kList);
  EXPECT_EQ(c.args[0].list[0].list[0].text, "a");
  EXPECT_TRUE(c.args[0].list[1].list.empty());
}

TEST(ImapParser, FetchSectionsAreOneAtom) {
  Command c = One("a FETCH 1:* (FLAGS BODY[HEADER.FIELDS (FROM TO)]<0.100> BODY.PEEK[1.2.MIME] BODY[])\r\n");
  ASSERT_EQ(c.args.size(), 2u);
  EXPECT_EQ(c.args[0].text, "1:*");
  ASSERT_EQ(c.args[1].list.size(), 4u);
  EXPECT_EQ(c.args[1].list[0].text, "FLAGS");
  EXPECT_EQ(c.args[1].list[1].kind, Arg::Kind::kAtom);
  EXPECT_EQ(c.args[1].list[1].text, "BODY[HEADER.FIELDS (FROM TO)]<0.100>");
  EXPECT_EQ(c.args[1].list[2].text, "BODY.PEEK[1.2.MIME]");
  EXPECT_EQ(c.args[1].list[3].text, "BODY[]");
  // Quoted header names stay as sent, "]" and ")" inside them included.
  EXPECT_EQ(Events("a FETCH 2 BODY.PEEK[HEADER.FIELDS.NOT (\"X-A]\" \"B)\")] BINARY[1]<5.6>\r\n"),
            (V{"a FETCH 2 BODY.PEEK[HEADER.FIELDS.NOT (\"X-A]\" \"B)\")] BINARY[1]<5.6>"}));
  EXPECT_EQ(Events("a FETCH 1 BODY[1.HEADER.FIELDS ((FROM))]\r\n"), (V{"a FETCH 1 BODY[1.HEADER.FIELDS ((FROM))]"}));
}

TEST(ImapParser, BracketWithoutValidSectionIsAnOrdinaryCharacter) {
  // "[" is an ATOM-CHAR: these are mailbox names, not sections.
  EXPECT_EQ(Events("a SELECT [Gmail]/Sent\r\n"), (V{"a SELECT [Gmail]/Sent"}));
  EXPECT_EQ(Events("a SELECT a[b\r\n"), (V{"a SELECT a[b"}));
  EXPECT_EQ(Events("a RENAME a[b c\r\n"), (V{"a RENAME a[b c"}));
  EXPECT_EQ(Events("a RENAME a[[b] c\r\n"), (V{"a RENAME a[[b] c"}));
  EXPECT_EQ(Events("a FETCH 1 (BODY[TEXT)\r\n"), (V{"a FETCH 1 (BODY[TEXT)"}));
  EXPECT_EQ(Events("a X b[(c] d\r\n"), (V{"BAD a: Expected space between arguments"}));
  EXPECT_EQ(Events("a X b[{3}]\r\n"), (V{"BAD a: Expected space between arguments"}));
}

TEST(ImapParser, SearchAndStoreAtoms) {
  EXPECT_EQ(Events("a STORE 1:*,5 +FLAGS.SILENT (\\Seen \\Deleted $Junk)\r\n"),
            (V{"a STORE 1:*,5 +FLAGS.SILENT (\\Seen \\Deleted $Junk)"}));
  EXPECT_EQ(Events("a UID SEARCH 5:2,*:4 KEYWORD \\* SINCE 1-Feb-1994\r\n"),
            (V{"a UID SEARCH 5:2,*:4 KEYWORD \\* SINCE 1-Feb-1994"}));
  EXPECT_EQ(Events("a LIST \"\" %\r\nb LIST \"~/\" INBOX.*\r\nc LSUB x] y\r\n"),
            (V{"a LIST \"\" %", "b LIST \"~/\" INBOX.*", "c LSUB x] y"}));
}

TEST(ImapParser, AsAstring) {
  Command c = One("a X atom \"q s\" NIL x] \\Seen 1:* (l) {2+}\r\nl2\r\n");
  ASSERT_EQ(c.args.size(), 8u);
  EXPECT_EQ(AsAstring(c.args[0]), "atom");
  EXPECT_EQ(AsAstring(c.args[1]), "q s");
  EXPECT_EQ(AsAstring(c.args[2]), "NIL");
  EXPECT_EQ(AsAstring(c.args[3]), "x]");
  EXPECT_EQ(AsAstring(c.args[4]), std::nullopt);
  EXPECT_EQ(AsAstring(c.args[5]), std::nullopt);
  EXPECT_EQ(AsAstring(c.args[6]), std::nullopt);
  EXPECT_EQ(AsAstring(c.args[7]), "l2");
}

TEST(ImapParser, Tags) {
  EXPECT_EQ(Events("a.1]-[x NOOP\r\nA0001 NOOP\r\n"), (V{"a.1]-[x NOOP", "A0001 NOOP"}));
  for (const char* tag : {"a+1", "*", "a%", "a\"", "a\\", "a(", "a)", "a{", "\x01", "a\x7f", "t\xc3\xa9"}) {
    std::string stream = std::string(tag) + " NOOP\r\nok NOOP\r\n";
    EXPECT_EQ(Events(stream), (V{"BAD : Invalid character in tag", "ok NOOP"})) << tag;
  }
}

TEST(ImapParser, EmptyLinesAndLoneTags) {
  EXPECT_EQ(Events("\r\na1\r\na2 \r\n NOOP\r\nok NOOP\r\n"),
            (V{"BAD : Empty command line", "BAD a1: Missing command name", "BAD a2: Missing command name",
               "BAD : Missing tag", "ok NOOP"}));
}

TEST(ImapParser, CommandNames) {
  EXPECT_EQ(Events("a  NOOP\r\nb (x)\r\nc NO\"OP\r\nd X-NAME1\r\n"),
            (V{"BAD a: Extra space", "BAD b: Invalid command name", "BAD c: Invalid command name", "d X-NAME1"}));
  EXPECT_EQ(Events("a NO\x01OP\r\n"), (V{"BAD a: Control character outside a literal"}));
}

TEST(ImapParser, Spacing) {
  EXPECT_EQ(Events("a X  y\r\nb NOOP \r\nc X ( y)\r\nd X (y )\r\ne X y\r\n"),
            (V{"BAD a: Extra space", "BAD b: Space at the end of the line", "BAD c: Extra space",
               "BAD d: Space before )", "e X y"}));
  EXPECT_EQ(Events("a X \"q\"y\r\nb X y\"q\"\r\nc X (y)z\r\nd X y(z)\r\ne X \"q\"(z)\r\n"),
            (V{"BAD a: Expected space between arguments", "BAD b: Expected space between arguments",
               "BAD c: Expected space between arguments", "BAD d: Expected space between arguments",
               "BAD e: Expected space between arguments"}));
}

TEST(ImapParser, UnbalancedParentheses) {
  EXPECT_EQ(Events("a X (y\r\nb X ((y)\r\nc X (\r\nd X y)\r\ne X ()) \r\nf NOOP)\r\n"),
            (V{"BAD a: Missing )", "BAD b: Missing )", "BAD c: Missing )", "BAD d: Unexpected )", "BAD e: Unexpected )",
               "BAD f: Invalid command name"}));
}

TEST(ImapParser, ControlAnd8BitOctetsOutsideLiterals) {
  EXPECT_EQ(Events(std::string("a X y\0\r\n", 8)), (V{"BAD a: NUL outside a literal"}));
  EXPECT_EQ(Events(std::string("a X \0\r\n", 7)), (V{"BAD a: NUL outside a literal"}));
  EXPECT_EQ(Events("a X \x01y\r\n"), (V{"BAD a: Control character outside a literal"}));
  EXPECT_EQ(Events("a X y\tz\r\n"), (V{"BAD a: Control character outside a literal"}));
  EXPECT_EQ(Events("a X caf\xc3\xa9\r\n"), (V{"BAD a: 8-bit character outside a literal"}));
  EXPECT_EQ(Events("a X \xff\r\n"), (V{"BAD a: 8-bit character outside a literal"}));
}

TEST(ImapParser, PipelinedCommandsInOneFeed) {
  Parser parser;
  std::string input = "a NOOP\r\nb LOGIN x y\r\nc LOGOUT\r\nd NO";
  Event e = parser.Feed(input);
  ASSERT_EQ(e.kind, Event::Kind::kCommand);
  EXPECT_EQ(testing::Describe(e.command), "a NOOP");
  EXPECT_EQ(e.consumed, 8u);
  input.erase(0, e.consumed);
  e = parser.Feed(input);
  ASSERT_EQ(e.kind, Event::Kind::kCommand);
  EXPECT_EQ(testing::Describe(e.command), "b LOGIN x y");
  EXPECT_EQ(e.consumed, 13u);
  input.erase(0, e.consumed);
  e = parser.Feed(input);
  ASSERT_EQ(e.kind, Event::Kind::kCommand);
  EXPECT_EQ(testing::Describe(e.command), "c LOGOUT");
  input.erase(0, e.consumed);
  e = parser.Feed(input);
  EXPECT_EQ(e.kind, Event::Kind::kNeedMore);
  EXPECT_EQ(e.consumed, 4u);
  e = parser.Feed("OP\r\n");
  ASSERT_EQ(e.kind, Event::Kind::kCommand);
  EXPECT_EQ(testing::Describe(e.command), "d NOOP");
  EXPECT_EQ(e.consumed, 4u);
  e = parser.Feed("");
  EXPECT_EQ(e.kind, Event::Kind::kNeedMore);
  EXPECT_EQ(e.consumed, 0u);
}

TEST(ImapParser, ErrorCarriesTagAndName) {
  Parser parser;
  Event e = parser.Feed("t7 Select \"x\r\n");
  ASSERT_EQ(e.kind, Event::Kind::kError);
  EXPECT_EQ(e.command.tag, "t7");
  EXPECT_EQ(e.command.name, "SELECT");
  EXPECT_TRUE(e.command.args.empty());
  EXPECT_EQ(e.error, "Unterminated quoted string");
  EXPECT_EQ(e.recovery, Event::Recovery::kSkipLine);
  EXPECT_EQ(e.consumed, 14u);
}

}  // namespace
}  // namespace posthorn::imap
