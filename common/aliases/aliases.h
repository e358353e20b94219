// The aliases file, sendmail style (aliases(5)): `name: target, target`,
// continuation lines start with white space, `#` comments. A name is either
// a local part (`postmaster`, valid in every local domain) or a full
// address (`sales@example.org`); targets are addresses or bare local parts.
// Pipe, file and :include: targets are refused: Posthorn's users are
// virtual, and running commands from an alias is a privilege hazard.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/mapped_file.h"
#include "common/base/result.h"

namespace posthorn {

class AliasFile {
 public:
  static Result<AliasFile> Open(const std::string& path);
  // An empty table (no file configured or none present).
  static AliasFile Empty();

  // The targets of the entry whose name equals `name` (case-insensitive),
  // split on commas and trimmed; nullopt when there is no such entry.
  std::optional<std::vector<std::string>> Find(std::string_view name) const;

  // Every malformed line as "file:line: reason".
  std::vector<std::string> Problems() const;

 private:
  AliasFile() = default;
  std::string path_;
  MappedFile file_;
};

}  // namespace posthorn
