#include "common/config/config.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/unit/temp_dir.h"

namespace posthorn::config {
namespace {

Result<Config> ParseMda(const std::string& text) { return Config::Parse(text, "test.conf", kMda); }

TEST(Config, DefaultsApplyWithoutAFile) {
  Config c = Config::Defaults(kMda);
  EXPECT_EQ(c.String("maildir"), "/var/mail/%d/%n");
  EXPECT_EQ(c.String("passwd"), "/etc/posthorn/passwd");
  EXPECT_EQ(c.Size("max_message_size"), 50ull * 1024 * 1024);
  EXPECT_EQ(c.Count("max_delivered_to"), 1u);
  EXPECT_TRUE(c.List("domains").empty());
  EXPECT_EQ(c.Where("maildir"), "default");
}

TEST(Config, ReadsKeysCommentsAndBlankLines) {
  auto c = ParseMda(
      "# a comment\n"
      "\n"
      "hostname   = mail.example.org            # the host\n"
      "domains = example.org, example.net  example.com\n"
      "maildir=/srv/mail/%d/%n\r\n");
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_EQ(c->String("hostname"), "mail.example.org");
  EXPECT_EQ(c->List("domains"), (std::vector<std::string>{"example.org", "example.net", "example.com"}));
  EXPECT_EQ(c->String("maildir"), "/srv/mail/%d/%n");
  EXPECT_EQ(c->Where("hostname"), "test.conf:3");
}

TEST(Config, HashInsideAValueIsNotAComment) {
  auto c = ParseMda("passwd = /etc/a#b\n");
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_EQ(c->String("passwd"), "/etc/a#b");
}

TEST(Config, SectionOverridesTopForItsProgramOnly) {
  std::string text =
      "max_message_size = 10M\n"
      "[mda]\n"
      "max_message_size = 20M\n"
      "[smtpd]\n"
      "max_message_size = 30M\n";
  auto mda = Config::Parse(text, "f", kMda);
  auto smtpd = Config::Parse(text, "f", kSmtpd);
  ASSERT_TRUE(mda.ok() && smtpd.ok());
  EXPECT_EQ(mda->Size("max_message_size"), 20ull << 20);
  EXPECT_EQ(smtpd->Size("max_message_size"), 30ull << 20);
  EXPECT_EQ(mda->Where("max_message_size"), "f:3");
}

TEST(Config, SectionBeforeTopLevelValueStillOverrides) {
  // Order in the file does not matter: [mda] wins for mda.
  auto c = ParseMda("[mda]\nuser = mdauser\n");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->String("user"), "mdauser");
}

TEST(Config, UnknownKeyNamesFileAndLine) {
  auto c = ParseMda("hostname = x\nhostnme = y\n");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.message(), "test.conf:2: unknown key 'hostnme'");
}

TEST(Config, UnknownSectionIsRefused) {
  auto c = ParseMda("[lmtpd]\n");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.message(), "test.conf:1: unknown section [lmtpd]");
}

TEST(Config, KeyOfAnotherProgramIsRefusedInASection) {
  auto c = ParseMda("[imapd]\nmax_delivered_to = 2\n");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.message(), "test.conf:2: key 'max_delivered_to' does not apply to [imapd]");
}

TEST(Config, ErrorsInOtherSectionsStillStopTheProgram) {
  auto c = ParseMda("[smtpd]\nmax_message_size = lots\n");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.message(), "test.conf:2: bad value for 'max_message_size': expected a size such as 4096, 512k, 50M or 1G");
}

TEST(Config, BadValues) {
  EXPECT_EQ(ParseMda("max_delivered_to = -1\n").message(), "test.conf:1: bad value for 'max_delivered_to': expected a number");
  EXPECT_EQ(ParseMda("max_message_size = 10X\n").message(),
            "test.conf:1: bad value for 'max_message_size': expected a size such as 4096, 512k, 50M or 1G");
  EXPECT_FALSE(ParseMda("max_message_size = 99999999999999999999G\n").ok());
}

TEST(Config, SyntaxErrors) {
  EXPECT_EQ(ParseMda("hostname\n").message(), "test.conf:1: expected 'key = value'");
  EXPECT_EQ(ParseMda("[mda\n").message(), "test.conf:1: expected '[section]'");
  EXPECT_EQ(ParseMda("Host-Name = x\n").message(), "test.conf:1: bad key name 'Host-Name'");
  EXPECT_EQ(ParseMda("user = a\nuser = b\n").message(), "test.conf:2: 'user' is already set at line 1");
}

TEST(Config, SameKeyInTopAndSectionIsNotADuplicate) {
  EXPECT_TRUE(ParseMda("user = a\n[mda]\nuser = b\n[smtpd]\nuser = c\n").ok());
}

TEST(Config, LimitsOnHostileFiles) {
  std::string nul("user = a\0b\n", 11);
  EXPECT_EQ(ParseMda(nul).message(), "test.conf: contains a NUL byte");
  std::string long_line = "hostname = " + std::string(9000, 'a') + "\n";
  EXPECT_EQ(ParseMda(long_line).message(), "test.conf:1: line longer than 8192 bytes");
  std::string huge((kMaxFileSize + 1), '#');
  EXPECT_FALSE(ParseMda(huge).ok());
}

TEST(Config, EmptyValueIsAllowedForStrings) {
  auto c = ParseMda("hostname =\n");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->String("hostname"), "");
}

TEST(Config, HostNameFallsBackToTheSystem) {
  auto c = ParseMda("hostname = mx.example.org\n");
  EXPECT_EQ(HostName(*c), "mx.example.org");
  EXPECT_FALSE(HostName(Config::Defaults(kMda)).empty());
}

TEST(Config, LoadForMissingExplicitFileIsAnError) {
  auto c = Config::LoadFor("/nonexistent/posthorn.conf", kMda);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.message(), "cannot open /nonexistent/posthorn.conf: No such file or directory");
}

TEST(Config, LoadForUsesEnvironment) {
  testing::TempDir dir;
  std::string path = dir.Write("p.conf", "[mda]\nmax_delivered_to = 4\n");
  setenv("POSTHORN_CONF", path.c_str(), 1);
  auto c = Config::LoadFor("", kMda);
  unsetenv("POSTHORN_CONF");
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_EQ(c->Count("max_delivered_to"), 4u);
  EXPECT_EQ(c->path(), path);
}

TEST(Config, ContribExampleParsesForEveryProgram) {
  for (unsigned program : {kSmtpd, kImapd, kPop3d, kMda, kMua}) {
    auto c = Config::Load("contrib/posthorn.conf", program);
    EXPECT_TRUE(c.ok()) << c.message();
  }
}

TEST(Config, KeyTableIsConsistent) {
  for (const KeySpec& k : AllKeys()) {
    EXPECT_NE(k.programs, 0u) << k.name;
    EXPECT_EQ(CheckValue(k.type, k.default_value), "") << k.name;
    EXPECT_EQ(FindKey(k.name), &k);
  }
}

}  // namespace
}  // namespace posthorn::config
