#include "mda/options.h"

#include <gtest/gtest.h>

namespace posthorn::mda {
namespace {

Result<Options> Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "mda");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return ParseOptions(static_cast<int>(args.size()), argv.data());
}

TEST(MdaOptions, DeliverToUser) {
  auto o = Parse({"-c", "/etc/p.conf", "-d", "bob@example.org", "-f", "a@b", "-F", "Lists"});
  ASSERT_TRUE(o.ok()) << o.message();
  EXPECT_EQ(o->config_path, "/etc/p.conf");
  EXPECT_EQ(o->address, "bob@example.org");
  EXPECT_EQ(o->sender, "a@b");
  EXPECT_EQ(o->folder, "Lists");
}

TEST(MdaOptions, EmptySenderIsTheNullSender) {
  auto o = Parse({"-m", "/tmp/md", "-f", ""});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->sender, "");
  auto none = Parse({"-m", "/tmp/md"});
  EXPECT_EQ(none->sender, std::nullopt);
}

TEST(MdaOptions, DeliveryId) {
  auto o = Parse({"-d", "bob@example.org", "-i", "0123ABCD-2"});
  ASSERT_TRUE(o.ok()) << o.message();
  EXPECT_EQ(o->delivery_id, "0123ABCD-2");
  EXPECT_EQ(Parse({"-m", "/x"})->delivery_id, "");
  EXPECT_EQ(Parse({"-m", "/x", "-i", "../x"}).message(),
            "bad delivery ID '../x': use 1 to 64 letters, digits, '-' and '_'");
}

TEST(MdaOptions, Refusals) {
  EXPECT_EQ(Parse({}).message(), "give exactly one of -d ADDRESS and -m MAILDIR");
  EXPECT_EQ(Parse({"-d", "a@b", "-m", "/x"}).message(), "give exactly one of -d ADDRESS and -m MAILDIR");
  EXPECT_EQ(Parse({"-x"}).message(), "unknown option or missing argument: -x");
  EXPECT_EQ(Parse({"-d"}).message(), "unknown option or missing argument: -d");
  EXPECT_EQ(Parse({"-m", "/x", "extra"}).message(), "unexpected argument: extra");
}

}  // namespace
}  // namespace posthorn::mda
