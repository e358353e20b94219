#include "common/message/date.h"

#include "common/base/calendar.h"
#include "common/base/strings.h"
#include "common/message/lex.h"

namespace posthorn {

namespace {

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// The run of characters `accept` takes from value[*pos], advancing *pos,
// then the CFWS after it.
template <typename Accept>
std::string_view Take(std::string_view value, size_t* pos, Accept accept) {
  size_t start = *pos;
  while (*pos < value.size() && accept(value[*pos])) ++*pos;
  std::string_view run = value.substr(start, *pos - start);
  *pos = message::SkipCfws(value, *pos);
  return run;
}

// RFC 5322 §4.3 obs-year: two digits are 1950-2049, three are from 1900.
std::optional<int64_t> Year(std::string_view digits) {
  std::optional<uint64_t> y = digits.size() <= 9 ? ParseUnsigned(digits) : std::nullopt;
  if (!y || digits.size() < 2) return std::nullopt;
  if (digits.size() == 2) return static_cast<int64_t>(*y < 50 ? 2000 + *y : 1900 + *y);
  if (digits.size() == 3) return static_cast<int64_t>(1900 + *y);
  return static_cast<int64_t>(*y);
}

}  // namespace

std::string Rfc5322Date(time_t when) {
  struct tm tm;
  localtime_r(&when, &tm);
  char buf[64];
  strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S %z", &tm);
  return buf;
}

std::optional<int64_t> ParseDateDay(std::string_view value) {
  size_t pos = message::SkipCfws(value, 0);
  // [day-of-week ","]: skipped whatever it says.
  if (pos < value.size() && IsAsciiAlpha(value[pos])) {
    Take(value, &pos, IsAsciiAlpha);
    if (pos < value.size() && value[pos] == ',') pos = message::SkipCfws(value, pos + 1);
  }
  std::string_view day = Take(value, &pos, IsAsciiDigit);
  if (pos < value.size() && value[pos] == '-') pos = message::SkipCfws(value, pos + 1);  // "1-Apr-2025"
  std::string_view month_name = Take(value, &pos, IsAsciiAlpha);
  if (pos < value.size() && value[pos] == '-') pos = message::SkipCfws(value, pos + 1);
  std::optional<int64_t> year = Year(Take(value, &pos, IsAsciiDigit));
  unsigned month = month_name.size() >= 3 ? MonthFromAbbreviation(month_name.substr(0, 3)) : 0;
  std::optional<uint64_t> d = day.size() <= 2 ? ParseUnsigned(day) : std::nullopt;
  if (!d || !year || month == 0 || *d == 0 || *d > DaysInMonth(*year, month)) return std::nullopt;
  return DaysFromCivil(*year, month, static_cast<unsigned>(*d));
}

}  // namespace posthorn
