// SUBSCRIBE/UNSUBSCRIBE storage.
#include <gtest/gtest.h>

#include "common/base/io.h"
#include "mra/imapd/subscriptions.h"
#include "tests/unit/temp_dir.h"

namespace posthorn::imapd {
namespace {

TEST(ImapdSubscriptions, AddRemoveAndKeepOrder) {
  testing::TempDir dir;
  EXPECT_TRUE(ReadSubscriptions(dir.path())->empty());
  ASSERT_TRUE(ChangeSubscription(dir.path(), "Lists.debian", true).ok());
  ASSERT_TRUE(ChangeSubscription(dir.path(), "Sent", true).ok());
  ASSERT_TRUE(ChangeSubscription(dir.path(), "Sent", true).ok());  // twice: once
  ASSERT_TRUE(ChangeSubscription(dir.path(), "Gone", false).ok());  // not there: fine
  EXPECT_EQ(*ReadSubscriptions(dir.path()), (std::vector<std::string>{"Lists.debian", "Sent"}));
  ASSERT_TRUE(ChangeSubscription(dir.path(), "Lists.debian", false).ok());
  std::string text;
  ASSERT_TRUE(ReadFile(dir.path() + "/posthorn-subscriptions", &text).ok());
  EXPECT_EQ(text, "Sent\n");
  EXPECT_FALSE(ChangeSubscription(dir.path(), "a\nb", true).ok());
  EXPECT_FALSE(ChangeSubscription(dir.path(), "", true).ok());
}

}  // namespace
}  // namespace posthorn::imapd
