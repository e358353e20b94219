#include "common/smtp/data_reader.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace posthorn::smtp {
namespace {

struct Outcome {
  std::string out;
  size_t consumed = 0;
  bool done = false;
  bool bare = false;
  uint64_t bytes = 0;

  bool operator==(const Outcome& o) const {
    return out == o.out && consumed == o.consumed && done == o.done && bare == o.bare && bytes == o.bytes;
  }
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  return os << "{out=" << testing::PrintToString(o.out) << " consumed=" << o.consumed << " done=" << o.done
            << " bare=" << o.bare << " bytes=" << o.bytes << "}";
}

// Feeds `input` in the given piece lengths (the last piece takes the rest),
// the way a session does: a piece is fed until the reader is done, and
// whatever it did not consume is left over.
Outcome Run(std::string_view input, const std::vector<size_t>& lengths) {
  DataReader r;
  Outcome o;
  size_t at = 0;
  for (size_t k = 0; at < input.size() && !r.done(); ++k) {
    size_t len = k < lengths.size() ? lengths[k] : input.size() - at;
    std::string_view piece = input.substr(at, len);
    size_t used = r.Feed(piece, &o.out);
    EXPECT_LE(used, piece.size());
    if (!r.done()) {
      EXPECT_EQ(used, piece.size());
    }
    o.consumed += used;
    at += piece.size();
  }
  o.done = r.done();
  o.bare = r.bare_line_end();
  o.bytes = r.message_bytes();
  EXPECT_EQ(o.bytes, o.out.size());
  return o;
}

// The outcome of feeding `input` whole, checked to be the same for pieces
// of 1, 2, 3, ... bytes and for random splits.
Outcome Feed(std::string_view input) {
  Outcome whole = Run(input, {input.size()});
  for (size_t step = 1; step <= 8; ++step) {
    std::vector<size_t> lengths(input.size() / step + 1, step);
    EXPECT_EQ(Run(input, lengths), whole) << "step " << step;
  }
  std::mt19937 rng(7);
  for (int round = 0; round < 100; ++round) {
    std::vector<size_t> lengths;
    for (size_t total = 0; total < input.size();) {
      lengths.push_back(rng() % 6);  // empty pieces too
      total += lengths.back();
    }
    EXPECT_EQ(Run(input, lengths), whole) << "round " << round;
  }
  return whole;
}

TEST(SmtpDataReader, SimpleMessage) {
  Outcome o = Feed("Subject: hi\r\n\r\nbody\r\n.\r\n");
  EXPECT_TRUE(o.done);
  EXPECT_FALSE(o.bare);
  EXPECT_EQ(o.out, "Subject: hi\r\n\r\nbody\r\n");
  EXPECT_EQ(o.consumed, 24u);
  EXPECT_EQ(o.bytes, 21u);
}

TEST(SmtpDataReader, EmptyMessage) {
  Outcome o = Feed(".\r\n");
  EXPECT_TRUE(o.done);
  EXPECT_EQ(o.out, "");
  EXPECT_EQ(o.consumed, 3u);
}

TEST(SmtpDataReader, DotUnstuffing) {
  Outcome o = Feed("..x\r\n..\r\n.\r\n");  // RFC 5321 §4.5.2
  EXPECT_TRUE(o.done);
  EXPECT_EQ(o.out, ".x\r\n.\r\n");
  EXPECT_EQ(Feed("...\r\n.\r\n").out, "..\r\n");
  EXPECT_EQ(Feed(".x\r\n.\r\n").out, "x\r\n");  // an unstuffed dot line loses the dot too
  EXPECT_EQ(Feed("a.\r\nb .\r\n.\r\n").out, "a.\r\nb .\r\n");  // not at line start
}

TEST(SmtpDataReader, FirstLineIsAStuffedDot) {
  Outcome o = Feed("..\r\n.\r\n");
  EXPECT_TRUE(o.done);
  EXPECT_EQ(o.out, ".\r\n");
}

TEST(SmtpDataReader, LeavesPipelinedCommandUnconsumed) {
  std::string input = "hello\r\n.\r\nQUIT\r\n";
  Outcome o = Feed(input);
  EXPECT_TRUE(o.done);
  EXPECT_EQ(o.out, "hello\r\n");
  EXPECT_EQ(o.consumed, 10u);
  EXPECT_EQ(input.substr(o.consumed), "QUIT\r\n");
}

TEST(SmtpDataReader, NotDoneWithoutTerminator) {
  for (std::string input : {"", "a", "a\r\n", "a\r\n.", "a\r\n.\r", ".", ".\r"}) {
    Outcome o = Feed(input);
    EXPECT_FALSE(o.done) << input;
    EXPECT_FALSE(o.bare) << input;
    EXPECT_EQ(o.consumed, input.size());
  }
}

TEST(SmtpDataReader, BinaryAndNulBytesPassThrough) {
  std::string body("a\0b\xff\x80\r\n", 7);
  Outcome o = Feed(body + ".\r\n");
  EXPECT_TRUE(o.done);
  EXPECT_FALSE(o.bare);
  EXPECT_EQ(o.out, body);
}

TEST(SmtpDataReader, BareLfMarksMessage) {
  Outcome o = Feed("a\nb\r\n.\r\n");
  EXPECT_TRUE(o.done);
  EXPECT_TRUE(o.bare);
  EXPECT_EQ(o.out, "a\nb\r\n");
}

TEST(SmtpDataReader, BareCrMarksMessage) {
  Outcome o = Feed("a\rb\r\n.\r\n");
  EXPECT_TRUE(o.done);
  EXPECT_TRUE(o.bare);
  EXPECT_EQ(o.out, "a\rb\r\n");
  EXPECT_TRUE(Feed("a\r\r\n.\r\n").bare);
  EXPECT_TRUE(Feed("\n.\r\n").bare);
}

// SMTP smuggling (CVE-2023-51764 and friends): none of these may end the
// data. Each marks the message bad, and the data then runs on to the real
// CR LF . CR LF, so the "second message" after the fake end is never read
// as commands.
TEST(SmtpDataReader, SmugglingSequencesNeverEndData) {
  const std::string kFakeEnds[] = {"\n.\n", "\n.\r\n", "\r.\r", "\r\n.\n", "\r\n.\r", "\r.\r\n"};
  const std::string smuggled = "MAIL FROM:<evil@example.org>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\nx";
  for (const std::string& fake : kFakeEnds) {
    SCOPED_TRACE(testing::PrintToString(fake));
    Outcome partial = Feed("Subject: a\r\n\r\nbody" + fake + smuggled);
    EXPECT_FALSE(partial.done);
    EXPECT_TRUE(partial.bare);

    std::string input = "Subject: a\r\n\r\nbody" + fake + smuggled + "\r\n.\r\nQUIT\r\n";
    Outcome o = Feed(input);
    EXPECT_TRUE(o.done);
    EXPECT_TRUE(o.bare);
    EXPECT_EQ(input.substr(o.consumed), "QUIT\r\n");
    EXPECT_NE(o.out.find("RCPT TO:<victim@example.org>\r\n"), std::string::npos);
  }
}

TEST(SmtpDataReader, SmugglingAtTheVeryStart) {
  // The start of data is a line start: these begin with a dot line that
  // is not CR LF-terminated, which must not end the data either.
  for (std::string fake : {".\n", ".\rx", ".\r\r\n"}) {
    SCOPED_TRACE(testing::PrintToString(fake));
    Outcome partial = Feed(fake + "more");
    EXPECT_FALSE(partial.done);
    EXPECT_TRUE(partial.bare);
    Outcome o = Feed(fake + "more\r\n.\r\n");
    EXPECT_TRUE(o.done);
    EXPECT_EQ(o.consumed, fake.size() + 9);
  }
}

TEST(SmtpDataReader, DotAfterBareLineEndIsNotUnstuffed) {
  // Only CR LF starts a line; the message is refused anyway, but what is
  // read must be predictable.
  EXPECT_EQ(Feed("a\n..\r\n.\r\n").out, "a\n..\r\n");
  EXPECT_EQ(Feed("a\r..\r\n.\r\n").out, "a\r..\r\n");
}

TEST(SmtpDataReader, StopsFeedingAfterDone) {
  DataReader r;
  std::string out;
  EXPECT_EQ(r.Feed("x\r\n.\r\nNOOP\r\n", &out), 6u);
  EXPECT_TRUE(r.done());
  EXPECT_EQ(r.Feed("more", &out), 0u);
  EXPECT_EQ(out, "x\r\n");
  EXPECT_EQ(r.message_bytes(), 3u);
}

TEST(SmtpDataReader, AppendsToExistingOutput) {
  DataReader r;
  std::string out = "kept";
  r.Feed("ab\r\n", &out);
  EXPECT_EQ(out, "keptab\r\n");
  EXPECT_EQ(r.message_bytes(), 4u);
}

TEST(SmtpDataReader, LargeMessageManyLines) {
  std::string line(998, 'x');
  std::string input, expect;
  for (int i = 0; i < 2000; ++i) {
    bool dotted = i % 7 == 0;  // the first line too
    input += (dotted ? ".." : "") + line + "\r\n";
    expect += (dotted ? "." : "") + line + "\r\n";
  }
  DataReader r;
  std::string out;
  EXPECT_EQ(r.Feed(input + ".\r\nQUIT\r\n", &out), input.size() + 3);
  EXPECT_TRUE(r.done());
  EXPECT_FALSE(r.bare_line_end());
  EXPECT_EQ(out, expect);
  EXPECT_EQ(r.message_bytes(), expect.size());
}

}  // namespace
}  // namespace posthorn::smtp
