#include <gtest/gtest.h>

#include <string>

#include "common/message/charset.h"
#include "common/message/encoded_word.h"
#include "common/message/lex.h"

namespace posthorn::message {
namespace {

using namespace std::string_view_literals;

TEST(MessageEncodedWord, DecodesQAndB) {
  EXPECT_EQ(DecodeUnstructured("=?ISO-8859-1?Q?Andr=E9?= Pirard"), "Andr\u00e9 Pirard");
  EXPECT_EQ(DecodeUnstructured("=?UTF-8?B?w6TDtsO8?="), "\u00e4\u00f6\u00fc");
  EXPECT_EQ(DecodeUnstructured("=?utf-8?b?R3LDvMOfZSBhdXMgS8O2bG4=?="), "Gr\u00fc\u00dfe aus K\u00f6ln");
  EXPECT_EQ(DecodeUnstructured("=?utf-8?q?lower_=c3=a4?="), "lower \u00e4");
  EXPECT_EQ(DecodeUnstructured("no words here"), "no words here");
}

// The examples of RFC 2047 §8.
TEST(MessageEncodedWord, Rfc2047Examples) {
  EXPECT_EQ(DecodeUnstructured("(=?ISO-8859-1?Q?a?=)"), "(a)");
  EXPECT_EQ(DecodeUnstructured("(=?ISO-8859-1?Q?a?= b)"), "(a b)");
  EXPECT_EQ(DecodeUnstructured("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)"), "(ab)");
  EXPECT_EQ(DecodeUnstructured("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)"), "(ab)");
  EXPECT_EQ(DecodeUnstructured("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)"), "(ab)");
  EXPECT_EQ(DecodeUnstructured("(=?ISO-8859-1?Q?a_b?=)"), "(a b)");
  EXPECT_EQ(DecodeUnstructured("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)"), "(a b)");
}

TEST(MessageEncodedWord, OtherCharsets) {
  EXPECT_EQ(DecodeUnstructured("=?Shift_JIS?B?k/qWew==?="), "\u65e5\u672c");
  EXPECT_EQ(DecodeUnstructured("=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?="), "\u65e5\u672c\u8a9e");
  EXPECT_EQ(DecodeUnstructured("Re: =?koi8-r?Q?=F0=D2=C9=D7=C5=D4?="), "Re: \u041f\u0440\u0438\u0432\u0435\u0442");
  EXPECT_EQ(DecodeUnstructured("=?windows-1252?Q?=80?="), "\u20ac");
  // Names glibc does not know, or knows too narrowly.
  EXPECT_EQ(DecodeUnstructured("=?ks_c_5601-1987?B?x9E=?="), "\ud55c");
  EXPECT_EQ(DecodeUnstructured("=?gb2312?B?1tA=?="), "\u4e2d");
}

TEST(MessageEncodedWord, Rfc2231LanguageSuffix) {
  EXPECT_EQ(DecodeUnstructured("=?US-ASCII*EN?Q?Keith_Moore?="), "Keith Moore");
}

TEST(MessageEncodedWord, JoinsCharactersSplitBetweenWords) {
  EXPECT_EQ(DecodeUnstructured("=?UTF-8?Q?=C3?= =?UTF-8?Q?=A4?="), "\u00e4");
  EXPECT_EQ(DecodeUnstructured("=?UTF-8?B?w6TD?=\r\n =?utf-8?B?tg==?="), "\u00e4\u00f6");
}

TEST(MessageEncodedWord, LeavesUnknownAndBrokenWordsAlone) {
  EXPECT_EQ(DecodeUnstructured("=?x-unknown?Q?abc?= and =?UTF-8?Q?ok?="), "=?x-unknown?Q?abc?= and ok");
  // The blank between two words goes only when both decode.
  EXPECT_EQ(DecodeUnstructured("=?utf-8?q?a?= =?x-unknown?q?b?="), "a =?x-unknown?q?b?=");
  EXPECT_EQ(DecodeUnstructured("=?x-unknown?q?a?= =?utf-8?q?b?="), "=?x-unknown?q?a?= b");
  for (std::string_view broken :
       {"=?utf-8?q?abc", "=?utf-8?x?abc?=", "=?utf-8?b?!!!?=", "=??q?a?=", "=?utf-8?b?abcde?=", "=?utf-8?q?a b?=",
        "=?utf 8?q?a?=", "=?utf-8?q", "=?", "?=", "=?=?=?"}) {
    EXPECT_EQ(DecodeUnstructured(broken), broken);
  }
  // A charset name that iconv would read as options is no charset.
  EXPECT_EQ(DecodeUnstructured("=?UTF-8//IGNORE?q?a?="), "=?UTF-8//IGNORE?q?a?=");
  EXPECT_EQ(ConvertToUtf8("a", "UTF-8//TRANSLIT"), std::nullopt);
  EXPECT_EQ(ConvertToUtf8("a", "utf-8,foo"), std::nullopt);
}

TEST(MessageEncodedWord, LenientWhereMailIsWrong) {
  EXPECT_EQ(DecodeUnstructured("=?utf-8?b?w6Q?="), "\u00e4");   // padding dropped
  EXPECT_EQ(DecodeUnstructured("Re:=?utf-8?q?x?=y"), "Re:xy");  // glued to text
  EXPECT_EQ(DecodeUnstructured("=?utf-8?q?=zz=4?="), "=zz=4");  // bad escapes kept
  std::string long_word = "=?utf-8?q?" + std::string(200, 'a') + "?=";
  EXPECT_EQ(DecodeUnstructured(long_word), std::string(200, 'a'));
}

TEST(MessageEncodedWord, InvalidBytesBecomeReplacementCharacters) {
  EXPECT_EQ(DecodeUnstructured("=?utf-8?q?a=FFb?="), "a\ufffdb");
  EXPECT_EQ(DecodeUnstructured("=?us-ascii?q?=E9?="), "\ufffd");
  EXPECT_EQ(ConvertToUtf8("\x82", "shift_jis"), "\ufffd");  // cut-off double byte
  EXPECT_EQ(ConvertToUtf8("", "iso-8859-1"), "");
  EXPECT_EQ(ConvertToUtf8("caf\xe9", "latin1"), "caf\u00e9");
}

TEST(MessageEncodedWord, KeepsTextOutsideWords) {
  EXPECT_EQ(DecodeUnstructured("Gr\xfc\xdf\x65 =?utf-8?q?x?="), "Gr\xfc\xdf\x65 x");
  EXPECT_EQ(DecodeUnstructured("=?utf-8?q?a?=-=?utf-8?q?b?="), "a-b");
  EXPECT_EQ(DecodeUnstructured("Hello\r\n World"), "Hello World");
  EXPECT_EQ(DecodeUnstructured("a\0b"sv), "a\0b"sv);
}

TEST(MessageEncodedWord, Phrases) {
  EXPECT_EQ(PhraseText("John  (middle)  Q. Public"), "John Q. Public");
  EXPECT_EQ(PhraseText("\"Doe, John\" (comment)"), "Doe, John");
  EXPECT_EQ(PhraseText("\"a \\\"b\\\"\"\r\n c"), "a \"b\" c");
  EXPECT_EQ(DecodePhrase("=?utf-8?q?J=C3=B6rg?= Schmidt"), "J\u00f6rg Schmidt");
  EXPECT_EQ(DecodePhrase("=?utf-8?q?J=C3=B6rg?= (x) =?utf-8?q?_S?="), "J\u00f6rg S");
  // Not allowed by RFC 2047 §5 (3), sent by many mailers anyway.
  EXPECT_EQ(DecodePhrase("\"=?utf-8?q?J=C3=B6rg?=\""), "J\u00f6rg");
}

TEST(MessageEncodedWord, StructuredFieldsDecodeOnlyPhrasesAndComments) {
  EXPECT_EQ(DecodeStructured("=?utf-8?q?J=C3=B6rg?= <=?utf-8?q?x?=@example.org> (=?utf-8?q?c?=)"),
            "J\u00f6rg <=?utf-8?q?x?=@example.org> (c)");
  EXPECT_EQ(DecodeStructured("=?utf-8?q?x?=@example.org"), "=?utf-8?q?x?=@example.org");
  EXPECT_EQ(DecodeStructured("a.=?utf-8?q?x?=@example.org"), "a.=?utf-8?q?x?=@example.org");
  EXPECT_EQ(DecodeStructured("\"=?utf-8?q?a?=\" <a@b>,\r\n =?utf-8?q?b?= =?utf-8?q?c?= <c@[=?x?q?y?=]>"),
            "\"a\" <a@b>, bc <c@[=?x?q?y?=]>");
  EXPECT_EQ(DecodeStructured("(unterminated =?utf-8?q?x?="), "(unterminated x");
  EXPECT_EQ(DecodeStructured("<unterminated =?utf-8?q?x?="), "<unterminated =?utf-8?q?x?=");
}

TEST(MessageEncodedWord, HostileInputStaysLinear) {
  std::string starts;
  for (int i = 0; i < 200000; ++i) starts += "=?a?q?";
  EXPECT_EQ(DecodeUnstructured(starts), starts);
  std::string open = "=?utf-8?q?" + std::string(5 << 20, 'x');
  EXPECT_EQ(DecodeUnstructured(open).size(), open.size());
  std::string many;
  for (int i = 0; i < 100000; ++i) many += "=?utf-8?q?a?= ";
  EXPECT_EQ(DecodeUnstructured(many), std::string(100000, 'a') + " ");
  std::string alternating;
  for (int i = 0; i < 5000; ++i) alternating += i % 2 ? "=?iso-8859-1?q?b?= " : "=?koi8-r?q?a?= ";
  EXPECT_EQ(DecodeUnstructured(alternating).size(), 5001u);
  std::string parens(1 << 20, '(');
  EXPECT_EQ(DecodeStructured(parens), parens);
  EXPECT_EQ(PhraseText(parens), "");
  std::string quotes(1 << 20, '"');
  EXPECT_EQ(DecodeStructured(quotes), quotes);
}

}  // namespace
}  // namespace posthorn::message
