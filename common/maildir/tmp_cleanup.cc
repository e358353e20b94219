#include "common/maildir/tmp_cleanup.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

#include "common/base/unique_fd.h"

namespace posthorn::maildir {

int CleanStaleTmp(const std::string& maildir, time_t now) {
  std::string tmp = maildir + "/tmp";
  UniqueFd dir_fd(::open(tmp.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd.valid()) return 0;
  struct stat st;
  if (::fstat(dir_fd.get(), &st) != 0 || st.st_atime > now - kScanInterval) return 0;

  // Stamp first: of concurrent deliverers, only one does the scan.
  struct timespec times[2] = {{now, 0}, {0, UTIME_OMIT}};
  ::futimens(dir_fd.get(), times);

  int scan_fd = ::dup(dir_fd.get());
  if (scan_fd < 0) return 0;
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::fdopendir(scan_fd), ::closedir);
  if (!dir) {
    ::close(scan_fd);
    return 0;
  }
  int removed = 0;
  while (struct dirent* e = ::readdir(dir.get())) {
    if (e->d_name[0] == '.') continue;
    struct stat fst;
    if (::fstatat(dir_fd.get(), e->d_name, &fst, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (!S_ISREG(fst.st_mode)) continue;
    // ctime too: a writer that is still appending keeps both fresh.
    if (fst.st_mtime > now - kStaleTmpAge || fst.st_ctime > now - kStaleTmpAge) continue;
    if (::unlinkat(dir_fd.get(), e->d_name, 0) == 0) ++removed;
  }
  return removed;
}

}  // namespace posthorn::maildir
