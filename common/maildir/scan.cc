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
    files.reserve(files.size() + names->size());
    for (std::string& name : *names) {
      if (name.empty() || name[0] == '.') continue;
      files.push_back(FolderFile{sub, std::move(name)});
    }
  }
  // Sorted by base through an index with each base found once, not once
  // per comparison: a folder may hold 100,000 files. Stable: for one base,
  // new/ entries come before cur/ ones, and the last of a run is kept.
  std::vector<std::pair<std::string_view, size_t>> order;
  order.reserve(files.size());
  for (size_t i = 0; i < files.size(); ++i) order.emplace_back(BaseName(files[i].name), i);
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<FolderFile> out;
  out.reserve(files.size());
  for (size_t k = 0; k < order.size(); ++k) {
    if (k + 1 < order.size() && order[k + 1].first == order[k].first) continue;
    out.push_back(std::move(files[order[k].second]));
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
