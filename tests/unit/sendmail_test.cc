#include <gtest/gtest.h>

#include "mta/sendmail/options.h"
#include "mta/sendmail/submit.h"

namespace posthorn::sendmail {
namespace {

using Words = std::vector<std::string>;

TEST(SendmailOptions, ClassicInvocations) {
  auto o = ParseOptions("sendmail", {"-t", "-i"});
  ASSERT_TRUE(o.ok()) << o.message();
  EXPECT_TRUE(o->recipients_from_headers);
  EXPECT_TRUE(o->ignore_dots);
  auto php = ParseOptions("sendmail", {"-oi", "-fwww@example.org", "-F", "Web Server", "bob@example.org"});
  ASSERT_TRUE(php.ok()) << php.message();
  EXPECT_EQ(php->sender, "www@example.org");
  EXPECT_EQ(php->full_name, "Web Server");
  EXPECT_EQ(php->recipients, Words{"bob@example.org"});
  auto legacy = ParseOptions("sendmail", {"-odi", "-oem", "-v", "-B", "8BITMIME", "-N", "never", "a@b.example"});
  ASSERT_TRUE(legacy.ok()) << legacy.message();
  EXPECT_EQ(legacy->recipients, Words{"a@b.example"});
}

TEST(SendmailOptions, ModesAndNames) {
  EXPECT_EQ(ParseOptions("mailq", {})->mode, Mode::kListQueue);
  EXPECT_EQ(ParseOptions("sendmail", {"-bp"})->mode, Mode::kListQueue);
  EXPECT_EQ(ParseOptions("sendmail", {"-q"})->mode, Mode::kFlush);
  EXPECT_EQ(ParseOptions("sendmail", {"-C", "/etc/x.conf", "-bp"})->config_path, "/etc/x.conf");
}

TEST(SendmailOptions, Refusals) {
  EXPECT_EQ(ParseOptions("sendmail", {}).message(), "no recipients given (and no -t)");
  EXPECT_EQ(ParseOptions("sendmail", {"-f"}).message(), "option -f needs a value");
  EXPECT_EQ(ParseOptions("sendmail", {"-Z", "a@b"}).message(), "unknown option -Z");
  EXPECT_EQ(ParseOptions("sendmail", {"-bs"}).message(),
            "-bs (SMTP on standard input) is not supported; talk SMTP to smtpd");
}

TEST(SendmailHeaders, AddressLists) {
  EXPECT_EQ(AddressesIn("bob@example.org"), Words{"bob@example.org"});
  EXPECT_EQ(AddressesIn("\"Smith, John\" <john@example.org>, Ann <ann@example.org> (work)"),
            (Words{"john@example.org", "ann@example.org"}));
  EXPECT_EQ(AddressesIn("friends: a@example.org, b@example.org;, c@example.org"),
            (Words{"a@example.org", "b@example.org", "c@example.org"}));
  EXPECT_EQ(AddressesIn("x@example.org (comment, with comma)"), Words{"x@example.org"});
  EXPECT_TRUE(AddressesIn("undisclosed-recipients:;").empty());
}

}  // namespace
}  // namespace posthorn::sendmail
