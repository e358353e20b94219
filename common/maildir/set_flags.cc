#include "common/maildir/set_flags.h"

#include <stdio.h>

#include <cerrno>

#include "common/maildir/scan.h"

namespace posthorn::maildir {

namespace {

// Where the message with `base` is now, "" when it is gone.
Result<std::string> Locate(const std::string& dir, std::string_view base) {
  Result<std::vector<FolderFile>> files = ScanFolder(dir);
  if (!files.ok()) return files.error();
  for (const FolderFile& f : *files)
    if (BaseName(f.name) == base) return f.sub + "/" + f.name;
  return std::string();
}

}  // namespace

Result<std::string> SetFlags(const std::string& dir, const std::string& file, const Flags& flags) {
  size_t slash = file.find('/');
  std::string_view name = std::string_view(file).substr(slash + 1);
  std::string target = "cur/" + NameWithFlags(name, flags);
  std::string from = file;
  // Two tries: the name we knew, then the name a listing finds; a third
  // rename race in between is reported as a temporary failure.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (from == target) return target;
    if (::rename((dir + "/" + from).c_str(), (dir + "/" + target).c_str()) == 0) return target;
    if (errno != ENOENT) return SysError("cannot rename " + dir + "/" + from, errno);
    Result<std::string> now = Locate(dir, BaseName(name));
    if (!now.ok()) return now.error();
    if (now->empty()) return Error{"message " + std::string(BaseName(name)) + " is gone", ENOENT};
    from = *now;
  }
  return Error{"message " + std::string(BaseName(name)) + " keeps being renamed", EAGAIN};
}

}  // namespace posthorn::maildir
