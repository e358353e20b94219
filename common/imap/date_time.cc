#include "common/imap/date_time.h"

#include <cstdio>

#include "common/base/calendar.h"

namespace posthorn::imap {

namespace {

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
  unsigned month = MonthFromAbbreviation(s->substr(0, 3));
  if (month == 0) return std::nullopt;
  s->remove_prefix(3);
  if (!Expect(s, '-') || !Digits(s, 4, &year)) return std::nullopt;
  if (day == 0 || day > DaysInMonth(year, month)) return std::nullopt;
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
  std::snprintf(buf, sizeof buf, "%2u-%s-%04lld %02lld:%02lld:%02lld %c%02d%02d", d, MonthAbbreviation(m),
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
