#include "common/base/strings.h"

#include <limits>

namespace posthorn {

namespace {

char LowerChar(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Parses "<digits><unit>" where unit is looked up in `units`.
template <size_t N>
std::optional<uint64_t> ParseScaled(std::string_view s, const std::pair<char, uint64_t> (&units)[N]) {
  s = Trim(s);
  if (s.empty()) return std::nullopt;
  uint64_t scale = 1;
  char last = s.back();
  if (last < '0' || last > '9') {
    bool known = false;
    for (const auto& [unit, factor] : units) {
      if (LowerChar(last) == LowerChar(unit)) {
        scale = factor;
        known = true;
      }
    }
    if (!known) return std::nullopt;
    s.remove_suffix(1);
  }
  auto n = ParseUnsigned(s);
  if (!n) return std::nullopt;
  if (*n > std::numeric_limits<uint64_t>::max() / scale) return std::nullopt;
  return *n * scale;
}

}  // namespace

std::string_view Trim(std::string_view s) {
  const char* ws = " \t\r\n";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

std::vector<std::string> SplitWords(std::string_view s, bool commas) {
  std::vector<std::string> out;
  size_t i = 0;
  auto sep = [commas](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || (commas && c == ','); };
  while (i < s.size()) {
    while (i < s.size() && sep(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && !sep(s[i])) ++i;
    if (i > start) out.emplace_back(s.substr(start, i - start));
  }
  return out;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerChar(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (LowerChar(a[i]) != LowerChar(b[i])) return false;
  return true;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

std::optional<uint64_t> ParseUnsigned(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (n > (std::numeric_limits<uint64_t>::max() - d) / 10) return std::nullopt;
    n = n * 10 + d;
  }
  return n;
}

std::optional<uint64_t> ParseSize(std::string_view s) {
  static const std::pair<char, uint64_t> kUnits[] = {{'k', 1024ULL}, {'m', 1024ULL * 1024}, {'g', 1024ULL * 1024 * 1024}};
  return ParseScaled(s, kUnits);
}

std::optional<uint64_t> ParseDuration(std::string_view s) {
  static const std::pair<char, uint64_t> kUnits[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 7 * 86400}};
  return ParseScaled(s, kUnits);
}

}  // namespace posthorn
