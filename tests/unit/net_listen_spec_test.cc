#include "common/net/listen_spec.h"

#include <gtest/gtest.h>
#include <netinet/in.h>

#include <string>

namespace posthorn::net {
namespace {

// The error for a single bad entry, or "" if it parsed.
std::string ErrorOf(const std::string& value) {
  Result<std::vector<ListenSpec>> r = ParseListen(value);
  return r.ok() ? "" : r.message();
}

TEST(ListenSpec, ParsesTheDesignExample) {
  auto r = ParseListen("0.0.0.0:25/smtp 0.0.0.0:587/submission\t0.0.0.0:465/submissions");
  ASSERT_TRUE(r.ok()) << r.message();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].address, "0.0.0.0");
  EXPECT_EQ((*r)[0].port, 25);
  EXPECT_EQ((*r)[0].kind, "smtp");
  EXPECT_FALSE((*r)[0].ipv6);
  EXPECT_EQ((*r)[2].port, 465);
  EXPECT_EQ((*r)[2].kind, "submissions");
  EXPECT_EQ((*r)[1].ToString(), "0.0.0.0:587/submission");
}

TEST(ListenSpec, ParsesBracketedIpv6) {
  auto r = ParseListen("[::1]:25/smtp [::]:993/imaps [2001:db8::7]:143/imap");
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ((*r)[0].address, "::1");
  EXPECT_TRUE((*r)[0].ipv6);
  EXPECT_EQ((*r)[0].ToString(), "[::1]:25/smtp");
  EXPECT_EQ((*r)[1].address, "::");
  EXPECT_EQ((*r)[2].port, 143);
}

TEST(ListenSpec, ToSockaddr) {
  auto r = ParseListen("127.0.0.1:2525/smtp [::1]:110/pop3");
  ASSERT_TRUE(r.ok());
  sockaddr_storage ss;
  ASSERT_EQ((*r)[0].ToSockaddr(&ss), sizeof(sockaddr_in));
  auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
  EXPECT_EQ(sin->sin_family, AF_INET);
  EXPECT_EQ(ntohs(sin->sin_port), 2525);
  EXPECT_EQ(ntohl(sin->sin_addr.s_addr), 0x7f000001u);
  ASSERT_EQ((*r)[1].ToSockaddr(&ss), sizeof(sockaddr_in6));
  EXPECT_EQ(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_family, AF_INET6);
}

TEST(ListenSpec, RejectsBadPorts) {
  EXPECT_EQ(ErrorOf("0.0.0.0:0/smtp"), "bad listen entry '0.0.0.0:0/smtp': port must be a number from 1 to 65535");
  EXPECT_NE(ErrorOf("0.0.0.0:65536/smtp"), "");
  EXPECT_NE(ErrorOf("0.0.0.0:abc/smtp"), "");
  EXPECT_NE(ErrorOf("0.0.0.0:/smtp"), "");
  EXPECT_NE(ErrorOf("0.0.0.0:-25/smtp"), "");
  EXPECT_NE(ErrorOf("0.0.0.0:99999999999999999999999/smtp"), "");
  EXPECT_EQ(ErrorOf("0.0.0.0:65535/smtp"), "");
}

TEST(ListenSpec, RejectsMissingParts) {
  EXPECT_EQ(ErrorOf("0.0.0.0:25"), "bad listen entry '0.0.0.0:25': missing /KIND");
  EXPECT_NE(ErrorOf("0.0.0.0:25/"), "");
  EXPECT_NE(ErrorOf("0.0.0.0:25/9x"), "");
  EXPECT_NE(ErrorOf("0.0.0.0:25/smtp/x"), "");
  EXPECT_EQ(ErrorOf("0.0.0.0/smtp"), "bad listen entry '0.0.0.0/smtp': missing :PORT");
  EXPECT_NE(ErrorOf(":25/smtp"), "");
  EXPECT_EQ(ErrorOf(""), "listen: no addresses given");
  EXPECT_EQ(ErrorOf("   "), "listen: no addresses given");
}

TEST(ListenSpec, RequiresBracketsForIpv6) {
  EXPECT_EQ(ErrorOf("::1:25/smtp"), "bad listen entry '::1:25/smtp': IPv6 addresses go in brackets, as [::1]:25/smtp");
  EXPECT_NE(ErrorOf("[::1:25/smtp"), "");
  EXPECT_NE(ErrorOf("[::1]25/smtp"), "");
  EXPECT_NE(ErrorOf("[127.0.0.1]:25/smtp"), "");
  EXPECT_NE(ErrorOf("[]:25/smtp"), "");
}

TEST(ListenSpec, RefusesHostNames) {
  EXPECT_EQ(ErrorOf("localhost:25/smtp"),
            "bad listen entry 'localhost:25/smtp': not an IP address (host names are not accepted)");
  EXPECT_NE(ErrorOf("mail.example.org:25/smtp"), "");
  EXPECT_NE(ErrorOf("[localhost]:25/smtp"), "");
  EXPECT_NE(ErrorOf("127.1:25/smtp"), "");  // inet_aton would take it; admins mean no such thing
  EXPECT_NE(ErrorOf("256.0.0.1:25/smtp"), "");
}

TEST(ListenSpec, NamesTheBadEntryAmongGoodOnes) {
  EXPECT_EQ(ErrorOf("0.0.0.0:25/smtp 0.0.0.0:x/submission"),
            "bad listen entry '0.0.0.0:x/submission': port must be a number from 1 to 65535");
}

TEST(ListenSpec, RejectsDuplicates) {
  EXPECT_EQ(ErrorOf("0.0.0.0:25/smtp 0.0.0.0:25/submission"),
            "bad listen entry '0.0.0.0:25/submission': address and port already listed");
  EXPECT_EQ(ErrorOf("0.0.0.0:25/smtp [::]:25/smtp"), "");  // v6only: both can be bound
}

}  // namespace
}  // namespace posthorn::net
