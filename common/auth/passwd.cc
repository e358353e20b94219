#include "common/auth/passwd.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <utility>

#include "common/base/strings.h"
#include "common/base/unique_fd.h"

namespace posthorn::auth {

namespace {

// Walks the mapping line by line. memchr keeps a scan of a 100k-line file
// cheap enough to do per lookup, which is what lets mda skip parsing.
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

// A line cut into its fields; `ok` false for blank and comment lines.
struct Fields {
  bool ok = false;
  bool has_colon = false;
  std::string_view address;
  std::string_view hash;  // scheme prefix still on
};

Fields Split(std::string_view line) {
  Fields f;
  size_t start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos || line[start] == '#') return f;
  f.ok = true;
  line.remove_prefix(start);
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return f;
  f.has_colon = true;
  f.address = Trim(line.substr(0, colon));
  std::string_view rest = line.substr(colon + 1);
  f.hash = Trim(rest.substr(0, rest.find(':')));
  return f;
}

// Dovecot writes `{SHA512-CRYPT}$6$...`; crypt(3) wants the bare hash.
std::string_view Scheme(std::string_view hash) {
  if (hash.empty() || hash[0] != '{') return {};
  size_t close = hash.find('}');
  if (close == std::string_view::npos) return {};
  return hash.substr(1, close - 1);
}

std::string_view StripScheme(std::string_view hash) {
  if (hash.empty() || hash[0] != '{') return hash;
  size_t close = hash.find('}');
  return close == std::string_view::npos ? hash : hash.substr(close + 1);
}

}  // namespace

Result<PasswdFile> PasswdFile::Open(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return SysError(path, errno);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return SysError(path, errno);
  if (!S_ISREG(st.st_mode)) return Error{path + ": not a regular file"};
  PasswdFile file;
  file.path_ = path;
  if (st.st_size == 0) return file;  // mmap refuses length 0; an empty table is fine
  // The mapping outlives the descriptor. Admins must replace the file by
  // rename (as passwd tools do), not rewrite it in place: a shrinking file
  // under a live mapping would raise SIGBUS.
  void* p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (p == MAP_FAILED) return SysError(path + ": mmap", errno);
  file.data_ = static_cast<const char*>(p);
  file.size_ = static_cast<size_t>(st.st_size);
  return file;
}

PasswdFile::PasswdFile(PasswdFile&& other) noexcept
    : path_(std::move(other.path_)),
      data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)) {}

PasswdFile& PasswdFile::operator=(PasswdFile&& other) noexcept {
  if (this != &other) {
    if (data_) ::munmap(const_cast<char*>(data_), size_);
    path_ = std::move(other.path_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

PasswdFile::~PasswdFile() {
  if (data_) ::munmap(const_cast<char*>(data_), size_);
}

std::optional<PasswdFile::Entry> PasswdFile::Find(std::string_view address) const {
  LineReader reader(data_, size_);
  std::string_view line;
  while (reader.Next(&line)) {
    // Cheap reject before splitting: most lines are other users.
    if (line.size() <= address.size()) continue;
    Fields f = Split(line);
    if (!f.has_colon || f.address.empty() || !EqualsIgnoreCase(f.address, address)) continue;
    // The first entry wins; Problems() reports the later ones.
    return Entry{std::string(f.address), std::string(StripScheme(f.hash))};
  }
  return std::nullopt;
}

std::vector<std::string> PasswdFile::Problems() const {
  std::vector<std::string> out;
  std::map<std::string, size_t> seen;  // lower-case address -> first line
  LineReader reader(data_, size_);
  std::string_view line;
  while (reader.Next(&line)) {
    Fields f = Split(line);
    if (!f.ok) continue;
    std::string where = path_ + ":" + std::to_string(reader.number()) + ": ";
    if (!f.has_colon) {
      out.push_back(where + "missing ':' between address and hash");
    } else if (f.address.empty()) {
      out.push_back(where + "empty address");
    } else if (StripScheme(f.hash).empty()) {
      out.push_back(where + "empty hash");
    } else {
      std::string_view scheme = Scheme(f.hash);
      // Dovecot's {PLAIN} and friends are not crypt(3) hashes: such a line
      // would never let anyone in, so say so rather than fail silently.
      if (!scheme.empty() && !(scheme.size() >= 5 && EqualsIgnoreCase(scheme.substr(scheme.size() - 5), "CRYPT")))
        out.push_back(where + "scheme {" + std::string(scheme) + "} is not a crypt(3) scheme");
      auto [it, fresh] = seen.emplace(AsciiLower(f.address), reader.number());
      if (!fresh) out.push_back(where + "duplicate address, line " + std::to_string(it->second) + " wins");
    }
  }
  return out;
}

}  // namespace posthorn::auth
