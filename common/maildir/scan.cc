#include "common/maildir/scan.h"

#include <algorithm>
#include <cerrno>

#include "common/base/fs.h"
#include "common/maildir/flags.h"

namespace posthorn::maildir {

namespace {

// The first eight bytes big-endian, zeros past the end: a name holds no
// NUL, so a shorter name that is a prefix of another still sorts first.
uint64_t Head(std::string_view s) {
  uint64_t h = 0;
  for (size_t i = 0; i < 8; ++i) h = (h << 8) | (i < s.size() ? static_cast<unsigned char>(s[i]) : 0);
  return h;
}

// The files of new/ and cur/, as listed.
Result<std::vector<FolderFile>> ListFiles(const std::string& dir) {
  std::vector<FolderFile> files;
  for (std::string_view sub : {"new", "cur"}) {
    Status listed = EachDirName(dir + "/" + std::string(sub), [&](std::string_view name) {
      if (name.empty() || name[0] == '.') return;
      FolderFile& f = files.emplace_back();
      f.file.reserve(sub.size() + 1 + name.size());
      f.file.append(sub).append(1, '/').append(name);
    });
    if (!listed.ok() && listed.errnum() != ENOENT) return listed.error();
  }
  return files;
}

// Positions in `bases` in the order of the bases, then of the positions
// (so that for one base the new/ entry comes first). Sorted by the first
// eight bytes as a number, which begin with the delivery time and settle
// nearly every comparison; only runs alike there are compared whole. A
// folder may hold 100,000 files.
std::vector<uint32_t> OrderOf(const std::vector<std::string_view>& bases) {
  std::vector<std::pair<uint64_t, uint32_t>> order;  // head, position
  order.reserve(bases.size());
  for (size_t i = 0; i < bases.size(); ++i) order.emplace_back(Head(bases[i]), static_cast<uint32_t>(i));
  std::sort(order.begin(), order.end());
  auto by_base = [&](const auto& a, const auto& b) {
    int c = bases[a.second].compare(bases[b.second]);
    return c != 0 ? c < 0 : a.second < b.second;
  };
  for (size_t k = 0; k < order.size();) {
    size_t end = k + 1;
    while (end < order.size() && order[end].first == order[k].first) ++end;
    if (end - k > 1) std::sort(order.begin() + k, order.begin() + end, by_base);
    k = end;
  }
  std::vector<uint32_t> out;
  out.reserve(order.size());
  for (const auto& [head, i] : order) out.push_back(i);
  return out;
}

}  // namespace

Result<std::vector<FolderFile>> ScanFolder(const std::string& dir) {
  Result<std::vector<FolderFile>> files = ListFiles(dir);
  if (!files.ok()) return files.error();
  std::vector<std::string_view> bases;
  bases.reserve(files->size());
  for (const FolderFile& f : *files) bases.push_back(BaseName(f.name()));
  std::vector<uint32_t> order = OrderOf(bases);
  // A base listed twice: the last of its run (cur/, or the one seen last).
  std::vector<FolderFile> out;
  out.reserve(order.size());
  for (size_t k = 0; k < order.size(); ++k) {
    if (k + 1 < order.size() && bases[order[k + 1]] == bases[order[k]]) continue;
    out.push_back(std::move((*files)[order[k]]));
  }
  return out;
}

Result<std::string> LocateMessage(const std::string& dir, std::string_view base) {
  Result<std::vector<FolderFile>> files = ScanFolder(dir);
  if (!files.ok()) return files.error();
  for (const FolderFile& f : *files)
    if (BaseName(f.name()) == base) return f.file;
  return std::string();
}

}  // namespace posthorn::maildir
