#include "common/maildir/flags.h"

#include "common/base/strings.h"

namespace posthorn::maildir {

Flags Flags::FromName(std::string_view name) {
  Flags f;
  size_t colon = name.rfind(':');
  if (colon == std::string_view::npos || name.substr(colon + 1, 2) != "2,") return f;
  for (char c : name.substr(colon + 3)) {
    switch (c) {
      case 'D': f.draft = true; break;
      case 'F': f.flagged = true; break;
      case 'P': f.passed = true; break;
      case 'R': f.replied = true; break;
      case 'S': f.seen = true; break;
      case 'T': f.trashed = true; break;
      default:
        if (c >= 'a' && c <= 'z') f.keywords |= 1u << (c - 'a');
    }
  }
  return f;
}

std::string Flags::Info() const {
  std::string out = "2,";
  if (draft) out += 'D';
  if (flagged) out += 'F';
  if (passed) out += 'P';
  if (replied) out += 'R';
  if (seen) out += 'S';
  if (trashed) out += 'T';
  for (int i = 0; i < 26; ++i)
    if (keywords & (1u << i)) out += static_cast<char>('a' + i);
  return out;
}

std::string_view BaseName(std::string_view name) {
  size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(0, colon);
}

std::string NameWithFlags(std::string_view name, const Flags& flags) {
  std::string out(BaseName(name));
  out += ':';
  out += flags.Info();
  return out;
}

std::optional<uint64_t> SizeFromName(std::string_view name, char field) {
  std::string_view base = BaseName(name);
  const char tag[] = {',', field, '=', '\0'};
  size_t at = base.find(tag);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = base.substr(at + 3);
  size_t end = 0;
  while (end < rest.size() && rest[end] >= '0' && rest[end] <= '9') ++end;
  return ParseUnsigned(rest.substr(0, end));
}

}  // namespace posthorn::maildir
