#include "common/address/address.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace posthorn {
namespace {

const AddressOptions kUtf8{.allow_utf8 = true};
const AddressOptions kNull{.allow_null = true};

// The error message of a failed parse, or "OK" so a wrong success shows.
std::string PathError(std::string_view text, const AddressOptions& options = {}) {
  auto r = ParsePath(text, options);
  return r.ok() ? "OK" : r.message();
}

std::string AddressError(std::string_view text, const AddressOptions& options = {}) {
  auto r = ParseAddress(text, options);
  return r.ok() ? "OK" : r.message();
}

// ---- valid paths ----------------------------------------------------------

TEST(AddressPath, Plain) {
  auto r = ParsePath("<user@example.org>");
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->local, "user");
  EXPECT_EQ(r->domain, "example.org");
  EXPECT_FALSE(r->null());
  EXPECT_EQ(r->ToString(), "user@example.org");
}

TEST(AddressPath, DomainFoldedLocalKept) {
  auto r = ParsePath("<John.Doe@Example.ORG>");
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->local, "John.Doe");
  EXPECT_EQ(r->domain, "example.org");
  EXPECT_EQ(r->Key(), "john.doe@example.org");
}

TEST(AddressPath, AtextSpecials) {
  auto r = ParsePath("<a!#$%&'*+-/=?^_`{|}~z@x-y.example>");
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->local, "a!#$%&'*+-/=?^_`{|}~z");
  EXPECT_EQ(r->domain, "x-y.example");
}

TEST(AddressPath, QuotedWithSpaceAndEscapes) {
  auto r = ParsePath(R"(<"john \"jd\" doe\\x"@example.org>)");
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->local, R"(john "jd" doe\x)");
  EXPECT_EQ(r->ToString(), R"("john \"jd\" doe\\x"@example.org)");
}

TEST(AddressPath, QuotedPairOfOrdinaryCharIsUnescaped) {
  auto r = ParsePath(R"(<"\a\b"@example.org>)");
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->local, "ab");
  EXPECT_EQ(r->ToString(), "ab@example.org");  // no needless quotes
}

TEST(AddressPath, QuotedMayHoldAngleAndAt) {
  auto r = ParsePath(R"(<"a>b@c"@example.org>)");
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->local, "a>b@c");
}

TEST(AddressPath, QuotedDotsAreSyntacticallyValid) {
  // Unsafe as a file name, but sanitizing is the maildir layer's job.
  auto r = ParsePath(R"(<"../x"@example.org>)");
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->local, "../x");
  EXPECT_EQ(r->ToString(), R"("../x"@example.org)");
}

TEST(AddressPath, SourceRouteDropped) {
  auto r = ParsePath("<@a.example,@b.example:user@c.example>");
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->local, "user");
  EXPECT_EQ(r->domain, "c.example");
  r = ParsePath("<@relay.example:user@c.example>");
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->ToString(), "user@c.example");
}

TEST(AddressPath, Ipv4Literal) {
  auto r = ParsePath("<user@[192.0.2.1]>");
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->domain, "[192.0.2.1]");
  EXPECT_EQ(r->ToString(), "user@[192.0.2.1]");
}

TEST(AddressPath, Ipv6Literal) {
  auto r = ParsePath("<user@[IPv6:2001:DB8::1]>");
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->domain, "[ipv6:2001:db8::1]");
  EXPECT_TRUE(ParsePath("<user@[IPv6:::ffff:192.0.2.1]>").ok());
  EXPECT_TRUE(ParsePath("<user@[ipv6:::1]>").ok());
}

TEST(AddressPath, NullPath) {
  auto r = ParsePath("<>", kNull);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_TRUE(r->null());
  EXPECT_EQ(r->ToString(), "");
  EXPECT_EQ(r->Key(), "");
  EXPECT_EQ(PathError("<>"), "null path not allowed");
  EXPECT_EQ(PathError("<> ", kNull), "garbage after '>'");
}

TEST(AddressPath, BarePostmaster) {
  for (std::string_view s : {"<postmaster>", "<Postmaster>", "<POSTMASTER>"}) {
    auto r = ParsePath(s);
    ASSERT_TRUE(r.ok()) << s << ": " << r.message();
    EXPECT_EQ(r->local, "postmaster");
    EXPECT_EQ(r->domain, "");
    EXPECT_FALSE(r->null());
    EXPECT_EQ(r->Key(), "postmaster");
    EXPECT_EQ(r->ToString(), "postmaster");
  }
  EXPECT_TRUE(ParsePath("<Postmaster@example.org>").ok());
  EXPECT_EQ(PathError("<root>"), "missing domain");
  EXPECT_EQ(PathError("<\"postmaster\">"), "missing domain");
  EXPECT_EQ(PathError("<@a.example:postmaster>"), "missing domain");
  EXPECT_EQ(AddressError("postmaster"), "missing domain");
}

TEST(AddressPath, Utf8NeedsOption) {
  const std::string path = "<j\xc3\xb6rg@b\xc3\xbc\x63her.example>";  // jörg@bücher.example
  auto r = ParsePath(path, kUtf8);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->local, "j\xc3\xb6rg");
  EXPECT_EQ(r->domain, "b\xc3\xbc\x63her.example");
  EXPECT_EQ(PathError(path), "non-ASCII character in local part");
  EXPECT_EQ(PathError("<jorg@b\xc3\xbc\x63her.example>"), "non-ASCII character in domain");
  EXPECT_EQ(PathError("<\"j\xc3\xb6rg x\"@example.org>"), "non-ASCII character in local part");
  auto q = ParsePath("<\"j\xc3\xb6rg x\"@example.org>", kUtf8);
  ASSERT_TRUE(q.ok()) << q.message();
  EXPECT_EQ(q->local, "j\xc3\xb6rg x");
  // 4-byte sequence (U+1F600) and the highest code point U+10FFFF.
  EXPECT_TRUE(ParsePath("<\xf0\x9f\x98\x80@example.org>", kUtf8).ok());
  EXPECT_TRUE(ParsePath("<\xf4\x8f\xbf\xbf@example.org>", kUtf8).ok());
}

TEST(AddressPath, LengthLimits) {
  std::string local64(64, 'a');
  EXPECT_EQ(PathError("<" + local64 + "@example.org>"), "OK");
  EXPECT_EQ(PathError("<" + local64 + "a@example.org>"), "local part too long");
  // The limit counts the wire form: 62 characters plus two quotes fit.
  EXPECT_EQ(PathError("<\"" + std::string(62, 'a') + "\"@example.org>"), "OK");
  EXPECT_EQ(PathError("<\"" + std::string(63, 'a') + "\"@example.org>"), "local part too long");
  EXPECT_EQ(PathError("<\"" + std::string(61, 'a') + "\\a\"@example.org>"), "local part too long");
  // Two-byte UTF-8 characters count as two octets.
  std::string utf8_local;
  for (int i = 0; i < 32; ++i) utf8_local += "\xc3\xa9";
  EXPECT_EQ(PathError("<" + utf8_local + "@example.org>", kUtf8), "OK");
  EXPECT_EQ(PathError("<" + utf8_local + "e@example.org>", kUtf8), "local part too long");

  std::string label63(63, 'b');
  EXPECT_EQ(PathError("<a@" + label63 + ".example>"), "OK");
  EXPECT_EQ(PathError("<a@" + label63 + "b.example>"), "domain label too long");
  // Whole path: 256 octets fit, 257 do not.
  std::string domain = label63 + "." + label63 + "." + label63 + "." + std::string(60, 'c');  // 252
  ASSERT_EQ(domain.size(), 252u);
  EXPECT_EQ(PathError("<a@" + domain + ">"), "OK");  // 256 octets
  EXPECT_EQ(PathError("<ab@" + domain + ">"), "path too long");
}

// ---- invalid paths --------------------------------------------------------

TEST(AddressPath, RejectsBrackets) {
  EXPECT_EQ(PathError("user@example.org"), "missing '<'");
  EXPECT_EQ(PathError("user@example.org>"), "missing '<'");
  EXPECT_EQ(PathError("<user@example.org"), "missing '>'");
  EXPECT_EQ(PathError(" <user@example.org>"), "missing '<'");
  EXPECT_EQ(PathError("<user@example.org> "), "garbage after '>'");
  EXPECT_EQ(PathError("<user@example.org>x"), "garbage after '>'");
  EXPECT_EQ(PathError("<user@example.org>>"), "garbage after '>'");
  EXPECT_EQ(PathError(""), "missing '<'");
  EXPECT_EQ(PathError("<"), "empty local part");
}

TEST(AddressPath, RejectsEmptyParts) {
  EXPECT_EQ(PathError("<@>"), "bad source route");
  EXPECT_EQ(PathError("<@example.org>"), "bad source route");
  EXPECT_EQ(PathError("<user@>"), "missing domain");
  EXPECT_EQ(PathError("<user>"), "missing domain");
  EXPECT_EQ(PathError("<\"\"@example.org>"), "empty local part");
  EXPECT_EQ(AddressError("@"), "empty local part");
  EXPECT_EQ(AddressError("@example.org"), "empty local part");
}

TEST(AddressPath, RejectsBadDots) {
  EXPECT_EQ(PathError("<a..b@example.org>"), "'..' in local part");
  EXPECT_EQ(PathError("<.ab@example.org>"), "local part starts with '.'");
  EXPECT_EQ(PathError("<ab.@example.org>"), "local part ends with '.'");
  EXPECT_EQ(PathError("<../../etc@x.example>"), "local part starts with '.'");
  EXPECT_EQ(PathError("<a/../etc@x.example>"), "'..' in local part");
  EXPECT_EQ(PathError("<a@example..org>"), "empty domain label");
  EXPECT_EQ(PathError("<a@.example.org>"), "empty domain label");
  EXPECT_EQ(PathError("<a@example.org.>"), "empty domain label");
}

TEST(AddressPath, RejectsBadCharacters) {
  EXPECT_EQ(PathError("<a b@example.org>"), "bad character in local part");
  EXPECT_EQ(PathError("<ab @example.org>"), "bad character in local part");
  EXPECT_EQ(PathError("<a@exa mple.org>"), "bad character in domain");
  EXPECT_EQ(PathError("<a@example.org >"), "bad character in domain");
  EXPECT_EQ(PathError("<a(b)@example.org>"), "bad character in local part");
  EXPECT_EQ(PathError("<a\"b\"@example.org>"), "bad character in local part");
  EXPECT_EQ(PathError("<\"a\"b@example.org>"), "bad character in local part");
  EXPECT_EQ(PathError("<a@b@example.org>"), "bad character in domain");
  EXPECT_EQ(PathError("<a@exa_mple.org>"), "bad character in domain");
  EXPECT_EQ(PathError("<a@-example.org>"), "domain label starts or ends with '-'");
  EXPECT_EQ(PathError("<a@example-.org>"), "domain label starts or ends with '-'");
  EXPECT_EQ(PathError("<\"ab@example.org>"), "unterminated quoted string");
  EXPECT_EQ(PathError("<\"ab\\"), "unterminated quoted string");
}

TEST(AddressPath, RejectsControlCharacters) {
  EXPECT_EQ(PathError(std::string_view("<a\0b@example.org>", 17)), "control character in local part");
  EXPECT_EQ(PathError(std::string_view("<a@exa\0mple.org>", 16)), "control character in domain");
  EXPECT_EQ(PathError(std::string_view("<\"a\0b\"@example.org>", 19)), "control character in local part");
  EXPECT_EQ(PathError(std::string_view("<a@[1.2.3.4\0]>", 14)), "bad character in address literal");
  EXPECT_EQ(PathError("<a\rb@example.org>"), "control character in local part");
  EXPECT_EQ(PathError("<a\nb@example.org>"), "control character in local part");
  EXPECT_EQ(PathError("<ab@example.org\r>"), "control character in domain");
  EXPECT_EQ(PathError("<a\tb@example.org>"), "control character in local part");
  EXPECT_EQ(PathError("<\"a\tb\"@example.org>"), "control character in local part");
  EXPECT_EQ(PathError("<a\x7f@example.org>"), "control character in local part");
  EXPECT_EQ(PathError("<\"a\\\x01\"@example.org>"), "bad quoted pair in local part");
  EXPECT_EQ(PathError("<\"a\\\xc3\xa9\"@example.org>", kUtf8), "bad quoted pair in local part");
}

TEST(AddressPath, RejectsInvalidUtf8) {
  const char* bad[] = {
      "\x80",              // lone continuation byte
      "\xc3",              // truncated 2-byte sequence
      "\xc3\x28",          // bad continuation
      "\xc0\xaf",          // overlong '/'
      "\xc1\xbf",          // overlong
      "\xe0\x80\xaf",      // overlong 3-byte '/'
      "\xf0\x80\x80\xaf",  // overlong 4-byte '/'
      "\xed\xa0\x80",      // surrogate U+D800
      "\xed\xbf\xbf",      // surrogate U+DFFF
      "\xf4\x90\x80\x80",  // above U+10FFFF
      "\xf5\x80\x80\x80",  // never valid lead byte
      "\xff",              // never valid
      "\xe2\x82",          // truncated 3-byte sequence
  };
  for (const char* seq : bad) {
    EXPECT_EQ(PathError(std::string("<a") + seq + "b@example.org>", kUtf8), "invalid UTF-8 in local part") << seq;
    EXPECT_EQ(PathError(std::string("<\"a") + seq + "b\"@example.org>", kUtf8), "invalid UTF-8 in local part")
        << seq;
    EXPECT_EQ(PathError(std::string("<a@ex") + seq + "ample.org>", kUtf8), "invalid UTF-8 in domain") << seq;
    EXPECT_EQ(PathError(std::string("<a") + seq + "b@example.org>"), "non-ASCII character in local part") << seq;
  }
  // A truncated sequence right before '@' must not swallow the '@'.
  EXPECT_EQ(PathError("<a\xe2\x82@example.org>", kUtf8), "invalid UTF-8 in local part");
}

TEST(AddressPath, RejectsBadLiterals) {
  EXPECT_EQ(PathError("<a@[1.2.3]>"), "bad IPv4 address literal");
  EXPECT_EQ(PathError("<a@[256.1.2.3]>"), "bad IPv4 address literal");
  EXPECT_EQ(PathError("<a@[1.2.3.4.5]>"), "bad IPv4 address literal");
  EXPECT_EQ(PathError("<a@[]>"), "bad IPv4 address literal");
  EXPECT_EQ(PathError("<a@[example.org]>"), "bad IPv4 address literal");
  EXPECT_EQ(PathError("<a@[IPv6:2001:db8::g]>"), "bad IPv6 address literal");
  EXPECT_EQ(PathError("<a@[IPv6:1.2.3.4]>"), "bad IPv6 address literal");
  EXPECT_EQ(PathError("<a@[2001:db8::1]>"), "unsupported address literal");
  EXPECT_EQ(PathError("<a@[x-tag:stuff]>"), "unsupported address literal");
  EXPECT_EQ(PathError("<a@[1.2.3.4>"), "bad address literal");
  EXPECT_EQ(PathError("<a@[1.2.3.4]x>"), "bad address literal");
  EXPECT_EQ(PathError("<a@[ 1.2.3.4]>"), "bad character in address literal");
}

TEST(AddressPath, RejectsBadSourceRoutes) {
  EXPECT_EQ(PathError("<@a.example user@b.example>"), "bad source route");
  EXPECT_EQ(PathError("<@a.example,b.example:user@c.example>"), "bad source route");
  EXPECT_EQ(PathError("<@a.example,:user@c.example>"), "bad source route");
  EXPECT_EQ(PathError("<@:user@c.example>"), "bad source route");
  EXPECT_EQ(PathError("<@a..example:user@c.example>"), "bad source route");
  EXPECT_EQ(PathError("<@[1.2.3.4]:user@c.example>"), "bad source route");
  EXPECT_EQ(PathError("<@a.example:>"), "empty local part");
}

// ---- ParseAddress ---------------------------------------------------------

TEST(Address, PlainAndBracketed) {
  for (std::string_view s : {"user@Example.org", "<user@example.org>", "  user@example.org\t", " <user@EXAMPLE.org>\r\n"}) {
    auto r = ParseAddress(s);
    ASSERT_TRUE(r.ok()) << s << ": " << r.message();
    EXPECT_EQ(r->local, "user");
    EXPECT_EQ(r->domain, "example.org");
  }
}

TEST(Address, QuotedAndLiterals) {
  auto r = ParseAddress("\"john doe\"@example.org");
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->local, "john doe");
  EXPECT_EQ(r->Key(), "john doe@example.org");
  EXPECT_TRUE(ParseAddress("u@[192.0.2.1]").ok());
  EXPECT_TRUE(ParseAddress("u@[IPv6:2001:db8::1]").ok());
}

TEST(Address, Null) {
  EXPECT_EQ(AddressError("<>"), "null address not allowed");
  auto r = ParseAddress(" <> ", kNull);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_TRUE(r->null());
  EXPECT_EQ(AddressError("", kNull), "empty address");
  EXPECT_EQ(AddressError("   ", kNull), "empty address");
}

TEST(Address, Rejects) {
  EXPECT_EQ(AddressError("user"), "missing domain");
  EXPECT_EQ(AddressError("user@"), "missing domain");
  EXPECT_EQ(AddressError("<user@example.org"), "missing '>'");
  EXPECT_EQ(AddressError("user@example.org>"), "unexpected '>'");
  EXPECT_EQ(AddressError("<user@example.org> x"), "garbage after '>'");
  EXPECT_EQ(AddressError("<@a.example:user@example.org>"), "source route not allowed");
  EXPECT_EQ(AddressError("user@example.org x"), "bad character in domain");
  EXPECT_EQ(AddressError("us er@example.org"), "bad character in local part");
  EXPECT_EQ(AddressError("a..b@example.org"), "'..' in local part");
  EXPECT_EQ(AddressError("../../etc@x"), "local part starts with '.'");
  EXPECT_EQ(AddressError("a\nb@example.org"), "control character in local part");
  EXPECT_EQ(AddressError(std::string_view("a@b\0.org", 8)), "control character in domain");
  EXPECT_EQ(AddressError(std::string(65, 'a') + "@example.org"), "local part too long");
  EXPECT_EQ(AddressError("\xc3\xa9@example.org"), "non-ASCII character in local part");
  EXPECT_TRUE(ParseAddress("\xc3\xa9@example.org", kUtf8).ok());
  EXPECT_EQ(AddressError("\xc0\xae@example.org", kUtf8), "invalid UTF-8 in local part");
  auto q = ParseAddress("\"../x\"@d.example");
  ASSERT_TRUE(q.ok()) << q.message();
  EXPECT_EQ(q->local, "../x");
}

TEST(Address, TooLong) {
  std::string label63(63, 'b');
  std::string d255 = label63 + "." + label63 + "." + label63 + "." + label63;
  std::string d256 = d255 + "b";
  ASSERT_EQ(d255.size(), 255u);
  EXPECT_TRUE(IsValidDomain(d255));
  EXPECT_FALSE(IsValidDomain(d256));
  EXPECT_EQ(AddressError("a@" + d256), "address too long");
  // 252 + 2 + 2 brackets = 256: the most a path can carry.
  EXPECT_EQ(AddressError("a@" + d255.substr(3)), "OK");
  EXPECT_EQ(AddressError("a@" + d255.substr(2)), "address too long");
}

// ---- IsValidDomain, ToString, Key -----------------------------------------

TEST(Address, IsValidDomain) {
  EXPECT_TRUE(IsValidDomain("example.org"));
  EXPECT_TRUE(IsValidDomain("EXAMPLE.org"));
  EXPECT_TRUE(IsValidDomain("a"));
  EXPECT_TRUE(IsValidDomain("1.example"));
  EXPECT_TRUE(IsValidDomain("x--y.example"));
  EXPECT_TRUE(IsValidDomain("[192.0.2.1]"));
  EXPECT_TRUE(IsValidDomain("[IPv6:::1]"));
  EXPECT_TRUE(IsValidDomain("b\xc3\xbc\x63her.example", true));
  EXPECT_FALSE(IsValidDomain("b\xc3\xbc\x63her.example"));
  EXPECT_FALSE(IsValidDomain("b\xc3.example", true));
  EXPECT_FALSE(IsValidDomain(""));
  EXPECT_FALSE(IsValidDomain("."));
  EXPECT_FALSE(IsValidDomain("example.org."));
  EXPECT_FALSE(IsValidDomain("-a.example"));
  EXPECT_FALSE(IsValidDomain("a_b.example"));
  EXPECT_FALSE(IsValidDomain(" example.org"));
  EXPECT_FALSE(IsValidDomain(std::string(64, 'a') + ".example"));
  EXPECT_TRUE(IsValidDomain(std::string(63, 'a') + ".example"));
  EXPECT_FALSE(IsValidDomain("[192.0.2.1"));
  EXPECT_FALSE(IsValidDomain("[300.0.2.1]"));
}

TEST(Address, ToStringQuotesWhenNeeded) {
  EXPECT_EQ((Address{"user", "example.org"}).ToString(), "user@example.org");
  EXPECT_EQ((Address{"a.b", "x"}).ToString(), "a.b@x");
  EXPECT_EQ((Address{"a b", "x"}).ToString(), "\"a b\"@x");
  EXPECT_EQ((Address{".a", "x"}).ToString(), "\".a\"@x");
  EXPECT_EQ((Address{"a.", "x"}).ToString(), "\"a.\"@x");
  EXPECT_EQ((Address{"a..b", "x"}).ToString(), "\"a..b\"@x");
  EXPECT_EQ((Address{"a@b", "x"}).ToString(), "\"a@b\"@x");
  EXPECT_EQ((Address{"say \"hi\"\\", "x"}).ToString(), "\"say \\\"hi\\\"\\\\\"@x");
  EXPECT_EQ((Address{"", "x"}).ToString(), "\"\"@x");
  EXPECT_EQ(Address{}.ToString(), "");
}

TEST(Address, KeyFoldsCase) {
  EXPECT_EQ((Address{"John.Doe", "example.org"}).Key(), "john.doe@example.org");
  EXPECT_EQ((Address{"Postmaster", ""}).Key(), "postmaster");
  EXPECT_EQ(Address{}.Key(), "");
}

TEST(Address, RoundTrip) {
  const AddressOptions utf8_null{.allow_utf8 = true, .allow_null = true};
  for (std::string_view s : {
           "<user@example.org>",
           "<John.Doe@Example.ORG>",
           R"(<"john \"jd\" doe\\x"@example.org>)",
           R"(<"a>b@c"@example.org>)",
           R"(<"../x"@example.org>)",
           R"(<"\a\b"@example.org>)",
           "<@a.example,@b.example:user@c.example>",
           "<user@[192.0.2.1]>",
           "<user@[IPv6:2001:DB8::1]>",
           "<j\xc3\xb6rg@b\xc3\xbc\x63her.example>",
           "<\"j\xc3\xb6rg x\"@example.org>",
           "<Postmaster>",
           "<>",
       }) {
    auto first = ParsePath(s, utf8_null);
    ASSERT_TRUE(first.ok()) << s << ": " << first.message();
    std::string wire = first->ToString();
    auto again = ParsePath("<" + wire + ">", utf8_null);
    ASSERT_TRUE(again.ok()) << s << " -> " << wire << ": " << again.message();
    EXPECT_EQ(again->local, first->local) << s;
    EXPECT_EQ(again->domain, first->domain) << s;
    EXPECT_EQ(again->ToString(), wire) << s;
    if (!first->null()) {
      auto plain = ParseAddress(wire, utf8_null);
      if (first->domain.empty()) {
        EXPECT_FALSE(plain.ok()) << s;  // bare postmaster is a path-only form
      } else {
        ASSERT_TRUE(plain.ok()) << wire << ": " << plain.message();
        EXPECT_EQ(plain->Key(), first->Key()) << s;
      }
    }
  }
}

}  // namespace
}  // namespace posthorn
