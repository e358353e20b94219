// RFC 5322 §3.3 dates: written for the headers our programs make, read
// from the Date: fields of the mail they hold.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace posthorn {

// "Sun, 22 Nov 2026 10:00:00 +0100", in local time.
std::string Rfc5322Date(time_t when);

// The calendar day a date-time names as written, in days since 1970-01-01:
// its time and zone are not looked at, which is what IMAP's SENTBEFORE,
// SENTON and SENTSINCE compare (RFC 3501 §6.4.4). Lenient as real mail
// needs: comments anywhere (RFC 5322 CFWS), a day name with or without its
// comma or none, month names in any case or spelt out, the obsolete 2- and
// 3-digit years of §4.3, and nothing after the year. nullopt when no day,
// month and year can be read, or the day does not exist.
std::optional<int64_t> ParseDateDay(std::string_view value);

}  // namespace posthorn
