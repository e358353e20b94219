#include "common/maildir/scan.h"

#include <algorithm>
#include <cerrno>

#include "common/base/fs.h"
#include "common/maildir/flags.h"

namespace posthorn::maildir {

namespace {

// A file's place in the sort by base name. Most comparisons are settled
// by the first eight bytes as a number (a base begins with its delivery
// time); the whole base and then the listing order settle the rest, so
// that for one base the new/ entry sorts before the cur/ one.
struct Order {
  uint64_t head;
  std::string_view base;
  size_t index;

  bool operator<(const Order& o) const {
    if (head != o.head) return head < o.head;
    if (int c = base.compare(o.base); c != 0) return c < 0;
    return index < o.index;
  }
};

// The first eight bytes big-endian, zeros past the end: a name holds no
// NUL, so a shorter name that is a prefix of another still sorts first.
uint64_t Head(std::string_view s) {
  uint64_t h = 0;
  for (size_t i = 0; i < 8; ++i) h = (h << 8) | (i < s.size() ? static_cast<unsigned char>(s[i]) : 0);
  return h;
}

}  // namespace

Result<std::vector<FolderFile>> ScanFolder(const std::string& dir) {
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
  // Sorted through an index with each base found once, not once per
  // comparison: a folder may hold 100,000 files.
  std::vector<Order> order;
  order.reserve(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    std::string_view base = BaseName(files[i].name());
    order.push_back(Order{Head(base), base, i});
  }
  std::sort(order.begin(), order.end());
  // A base listed twice: the last of its run (cur/, or the one seen last).
  std::vector<FolderFile> out;
  out.reserve(files.size());
  for (size_t k = 0; k < order.size(); ++k) {
    if (k + 1 < order.size() && order[k + 1].base == order[k].base) continue;
    out.push_back(std::move(files[order[k].index]));
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
