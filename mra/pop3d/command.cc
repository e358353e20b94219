#include "mra/pop3d/command.h"

#include "common/base/strings.h"

namespace posthorn::pop3d {

namespace {

struct VerbName {
  std::string_view name;
  Verb verb;
};

constexpr VerbName kVerbs[] = {
    {"USER", Verb::kUser}, {"PASS", Verb::kPass}, {"QUIT", Verb::kQuit}, {"STAT", Verb::kStat},
    {"LIST", Verb::kList}, {"RETR", Verb::kRetr}, {"DELE", Verb::kDele}, {"NOOP", Verb::kNoop},
    {"RSET", Verb::kRset}, {"TOP", Verb::kTop},   {"UIDL", Verb::kUidl}, {"CAPA", Verb::kCapa},
    {"STLS", Verb::kStls}, {"AUTH", Verb::kAuth},
};

}  // namespace

Command ParseCommand(std::string_view line) {
  Command c;
  size_t space = line.find(' ');
  std::string_view keyword = line.substr(0, space);
  for (const VerbName& v : kVerbs) {
    if (EqualsIgnoreCase(keyword, v.name)) c.verb = v.verb;
  }
  if (space == std::string_view::npos) return c;
  c.rest = std::string(line.substr(space + 1));
  std::string_view rest = line.substr(space + 1);
  while (!rest.empty()) {
    size_t start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    size_t end = rest.find(' ');
    c.args.emplace_back(rest.substr(0, end));
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  }
  return c;
}

std::optional<size_t> ParseCount(std::string_view text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  size_t n = 0;
  for (char ch : text) {
    if (!IsAsciiDigit(ch)) return std::nullopt;
    n = n * 10 + static_cast<size_t>(ch - '0');
  }
  return n;
}

std::optional<size_t> ParseMessageNumber(std::string_view text) {
  std::optional<size_t> n = ParseCount(text);
  if (n && *n == 0) return std::nullopt;
  return n;
}

}  // namespace posthorn::pop3d
