// The passwd file of DESIGN.md contract 2: `address:hash` lines, where hash
// is any crypt(3) hash libxcrypt verifies. Lookups scan a read-only mapping
// of the file, so a program that needs one user (mda) never parses the
// whole file, and a daemon can reopen it on SIGHUP.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/mapped_file.h"
#include "common/base/result.h"

namespace posthorn::auth {

class PasswdFile {
 public:
  // Maps `path`. A missing or unreadable file is an error.
  static Result<PasswdFile> Open(const std::string& path);

  struct Entry {
    std::string address;  // as written in the file
    std::string hash;     // `{SCHEME}` prefixes (Dovecot style) removed
  };
  // The entry for `address` (compared case-insensitively); fields after the
  // hash (Dovecot's uid:gid:home...) are ignored. Blank and `#` lines skip.
  std::optional<Entry> Find(std::string_view address) const;

  // Every malformed line as "file:line: reason", for daemons to report.
  std::vector<std::string> Problems() const;

  const std::string& path() const { return path_; }

 private:
  PasswdFile() = default;
  std::string path_;
  MappedFile file_;
};

}  // namespace posthorn::auth
