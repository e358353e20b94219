// Dates of the proleptic Gregorian calendar as day numbers, for the date
// formats of IMAP (RFC 3501 §9) and mail (RFC 5322 §3.3), which name
// months in English whatever the locale.
#pragma once

#include <cstdint>
#include <string_view>

namespace posthorn {

// Days from 1970-01-01 to `year`-`month`-`day` (month 1-12); no checks.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);
// The inverse: the date of day number `days`.
void CivilFromDays(int64_t days, int64_t* year, unsigned* month, unsigned* day);
// Days in `month` (1-12) of `year`.
unsigned DaysInMonth(int64_t year, unsigned month);

// "Jan".."Dec" for 1-12.
const char* MonthAbbreviation(unsigned month);
// 1-12 for a three-letter English month name in any case, else 0.
unsigned MonthFromAbbreviation(std::string_view name);

}  // namespace posthorn
