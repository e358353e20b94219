// A folder's keyword map: letters a-z for IMAP keywords, only ever added.
#include <gtest/gtest.h>

#include <fstream>

#include "common/base/io.h"
#include "common/maildir/keywords.h"
#include "tests/unit/temp_dir.h"

namespace posthorn::maildir {
namespace {

TEST(MaildirKeywords, CheckKeyword) {
  EXPECT_EQ(CheckKeyword("$Forwarded"), "");
  EXPECT_EQ(CheckKeyword("Work-2"), "");
  EXPECT_EQ(CheckKeyword(""), "empty keyword");
  EXPECT_EQ(CheckKeyword("\\Seen"), "not a keyword but a system flag");
  for (std::string bad : {"a b", "a(b", "a)", "{1}", "a%", "a*", "a\"", "a]", "caf\xc3\xa9", "a\x7f", "a\nb"})
    EXPECT_EQ(CheckKeyword(bad), "bad character in keyword") << bad;
  EXPECT_EQ(CheckKeyword(std::string(129, 'k')), "keyword too long");
}

TEST(MaildirKeywords, DefineGivesLettersInOrderAndOtherProcessesSeeThem) {
  testing::TempDir dir;
  Result<KeywordMap> one = KeywordMap::Open(dir.path());
  ASSERT_TRUE(one.ok()) << one.message();
  EXPECT_TRUE(one->names().empty());
  Result<KeywordMap> two = KeywordMap::Open(dir.path());
  ASSERT_TRUE(two.ok());

  EXPECT_EQ(*one->Define({"$Forwarded", "Work", "work"}), 0b11u);
  std::string text;
  ASSERT_TRUE(ReadFile(dir.path() + "/posthorn-keywords", &text).ok());
  EXPECT_EQ(text, "posthorn-keywords 1\n$Forwarded\nWork\n");
  // The other process had read the empty map; Define reads under the lock.
  EXPECT_EQ(*two->Define({"Home", "WORK"}), 0b110u);
  EXPECT_EQ(two->names(), (std::vector<std::string>{"$Forwarded", "Work", "Home"}));
  ASSERT_TRUE(one->Refresh().ok());
  EXPECT_EQ(one->IndexOf("home"), 2u);
  EXPECT_EQ(one->IndexOf("none"), std::nullopt);
  EXPECT_FALSE(one->Define({"bad word"}).ok());
}

TEST(MaildirKeywords, TwentySixAtMostAndNothingChangesBeyond) {
  testing::TempDir dir;
  KeywordMap map = std::move(*KeywordMap::Open(dir.path()));
  std::vector<std::string> many;
  for (int i = 0; i < 25; ++i) many.push_back("k" + std::to_string(i));
  ASSERT_TRUE(map.Define(many).ok());
  Result<uint32_t> r = map.Define({"x", "y"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message(), "no room for more keywords in this folder (26 at most)");
  EXPECT_EQ(map.names().size(), 25u);
  EXPECT_EQ(*map.Define({"x"}), 1u << 25);
}

TEST(MaildirKeywords, ADamagedFileIsAnError) {
  testing::TempDir dir;
  std::ofstream(dir.path() + "/posthorn-keywords") << "posthorn-keywords 1\nok\nbad word\n";
  Result<KeywordMap> map = KeywordMap::Open(dir.path());
  ASSERT_FALSE(map.ok());
  EXPECT_NE(map.message().find("bad character in keyword"), std::string::npos);
  std::ofstream(dir.path() + "/posthorn-keywords") << "posthorn-keywords 1\nA\na\n";
  EXPECT_NE(KeywordMap::Open(dir.path()).message().find("keyword listed twice"), std::string::npos);
}

}  // namespace
}  // namespace posthorn::maildir
