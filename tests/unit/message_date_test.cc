#include "common/message/date.h"

#include <gtest/gtest.h>

namespace posthorn {
namespace {

// Days since 1970-01-01 of a few days used below.
constexpr int64_t k2025_04_01 = 20179;
constexpr int64_t k1999_12_31 = 10956;

TEST(MessageDate, ReadsTheDayAsWritten) {
  EXPECT_EQ(ParseDateDay("Tue, 1 Apr 2025 09:00:00 +0200"), k2025_04_01);
  // The zone is not applied: late on the 1st in -1200 is still the 1st.
  EXPECT_EQ(ParseDateDay("Tue, 01 Apr 2025 23:59:59 -1200"), k2025_04_01);
  EXPECT_EQ(ParseDateDay("1 Apr 2025 00:00 GMT"), k2025_04_01);
  EXPECT_EQ(ParseDateDay(" Fri, 31 Dec 1999 23:59:59 +0000 (UTC)"), k1999_12_31);
}

TEST(MessageDate, WhatRealMailWrites) {
  EXPECT_EQ(ParseDateDay("(sent) Tue , 1 (day) apr (month) 2025"), k2025_04_01);
  EXPECT_EQ(ParseDateDay("Tuesday 1 April 2025 9:00"), k2025_04_01);
  EXPECT_EQ(ParseDateDay("1-Apr-2025 09:00:00"), k2025_04_01);
  EXPECT_EQ(ParseDateDay("1 Apr 25 09:00 EDT"), k2025_04_01);   // obs-year: 2025
  EXPECT_EQ(ParseDateDay("31 Dec 99 23:59 PST"), k1999_12_31);  // 1999
  EXPECT_EQ(ParseDateDay("31 Dec 099"), k1999_12_31);
}

TEST(MessageDate, RefusesWhatIsNoDate) {
  for (const char* bad : {"", "yesterday", "Tue, Apr 2025", "32 Jan 2025", "29 Feb 2025", "0 Jan 2025",
                          "1 Foo 2025", "1 Apr", "1 Apr 5", "123 Apr 2025"}) {
    EXPECT_EQ(ParseDateDay(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(ParseDateDay("29 Feb 2024"), 19782);
}

}  // namespace
}  // namespace posthorn
