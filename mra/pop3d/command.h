// A POP3 command line (RFC 1939 §3, RFC 2449 §3): a keyword of 3-4
// letters, case-insensitive, then arguments separated by spaces. Parsing
// takes the line without its line end and never fails: what the verb
// cannot use is the session's to refuse.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace posthorn::pop3d {

enum class Verb { kUser, kPass, kQuit, kStat, kList, kRetr, kDele, kNoop, kRset, kTop, kUidl, kCapa, kStls, kAuth, kUnknown };

struct Command {
  Verb verb = Verb::kUnknown;
  std::vector<std::string> args;  // split at runs of spaces
  std::string rest;               // everything after the keyword and one space (PASS: the password)
};

// RFC 2449 §4: a command line is at most 255 octets with its CRLF.
inline constexpr size_t kMaxCommandLine = 255;
// A SASL response line after "+ " (base64 of user and password).
inline constexpr size_t kMaxSaslLine = 4096;

Command ParseCommand(std::string_view line);

// A message number: 1-9 digits, not 0. Anything else is nullopt.
std::optional<size_t> ParseMessageNumber(std::string_view text);
// TOP's line count: 1-9 digits, 0 allowed.
std::optional<size_t> ParseCount(std::string_view text);

}  // namespace posthorn::pop3d
