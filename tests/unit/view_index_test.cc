#include "common/base/view_index.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace posthorn {
namespace {

struct Names {
  std::vector<std::string> list;
  ViewIndex index;
  std::string_view operator()(uint32_t i) const { return list[i]; }
  void Add(std::string name) {
    list.push_back(std::move(name));
    index.Insert(list.back(), static_cast<uint32_t>(list.size() - 1), *this);
  }
  std::optional<uint32_t> Find(std::string_view name) const { return index.Find(name, *this); }
};

// The index keeps positions, not views: the list may grow and move.
Names Of(std::initializer_list<const char*> names) {
  Names n;
  for (const char* name : names) n.Add(name);
  return n;
}

TEST(ViewIndexTest, EmptyFindsNothing) {
  Names n;
  EXPECT_EQ(n.Find("a"), std::nullopt);
  EXPECT_EQ(n.Find(""), std::nullopt);
  EXPECT_EQ(n.index.size(), 0u);
}

TEST(ViewIndexTest, FindsEachByPosition) {
  Names n = Of({"1700000000.M1P2.host", "1700000001.M1P2.host", ""});
  EXPECT_EQ(n.Find("1700000000.M1P2.host"), 0u);
  EXPECT_EQ(n.Find("1700000001.M1P2.host"), 1u);
  EXPECT_EQ(n.Find(""), 2u);
  EXPECT_EQ(n.Find("1700000002.M1P2.host"), std::nullopt);
  EXPECT_EQ(n.index.size(), 3u);
}

TEST(ViewIndexTest, ARepeatMovesToTheLast) {
  Names n = Of({"a", "b", "a"});
  EXPECT_EQ(n.Find("a"), 2u);
  EXPECT_EQ(n.index.size(), 2u);
}

TEST(ViewIndexTest, GrowsPastManyNamesKeepingEvery) {
  Names n;
  constexpr uint32_t kCount = 100'000;
  for (uint32_t i = 0; i < kCount; ++i) n.Add(std::to_string(1700000000 + i) + ".M" + std::to_string(i) + "P7.h");
  EXPECT_EQ(n.index.size(), kCount);
  for (uint32_t i = 0; i < kCount; ++i) ASSERT_EQ(n.Find(n.list[i]), i) << n.list[i];
  EXPECT_EQ(n.Find("1700000000.M1P7.h"), std::nullopt);
}

TEST(ViewIndexTest, ReserveThenClear) {
  Names n;
  n.index.Reserve(1000);
  n.Add("x");
  EXPECT_EQ(n.Find("x"), 0u);
  n.index.Clear();
  EXPECT_EQ(n.Find("x"), std::nullopt);
  EXPECT_EQ(n.index.size(), 0u);
  n.index.Insert("x", 0, n);
  EXPECT_EQ(n.Find("x"), 0u);
}

}  // namespace
}  // namespace posthorn
