// Every limit of imap::Parser, and how it finds the next command after an
// error: line ends (only CRLF), skipped lines, dropped literals, closing.
#include <gtest/gtest.h>

#include "common/imap/parser.h"
#include "tests/unit/imap_parser_helpers.h"

namespace posthorn::imap {
namespace {

using testing::Events;
using testing::Feed;
using testing::V;

TEST(ImapParserLimits, Defaults) {
  Limits l;
  EXPECT_EQ(l.max_line, 64u * 1024);
  EXPECT_EQ(l.max_literal, 64u * 1024);
  EXPECT_EQ(l.max_append_literal, 64u * 1024 * 1024);
  EXPECT_EQ(l.max_command, 1024u * 1024);
  EXPECT_EQ(l.max_append_command, 65u * 1024 * 1024);
  EXPECT_EQ(l.max_depth, 32u);
  EXPECT_EQ(l.max_args, 10000u);
  EXPECT_EQ(l.max_discard, 1024u * 1024);
}

TEST(ImapParserLimits, LineLength) {
  Limits limits;
  limits.max_line = 16;
  EXPECT_EQ(Events("a X 123456789012\r\nb X 1234567890123\r\nc NOOP\r\n", limits),
            (V{"a X 123456789012", "BAD b: Line too long", "c NOOP"}));
  EXPECT_EQ(Events("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\nc NOOP\r\n", limits), (V{"BAD : Line too long", "c NOOP"}));
  // Literal octets do not count; the line after a literal is a new line.
  EXPECT_EQ(Events("a X {40+}\r\n" + std::string(40, 'x') + " 1234567890\r\n", limits),
            (V{"a X {40}" + std::string(40, 'x') + " 1234567890"}));
}

TEST(ImapParserLimits, LongLineIsRefusedAtOnce) {
  Limits limits;
  limits.max_line = 16;
  Parser parser(limits);
  Event e = parser.Feed("a1 X 0123456789012345678901234567890");
  ASSERT_EQ(e.kind, Event::Kind::kError);
  EXPECT_EQ(e.error, "Line too long");
  EXPECT_EQ(e.command.tag, "a1");
  EXPECT_EQ(e.recovery, Event::Recovery::kSkipLine);
  EXPECT_EQ(e.consumed, 17u);
  // The rest of the line is dropped as it comes.
  e = parser.Feed("0123456789012345678901234567890123456789");
  EXPECT_EQ(e.kind, Event::Kind::kNeedMore);
  EXPECT_EQ(e.consumed, 40u);
  e = parser.Feed("xyz\r\nb NOOP\r\n");
  ASSERT_EQ(e.kind, Event::Kind::kCommand);
  EXPECT_EQ(testing::Describe(e.command), "b NOOP");
}

TEST(ImapParserLimits, LongLineThatAnnouncesANonSynchronizingLiteral) {
  Limits limits;
  limits.max_line = 16;
  EXPECT_EQ(Events("a X " + std::string(20, 'x') + " {5+}\r\nb NOO\r\nc NOOP\r\n", limits),
            (V{"BAD a: Line too long", "c NOOP"}));
}

TEST(ImapParserLimits, LiteralSize) {
  Limits limits;
  limits.max_literal = 10;
  EXPECT_EQ(Events("a LOGIN {10}\r\n0123456789\r\nb LOGIN {11}\r\nc NOOP\r\n", limits),
            (V{"+ a LOGIN {10}", "a LOGIN {10}0123456789", "BAD b: Literal too large", "c NOOP"}));
}

TEST(ImapParserLimits, HugeSynchronizingLiteralIsRefusedAtOnce) {
  Parser parser;
  std::string input = "a X {4294967295}\r\n";
  Event e = parser.Feed(input);
  ASSERT_EQ(e.kind, Event::Kind::kError);
  EXPECT_EQ(e.error, "Literal too large");
  EXPECT_EQ(e.command.tag, "a");
  EXPECT_EQ(e.recovery, Event::Recovery::kSkipLine);
  EXPECT_EQ(e.consumed, input.size());
  EXPECT_FALSE(parser.waiting_for_continuation());
  e = parser.Feed("b NOOP\r\n");
  ASSERT_EQ(e.kind, Event::Kind::kCommand);
  EXPECT_EQ(testing::Describe(e.command), "b NOOP");
}

TEST(ImapParserLimits, OversizedNonSynchronizingLiteralIsDropped) {
  Limits limits;
  limits.max_literal = 10;
  limits.max_discard = 20;
  EXPECT_EQ(Events("a X {20+}\r\n" + std::string(20, 'x') + " y\r\nb NOOP\r\n", limits),
            (V{"BAD a: Literal too large", "b NOOP"}));
}

TEST(ImapParserLimits, NonSynchronizingLiteralBeyondDiscardCloses) {
  Limits limits;
  limits.max_literal = 10;
  limits.max_discard = 20;
  testing::Run run = Feed({"a X {21+}\r\n" + std::string(21, 'x') + "\r\nb NOOP\r\n"}, limits);
  EXPECT_EQ(run.events, (V{"BYE a: Literal too large"}));
  EXPECT_EQ(run.left, 21u + 2 + 8);
  EXPECT_EQ(Events("a X {4294967295+}\r\nb NOOP\r\n"), (V{"BYE a: Literal too large"}));
  EXPECT_EQ(Events("a X {99999999999+}\r\nb NOOP\r\n"), (V{"BYE a: Literal too large"}));
}

TEST(ImapParserLimits, AppendHasItsOwnLiteralLimit) {
  Limits limits;
  limits.max_literal = 10;
  limits.max_append_literal = 100;
  EXPECT_EQ(
      Events("a APPEND box {50}\r\n" + std::string(50, 'm') + "\r\nb append box {100+}\r\n" + std::string(100, 'm') +
                 "\r\nc APPEND box {101}\r\nd LOGIN {50}\r\ne NOOP\r\n",
             limits),
      (V{"+ a APPEND {50}", "a APPEND box {50}" + std::string(50, 'm'), "b APPEND box {100}" + std::string(100, 'm'),
         "BAD c: Literal too large", "BAD d: Literal too large", "e NOOP"}));
}

TEST(ImapParserLimits, CommandSize) {
  Limits limits;
  limits.max_command = 41;
  std::string ten = "0123456789";
  // a: 11 + 10 + 8 + 10 + 2 = 41 octets. b: 39 octets, then its third line
  // would pass 41.
  EXPECT_EQ(Events("a X {10+}\r\n" + ten + " {10+}\r\n" + ten + "\r\nb X {10+}\r\n" + ten + " {10+}\r\n" + ten +
                       " {10+}\r\n" + ten + "\r\nc NOOP\r\n",
                   limits),
            (V{"a X {10}" + ten + " {10}" + ten, "BAD b: Command too large", "c NOOP"}));
  // Counted at the announcement, before any octet.
  EXPECT_EQ(Events("a X {32}\r\nb NOOP\r\n", limits), (V{"BAD a: Command too large", "b NOOP"}));
  // A long first line.
  EXPECT_EQ(Events("a X " + std::string(40, 'x') + "\r\nb NOOP\r\n", limits),
            (V{"BAD a: Command too large", "b NOOP"}));
}

TEST(ImapParserLimits, AppendHasItsOwnCommandLimit) {
  Limits limits;
  limits.max_command = 30;
  limits.max_append_command = 100;
  EXPECT_EQ(Events("a APPEND b {50+}\r\n" + std::string(50, 'm') + "\r\nb APPEND b {90}\r\nc NOOP\r\n", limits),
            (V{"a APPEND b {50}" + std::string(50, 'm'), "BAD b: Command too large", "c NOOP"}));
}

TEST(ImapParserLimits, Depth) {
  Limits limits;
  limits.max_depth = 3;
  EXPECT_EQ(Events("a X (((a))) (b) ((c))\r\nb X ((((a))))\r\nc NOOP\r\n", limits),
            (V{"a X (((a))) (b) ((c))", "BAD b: Too deeply nested", "c NOOP"}));
  std::string deep = std::string(32, '(') + std::string(32, ')');
  EXPECT_EQ(Events("a X " + deep + "\r\nb X (" + deep + ")\r\n"), (V{"a X " + deep, "BAD b: Too deeply nested"}));
  // Parentheses inside a FETCH section count too; past the limit "[" is
  // just a character and the lists are refused.
  EXPECT_EQ(Events("a F BODY[H (((a)))]\r\nb F BODY[H ((((a))))]\r\n", limits),
            (V{"a F BODY[H (((a)))]", "BAD b: Too deeply nested"}));
}

TEST(ImapParserLimits, Arguments) {
  Limits limits;
  limits.max_args = 5;
  EXPECT_EQ(Events("a X 1 2 3 4 5\r\nb X 1 2 3 4 5 6\r\nc X (1 2) 3 4\r\nd X (1 2) 3 4 5\r\n"
                   "e X 1 2 3 4 {1+}\r\n5\r\nf X 1 2 3 4 5 {1+}\r\n6\r\ng NOOP\r\n",
                   limits),
            (V{"a X 1 2 3 4 5", "BAD b: Too many arguments", "c X (1 2) 3 4", "BAD d: Too many arguments",
               "e X 1 2 3 4 {1}5", "BAD f: Too many arguments", "g NOOP"}));
}

TEST(ImapParserLimits, SetLimitsAppliesToTheNextCommand) {
  Limits small;
  small.max_literal = 10;
  Parser parser(small);
  Event e = parser.Feed("a LOGIN {20}\r\n");
  ASSERT_EQ(e.kind, Event::Kind::kError);
  EXPECT_EQ(e.error, "Literal too large");
  Limits large;
  large.max_literal = 100;
  parser.SetLimits(large);
  EXPECT_EQ(parser.limits().max_literal, 100u);
  e = parser.Feed("b LOGIN {20}\r\n");
  ASSERT_EQ(e.kind, Event::Kind::kContinuation);
  EXPECT_EQ(e.literal_size, 20u);
}

TEST(ImapParserLimits, OnlyCrlfEndsALine) {
  EXPECT_EQ(Events("a NOOP\nb NOOP\r\n\nc NOOP\r\n"),
            (V{"BAD a: Bare LF: lines end with CRLF", "b NOOP", "BAD : Bare LF: lines end with CRLF", "c NOOP"}));
  EXPECT_EQ(Events("a NOOP\rb NOOP\r\nc NOOP\r\n"), (V{"BAD a: Bare CR: lines end with CRLF", "c NOOP"}));
  EXPECT_EQ(Events("a NOOP\r\rb\nc NOOP\r\n"), (V{"BAD a: Bare CR: lines end with CRLF", "c NOOP"}));
  EXPECT_EQ(Events("a X {3+}\r\nabc\nb NOOP\r\n"), (V{"BAD a: Bare LF: lines end with CRLF", "b NOOP"}));
  // A CR at the end of the input waits for what follows.
  Parser parser;
  Event e = parser.Feed("a NOOP\r");
  EXPECT_EQ(e.kind, Event::Kind::kNeedMore);
  EXPECT_EQ(e.consumed, 7u);
  e = parser.Feed("\n");
  ASSERT_EQ(e.kind, Event::Kind::kCommand);
  EXPECT_EQ(testing::Describe(e.command), "a NOOP");
}

TEST(ImapParserLimits, ResynchronisesAfterEveryKindOfError) {
  Limits limits;
  limits.max_line = 32;
  limits.max_literal = 8;
  limits.max_depth = 2;
  limits.max_args = 4;
  std::string stream =
      "\r\nok0 NOOP\r\n"
      "t1\r\nok1 NOOP\r\n"
      "t+2 NOOP\r\nok2 NOOP\r\n"
      "t3 X \"\\q\"\r\nok3 NOOP\r\n"
      "t4 X (((a)))\r\nok4 NOOP\r\n"
      "t5 X 1 2 3 4 5\r\nok5 NOOP\r\n"
      "t6 X {9}\r\nok6 NOOP\r\n"
      "t7 X {9+}\r\n123456789\r\nok7 NOOP\r\n";
  stream += "t8 X " + std::string(40, 'x') + "\r\nok8 NOOP\r\n";
  stream += "t9 X\nok9 NOOP\r\nt10 X\rx\r\nok10 NOOP\r\nt11 X {2+}\r\n";
  stream += std::string(2, '\0') + "\r\nok11 NOOP\r\n";
  EXPECT_EQ(Events(stream, limits), (V{"BAD : Empty command line",
                                       "ok0 NOOP",
                                       "BAD t1: Missing command name",
                                       "ok1 NOOP",
                                       "BAD : Invalid character in tag",
                                       "ok2 NOOP",
                                       "BAD t3: Invalid escape in quoted string",
                                       "ok3 NOOP",
                                       "BAD t4: Too deeply nested",
                                       "ok4 NOOP",
                                       "BAD t5: Too many arguments",
                                       "ok5 NOOP",
                                       "BAD t6: Literal too large",
                                       "ok6 NOOP",
                                       "BAD t7: Literal too large",
                                       "ok7 NOOP",
                                       "BAD t8: Line too long",
                                       "ok8 NOOP",
                                       "BAD t9: Bare LF: lines end with CRLF",
                                       "ok9 NOOP",
                                       "BAD t10: Bare CR: lines end with CRLF",
                                       "ok10 NOOP",
                                       "BAD t11: NUL in literal",
                                       "ok11 NOOP"}));
}

}  // namespace
}  // namespace posthorn::imap
