// Stored messages on the POP3 wire: CRLF line ends, dot-stuffing, the
// final ".", TOP's cut, and the same bytes however the file is chunked.
#include "mra/pop3d/wire.h"

#include "common/message/wire_form.h"

#include <gtest/gtest.h>

#include <vector>

namespace posthorn::pop3d {
namespace {

// Feeds `chunks` in order the way pop3d does (stopping once Feed says TOP
// has enough), then Finish.
std::string Encode(const std::vector<std::string>& chunks, std::optional<size_t> body_lines = std::nullopt) {
  WireEncoder e(body_lines);
  std::string out;
  for (const std::string& c : chunks) {
    if (!e.Feed(c, &out)) break;
  }
  e.Finish(&out);
  return out;
}

std::string Encode(const std::string& whole, std::optional<size_t> body_lines = std::nullopt) {
  return Encode(std::vector<std::string>{whole}, body_lines);
}

std::vector<std::string> Bytes(const std::string& s) {
  std::vector<std::string> out;
  for (char c : s) out.emplace_back(1, c);
  return out;
}

// LF, CRLF, bare CR, lines starting with '.', a lone ".", and no final newline.
const std::string kSample =
    "From: a@example.org\nSubject: s\r\n\n.hidden\r\n..two\nx.y\n.\nbare\rcr\n\r\n.\r\nend\r.x\nlast";
const std::string kSampleWire =
    "From: a@example.org\r\nSubject: s\r\n\r\n..hidden\r\n...two\r\nx.y\r\n..\r\nbare\rcr\r\n\r\n..\r\n"
    "end\r.x\r\nlast\r\n.\r\n";

TEST(Pop3Wire, LfBecomesCrlf) {
  EXPECT_EQ(Encode("a\nb\n"), "a\r\nb\r\n.\r\n");
  EXPECT_EQ(Encode("\n\n"), "\r\n\r\n.\r\n");
}

TEST(Pop3Wire, CrlfIsKept) {
  EXPECT_EQ(Encode("a\r\nb\r\n"), "a\r\nb\r\n.\r\n");
  EXPECT_EQ(Encode("a\r\nb\n"), "a\r\nb\r\n.\r\n");
}

TEST(Pop3Wire, BareCrIsKept) {
  EXPECT_EQ(Encode("a\rb\n"), "a\rb\r\n.\r\n");
  EXPECT_EQ(Encode("a\r\r\n"), "a\r\r\n.\r\n");
  EXPECT_EQ(Encode("\r.x\n"), "\r.x\r\n.\r\n");  // not at a line start: no stuffing
}

TEST(Pop3Wire, DotStuffing) {
  EXPECT_EQ(Encode(".\n"), "..\r\n.\r\n");
  EXPECT_EQ(Encode("..\n"), "...\r\n.\r\n");
  EXPECT_EQ(Encode("a\n.b\nc.d\n"), "a\r\n..b\r\nc.d\r\n.\r\n");
  EXPECT_EQ(Encode("a\r\n.\r\nb\r\n"), "a\r\n..\r\nb\r\n.\r\n");
  EXPECT_EQ(Encode(".last"), "..last\r\n.\r\n");
}

TEST(Pop3Wire, DotRightAfterAChunkBoundary) {
  EXPECT_EQ(Encode(std::vector<std::string>{"a\n", ".b\n"}), "a\r\n..b\r\n.\r\n");
  EXPECT_EQ(Encode(std::vector<std::string>{"a\r\n", ".", "b\n"}), "a\r\n..b\r\n.\r\n");
  EXPECT_EQ(Encode(std::vector<std::string>{".", ".", "\n"}), "...\r\n.\r\n");
  EXPECT_EQ(Encode(std::vector<std::string>{"x", ".y\n"}), "x.y\r\n.\r\n");
}

TEST(Pop3Wire, CrlfSplitAcrossChunks) {
  EXPECT_EQ(Encode(std::vector<std::string>{"a\r", "\nb\r", "\n"}), "a\r\nb\r\n.\r\n");
  EXPECT_EQ(Encode(std::vector<std::string>{"a\r", "\n.b\n"}), "a\r\n..b\r\n.\r\n");
  EXPECT_EQ(Encode(std::vector<std::string>{"a\r", "b\n"}), "a\rb\r\n.\r\n");
  EXPECT_EQ(Encode(std::vector<std::string>{"a\r", "\r", "\n"}), "a\r\r\n.\r\n");
}

TEST(Pop3Wire, SampleIsTheSameForEveryChunking) {
  EXPECT_EQ(Encode(kSample), kSampleWire);
  EXPECT_EQ(Encode(Bytes(kSample)), kSampleWire);
  for (size_t cut = 0; cut <= kSample.size(); ++cut) {
    EXPECT_EQ(Encode({kSample.substr(0, cut), kSample.substr(cut)}), kSampleWire) << "cut at " << cut;
  }
}

TEST(Pop3Wire, EmptyChunksChangeNothing) {
  EXPECT_EQ(Encode(std::vector<std::string>{"", "a\r", "", "\n", "", ".b", ""}), "a\r\n..b\r\n.\r\n");
}

TEST(Pop3Wire, MissingFinalNewlineGetsCrlfBeforeTheDot) {
  EXPECT_EQ(Encode("a\nb"), "a\r\nb\r\n.\r\n");
  EXPECT_EQ(Encode("b"), "b\r\n.\r\n");
  EXPECT_EQ(Encode("a\r"), "a\r\n.\r\n");  // the CR already there is not doubled
}

TEST(Pop3Wire, EmptyMessage) {
  WireEncoder e;
  std::string out;
  EXPECT_TRUE(e.Feed("", &out));
  EXPECT_EQ(out, "");
  e.Finish(&out);
  EXPECT_EQ(out, ".\r\n");
  EXPECT_EQ(Encode(std::vector<std::string>{}), ".\r\n");
  EXPECT_EQ(Encode(std::vector<std::string>{}, 3), ".\r\n");
}

TEST(Pop3Wire, OutputIsAppended) {
  WireEncoder e;
  std::string out = "+OK 3 octets\r\n";
  EXPECT_TRUE(e.Feed("a\n", &out));
  e.Finish(&out);
  EXPECT_EQ(out, "+OK 3 octets\r\na\r\n.\r\n");
}

const std::string kTopMessage = "From: a\nSubject: s\n\nl1\n.l2\nl3\n";

TEST(Pop3Wire, TopWithZeroLines) {
  WireEncoder e(0);
  std::string out;
  EXPECT_FALSE(e.Feed(kTopMessage, &out));
  e.Finish(&out);
  EXPECT_EQ(out, "From: a\r\nSubject: s\r\n\r\n.\r\n");
}

TEST(Pop3Wire, TopWithOneLine) {
  WireEncoder e(1);
  std::string out;
  EXPECT_FALSE(e.Feed(kTopMessage, &out));
  // Once done, more input adds nothing.
  EXPECT_FALSE(e.Feed("more\n", &out));
  e.Finish(&out);
  EXPECT_EQ(out, "From: a\r\nSubject: s\r\n\r\nl1\r\n.\r\n");
}

TEST(Pop3Wire, TopWithTwoLinesStuffsTheDot) {
  EXPECT_EQ(Encode(kTopMessage, 2), "From: a\r\nSubject: s\r\n\r\nl1\r\n..l2\r\n.\r\n");
}

TEST(Pop3Wire, TopWithMoreLinesThanTheBodyHas) {
  WireEncoder e(5);
  std::string out;
  EXPECT_TRUE(e.Feed(kTopMessage, &out));
  e.Finish(&out);
  EXPECT_EQ(out, "From: a\r\nSubject: s\r\n\r\nl1\r\n..l2\r\nl3\r\n.\r\n");
  EXPECT_EQ(Encode("H: v\n\nb1", 5), "H: v\r\n\r\nb1\r\n.\r\n");
}

TEST(Pop3Wire, TopIsTheSameForEveryChunking) {
  for (size_t n : {0u, 1u, 2u, 5u}) {
    std::string whole = Encode(kTopMessage, n);
    EXPECT_EQ(Encode(Bytes(kTopMessage), n), whole) << n;
    for (size_t cut = 0; cut <= kTopMessage.size(); ++cut) {
      EXPECT_EQ(Encode({kTopMessage.substr(0, cut), kTopMessage.substr(cut)}, n), whole) << n << " cut " << cut;
    }
  }
}

TEST(Pop3Wire, TopOnAHeaderOnlyMessage) {
  EXPECT_EQ(Encode("From: a\nSubject: s\n", 0), "From: a\r\nSubject: s\r\n.\r\n");
  EXPECT_EQ(Encode("From: a\nSubject: s\n", 5), "From: a\r\nSubject: s\r\n.\r\n");
  EXPECT_EQ(Encode("From: a\nSubject: s", 0), "From: a\r\nSubject: s\r\n.\r\n");
  // A header ending in the blank line and nothing after it.
  EXPECT_EQ(Encode("From: a\n\n", 0), "From: a\r\n\r\n.\r\n");
  EXPECT_EQ(Encode("From: a\n\n", 1), "From: a\r\n\r\n.\r\n");
}

TEST(Pop3Wire, TopWhereTheBlankLineIsCrlf) {
  const std::string m = "A: b\r\nC: d\r\n\r\nl1\r\nl2\r\n";
  EXPECT_EQ(Encode(m, 0), "A: b\r\nC: d\r\n\r\n.\r\n");
  EXPECT_EQ(Encode(m, 1), "A: b\r\nC: d\r\n\r\nl1\r\n.\r\n");
  EXPECT_EQ(Encode(std::vector<std::string>{"A: b\r\nC: d\r", "\n\r", "\nl1\r", "\nl2\r\n"}, 1),
            "A: b\r\nC: d\r\n\r\nl1\r\n.\r\n");
}

TEST(Pop3Wire, TopWhenTheMessageHasNoHeader) {
  EXPECT_EQ(Encode("\nbody1\nbody2\n", 0), "\r\n.\r\n");
  EXPECT_EQ(Encode("\nbody1\nbody2\n", 1), "\r\nbody1\r\n.\r\n");
}

TEST(Pop3Wire, TopCountsBodyLinesNotBytes) {
  // A body line that is only a dot, and an empty body line, count as lines.
  EXPECT_EQ(Encode("H: v\n\n.\n\nthird\nfourth\n", 3), "H: v\r\n\r\n..\r\n\r\nthird\r\n.\r\n");
}

TEST(Pop3Wire, WireSizeMatchesWhatRetrSendsWithoutStuffing) {
  // No dot lines and a final newline: the sent bytes less ".\r\n".
  for (const std::string& m : {std::string("a\nb\r\nc\n"), std::string("H: v\r\n\r\nbody\rx\n"), std::string("\n")}) {
    bool cr = false;
    EXPECT_EQ(message::WireSize(m, &cr), Encode(m).size() - 3) << m;
  }
}

}  // namespace
}  // namespace posthorn::pop3d
