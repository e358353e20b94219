#include "common/config/config.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <optional>
#include <tuple>

#include "common/base/io.h"
#include "common/base/strings.h"

namespace posthorn::config {

namespace {

std::optional<bool> ParseBool(std::string_view v) {
  std::string s = AsciiLower(v);
  if (s == "yes" || s == "true" || s == "on" || s == "1") return true;
  if (s == "no" || s == "false" || s == "off" || s == "0") return false;
  return std::nullopt;
}

// A `#` starts a comment at the start of a line or after white space, so
// values such as `a#b` survive.
std::string_view StripComment(std::string_view line) {
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) return line.substr(0, i);
  }
  return line;
}

bool IsKeyChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

// The parse of one file: which section we are in and what was set where.
class Parser {
 public:
  Parser(const std::string& filename, unsigned program) : filename_(filename), program_(program) {}

  Status Line(std::string_view raw, int number);

  // Values that concern the program being configured, in file order.
  std::vector<std::tuple<std::string, std::string, int, bool>> settings_;  // key, value, line, top?

 private:
  Error At(int line, const std::string& what) const {
    return Error{filename_ + ":" + std::to_string(line) + ": " + what};
  }

  std::string filename_;
  unsigned program_;
  unsigned section_program_ = 0;  // 0 = top of file
  std::string section_name_;
  std::map<std::string, std::map<std::string, int, std::less<>>, std::less<>> seen_;  // section -> key -> line
};

Status Parser::Line(std::string_view raw, int number) {
  if (raw.size() > kMaxLineLength) return At(number, "line longer than " + std::to_string(kMaxLineLength) + " bytes");
  std::string_view line = Trim(StripComment(raw));
  if (line.empty()) return Status::Ok();
  if (line.front() == '[') {
    if (line.back() != ']') return At(number, "expected '[section]'");
    std::string name(Trim(line.substr(1, line.size() - 2)));
    unsigned p = ProgramForSection(name);
    if (p == 0) return At(number, "unknown section [" + name + "]");
    section_program_ = p;
    section_name_ = name;
    return Status::Ok();
  }
  size_t eq = line.find('=');
  if (eq == std::string_view::npos) return At(number, "expected 'key = value'");
  std::string key(Trim(line.substr(0, eq)));
  std::string_view value = Trim(line.substr(eq + 1));
  for (char c : key)
    if (!IsKeyChar(c)) return At(number, "bad key name '" + key + "'");
  const KeySpec* spec = FindKey(key);
  if (spec == nullptr) return At(number, "unknown key '" + key + "'");
  if (section_program_ != 0 && (spec->programs & section_program_) == 0)
    return At(number, "key '" + key + "' does not apply to [" + section_name_ + "]");
  auto& seen = seen_[section_name_];
  if (auto it = seen.find(key); it != seen.end())
    return At(number, "'" + key + "' is already set at line " + std::to_string(it->second));
  seen[key] = number;
  if (std::string why = CheckValue(spec->type, value); !why.empty())
    return At(number, "bad value for '" + key + "': " + why);
  bool top = section_program_ == 0;
  if (top || section_program_ == program_) settings_.emplace_back(key, std::string(value), number, top);
  return Status::Ok();
}

}  // namespace

std::string CheckValue(Type type, std::string_view value) {
  switch (type) {
    case Type::kString:
    case Type::kList:
      return "";
    case Type::kSize:
      return ParseSize(value) ? "" : "expected a size such as 4096, 512k, 50M or 1G";
    case Type::kDuration:
      return ParseDuration(value) ? "" : "expected a duration such as 90, 30s, 5m, 2h or 5d";
    case Type::kCount:
      return ParseUnsigned(value) ? "" : "expected a number";
    case Type::kBool:
      return ParseBool(value) ? "" : "expected yes or no";
  }
  return "unknown type";
}

Config Config::Defaults(unsigned program) {
  Config c;
  for (const KeySpec& k : AllKeys()) {
    if (k.programs & program) c.values_[std::string(k.name)] = Value{std::string(k.default_value), "", 0};
  }
  return c;
}

Result<Config> Config::Parse(std::string_view text, const std::string& filename, unsigned program) {
  if (text.size() > kMaxFileSize) return Error{filename + ": larger than " + std::to_string(kMaxFileSize) + " bytes"};
  if (text.find('\0') != std::string_view::npos) return Error{filename + ": contains a NUL byte"};
  Parser parser(filename, program);
  int number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    Status s = parser.Line(text.substr(pos, end - pos), ++number);
    if (!s.ok()) return s.error();
    pos = end + 1;
  }
  Config c = Defaults(program);
  c.path_ = filename;
  // Top-of-file values first, then the program's section overrides them.
  for (bool top : {true, false}) {
    for (auto& [key, value, line, is_top] : parser.settings_) {
      if (is_top != top) continue;
      if (auto it = c.values_.find(key); it != c.values_.end()) it->second = Value{value, filename, line};
    }
  }
  return c;
}

Result<Config> Config::Load(const std::string& path, unsigned program) {
  std::string text;
  if (Status s = ReadFile(path, &text); !s.ok()) return s.error();
  return Parse(text, path, program);
}

Result<Config> Config::LoadFor(const std::string& explicit_path, unsigned program) {
  if (!explicit_path.empty()) return Load(explicit_path, program);
  if (const char* env = std::getenv("POSTHORN_CONF"); env != nullptr && *env != '\0') return Load(env, program);
  if (::access(kDefaultPath, F_OK) != 0 && errno == ENOENT) return Defaults(program);
  return Load(kDefaultPath, program);
}

const Config::Value& Config::Get(std::string_view key, Type type) const {
  auto it = values_.find(key);
  const KeySpec* spec = FindKey(key);
  // Asking for a key the program does not declare is a programming error.
  if (it == values_.end() || spec == nullptr || spec->type != type) std::abort();
  return it->second;
}

const std::string& Config::String(std::string_view key) const { return Get(key, Type::kString).text; }
std::vector<std::string> Config::List(std::string_view key) const { return SplitWords(Get(key, Type::kList).text, true); }
uint64_t Config::Size(std::string_view key) const { return *ParseSize(Get(key, Type::kSize).text); }
uint64_t Config::Duration(std::string_view key) const { return *ParseDuration(Get(key, Type::kDuration).text); }
uint64_t Config::Count(std::string_view key) const { return *ParseUnsigned(Get(key, Type::kCount).text); }
bool Config::Bool(std::string_view key) const { return *ParseBool(Get(key, Type::kBool).text); }

std::string Config::Where(std::string_view key) const {
  auto it = values_.find(key);
  if (it == values_.end() || it->second.line == 0) return "default";
  return it->second.file + ":" + std::to_string(it->second.line);
}

std::string HostName(const Config& config) {
  const std::string& configured = config.String("hostname");
  if (!configured.empty()) return configured;
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

}  // namespace posthorn::config
