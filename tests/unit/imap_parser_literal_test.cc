// Literals (RFC 3501 §4.3, §7.5) and non-synchronizing literals (RFC 7888):
// the continuation handshake, the octets in every packetisation, and what
// a literal may not hold.
#include <gtest/gtest.h>

#include "common/imap/parser.h"
#include "tests/unit/imap_parser_helpers.h"

namespace posthorn::imap {
namespace {

using testing::Events;
using testing::Feed;
using testing::V;

// Every way to cut `stream` in two gives the events it gives whole (Events
// already tries pieces of 1-7 octets and random ones).
V EverySplit(const std::string& stream, const Limits& limits = Limits()) {
  V whole = Events(stream, limits);
  for (size_t i = 0; i <= stream.size(); ++i) {
    EXPECT_EQ(Feed({stream.substr(0, i), stream.substr(i)}, limits).events, whole) << "split at " << i;
  }
  return whole;
}

TEST(ImapParserLiteral, NothingIsConsumedPastTheAnnouncementUntilTheContinuation) {
  Parser parser;
  std::string input = "a LOGIN {3}\r\nbob x\r\n";
  Event e = parser.Feed(input);
  ASSERT_EQ(e.kind, Event::Kind::kContinuation);
  EXPECT_EQ(e.consumed, 13u);  // "a LOGIN {3}\r\n"
  EXPECT_EQ(e.literal_size, 3u);
  EXPECT_EQ(e.command.tag, "a");
  EXPECT_EQ(e.command.name, "LOGIN");
  EXPECT_TRUE(parser.waiting_for_continuation());
  input.erase(0, e.consumed);
  // Asked again before "+" went out: the same request, nothing consumed.
  for (int i = 0; i < 3; ++i) {
    e = parser.Feed(input);
    ASSERT_EQ(e.kind, Event::Kind::kContinuation);
    EXPECT_EQ(e.consumed, 0u);
    EXPECT_EQ(e.literal_size, 3u);
  }
  parser.ContinuationSent();
  EXPECT_FALSE(parser.waiting_for_continuation());
  e = parser.Feed(input);
  ASSERT_EQ(e.kind, Event::Kind::kCommand);
  EXPECT_EQ(e.consumed, 7u);
  EXPECT_EQ(testing::Describe(e.command), "a LOGIN {3}bob x");
  ASSERT_EQ(e.command.args.size(), 2u);
  EXPECT_EQ(e.command.args[0].kind, Arg::Kind::kLiteral);
  EXPECT_EQ(e.command.args[0].text, "bob");
}

TEST(ImapParserLiteral, NonSynchronizingLiteralNeedsNoContinuation) {
  Parser parser;
  std::string input = "a LOGIN {3+}\r\nbob x\r\n";
  Event e = parser.Feed(input);
  ASSERT_EQ(e.kind, Event::Kind::kCommand);
  EXPECT_EQ(e.consumed, input.size());
  EXPECT_EQ(testing::Describe(e.command), "a LOGIN {3}bob x");
}

TEST(ImapParserLiteral, Rfc7888Example) {
  EXPECT_EQ(EverySplit("A001 LOGIN {11+}\r\nFRED FOOBAR {7+}\r\nfat man\r\n"),
            (V{"A001 LOGIN {11}FRED FOOBAR {7}fat man"}));
}

TEST(ImapParserLiteral, Rfc3501Example) {
  EXPECT_EQ(EverySplit("A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man\r\n"),
            (V{"+ A001 LOGIN {11}", "+ A001 LOGIN {7}", "A001 LOGIN {11}FRED FOOBAR {7}fat man"}));
}

TEST(ImapParserLiteral, OctetsAreTakenAsTheyAre) {
  // CRLF, parentheses, quotes, braces, 8-bit and control octets: all data.
  std::string data = "\r\n)(\"{1}\r\n\xff\x01\x7f\\ \n\r";
  std::string stream = "a APPEND box (\\Seen) {" + std::to_string(data.size()) + "}\r\n" + data + "\r\n";
  V events = EverySplit(stream);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0], "+ a APPEND {" + std::to_string(data.size()) + "}");
  EXPECT_EQ(events[1], "a APPEND box (\\Seen) {" + std::to_string(data.size()) + "}" + data);
}

TEST(ImapParserLiteral, EveryPacketisation) {
  // Splits inside the announcement, inside the octets, between CR and LF,
  // with pipelined commands around: EverySplit tries them all.
  EXPECT_EQ(EverySplit("a NOOP\r\nb LOGIN {5}\r\nab\r\nc {12+}\r\n0123456789\r\n\r\nd NOOP\r\n"),
            (V{"a NOOP", "+ b LOGIN {5}", "b LOGIN {5}ab\r\nc {12}0123456789\r\n", "d NOOP"}));
}

TEST(ImapParserLiteral, LiteralsInsideListsAndBackToBack) {
  EXPECT_EQ(EverySplit("a X (b {3+}\r\nc d (e {0}\r\n)) {1}\r\nf {2+}\r\ngh\r\n"),
            (V{"+ a X {0}", "+ a X {1}", "a X (b {3}c d (e {0})) {1}f {2}gh"}));
}

TEST(ImapParserLiteral, EmptyLiteral) {
  EXPECT_EQ(EverySplit("a X {0}\r\n\r\nb X {0+}\r\n\r\n"), (V{"+ a X {0}", "a X {0}", "b X {0}"}));
  Parser parser;
  Event e = parser.Feed("a X {0}\r\n");
  ASSERT_EQ(e.kind, Event::Kind::kContinuation);
  parser.ContinuationSent();
  e = parser.Feed("\r\n");
  ASSERT_EQ(e.kind, Event::Kind::kCommand);
  ASSERT_EQ(e.command.args.size(), 1u);
  EXPECT_EQ(e.command.args[0].kind, Arg::Kind::kLiteral);
  EXPECT_EQ(e.command.args[0].text, "");
}

TEST(ImapParserLiteral, LeadingZerosInTheCount) { EXPECT_EQ(Events("a X {003+}\r\nabc\r\n"), (V{"a X {3}abc"})); }

TEST(ImapParserLiteral, RefusedLiteralEndsTheCommand) {
  // The session said "a NO" instead of "+": the client sends no octets, so
  // what follows is the next command.
  EXPECT_EQ(Events("a APPEND box {5}\r\nb NOOP\r\n", Limits(), /*refuse=*/true), (V{"+ a APPEND {5}", "b NOOP"}));
}

TEST(ImapParserLiteral, WhatFollowsTheOctets) {
  EXPECT_EQ(Events("a X {3+}\r\nabcdef\r\nb NOOP\r\n"), (V{"BAD a: Expected space between arguments", "b NOOP"}));
  EXPECT_EQ(Events("a X {3+}\r\nabc \r\nb NOOP\r\n"), (V{"BAD a: Space at the end of the line", "b NOOP"}));
  EXPECT_EQ(Events("a X ({3+}\r\nabc\r\nb NOOP\r\n"), (V{"BAD a: Missing )", "b NOOP"}));
  EXPECT_EQ(Events("a X {3+}\r\nabc)\r\nb NOOP\r\n"), (V{"BAD a: Unexpected )", "b NOOP"}));
}

TEST(ImapParserLiteral, BadAnnouncements) {
  EXPECT_EQ(Events("a X {3} y\r\nb X {}\r\nc X {x}\r\nd X {3\r\ne X {3++}\r\nf X {-3}\r\ng X {+}\r\nh NOOP\r\n"),
            (V{"BAD a: Literal announcement not at the end of the line", "BAD b: Invalid literal announcement",
               "BAD c: Invalid literal announcement", "BAD d: Invalid literal announcement",
               "BAD e: Invalid literal announcement", "BAD f: Invalid literal announcement",
               "BAD g: Invalid literal announcement", "h NOOP"}));
  // RFC 3501 §9: number is 32 bits.
  EXPECT_EQ(Events("a X {4294967296}\r\nb X {99999999999999999999999}\r\nc NOOP\r\n"),
            (V{"BAD a: Literal size out of range", "BAD b: Literal size out of range", "c NOOP"}));
  // A literal cannot be a tag or a command name.
  EXPECT_EQ(Events("{3}\r\nb {3}\r\nc NOOP\r\n"),
            (V{"BAD : Invalid character in tag", "BAD b: Invalid command name", "c NOOP"}));
}

TEST(ImapParserLiteral, NulIsRefusedAndTheRestSkipped) {
  std::string nul(1, '\0');
  EXPECT_EQ(EverySplit("a X {5}\r\nab" + nul + "cd y {2}\r\nb NOOP\r\n"),
            (V{"+ a X {5}", "BAD a: NUL in literal", "b NOOP"}));
  EXPECT_EQ(EverySplit("a X {5+}\r\n" + nul + "\r\nxy z\r\nb NOOP\r\n"), (V{"BAD a: NUL in literal", "b NOOP"}));
  // A later line of the same command that announces {n+} still brings n
  // octets of the dropped command.
  EXPECT_EQ(EverySplit("a X {1+}\r\n" + nul + " {4+}\r\nc NO\r\nb NOOP\r\n"), (V{"BAD a: NUL in literal", "b NOOP"}));
}

TEST(ImapParserLiteral, ErrorOnALineThatAnnouncesANonSynchronizingLiteral) {
  // RFC 7888 §3: the octets after "{3+}" belong to the command even when
  // its line is bad; "abc" must not be read as a command.
  EXPECT_EQ(EverySplit("a X \"open {3+}\r\nabc\r\nb NOOP\r\n"), (V{"BAD a: Unterminated quoted string", "b NOOP"}));
  EXPECT_EQ(EverySplit("a X  {3+}\r\nc N\r\nb NOOP\r\n"), (V{"BAD a: Extra space", "b NOOP"}));
  // A synchronizing one gets no "+", so no octets come.
  EXPECT_EQ(EverySplit("a X \"open {3}\r\nb NOOP\r\n"), (V{"BAD a: Unterminated quoted string", "b NOOP"}));
}

}  // namespace
}  // namespace posthorn::imap
