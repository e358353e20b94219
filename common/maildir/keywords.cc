#include "common/maildir/keywords.h"

#include <fcntl.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/base/file_lock.h"
#include "common/base/fs.h"
#include "common/base/io.h"
#include "common/base/unique_fd.h"
#include "common/maildir/uidlist.h"

namespace posthorn::maildir {

namespace {

constexpr std::string_view kFirstLine = "posthorn-keywords 1";

bool EqualNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string CheckKeyword(std::string_view keyword) {
  if (keyword.empty()) return "empty keyword";
  if (keyword.size() > kMaxKeywordLength) return "keyword too long";
  if (keyword[0] == '\\') return "not a keyword but a system flag";
  for (char c : keyword) {
    auto u = static_cast<unsigned char>(c);
    // atom-specials: ( ) { SP CTL % * " \ ]
    if (u <= 0x20 || u >= 0x7f || std::string_view("(){%*\"\\]").find(c) != std::string_view::npos)
      return "bad character in keyword";
  }
  return "";
}

std::string KeywordMap::path() const { return dir_ + "/" + std::string(kKeywordsName); }

Result<KeywordMap> KeywordMap::Open(const std::string& dir) {
  KeywordMap map(dir);
  if (Status s = map.Load(); !s.ok()) return s.error();
  return map;
}

Status KeywordMap::Load() {
  std::string text;
  Status read = ReadOwnFile(path(), &text);
  names_.clear();
  inode_ = 0;
  if (!read.ok()) return read.errnum() == ENOENT ? Status::Ok() : read;
  size_t lf = text.find('\n');
  if (lf == std::string::npos || std::string_view(text).substr(0, lf) != kFirstLine)
    return Error{path() + ": not a posthorn-keywords 1 file"};
  for (size_t pos = lf + 1; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) return Error{path() + ": last line cut short"};
    std::string_view k = std::string_view(text).substr(pos, end - pos);
    if (std::string why = CheckKeyword(k); !why.empty()) return Error{path() + ": " + why};
    if (IndexOf(k)) return Error{path() + ": keyword listed twice"};
    if (names_.size() == kMaxKeywords) return Error{path() + ": more than 26 keywords"};
    names_.emplace_back(k);
    pos = end + 1;
  }
  struct stat st;
  if (::stat(path().c_str(), &st) == 0) inode_ = st.st_ino;
  return Status::Ok();
}

Status KeywordMap::Refresh() {
  struct stat st;
  if (::stat(path().c_str(), &st) != 0) return errno == ENOENT ? Status::Ok() : SysError("cannot stat " + path(), errno);
  return st.st_ino == inode_ ? Status::Ok() : Load();
}

std::optional<size_t> KeywordMap::IndexOf(std::string_view keyword) const {
  for (size_t i = 0; i < names_.size(); ++i)
    if (EqualNoCase(names_[i], keyword)) return i;
  return std::nullopt;
}

Result<uint32_t> KeywordMap::Define(const std::vector<std::string>& keywords) {
  for (const std::string& k : keywords)
    if (std::string why = CheckKeyword(k); !why.empty()) return Error{why + ": '" + k + "'"};
  auto bits = [&]() -> std::optional<uint32_t> {
    uint32_t out = 0;
    for (const std::string& k : keywords) {
      std::optional<size_t> i = IndexOf(k);
      if (!i) return std::nullopt;
      out |= 1u << *i;
    }
    return out;
  };
  if (std::optional<uint32_t> known = bits()) return *known;
  // The uidlist's lock guards the whole folder's metadata.
  Result<FileLock> lock = FileLock::Acquire(dir_ + "/" + std::string(kUidListName) + ".lock");
  if (!lock.ok()) return lock.error();
  if (Status s = Load(); !s.ok()) return s.error();
  std::vector<std::string> names = names_;
  for (const std::string& k : keywords) {
    if (IndexOf(k)) continue;
    bool dup = false;
    for (size_t i = names_.size(); i < names.size(); ++i) dup = dup || EqualNoCase(names[i], k);
    if (!dup) names.push_back(k);
  }
  if (names.size() > kMaxKeywords) return Error{"no room for more keywords in this folder (26 at most)", kNoKeywordRoom};
  std::string text = std::string(kFirstLine) + "\n";
  for (const std::string& n : names) text += n + "\n";
  if (Status s = ReplaceFile(path(), text); !s.ok()) return s.error();
  if (Status s = Load(); !s.ok()) return s.error();
  return *bits();
}

}  // namespace posthorn::maildir
