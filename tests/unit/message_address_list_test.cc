#include <gtest/gtest.h>

#include <string>

#include "common/message/address_list.h"

namespace posthorn::message {
namespace {

using namespace std::string_literals;
using namespace std::string_view_literals;
using Kind = Mailbox::Kind;

// "name|route|local|domain" per entry, "<name" and ">" for group markers:
// a whole list in one line of the test.
std::string Show(const AddressList& list) {
  std::string out;
  for (const Mailbox& m : list.entries) {
    if (!out.empty()) out += " ; ";
    if (m.kind == Kind::kGroupStart) {
      out += "<" + m.name;
    } else if (m.kind == Kind::kGroupEnd) {
      out += ">";
    } else {
      out += m.name + "|" + m.route + "|" + m.local + "|" + m.domain;
    }
  }
  return out;
}

TEST(MessageAddressList, NameAddr) {
  AddressList l = ParseAddressList("John Doe <jdoe@example.org>");
  EXPECT_EQ(Show(l), "John Doe||jdoe|example.org");
  EXPECT_FALSE(l.broken);
  EXPECT_EQ(Show(ParseAddressList("\"Doe, John\" <jdoe@example.org>,\r\n mary@x.test")),
            "Doe, John||jdoe|example.org ; ||mary|x.test");
  EXPECT_EQ(Show(ParseAddressList("<boss@nil.test>")), "||boss|nil.test");
  EXPECT_EQ(Show(ParseAddressList("Giant; \"Big\" Box <sysservices@example.net>")),
            "||Giant| ; Big Box||sysservices|example.net");
}

TEST(MessageAddressList, EncodedDisplayNames) {
  AddressList l = ParseAddressList("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>");
  ASSERT_EQ(l.entries.size(), 1u);
  EXPECT_EQ(l.entries[0].name, "=?ISO-8859-1?Q?Andr=E9?= Pirard");
  EXPECT_EQ(l.entries[0].decoded_name, "Andr\u00e9 Pirard");
  EXPECT_EQ(l.entries[0].local, "PIRARD");
  AddressList quoted = ParseAddressList("\"=?utf-8?q?J=C3=B6rg?=\" <j@x.test>");
  EXPECT_EQ(quoted.entries[0].decoded_name, "J\u00f6rg");
  AddressList raw8 = ParseAddressList("J\xf6rg <j@x.test>");
  EXPECT_EQ(raw8.entries[0].name, "J\xf6rg");
  EXPECT_EQ(raw8.entries[0].decoded_name, "J\xf6rg");
}

TEST(MessageAddressList, Groups) {
  // RFC 5322 Appendix A.1.3.
  AddressList l =
      ParseAddressList("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;, Mary Smith <mary@x.test>");
  EXPECT_EQ(Show(l),
            "<A Group ; Ed Jones||c|a.test ; ||joe|where.test ; John||jdoe|one.test ; > ; Mary Smith||mary|x.test");
  EXPECT_EQ(l.entries[0].kind, Kind::kGroupStart);
  EXPECT_EQ(l.entries[4].kind, Kind::kGroupEnd);
  EXPECT_FALSE(l.broken);
  EXPECT_EQ(Show(ParseAddressList("undisclosed-recipients:;")), "<undisclosed-recipients ; >");
  EXPECT_EQ(Show(ParseAddressList("Undisclosed recipients: ;")), "<Undisclosed recipients ; >");
  AddressList group = ParseAddressList("=?utf-8?q?Gr=C3=BCppe?=: a@b.test;");
  EXPECT_EQ(group.entries[0].decoded_name, "Gr\u00fcppe");
  // Unterminated: closed at the end so the markers pair up.
  EXPECT_EQ(Show(ParseAddressList("G: a@b.test")), "<G ; ||a|b.test ; >");
  // No nested groups in RFC 5322: the inner ':' is skipped.
  AddressList nested = ParseAddressList("G: H: a@b.test;");
  EXPECT_EQ(Show(nested), "<G ; ||a|b.test ; >");
  EXPECT_TRUE(nested.broken);
}

TEST(MessageAddressList, RoutesAndComments) {
  EXPECT_EQ(Show(ParseAddressList("<@a.example,@b.example:user@host.example>")),
            "|@a.example,@b.example|user|host.example");
  EXPECT_EQ(Show(ParseAddressList("Joe <@a.example, ,@b.example : joe@host.example>")),
            "Joe|@a.example,,@b.example|joe|host.example");
  // RFC 5322 Appendix A.5.
  AddressList a5 = ParseAddressList("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>");
  EXPECT_EQ(Show(a5), "Pete||pete|silly.test");
  EXPECT_FALSE(a5.broken);
  AddressList legacy = ParseAddressList("jdoe@example.org (John =?utf-8?q?D=C3=B6e?=)");
  EXPECT_EQ(legacy.entries[0].name, "John =?utf-8?q?D=C3=B6e?=");
  EXPECT_EQ(legacy.entries[0].decoded_name, "John D\u00f6e");
  EXPECT_EQ(Show(ParseAddressList("<a@b.test> (trailing)")), "trailing||a|b.test");
}

TEST(MessageAddressList, ObsoleteLocalPartsAndDomains) {
  EXPECT_EQ(Show(ParseAddressList("john . doe @ example . org")), "||john.doe|example.org");
  EXPECT_EQ(Show(ParseAddressList("\"john doe\"@example.org")), "||john doe|example.org");
  EXPECT_EQ(Show(ParseAddressList("\"a\\\"b\".c@[192.0.2.1]")), "||a\"b.c|[192.0.2.1]");
  EXPECT_EQ(Show(ParseAddressList("a@b@c.test")), "||a@b|c.test");
  AddressList empty = ParseAddressList("<>");
  ASSERT_EQ(empty.entries.size(), 1u);
  EXPECT_EQ(Show(empty), "|||");
}

TEST(MessageAddressList, MissingDomain) {
  EXPECT_EQ(Show(ParseAddressList("root")), "||root|");
  EXPECT_EQ(Show(ParseAddressList("Admin <root>")), "Admin||root|");
  EXPECT_EQ(Show(ParseAddressList("root, a@b.test")), "||root| ; ||a|b.test");
}

TEST(MessageAddressList, SalvagesBrokenInput) {
  AddressList unclosed = ParseAddressList("John <j@x.test, Mary <m@y.test>");
  EXPECT_EQ(Show(unclosed), "John||j|x.test ; Mary||m|y.test");
  EXPECT_TRUE(unclosed.broken);
  AddressList bare = ParseAddressList("John Doe jd@x.test, b@y.test");
  EXPECT_EQ(Show(bare), "John Doe||jd|x.test ; ||b|y.test");
  EXPECT_TRUE(bare.broken);
  AddressList junk = ParseAddressList("<a@x.test> junk, > b@y.test; c@z.test");
  EXPECT_EQ(Show(junk), "||a|x.test ; ||b|y.test ; ||c|z.test");
  EXPECT_TRUE(junk.broken);
  EXPECT_EQ(Show(ParseAddressList(",, a@b.test ,,")), "||a|b.test");
  EXPECT_EQ(Show(ParseAddressList("")), "");
  EXPECT_EQ(Show(ParseAddressList(" (just a comment) ")), "");
  EXPECT_EQ(Show(ParseAddressList("\"unterminated <a@b.test>")), "||unterminated <a@b.test>|");
  EXPECT_EQ(Show(ParseAddressList("a\0b@c.test"sv)), "||a\0b|c.test"s);
  EXPECT_EQ(Show(ParseAddressList("Ann <a@b.test")), "Ann||a|b.test");
}

TEST(MessageAddressList, LimitKeepsGroupMarkersPaired) {
  AddressListLimits limits;
  limits.max_entries = 3;
  AddressList l = ParseAddressList("G: a@b.test, c@d.test, e@f.test;", limits);
  EXPECT_EQ(Show(l), "<G ; ||a|b.test ; >");
  EXPECT_TRUE(l.truncated);
}

TEST(MessageAddressList, HostileInputIsBounded) {
  std::string many;
  for (int i = 0; i < 100000; ++i) many += "a@b.test,";
  AddressList l = ParseAddressList(many);
  EXPECT_EQ(l.entries.size(), AddressListLimits().max_entries);
  EXPECT_TRUE(l.truncated);
  for (char c : {'(', '<', '"', '[', ',', ':', ';', '@', '.', '>', '\\'}) {
    std::string s(1 << 20, c);
    AddressList hostile = ParseAddressList(s);
    EXPECT_LE(hostile.entries.size(), AddressListLimits().max_entries) << c;
  }
  std::string routes = "<" + std::string(1 << 20, ',') + "@a:b@c>";
  EXPECT_EQ(ParseAddressList(routes).entries.size(), 1u);
  std::string words;
  for (int i = 0; i < 200000; ++i) words += "w ";
  AddressList phrase = ParseAddressList(words + "<a@b.test>");
  ASSERT_EQ(phrase.entries.size(), 1u);
  EXPECT_EQ(phrase.entries[0].name.size(), 200000u * 2 - 1);
}

}  // namespace
}  // namespace posthorn::message
