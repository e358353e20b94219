// IMAP date-time and date (RFC 3501 §9).
#include <gtest/gtest.h>

#include "common/imap/date_time.h"

namespace posthorn::imap {
namespace {

TEST(ImapDateTime, Formats) {
  EXPECT_EQ(FormatDateTime(0, 0), " 1-Jan-1970 00:00:00 +0000");
  EXPECT_EQ(FormatDateTime(1796117497, 0), " 1-Dec-2026 09:31:37 +0000");
  EXPECT_EQ(FormatDateTime(1796117497, 60), " 1-Dec-2026 10:31:37 +0100");
  EXPECT_EQ(FormatDateTime(1796117497, -570), " 1-Dec-2026 00:01:37 -0930");
  EXPECT_EQ(FormatDateTime(951782400, 0), "29-Feb-2000 00:00:00 +0000");
}

TEST(ImapDateTime, ParsesWhatItFormatsAndZones) {
  EXPECT_EQ(ParseDateTime(" 1-Dec-2026 09:31:37 +0000"), 1796117497);
  EXPECT_EQ(ParseDateTime("01-Dec-2026 10:31:37 +0100"), 1796117497);
  EXPECT_EQ(ParseDateTime("1-dec-2026 09:31:37 +0000"), 1796117497);
  EXPECT_EQ(ParseDateTime(" 1-Dec-2026 00:01:37 -0930"), 1796117497);
  EXPECT_EQ(ParseDateTime("29-Feb-2000 00:00:00 +0000"), 951782400);
  for (std::string bad : {"", "29-Feb-2001 00:00:00 +0000", "1-Dec-2026 09:31:37", "1-Dec-2026 24:00:00 +0000",
                          "1-Dez-2026 09:31:37 +0000", "1-Dec-26 09:31:37 +0000", "1-Dec-2026 9:31:37 +0000",
                          "1-Dec-2026 09:31:37 +0000 ", "001-Dec-2026 09:31:37 +0000", "0-Dec-2026 09:31:37 +0000",
                          "1-Dec-2026 09:31:37 0000", "1-Dec-2026 09:31:37 +00:00"})
    EXPECT_EQ(ParseDateTime(bad), std::nullopt) << bad;
}

TEST(ImapDateTime, SearchDates) {
  EXPECT_EQ(ParseDate("1-Jan-1970"), 0);
  EXPECT_EQ(ParseDate("01-Feb-1994"), 8797);
  EXPECT_EQ(ParseDate("31-Dec-1969"), -1);
  for (std::string bad : {"", " 1-Feb-1994", "1-Feb-1994 ", "31-Apr-2026", "1-Feb", "1 Feb 1994"})
    EXPECT_EQ(ParseDate(bad), std::nullopt) << bad;
  EXPECT_EQ(DayOf(1796117497, 0), 20788);
  EXPECT_EQ(DayOf(1796117497, -600), 20787);  // still the 30th in Hawaii
  EXPECT_EQ(DayOf(-1, 0), -1);
}

}  // namespace
}  // namespace posthorn::imap
