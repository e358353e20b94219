// Modified UTF-7 mailbox names (RFC 3501 §5.1.3): the RFC's example, both
// directions, and every non-canonical or invalid form refused.
#include "common/imap/mutf7.h"

#include <gtest/gtest.h>

#include <string>

namespace posthorn::imap {
namespace {

std::string Encoded(std::string_view utf8) {
  Result<std::string> r = Utf8ToMutf7(utf8);
  EXPECT_TRUE(r.ok()) << utf8 << ": " << (r.ok() ? "" : r.message());
  return r.ok() ? *r : "<error>";
}

std::string Decoded(std::string_view mutf7) {
  Result<std::string> r = Mutf7ToUtf8(mutf7);
  EXPECT_TRUE(r.ok()) << mutf7 << ": " << (r.ok() ? "" : r.message());
  return r.ok() ? *r : "<error>";
}

std::string DecodeError(std::string_view mutf7) {
  Result<std::string> r = Mutf7ToUtf8(mutf7);
  EXPECT_FALSE(r.ok()) << mutf7 << " decoded to " << (r.ok() ? *r : "");
  return r.ok() ? "<ok>" : r.message();
}

std::string EncodeError(std::string_view utf8) {
  Result<std::string> r = Utf8ToMutf7(utf8);
  EXPECT_FALSE(r.ok()) << "encoded to " << (r.ok() ? *r : "");
  return r.ok() ? "<ok>" : r.message();
}

TEST(ImapMutf7, Rfc3501Example) {
  EXPECT_EQ(Encoded("~peter/mail/台北/日本語"), "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
  EXPECT_EQ(Decoded("~peter/mail/&U,BTFw-/&ZeVnLIqe-"), "~peter/mail/台北/日本語");
}

TEST(ImapMutf7, BothWays) {
  const std::pair<const char*, const char*> cases[] = {
      {"", ""},
      {"INBOX", "INBOX"},
      {" !\"#$%'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~", " !\"#$%'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~"},
      {"&", "&-"},
      {"Tom & Jerry", "Tom &- Jerry"},
      {"&&", "&-&-"},
      {"é", "&AOk-"},
      {"éé", "&AOkA6Q-"},
      {"aéb€c", "a&AOk-b&IKw-c"},
      {"é&", "&AOk-&-"},
      {"&é", "&-&AOk-"},
      {"😀", "&2D3eAA-"},
      {"\x01", "&AAE-"},
      {"\x7f", "&AH8-"},
      {"Entwürfe", "Entw&APw-rfe"},
  };
  for (const auto& [utf8, mutf7] : cases) {
    EXPECT_EQ(Encoded(utf8), mutf7) << utf8;
    EXPECT_EQ(Decoded(mutf7), utf8) << mutf7;
  }
}

TEST(ImapMutf7, EveryCodePointRoundTrips) {
  // Each BMP code point (surrogates aside) and a spread of others, between
  // ASCII and next to another non-ASCII character.
  auto utf8 = [](uint32_t cp) {
    std::string s;
    if (cp < 0x80) {
      s += static_cast<char>(cp);
    } else if (cp < 0x800) {
      s += static_cast<char>(0xc0 | (cp >> 6));
      s += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      s += static_cast<char>(0xe0 | (cp >> 12));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      s += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      s += static_cast<char>(0xf0 | (cp >> 18));
      s += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      s += static_cast<char>(0x80 | (cp & 0x3f));
    }
    return s;
  };
  for (uint32_t cp = 1; cp <= 0x10ffff; cp += cp < 0x10000 ? 1 : 97) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    for (const std::string& name : {utf8(cp), "a" + utf8(cp) + "b", utf8(cp) + utf8(0xe9) + utf8(cp)}) {
      Result<std::string> m = Utf8ToMutf7(name);
      ASSERT_TRUE(m.ok()) << cp;
      for (char c : *m) ASSERT_TRUE(c >= 0x20 && c <= 0x7e) << cp;
      Result<std::string> back = Mutf7ToUtf8(*m);
      ASSERT_TRUE(back.ok()) << cp << " " << *m << ": " << back.message();
      ASSERT_EQ(*back, name) << cp;
    }
  }
}

TEST(ImapMutf7, DecodingRefusesBareAmpersand) {
  EXPECT_EQ(DecodeError("&"), "Bare & in mailbox name (\"&\" is written \"&-\")");
  EXPECT_EQ(DecodeError("Tom & Jerry"), "Bare & in mailbox name (\"&\" is written \"&-\")");
  EXPECT_EQ(DecodeError("a&"), "Bare & in mailbox name (\"&\" is written \"&-\")");
  EXPECT_EQ(DecodeError("&&-"), "Bare & in mailbox name (\"&\" is written \"&-\")");
}

TEST(ImapMutf7, DecodingRefusesUnterminatedShifts) {
  EXPECT_EQ(DecodeError("&AOk"), "Unterminated shift in mailbox name");
  EXPECT_EQ(DecodeError("a&U,BTFw"), "Unterminated shift in mailbox name");
}

TEST(ImapMutf7, DecodingRefusesNonCanonicalBase64) {
  EXPECT_EQ(DecodeError("&AOl-"), "Non-zero padding bits in modified BASE64");  // é with a stray low bit
  EXPECT_EQ(DecodeError("&AOkA6R-"), "Non-zero padding bits in modified BASE64");
  EXPECT_EQ(DecodeError("&AOkA-"), "Superfluous character in modified BASE64");
  EXPECT_EQ(DecodeError("&A-"), "Superfluous character in modified BASE64");
  EXPECT_EQ(DecodeError("&AOk=-"), "Invalid character in modified BASE64");
  EXPECT_EQ(DecodeError("&U/BTFw-"), "Invalid character in modified BASE64");  // "/" is plain BASE64's
  EXPECT_EQ(DecodeError("&AO k-"), "Invalid character in modified BASE64");
}

TEST(ImapMutf7, DecodingRefusesEncodedPrintableAscii) {
  EXPECT_EQ(DecodeError("&AGE-"), "Printable ASCII encoded in modified BASE64");  // "a"
  EXPECT_EQ(DecodeError("&AGEA6Q-"), "Printable ASCII encoded in modified BASE64");
  EXPECT_EQ(DecodeError("&ACY-"), "Printable ASCII encoded in modified BASE64");  // "&" itself
  EXPECT_EQ(DecodeError("&ACA-"), "Printable ASCII encoded in modified BASE64");  // SP
}

TEST(ImapMutf7, DecodingRefusesRunsBackToBack) {
  EXPECT_EQ(DecodeError("&AOk-&AOk-"), "Shifted runs back to back in mailbox name");
  EXPECT_EQ(DecodeError("&AGE-&AGE-"), "Printable ASCII encoded in modified BASE64");
  EXPECT_EQ(Decoded("&AOk-&-&AOk-"), "é&é");  // "&-" between runs is a character
}

TEST(ImapMutf7, DecodingRefusesInvalidUtf16) {
  EXPECT_EQ(DecodeError("&2D0-"), "Unpaired UTF-16 surrogate in mailbox name");     // high alone
  EXPECT_EQ(DecodeError("&3gA-"), "Unpaired UTF-16 surrogate in mailbox name");     // low alone
  EXPECT_EQ(DecodeError("&2D0A6Q-"), "Unpaired UTF-16 surrogate in mailbox name");  // high, then é
  EXPECT_EQ(DecodeError("&3gDYPQ-"), "Unpaired UTF-16 surrogate in mailbox name");  // low, then high
  EXPECT_EQ(DecodeError("&2D3YPQ-"), "Unpaired UTF-16 surrogate in mailbox name");  // high, high
}

TEST(ImapMutf7, DecodingRefusesNul) {
  EXPECT_EQ(DecodeError("&AAA-"), "NUL in mailbox name");
  EXPECT_EQ(DecodeError(std::string_view("a\0b", 3)), "Octet outside printable ASCII in mailbox name");
}

TEST(ImapMutf7, DecodingRefusesRawOctetsOutsidePrintableAscii) {
  for (std::string_view name : {"caf\xc3\xa9", "a\tb", "a\x7f", "\r", "\n", "\xff"}) {
    EXPECT_EQ(DecodeError(name), "Octet outside printable ASCII in mailbox name") << name;
  }
}

TEST(ImapMutf7, EncodingRefusesInvalidUtf8) {
  EXPECT_EQ(EncodeError("\xc3"), "Truncated UTF-8 in mailbox name");
  EXPECT_EQ(EncodeError("a\xe6\x97"), "Truncated UTF-8 in mailbox name");
  const char* invalid[] = {
      "\x80",              // a continuation octet alone
      "\xc3(",             // a lead octet without its continuation
      "\xc0\xaf",          // overlong "/"
      "\xc1\xbf",          // overlong
      "\xe0\x80\xaf",      // overlong, 3 octets
      "\xf0\x80\x80\xaf",  // overlong, 4 octets
      "\xed\xa0\x80",      // U+D800, a surrogate
      "\xed\xbf\xbf",      // U+DFFF
      "\xf4\x90\x80\x80",  // U+110000
      "\xf5\x80\x80\x80",  // no such lead octet
      "\xff",
  };
  for (const char* s : invalid) EXPECT_EQ(EncodeError(s), "Invalid UTF-8 in mailbox name") << s;
}

TEST(ImapMutf7, EncodingRefusesNul) { EXPECT_EQ(EncodeError(std::string_view("a\0b", 3)), "NUL in mailbox name"); }

}  // namespace
}  // namespace posthorn::imap
