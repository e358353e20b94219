#include "common/aliases/aliases.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <utility>

#include "common/base/strings.h"
#include "common/base/unique_fd.h"

namespace posthorn {

namespace {

// Walks the mapping line by line with memchr; lookups scan the file each
// time instead of keeping a parsed copy, so a reopen is just a new mapping.
class LineReader {
 public:
  LineReader(const char* data, size_t size) : p_(data), end_(data + size) {}

  // The next line without its "\n" or "\r\n"; false at the end.
  bool Next(std::string_view* line) {
    if (p_ == end_) return false;
    const char* nl = static_cast<const char*>(std::memchr(p_, '\n', static_cast<size_t>(end_ - p_)));
    const char* stop = nl ? nl : end_;
    *line = std::string_view(p_, static_cast<size_t>(stop - p_));
    if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
    p_ = nl ? nl + 1 : end_;
    ++number_;
    return true;
  }
  size_t number() const { return number_; }

 private:
  const char* p_;
  const char* end_;
  size_t number_ = 0;
};

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
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return SysError(path, errno);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return SysError(path, errno);
  if (!S_ISREG(st.st_mode)) return Error{path + ": not a regular file"};
  AliasFile file;
  file.path_ = path;
  if (st.st_size == 0) return file;  // mmap refuses length 0; an empty table is fine
  // Replace the file by rename, never rewrite it in place: a file that
  // shrinks under a live mapping raises SIGBUS.
  void* p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (p == MAP_FAILED) return SysError(path + ": mmap", errno);
  file.data_ = static_cast<const char*>(p);
  file.size_ = static_cast<size_t>(st.st_size);
  return file;
}

AliasFile AliasFile::Empty() { return AliasFile(); }

AliasFile::AliasFile(AliasFile&& other) noexcept
    : path_(std::move(other.path_)),
      data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)) {}

AliasFile& AliasFile::operator=(AliasFile&& other) noexcept {
  if (this != &other) {
    if (data_) ::munmap(const_cast<char*>(data_), size_);
    path_ = std::move(other.path_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

AliasFile::~AliasFile() {
  if (data_) ::munmap(const_cast<char*>(data_), size_);
}

std::optional<std::vector<std::string>> AliasFile::Find(std::string_view name) const {
  std::optional<std::vector<std::string>> found;
  auto add = [&found](std::string_view t) {
    if (!Refusal(t)) found->emplace_back(t);
  };
  LineReader reader(data_, size_);
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
  LineReader reader(data_, size_);
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
