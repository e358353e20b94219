// Unique names, flags in the info part and sizes in the name.
#include <gtest/gtest.h>

#include <set>

#include "common/maildir/flags.h"
#include "common/maildir/unique_name.h"

namespace posthorn::maildir {
namespace {

// Consumes `prefix` then one or more characters from `set`.
bool Eat(std::string_view* s, std::string_view prefix, std::string_view set, size_t exact = 0) {
  if (s->substr(0, prefix.size()) != prefix) return false;
  s->remove_prefix(prefix.size());
  size_t n = 0;
  while (n < s->size() && set.find((*s)[n]) != std::string_view::npos) ++n;
  if (n == 0 || (exact != 0 && n != exact)) return false;
  s->remove_prefix(n);
  return true;
}

TEST(MaildirNames, UniqueNameHasTheSpecifiedParts) {
  std::string name = NewUniqueName();
  std::string_view s = name;
  constexpr std::string_view kDigits = "0123456789";
  ASSERT_TRUE(Eat(&s, "", kDigits) && Eat(&s, ".M", kDigits) && Eat(&s, "P", kDigits) && Eat(&s, "Q", kDigits) &&
              Eat(&s, "R", "0123456789abcdef", 16))
      << name;
  ASSERT_EQ(s.substr(0, 1), ".");
  s.remove_prefix(1);
  EXPECT_FALSE(s.empty());
  EXPECT_EQ(s.find_first_of("/:,"), std::string_view::npos) << name;
}

TEST(MaildirNames, NamesNeverRepeatInOneProcess) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) EXPECT_TRUE(seen.insert(NewUniqueName()).second);
}

TEST(MaildirNames, TagEndsTheMiddlePart) {
  std::string name = NewUniqueName("0A1B-3");
  std::string_view s = name;
  ASSERT_TRUE(Eat(&s, "", "0123456789") && Eat(&s, ".M", "0123456789") && Eat(&s, "P", "0123456789") &&
              Eat(&s, "Q", "0123456789") && Eat(&s, "R", "0123456789abcdef", 16))
      << name;
  EXPECT_EQ(s.substr(0, 8), "I0A1B-3.") << name;
  EXPECT_EQ(NameTag(name), "0A1B-3");
  EXPECT_EQ(NameTag(NameWithFlags(NameWithSizes(name, 10, 12), Flags{.seen = true})), "0A1B-3");
}

TEST(MaildirNames, NameTagOfOtherNames) {
  EXPECT_EQ(NameTag(NewUniqueName()), "");
  EXPECT_EQ(NameTag("1700000000.M1P2Q3R0123456789abcdefIq-1.mail.example.org,S=5:2,S"), "q-1");
  // Dovecot's and qmail's names, and near misses, carry no tag.
  EXPECT_EQ(NameTag("1700000000.M20P30V0000000000000801I00000123_0.host,S=5"), "");
  EXPECT_EQ(NameTag("1700000000.12345.host"), "");
  EXPECT_EQ(NameTag("1700000000.M1P2Q3R0123456789ABCDEFIq-1.host"), "");  // hex is lower-case
  EXPECT_EQ(NameTag("1700000000.M1P2Q3R0123456789abcdeIq-1.host"), "");   // 15 hex digits
  EXPECT_EQ(NameTag("1700000000.M1P2Q3R0123456789abcdefI.host"), "");     // empty tag
  EXPECT_EQ(NameTag("1700000000.M1P2Q3R0123456789abcdefIq"), "");         // no host part
  EXPECT_EQ(NameTag(""), "");
}

TEST(MaildirNames, DeliveryTags) {
  EXPECT_TRUE(IsDeliveryTag("0123ABCDEF012345-12"));
  EXPECT_TRUE(IsDeliveryTag("a_b"));
  EXPECT_TRUE(IsDeliveryTag(std::string(64, 'x')));
  EXPECT_FALSE(IsDeliveryTag(std::string(65, 'x')));
  EXPECT_FALSE(IsDeliveryTag(""));
  for (std::string_view bad : {"a.b", "a/b", "a:b", "a,b", "a b", "\xc3\xa9"}) EXPECT_FALSE(IsDeliveryTag(bad)) << bad;
}

TEST(MaildirNames, HostNameEscapes) {
  EXPECT_EQ(EscapedHostName("a/b:c,d"), "a\\057b\\072c\\054d");
  EXPECT_EQ(EscapedHostName("mail.example.org"), "mail.example.org");
}

TEST(MaildirNames, SizesInName) {
  std::string name = NameWithSizes("123.M4P5Q6.host", 1000, 1040);
  EXPECT_EQ(name, "123.M4P5Q6.host,S=1000,W=1040");
  EXPECT_EQ(SizeFromName(name, 'S'), 1000u);
  EXPECT_EQ(SizeFromName(name, 'W'), 1040u);
  EXPECT_EQ(SizeFromName(name + ":2,S", 'W'), 1040u);
  EXPECT_EQ(SizeFromName("123.M4P5Q6.host:2,S", 'S'), std::nullopt);
  EXPECT_EQ(SizeFromName("123.host,S=:2,", 'S'), std::nullopt);
}

TEST(MaildirFlags, ParseAndFormatInAsciiOrder) {
  Flags f = Flags::FromName("x,S=1:2,TSRPFD");
  EXPECT_TRUE(f.draft && f.flagged && f.passed && f.replied && f.seen && f.trashed);
  EXPECT_EQ(f.Info(), "2,DFPRST");
  Flags k = Flags::FromName("x:2,Sca");
  EXPECT_TRUE(k.seen);
  EXPECT_EQ(k.keywords, (1u << 0) | (1u << 2));
  EXPECT_EQ(k.Info(), "2,Sac");
}

TEST(MaildirFlags, NoInfoMeansNoFlags) {
  EXPECT_EQ(Flags::FromName("1234.M1P2.host"), Flags{});
  EXPECT_EQ(Flags::FromName("1234.M1P2.host:1,S"), Flags{});  // experimental info
  EXPECT_EQ(Flags{}.Info(), "2,");
}

TEST(MaildirFlags, UnknownLettersAreIgnored) {
  Flags f = Flags::FromName("x:2,S?9Z");
  EXPECT_EQ(f.Info(), "2,S");
}

TEST(MaildirFlags, NameWithFlagsKeepsTheUniquePart) {
  Flags f;
  f.seen = true;
  f.replied = true;
  EXPECT_EQ(NameWithFlags("1.M2.h,S=5,W=6", f), "1.M2.h,S=5,W=6:2,RS");
  EXPECT_EQ(NameWithFlags("1.M2.h,S=5,W=6:2,FS", f), "1.M2.h,S=5,W=6:2,RS");
  EXPECT_EQ(BaseName("1.M2.h:2,S"), "1.M2.h");
}

}  // namespace
}  // namespace posthorn::maildir
