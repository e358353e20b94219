#include "common/maildir/location.h"

#include "common/base/strings.h"

namespace posthorn::maildir {

namespace {

std::string CheckComponent(std::string_view what, std::string_view value) {
  if (value.empty()) return "empty " + std::string(what);
  if (value.front() == '.') return std::string(what) + " starts with '.'";
  for (unsigned char c : value) {
    if (c == '/') return std::string(what) + " contains '/'";
    if (c < 0x20 || c == 0x7f) return std::string(what) + " contains a control character";
  }
  return "";
}

}  // namespace

std::string CheckTemplate(std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '/') return "maildir template must be an absolute path";
  Result<std::string> probe = ExpandTemplate(pattern, Address{"user", "example.org"});
  return probe.ok() ? "" : probe.message();
}

Result<std::string> ExpandTemplate(std::string_view pattern, const Address& user) {
  std::string local = AsciiLower(user.local);
  std::string domain = AsciiLower(user.domain);
  std::string whole = local + "@" + domain;
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%') {
      out += pattern[i];
      continue;
    }
    if (++i == pattern.size()) return Error{"maildir template ends with '%'"};
    std::string why;
    switch (pattern[i]) {
      case '%': out += '%'; break;
      case 'n': why = CheckComponent("local part", local); out += local; break;
      case 'd': why = CheckComponent("domain", domain); out += domain; break;
      case 'u': why = CheckComponent("address", whole); out += whole; break;
      default: return Error{std::string("maildir template has unknown %") + pattern[i]};
    }
    if (!why.empty()) return Error{"address <" + user.ToString() + "> cannot name a Maildir: " + why};
  }
  return out;
}

}  // namespace posthorn::maildir
