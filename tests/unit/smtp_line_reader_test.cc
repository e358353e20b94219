#include "common/smtp/line_reader.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace posthorn::smtp {
namespace {

// What a session does with NextLine: lines become "L:text", errors become
// "TooLong"/"BareLf"/"BareCr", and after an error that did not reach an LF
// it discards up to the next one. Input arrives in `pieces`; the buffer is
// retried after each.
std::vector<std::string> Lines(const std::vector<std::string>& pieces, size_t max_length = 16) {
  std::vector<std::string> got;
  std::string buffer;
  bool skipping = false;
  for (const std::string& piece : pieces) {
    buffer += piece;
    while (!buffer.empty()) {
      if (skipping) {
        size_t lf = buffer.find('\n');
        buffer.erase(0, lf == std::string::npos ? buffer.size() : lf + 1);
        skipping = lf == std::string::npos;
        continue;
      }
      LineResult r = NextLine(buffer, max_length);
      if (r.kind == LineResult::kNeedMore) {
        EXPECT_EQ(r.consumed, 0u);
        break;
      }
      EXPECT_GT(r.consumed, 0u);
      EXPECT_LE(r.consumed, buffer.size());
      switch (r.kind) {
        case LineResult::kLine: got.push_back("L:" + std::string(r.line)); break;
        case LineResult::kTooLong: got.push_back("TooLong"); break;
        case LineResult::kBareLf: got.push_back("BareLf"); break;
        case LineResult::kBareCr: got.push_back("BareCr"); break;
        case LineResult::kNeedMore: break;
      }
      if (r.kind != LineResult::kLine) skipping = buffer[r.consumed - 1] != '\n';
      buffer.erase(0, r.consumed);
    }
  }
  return got;
}

std::vector<std::string> Split(const std::string& s, size_t step) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size(); i += step) out.push_back(s.substr(i, step));
  return out;
}

// The lines of `stream` read whole, checked to be the same for pieces of
// every size from 1 to 7 bytes and for random splits.
std::vector<std::string> AllPacketisations(const std::string& stream, size_t max_length = 16) {
  std::vector<std::string> whole = Lines({stream}, max_length);
  for (size_t step = 1; step <= 7; ++step) EXPECT_EQ(Lines(Split(stream, step), max_length), whole) << "step " << step;
  std::mt19937 rng(42);
  for (int round = 0; round < 50; ++round) {
    std::vector<std::string> pieces;
    for (size_t i = 0; i < stream.size();) {
      size_t len = 1 + rng() % 9;
      pieces.push_back(stream.substr(i, len));
      i += len;
    }
    EXPECT_EQ(Lines(pieces, max_length), whole) << "round " << round;
  }
  return whole;
}

using V = std::vector<std::string>;

TEST(SmtpLineReader, OneLine) {
  LineResult r = NextLine("NOOP\r\nQUIT\r\n", 100);
  ASSERT_EQ(r.kind, LineResult::kLine);
  EXPECT_EQ(r.line, "NOOP");
  EXPECT_EQ(r.consumed, 6u);
}

TEST(SmtpLineReader, EmptyLine) {
  LineResult r = NextLine("\r\n", 100);
  ASSERT_EQ(r.kind, LineResult::kLine);
  EXPECT_EQ(r.line, "");
  EXPECT_EQ(r.consumed, 2u);
}

TEST(SmtpLineReader, NeedMore) {
  EXPECT_EQ(NextLine("", 100).kind, LineResult::kNeedMore);
  EXPECT_EQ(NextLine("NOOP", 100).kind, LineResult::kNeedMore);
  EXPECT_EQ(NextLine("NOOP\r", 100).kind, LineResult::kNeedMore);  // the LF may follow
}

TEST(SmtpLineReader, RejectsBareLf) {
  LineResult r = NextLine("NOOP\nQUIT\r\n", 100);
  EXPECT_EQ(r.kind, LineResult::kBareLf);
  EXPECT_EQ(r.consumed, 5u);
}

TEST(SmtpLineReader, RejectsBareCr) {
  LineResult r = NextLine("NOOP\rQUIT\r\nRSET\r\n", 100);
  EXPECT_EQ(r.kind, LineResult::kBareCr);
  EXPECT_EQ(r.consumed, 11u);  // through the LF that ends "QUIT\r\n"
  r = NextLine("NOOP\rQU", 100);
  EXPECT_EQ(r.kind, LineResult::kBareCr);
  EXPECT_EQ(r.consumed, 7u);  // no LF yet: all of it
}

TEST(SmtpLineReader, CrCrLfIsBareCr) {
  LineResult r = NextLine("NOOP\r\r\nQUIT\r\n", 100);
  EXPECT_EQ(r.kind, LineResult::kBareCr);
  EXPECT_EQ(r.consumed, 7u);
}

TEST(SmtpLineReader, MaxLengthIsInclusive) {
  LineResult r = NextLine("12345\r\n", 5);
  ASSERT_EQ(r.kind, LineResult::kLine);
  EXPECT_EQ(r.line, "12345");
  EXPECT_EQ(NextLine("12345\r", 5).kind, LineResult::kNeedMore);
  EXPECT_EQ(NextLine("12345", 5).kind, LineResult::kNeedMore);
}

TEST(SmtpLineReader, TooLong) {
  LineResult r = NextLine("123456\r\nNOOP\r\n", 5);
  EXPECT_EQ(r.kind, LineResult::kTooLong);
  EXPECT_EQ(r.consumed, 8u);
  r = NextLine("123456", 5);  // known as soon as byte max_length + 1 is there
  EXPECT_EQ(r.kind, LineResult::kTooLong);
  EXPECT_EQ(r.consumed, 6u);
}

TEST(SmtpLineReader, TooLongWinsOverLaterBareCrOrLf) {
  // Byte by byte, the line is too long before the bare CR or LF arrives;
  // read whole it must say the same.
  EXPECT_EQ(NextLine("123456\rx\r\n", 5).kind, LineResult::kTooLong);
  EXPECT_EQ(NextLine("123456\nx\r\n", 5).kind, LineResult::kTooLong);
  EXPECT_EQ(NextLine("12345\nx\r\n", 5).kind, LineResult::kBareLf);
}

TEST(SmtpLineReader, LongInputWithoutLineEndIsBoundedScan) {
  std::string big(1 << 20, 'x');
  LineResult r = NextLine(big, 1000);
  EXPECT_EQ(r.kind, LineResult::kTooLong);
  EXPECT_EQ(r.consumed, big.size());
}

TEST(SmtpLineReader, PipelinedCommands) {
  EXPECT_EQ(AllPacketisations("EHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n", 100),
            (V{"L:EHLO x", "L:MAIL FROM:<a@b>", "L:RCPT TO:<c@d>", "L:DATA"}));
}

TEST(SmtpLineReader, EveryPacketisationGivesTheSameLines) {
  EXPECT_EQ(AllPacketisations("NOOP\nRSET\r\nQUIT\r\n"), (V{"BareLf", "L:RSET", "L:QUIT"}));
  EXPECT_EQ(AllPacketisations("NOOP\rRSET\r\nQUIT\r\n"), (V{"BareCr", "L:QUIT"}));
  EXPECT_EQ(AllPacketisations("NOOP\r\rRSET\r\nQUIT\r\n"), (V{"BareCr", "L:QUIT"}));
  EXPECT_EQ(AllPacketisations("\n\r\n\r\r\n"), (V{"BareLf", "L:", "BareCr"}));
  EXPECT_EQ(AllPacketisations("0123456789abcdefXYZ\r\nRSET\r\n"), (V{"TooLong", "L:RSET"}));
  EXPECT_EQ(AllPacketisations("0123456789abcdefX\rRSET\r\nQUIT\r\n"), (V{"TooLong", "L:QUIT"}));
  EXPECT_EQ(AllPacketisations("0123456789abcdef\r\n0123456789abcdef\r"), (V{"L:0123456789abcdef"}));
  EXPECT_EQ(AllPacketisations("a\r\n\r\nb\r\nc"), (V{"L:a", "L:", "L:b"}));
}

TEST(SmtpLineReader, NulIsAnOrdinaryByte) {
  // The command parser refuses it; the reader only finds line ends.
  std::string s("NO\0OP\r\n", 7);
  LineResult r = NextLine(s, 100);
  ASSERT_EQ(r.kind, LineResult::kLine);
  EXPECT_EQ(r.line, std::string_view("NO\0OP", 5));
}

}  // namespace
}  // namespace posthorn::smtp
