#include "common/imap/date_time.h"

#include <strings.h>

#include <cstdio>

namespace posthorn::imap {

namespace {

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's method).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysIn(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `*s` (advancing it).
bool Digits(std::string_view* s, size_t n, unsigned* out) {
  if (s->size() < n) return false;
  unsigned v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = (*s)[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  s->remove_prefix(n);
  *out = v;
  return true;
}

bool Expect(std::string_view* s, char c) {
  if (s->empty() || s->front() != c) return false;
  s->remove_prefix(1);
  return true;
}

// "d-Mon-yyyy" or "dd-Mon-yyyy" (`padded`: also " d-Mon-yyyy") at `*s`.
std::optional<int64_t> Day(std::string_view* s, bool padded) {
  unsigned day = 0, year = 0;
  if (padded && !s->empty() && s->front() == ' ') s->remove_prefix(1);
  if (!Digits(s, 2, &day) && !Digits(s, 1, &day)) return std::nullopt;
  if (!Expect(s, '-') || s->size() < 3) return std::nullopt;
  unsigned month = 0;
  for (unsigned i = 0; i < 12; ++i)
    if (::strncasecmp(s->data(), kMonths[i], 3) == 0) month = i + 1;
  if (month == 0) return std::nullopt;
  s->remove_prefix(3);
  if (!Expect(s, '-') || !Digits(s, 4, &year)) return std::nullopt;
  if (day == 0 || day > DaysIn(year, month)) return std::nullopt;
  return DaysFromCivil(year, month, day);
}

}  // namespace

std::string FormatDateTime(int64_t when, int offset_minutes) {
  int64_t local = when + int64_t{offset_minutes} * 60;
  int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  int64_t secs = local - days * 86400;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%2u-%s-%04lld %02lld:%02lld:%02lld %c%02d%02d", d, kMonths[m - 1],
                static_cast<long long>(y), static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                static_cast<long long>(secs % 60), offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
  return buf;
}

std::optional<int64_t> ParseDateTime(std::string_view s) {
  std::optional<int64_t> day = Day(&s, /*padded=*/true);
  unsigned hh, mm, ss, zh, zm;
  if (!day || !Expect(&s, ' ') || !Digits(&s, 2, &hh) || !Expect(&s, ':') || !Digits(&s, 2, &mm) ||
      !Expect(&s, ':') || !Digits(&s, 2, &ss) || !Expect(&s, ' ') || s.empty())
    return std::nullopt;
  char sign = s.front();
  s.remove_prefix(1);
  if ((sign != '+' && sign != '-') || !Digits(&s, 2, &zh) || !Digits(&s, 2, &zm) || !s.empty()) return std::nullopt;
  if (hh > 23 || mm > 59 || ss > 60 || zm > 59) return std::nullopt;
  int64_t offset = (int64_t{zh} * 60 + zm) * 60 * (sign == '-' ? -1 : 1);
  return *day * 86400 + int64_t{hh} * 3600 + mm * 60 + ss - offset;
}

std::optional<int64_t> ParseDate(std::string_view s) {
  std::optional<int64_t> day = Day(&s, /*padded=*/false);
  if (!day || !s.empty()) return std::nullopt;
  return day;
}

int64_t DayOf(int64_t when, int offset_minutes) {
  int64_t local = when + int64_t{offset_minutes} * 60;
  return local >= 0 ? local / 86400 : (local - 86399) / 86400;
}

}  // namespace posthorn::imap
