#include "common/imap/wire.h"

#include "common/base/strings.h"
#include "common/imap/chars.h"

namespace posthorn::imap {

namespace {

bool Quotable(std::string_view s) {
  if (s.size() > kMaxQuoted) return false;
  for (char c : s) {
    if (c < 0x20 || c > 0x7e) return false;  // char is signed: 8-bit octets are negative
  }
  return true;
}

}  // namespace

std::string FormatAstring(std::string_view s) {
  // NIL as an atom would read as "no value" where a client expects an
  // nstring, so it is always quoted.
  if (IsAtom(s) && !EqualsIgnoreCase(s, "NIL")) return std::string(s);
  return FormatString(s);
}

std::string FormatString(std::string_view s) {
  std::string out;
  if (!Quotable(s)) {
    out = "{" + std::to_string(s.size()) + "}\r\n";
    out += s;
    return out;
  }
  out.reserve(s.size() + 2);
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string FormatNstring(std::optional<std::string_view> s) {
  if (!s) return "NIL";
  return FormatString(*s);
}

}  // namespace posthorn::imap
