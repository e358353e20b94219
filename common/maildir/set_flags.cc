#include "common/maildir/set_flags.h"

#include <stdio.h>

#include <cerrno>

#include "common/maildir/scan.h"

namespace posthorn::maildir {

Result<FlagsSet> ChangeFlags(const std::string& dir, const std::string& file,
                             const std::function<Flags(const Flags&)>& change) {
  std::string from = file;
  // Two tries: the name we knew, then the name a listing finds; a third
  // rename race in between is reported as a temporary failure.
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::string_view name = std::string_view(from).substr(from.find('/') + 1);
    Flags now = Flags::FromName(name);
    Flags next = change(now);
    std::string target = "cur/" + NameWithFlags(name, next);
    if (from == target) return FlagsSet{target, next};
    if (::rename((dir + "/" + from).c_str(), (dir + "/" + target).c_str()) == 0) return FlagsSet{target, next};
    if (errno != ENOENT) return SysError("cannot rename " + dir + "/" + from, errno);
    Result<std::string> located = LocateMessage(dir, BaseName(name));
    if (!located.ok()) return located.error();
    if (located->empty()) return Error{"message " + std::string(BaseName(name)) + " is gone", ENOENT};
    from = *located;
  }
  std::string_view name = std::string_view(file).substr(file.find('/') + 1);
  return Error{"message " + std::string(BaseName(name)) + " keeps being renamed", EAGAIN};
}

Result<std::string> SetFlags(const std::string& dir, const std::string& file, const Flags& flags) {
  Result<FlagsSet> set = ChangeFlags(dir, file, [&flags](const Flags&) { return flags; });
  if (!set.ok()) return set.error();
  return set->file;
}

}  // namespace posthorn::maildir
