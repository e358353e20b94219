#include "common/maildir/scan.h"

#include <algorithm>
#include <cerrno>

#include "common/base/fs.h"
#include "common/maildir/flags.h"

namespace posthorn::maildir {

Result<std::vector<FolderFile>> ScanFolder(const std::string& dir) {
  std::vector<FolderFile> files;
  for (const char* sub : {"new", "cur"}) {
    Result<std::vector<std::string>> names = ListDir(dir + "/" + sub);
    if (!names.ok()) {
      if (names.errnum() == ENOENT) continue;
      return names.error();
    }
    for (std::string& name : *names) {
      if (name.empty() || name[0] == '.') continue;
      files.push_back(FolderFile{sub, std::move(name)});
    }
  }
  // Stable: for one base, new/ entries come before cur/ ones, and the last
  // of a run is kept below.
  std::stable_sort(files.begin(), files.end(),
                   [](const FolderFile& a, const FolderFile& b) { return BaseName(a.name) < BaseName(b.name); });
  std::vector<FolderFile> out;
  out.reserve(files.size());
  for (FolderFile& f : files) {
    if (!out.empty() && BaseName(out.back().name) == BaseName(f.name)) {
      out.back() = std::move(f);
      continue;
    }
    out.push_back(std::move(f));
  }
  return out;
}

Result<std::string> LocateMessage(const std::string& dir, std::string_view base) {
  Result<std::vector<FolderFile>> files = ScanFolder(dir);
  if (!files.ok()) return files.error();
  for (const FolderFile& f : *files)
    if (BaseName(f.name) == base) return f.sub + "/" + f.name;
  return std::string();
}

}  // namespace posthorn::maildir
