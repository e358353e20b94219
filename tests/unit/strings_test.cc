#include "common/base/strings.h"

#include <gtest/gtest.h>

namespace posthorn {
namespace {

TEST(Strings, Sizes) {
  EXPECT_EQ(ParseSize("4096"), 4096u);
  EXPECT_EQ(ParseSize("10k"), 10240u);
  EXPECT_EQ(ParseSize("50M"), 50ull << 20);
  EXPECT_EQ(ParseSize("1g"), 1ull << 30);
  EXPECT_EQ(ParseSize(" 2K "), 2048u);
  EXPECT_EQ(ParseSize(""), std::nullopt);
  EXPECT_EQ(ParseSize("M"), std::nullopt);
  EXPECT_EQ(ParseSize("1.5M"), std::nullopt);
  EXPECT_EQ(ParseSize("-1"), std::nullopt);
  EXPECT_EQ(ParseSize("10T"), std::nullopt);
  EXPECT_EQ(ParseSize("18446744073709551615"), 18446744073709551615ull);
  EXPECT_EQ(ParseSize("18446744073709551616"), std::nullopt);
  EXPECT_EQ(ParseSize("17179869184G"), std::nullopt);
}

TEST(Strings, Durations) {
  EXPECT_EQ(ParseDuration("90"), 90u);
  EXPECT_EQ(ParseDuration("30s"), 30u);
  EXPECT_EQ(ParseDuration("5m"), 300u);
  EXPECT_EQ(ParseDuration("2h"), 7200u);
  EXPECT_EQ(ParseDuration("5d"), 432000u);
  EXPECT_EQ(ParseDuration("1w"), 604800u);
  EXPECT_EQ(ParseDuration("5x"), std::nullopt);
}

TEST(Strings, SplitWords) {
  EXPECT_EQ(SplitWords("  a b\tc  "), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(SplitWords("a,b, c", true), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(SplitWords("a,b", false), (std::vector<std::string>{"a,b"}));
  EXPECT_TRUE(SplitWords(" , ", true).empty());
}

TEST(Strings, CaseHelpers) {
  EXPECT_EQ(AsciiLower("MiXeD\xC3\x89"), "mixed\xC3\x89");
  EXPECT_TRUE(EqualsIgnoreCase("Delivered-To", "delivered-to"));
  EXPECT_FALSE(EqualsIgnoreCase("a", "ab"));
  EXPECT_TRUE(StartsWithIgnoreCase("DELIVERED-TO: x", "delivered-to:"));
  EXPECT_EQ(Trim(" \t x y \r\n"), "x y");
  EXPECT_EQ(Trim("   "), "");
}

}  // namespace
}  // namespace posthorn
