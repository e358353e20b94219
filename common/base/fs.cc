#include "common/base/fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "common/base/io.h"
#include "common/base/unique_fd.h"
#include "common/maildir/sync.h"

namespace posthorn {

Result<std::vector<std::string>> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  Status s = EachDirName(dir, [&](std::string_view name) { names.emplace_back(name); });
  if (!s.ok()) return s.error();
  return names;
}

Status EachDirName(const std::string& dir, const std::function<void(std::string_view)>& each) {
  std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
  if (!d) return SysError("cannot open " + dir, errno);
  while (true) {
    errno = 0;
    struct dirent* e = ::readdir(d.get());
    if (e == nullptr) break;
    std::string_view name = e->d_name;
    if (name != "." && name != "..") each(name);
  }
  if (errno != 0) return SysError("cannot read " + dir, errno);
  return Status::Ok();
}

Status MakeDir(const std::string& dir, mode_t mode) {
  if (::mkdir(dir.c_str(), mode) == 0) {
    if (::chmod(dir.c_str(), mode) != 0) return SysError("cannot chmod " + dir, errno);
    // The new name must survive a crash too, or messages committed into
    // the directory could vanish with it.
    size_t slash = dir.find_last_of('/');
    std::string parent = slash == std::string::npos ? "." : slash == 0 ? "/" : dir.substr(0, slash);
    return maildir::SyncDir(parent);
  }
  if (errno != EEXIST) return SysError("cannot create " + dir, errno);
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) return SysError("cannot stat " + dir, errno);
  if (!S_ISDIR(st.st_mode)) return Error{dir + " exists and is not a directory", ENOTDIR};
  return Status::Ok();
}

Status RenameNoReplace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return Status::Ok();
  if ((errno != EINVAL && errno != ENOSYS) || ::link(from.c_str(), to.c_str()) != 0)
    return SysError("cannot rename " + from + " to " + to, errno);
  ::unlink(from.c_str());
  return Status::Ok();
}

Status ReplaceFile(const std::string& path, std::string_view text) {
  std::string tmp = path + ".new";
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd.valid()) return SysError("cannot create " + tmp, errno);
  if (!WriteAll(fd.get(), text)) return SysError("cannot write " + tmp, errno);
  if (::fsync(fd.get()) != 0) return SysError("cannot fsync " + tmp, errno);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return SysError("cannot rename " + tmp, errno);
  return Status::Ok();
}

}  // namespace posthorn
