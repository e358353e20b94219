#include "common/message/body_text.h"

#include <gtest/gtest.h>

#include <string>

namespace posthorn::message {
namespace {

std::string Text(const std::string& message) { return BodyText(message, ParseMimeTree(message)); }

TEST(MessageBodyText, SinglePart) {
  EXPECT_EQ(Text("Subject: x\r\n\r\nplain body\r\n"), "plain body\r\n");
  EXPECT_EQ(Text("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                 "Caf=C3=A9\r\n"),
            "Caf\u00e9\r\n");
  EXPECT_EQ(Text("Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                 "Q2Fm6Q==\r\n"),
            "Caf\u00e9");
  // An unknown charset keeps the octets; a non-text body is no text.
  EXPECT_EQ(Text("Content-Type: text/plain; charset=x-nonesuch\r\n\r\nCaf\xe9"), "Caf\xe9");
  EXPECT_EQ(Text("Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"), "");
}

TEST(MessageBodyText, TextPartsOfAMultipart) {
  std::string m =
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
      "preamble\r\n"
      "--b\r\nContent-Type: text/plain\r\n\r\nfirst\r\n"
      "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nc2VjcmV0\r\n"
      "--b\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nPGI+aGk8L2I+\r\n"
      "--b--\r\nepilogue\r\n";
  EXPECT_EQ(Text(m), "first\n<b>hi</b>");
}

TEST(MessageBodyText, EmbeddedMessage) {
  std::string m =
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: message/rfc822\r\n\r\n"
      "Subject: =?utf-8?q?inner_=C3=A9?=\r\nX-Broken\r\n\r\ninner body\r\n"
      "--b--\r\n";
  EXPECT_EQ(Text(m), "Subject: inner \u00e9\n\ninner body");
}

TEST(MessageBodyText, HeaderText) {
  EXPECT_EQ(HeaderText("From: =?utf-8?q?Ren=C3=A9?= <r@x>\r\nSubject: a\r\n b\r\n\r\nbody"),
            "From: Ren\u00e9 <r@x>\nSubject: a b\n");
}

}  // namespace
}  // namespace posthorn::message
