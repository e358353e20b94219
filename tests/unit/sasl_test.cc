#include <gtest/gtest.h>

#include "common/auth/sasl.h"
#include "common/base/base64.h"

namespace posthorn {
namespace {

TEST(Base64, RoundTripsEveryLength) {
  std::string s;
  for (int i = 0; i < 300; ++i) {
    EXPECT_EQ(Base64Decode(Base64Encode(s)), s);
    s += static_cast<char>(i * 37);
  }
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
}

TEST(Base64, RefusesNonCanonicalInput) {
  for (const char* bad : {"Zg=", "Zg", "Z===", "Zm9v YmFy", "Zm9v\r\n", "Zh==", "Zm9=", "====", "Zg==Zg==", "@@@@"})
    EXPECT_EQ(Base64Decode(bad), std::nullopt) << bad;
  EXPECT_EQ(Base64Decode(""), "");
}

TEST(Sasl, PlainDecodes) {
  auto c = auth::DecodePlain(Base64Encode(std::string("\0bob@example.org\0secret", 23)));
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_EQ(c->user, "bob@example.org");
  EXPECT_EQ(c->password, "secret");
  auto same = auth::DecodePlain(Base64Encode(std::string("bob\0bob\0pw", 10)));
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->authzid, "bob");
}

TEST(Sasl, PlainRefusals) {
  EXPECT_EQ(auth::DecodePlain("not base64!").message(), "bad base64");
  EXPECT_EQ(auth::DecodePlain(Base64Encode("bobsecret")).message(), "bad PLAIN response");
  EXPECT_EQ(auth::DecodePlain(Base64Encode(std::string("\0bob\0pw\0x", 9))).message(), "bad PLAIN response");
  EXPECT_EQ(auth::DecodePlain(Base64Encode(std::string("\0\0pw", 4))).message(), "empty user or password");
  EXPECT_EQ(auth::DecodePlain(Base64Encode(std::string("\0bob\0", 5))).message(), "empty user or password");
  EXPECT_EQ(auth::DecodePlain(Base64Encode(std::string("alice\0bob\0pw", 12))).message(),
            "proxy authorization is not supported");
}

TEST(Sasl, LoginSteps) {
  EXPECT_EQ(*Base64Decode(auth::kLoginUserChallenge), "Username:");
  EXPECT_EQ(*Base64Decode(auth::kLoginPasswordChallenge), "Password:");
  EXPECT_EQ(*auth::DecodeLoginStep(Base64Encode("bob")), "bob");
  EXPECT_FALSE(auth::DecodeLoginStep("").ok());
  EXPECT_FALSE(auth::DecodeLoginStep(Base64Encode(std::string("a\0b", 3))).ok());
}

}  // namespace
}  // namespace posthorn
