#include "common/message/wire_form.h"

#include <gtest/gtest.h>

#include <random>

#include <string>

namespace posthorn::message {
namespace {

TEST(MessageWireForm, WireSizeCountsLfTwiceAndCrlfOnce) {
  bool cr = false;
  EXPECT_EQ(WireSize("a\nb\n", &cr), 6u);
  EXPECT_FALSE(cr);
  cr = false;
  EXPECT_EQ(WireSize("a\r\nb\r\n", &cr), 6u);
  cr = false;
  EXPECT_EQ(WireSize("", &cr), 0u);
  EXPECT_FALSE(cr);
  cr = false;
  EXPECT_EQ(WireSize("a\rb", &cr), 3u);
  cr = false;
  EXPECT_EQ(WireSize("\n\n\n", &cr), 6u);
  cr = false;
  EXPECT_EQ(WireSize("x\r", &cr), 2u);
  EXPECT_TRUE(cr);
}

TEST(MessageWireForm, WireSizeAcrossChunkBoundaries) {
  bool cr = false;
  EXPECT_EQ(WireSize("a\r", &cr), 2u);
  EXPECT_TRUE(cr);
  EXPECT_EQ(WireSize("\n", &cr), 1u);  // the CR came in the last chunk
  EXPECT_FALSE(cr);
  EXPECT_EQ(WireSize("\n", &cr), 2u);
  EXPECT_EQ(WireSize("b", &cr), 1u);
  EXPECT_FALSE(cr);
  EXPECT_EQ(WireSize("\r", &cr), 1u);
  EXPECT_EQ(WireSize("c", &cr), 1u);  // a bare CR: the LF later is not its
  EXPECT_FALSE(cr);
  EXPECT_EQ(WireSize("\n", &cr), 2u);
  // A caller passing prev_cr = true from an earlier chunk.
  cr = true;
  EXPECT_EQ(WireSize("\nx\n", &cr), 4u);

  const std::string m = "A: b\r\n\nline\nline\r\n\r\rx\n";
  cr = false;
  uint64_t whole = WireSize(m, &cr);
  EXPECT_EQ(whole, 25u);
  for (size_t cut = 0; cut <= m.size(); ++cut) {
    bool c = false;
    uint64_t n = WireSize(m.substr(0, cut), &c);
    n += WireSize(m.substr(cut), &c);
    EXPECT_EQ(n, whole) << "cut at " << cut;
  }
}
TEST(MessageWireForm, ToWireFormEndsLinesInCrlfOnce) {
  EXPECT_EQ(ToWireForm("a\nb\r\nc"), "a\r\nb\r\nc");
  EXPECT_EQ(ToWireForm(""), "");
  EXPECT_EQ(ToWireForm("\n\n"), "\r\n\r\n");
  EXPECT_EQ(ToWireForm("x\ry\r"), "x\ry\r");  // a bare CR stays
  EXPECT_EQ(ToWireForm("\r\r\n"), "\r\r\n");
}

TEST(MessageWireForm, ToWireFormReplacesNulAndKeepsTheSize) {
  std::string stored("a\0b\n", 4);
  std::string wire = ToWireForm(stored);
  EXPECT_EQ(wire, "a\x80" "b\r\n");
  bool cr = false;
  EXPECT_EQ(wire.size(), WireSize(stored, &cr));
}

// The line-at-a-time code against the rule, byte by byte, on random text
// dense in CR, LF and NUL, whole and in chunks.
TEST(MessageWireForm, AgreesWithTheByteRuleOnRandomText) {
  std::mt19937 rng(7);
  const char alphabet[] = {'a', '\r', '\n', '\0', 'b'};
  for (int round = 0; round < 2000; ++round) {
    std::string stored(rng() % 40, 'a');
    for (char& c : stored) c = alphabet[rng() % 5];
    std::string expect;
    bool prev_cr = false;
    for (char c : stored) {
      if (c == '\n' && !prev_cr) expect += '\r';
      expect += c == '\0' ? '\x80' : c;
      prev_cr = c == '\r';
    }
    EXPECT_EQ(ToWireForm(stored), expect);
    size_t cut = stored.empty() ? 0 : rng() % stored.size();
    bool cr = false;
    uint64_t size = WireSize(std::string_view(stored).substr(0, cut), &cr);
    size += WireSize(std::string_view(stored).substr(cut), &cr);
    EXPECT_EQ(size, expect.size());
  }
}

}  // namespace
}  // namespace posthorn::message
