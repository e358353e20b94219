#include "common/aliases/aliases.h"


#include <cerrno>
#include <cstring>
#include <map>
#include <utility>

#include "common/base/mapped_file.h"
#include "common/base/strings.h"

namespace posthorn {

namespace {

enum class LineKind { kSkip, kStart, kContinuation };

// As in Postfix's aliases(5): blank lines and lines whose first non-blank
// is `#` are ignored and do not end an entry, so a comment may sit between
// an entry and its continuation lines.
LineKind Classify(std::string_view line) {
  std::string_view t = Trim(line);
  if (t.empty() || t[0] == '#') return LineKind::kSkip;
  return (line[0] == ' ' || line[0] == '\t') ? LineKind::kContinuation : LineKind::kStart;
}

// The first ':' outside double quotes, so `"a:b"@x: ...` names `"a:b"@x`.
size_t FindColon(std::string_view line) {
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted && c == '\\') {
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ':' && !quoted) {
      return i;
    }
  }
  return std::string_view::npos;
}

// Calls `fn` with each comma-separated, trimmed, non-empty target of `s`.
// Commas inside a quoted local part (`"doe, john"@x`) do not split.
template <typename Fn>
void ForEachTarget(std::string_view s, Fn fn) {
  bool quoted = false;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size()) {
      char c = s[i];
      if (quoted && c == '\\') {
        if (i + 1 < s.size()) ++i;  // the escaped character cannot split
        continue;
      }
      if (c == '"') quoted = !quoted;
      if (c != ',' || quoted) continue;
    }
    std::string_view t = Trim(s.substr(start, i - start));
    if (!t.empty()) fn(t);
    start = i + 1;
  }
}

// Why a target is refused, or nullptr. Pipes, files and includes are
// sendmail features that run code or write files with the server's rights;
// Posthorn's users are virtual and have no use for them. The quoted forms
// (`"|/usr/bin/prog args"`) are the common spelling, so check behind a quote.
const char* Refusal(std::string_view target) {
  std::string_view t = target;
  if (!t.empty() && t[0] == '"') t.remove_prefix(1);
  if (!t.empty() && t[0] == '|') return "pipe targets are not supported";
  if (!t.empty() && t[0] == '/') return "file targets are not supported";
  if (StartsWithIgnoreCase(t, ":include:")) return ":include: targets are not supported";
  return nullptr;
}

}  // namespace

Result<AliasFile> AliasFile::Open(const std::string& path) {
  Result<MappedFile> mapped = MappedFile::Open(path);
  if (!mapped.ok()) return mapped.error();
  AliasFile file;
  file.path_ = path;
  file.file_ = std::move(mapped).value();
  return file;
}

AliasFile AliasFile::Empty() { return AliasFile(); }

std::optional<std::vector<std::string>> AliasFile::Find(std::string_view name) const {
  std::optional<std::vector<std::string>> found;
  auto add = [&found](std::string_view t) {
    if (!Refusal(t)) found->emplace_back(t);
  };
  LineReader reader(file_.data());
  std::string_view line;
  while (reader.Next(&line)) {
    switch (Classify(line)) {
      case LineKind::kSkip:
        break;
      case LineKind::kContinuation:
        if (found) ForEachTarget(line, add);
        break;
      case LineKind::kStart: {
        if (found) return found;  // the first entry wins, as Problems() says
        size_t colon = FindColon(line);
        if (colon == std::string_view::npos) break;
        std::string_view key = Trim(line.substr(0, colon));
        if (key.empty() || !EqualsIgnoreCase(key, name)) break;
        found.emplace();
        ForEachTarget(line.substr(colon + 1), add);
        break;
      }
    }
  }
  return found;
}

std::vector<std::string> AliasFile::Problems() const {
  std::vector<std::string> out;
  std::map<std::string, size_t> seen;  // lower-case name -> first line
  LineReader reader(file_.data());
  auto where = [this, &reader] { return path_ + ":" + std::to_string(reader.number()) + ": "; };
  enum { kNone, kGood, kBad } entry = kNone;  // kBad: its continuations are not reported again
  size_t entry_line = 0;
  size_t targets = 0;
  auto check = [&](std::string_view t) {
    ++targets;
    if (const char* why = Refusal(t)) out.push_back(where() + std::string(t) + ": " + why);
  };
  auto finish = [&] {
    if (entry == kGood && targets == 0)
      out.push_back(path_ + ":" + std::to_string(entry_line) + ": no targets");
  };
  std::string_view line;
  while (reader.Next(&line)) {
    switch (Classify(line)) {
      case LineKind::kSkip:
        break;
      case LineKind::kContinuation:
        if (entry == kNone) out.push_back(where() + "continuation line without an entry");
        if (entry == kGood) ForEachTarget(line, check);
        break;
      case LineKind::kStart: {
        finish();
        entry = kBad;
        size_t colon = FindColon(line);
        if (colon == std::string_view::npos) {
          out.push_back(where() + "missing ':' after the name");
          break;
        }
        std::string_view key = Trim(line.substr(0, colon));
        if (key.empty()) {
          out.push_back(where() + "empty name");
          break;
        }
        entry = kGood;
        entry_line = reader.number();
        targets = 0;
        auto [it, fresh] = seen.emplace(AsciiLower(key), reader.number());
        if (!fresh) out.push_back(where() + "duplicate name, line " + std::to_string(it->second) + " wins");
        ForEachTarget(line.substr(colon + 1), check);
        break;
      }
    }
  }
  finish();
  return out;
}

}  // namespace posthorn
