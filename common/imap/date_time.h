// IMAP's dates (RFC 3501 §9): `date-time` as in INTERNALDATE and APPEND,
// "01-Dec-2026 09:11:37 +0000" (the day may be space-padded), and `date`
// as in SEARCH BEFORE/ON/SINCE, "1-Dec-2026". Month names are English and
// case-insensitive whatever the locale.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace posthorn::imap {

// INTERNALDATE for `when`, in the zone `offset_minutes` east of UTC, with
// the day space-padded as date-day-fixed requires; without the quotes.
std::string FormatDateTime(int64_t when, int offset_minutes);

// A date-time (without its quotes) as seconds since the epoch; nullopt if
// it is not one, or names a day that does not exist.
std::optional<int64_t> ParseDateTime(std::string_view text);

// A SEARCH date as days since the epoch (1970-01-01 is 0); nullopt if not
// one. SEARCH compares dates, not times (RFC 3501 §6.4.4).
std::optional<int64_t> ParseDate(std::string_view text);

// The day (days since the epoch) of instant `when` in the zone
// `offset_minutes` east of UTC.
int64_t DayOf(int64_t when, int offset_minutes);

}  // namespace posthorn::imap
