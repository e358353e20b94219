#include "common/net/cidr.h"

#include <gtest/gtest.h>

namespace posthorn::net {
namespace {

TEST(NetCidr, MatchesRanges) {
  auto list = CidrList::Parse("127.0.0.0/8, [::1]/128 192.0.2.7 2001:db8::/32 10.1.0.0/16");
  ASSERT_TRUE(list.ok()) << list.message();
  EXPECT_TRUE(list->Contains("127.9.9.9"));
  EXPECT_TRUE(list->Contains("::1"));
  EXPECT_TRUE(list->Contains("192.0.2.7"));
  EXPECT_FALSE(list->Contains("192.0.2.8"));
  EXPECT_TRUE(list->Contains("2001:db8:ffff::1"));
  EXPECT_FALSE(list->Contains("2001:db9::1"));
  EXPECT_TRUE(list->Contains("10.1.255.1"));
  EXPECT_FALSE(list->Contains("10.2.0.1"));
  EXPECT_TRUE(list->Contains("::ffff:127.0.0.1"));  // dual-stack socket
  EXPECT_FALSE(list->Contains("not an address"));
}

TEST(NetCidr, OddPrefixesAndEdges) {
  auto list = CidrList::Parse("192.0.2.128/25 0.0.0.0/0");
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->Contains("8.8.8.8"));
  auto none = CidrList::Parse("");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(none->Contains("127.0.0.1"));
  auto v6 = CidrList::Parse("::/0");
  EXPECT_FALSE(v6->Contains("::2") == false);
}

TEST(NetCidr, Refusals) {
  EXPECT_EQ(CidrList::Parse("localhost").message(), "bad network 'localhost': not an IP address");
  EXPECT_EQ(CidrList::Parse("10.0.0.0/33").message(), "bad network '10.0.0.0/33': bad prefix length");
  EXPECT_EQ(CidrList::Parse("::1/129").message(), "bad network '::1/129': bad prefix length");
  EXPECT_EQ(CidrList::Parse("10.0.0.0/x").message(), "bad network '10.0.0.0/x': bad prefix length");
  EXPECT_EQ(CidrList::Parse("10.0.0.0/").message(), "bad network '10.0.0.0/': bad prefix length");
}

TEST(NetCidr, Loopback) {
  EXPECT_TRUE(IsLoopback("127.0.0.1"));
  EXPECT_TRUE(IsLoopback("::1"));
  EXPECT_TRUE(IsLoopback("::ffff:127.0.0.2"));
  EXPECT_FALSE(IsLoopback("192.0.2.1"));
}

}  // namespace
}  // namespace posthorn::net
