#include "common/auth/passwd.h"

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <utility>

#include "common/base/mapped_file.h"
#include "common/base/strings.h"

namespace posthorn::auth {

namespace {

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
  Result<MappedFile> mapped = MappedFile::Open(path);
  if (!mapped.ok()) return mapped.error();
  PasswdFile file;
  file.path_ = path;
  file.file_ = std::move(mapped).value();
  return file;
}

std::optional<PasswdFile::Entry> PasswdFile::Find(std::string_view address) const {
  LineReader reader(file_.data());
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
  LineReader reader(file_.data());
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
