#include "common/message/transfer_encoding.h"

#include <gtest/gtest.h>

#include "common/base/base64.h"

namespace posthorn::message {
namespace {

TEST(MessageTransferEncoding, QuotedPrintable) {
  EXPECT_EQ(DecodeQuotedPrintable("Caf=C3=A9 =3D ok"), "Caf\u00e9 = ok");
  EXPECT_EQ(DecodeQuotedPrintable("caf=c3=a9"), "caf\u00e9");  // lower-case hex, leniently
  // Soft line breaks, with CRLF or LF, blanks allowed after the '='.
  EXPECT_EQ(DecodeQuotedPrintable("long li=\r\nne and=  \nmore="), "long line andmore");
  // A '=' that starts nothing is kept.
  EXPECT_EQ(DecodeQuotedPrintable("a=ZZ b=4 c= d"), "a=ZZ b=4 c= d");
  EXPECT_EQ(DecodeQuotedPrintable("under_score"), "under_score");
  EXPECT_EQ(DecodeQuotedPrintable("under_score=41", /*rfc2047_q=*/true), "under scoreA");
}

TEST(MessageTransferEncoding, Base64Lenient) {
  EXPECT_EQ(Base64DecodeLenient("SGVsbG8s\r\nIHdvcmxk\r\n"), "Hello, world");
  EXPECT_EQ(Base64DecodeLenient("SGk="), "Hi");
  EXPECT_EQ(Base64DecodeLenient("SGk"), "Hi");          // padding left out
  EXPECT_EQ(Base64DecodeLenient("S!G*k= garbage"), "Hi");  // junk ignored, '=' ends it
  EXPECT_EQ(Base64DecodeLenient(""), "");
}

TEST(MessageTransferEncoding, ByToken) {
  EXPECT_EQ(DecodeTransferEncoding("SGk=", "BASE64"), "Hi");
  EXPECT_EQ(DecodeTransferEncoding("=41", "Quoted-Printable"), "A");
  EXPECT_EQ(DecodeTransferEncoding("=41", "8bit"), "=41");
  EXPECT_EQ(DecodeTransferEncoding("=41", "x-uuencode"), "=41");
}

}  // namespace
}  // namespace posthorn::message
