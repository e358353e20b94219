// Small string helpers shared by every parser.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace posthorn {

constexpr bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsAsciiAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsAsciiDigit(c); }
// 0-15 for a hex digit in either case, else -1.
constexpr int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string_view Trim(std::string_view s);
// Splits on runs of spaces, tabs and (if `commas`) commas; no empty fields.
std::vector<std::string> SplitWords(std::string_view s, bool commas = false);
std::string AsciiLower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix);

// "50M", "10k", "1G", "4096": bytes (k/M/G are 1024-based, as in Postfix
// and Dovecot). nullopt on anything else or on overflow.
std::optional<uint64_t> ParseSize(std::string_view s);
// "30s", "5m", "2h", "5d", "90": seconds. nullopt on anything else.
std::optional<uint64_t> ParseDuration(std::string_view s);
// A plain non-negative decimal number.
std::optional<uint64_t> ParseUnsigned(std::string_view s);

}  // namespace posthorn
