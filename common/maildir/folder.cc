#include "common/maildir/folder.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/base/strings.h"
#include "common/base/unique_fd.h"
#include "common/maildir/sync.h"

namespace posthorn::maildir {

namespace {

// mkdir that counts an existing directory as success. `created` says
// whether this call made it (so the parent needs an fsync).
Status MakeDir(const std::string& path, bool* created) {
  *created = false;
  if (::mkdir(path.c_str(), 0700) == 0) {
    *created = true;
    return Status::Ok();
  }
  if (errno != EEXIST) return SysError("cannot create " + path, errno);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return Error{path + " exists and is not a directory", ENOTDIR};
  return Status::Ok();
}

std::string Parent(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// mkdir -p, fsyncing each parent that gained an entry.
Status MakeDirs(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::Ok();
    return Error{path + " exists and is not a directory", ENOTDIR};
  }
  std::string parent = Parent(path);
  if (parent != path) {
    if (Status s = MakeDirs(parent); !s.ok()) return s;
  }
  bool created = false;
  if (Status s = MakeDir(path, &created); !s.ok()) return s;
  return created ? SyncDir(parent) : Status::Ok();
}

}  // namespace

std::string CheckFolderName(std::string_view name) {
  if (name.empty()) return "empty folder name";
  if (name.size() > kMaxFolderName) return "folder name too long";
  if (name.front() == '.' || name.back() == '.') return "folder name starts or ends with '.'";
  if (name.find("..") != std::string_view::npos) return "folder name has an empty component";
  // Harmless inside the Maildir, but a home-directory name to every tool
  // and admin that might expand it (Dovecot refuses it too).
  if (name.front() == '~' || name.find(".~") != std::string_view::npos) return "folder name component starts with '~'";
  for (unsigned char c : name) {
    if (c == '/') return "folder name contains '/'";
    if (c < 0x20 || c == 0x7f) return "folder name contains a control character";
  }
  return "";
}

Result<std::string> FolderPath(const std::string& maildir, std::string_view name) {
  if (name.empty() || EqualsIgnoreCase(name, "INBOX")) return maildir;
  if (std::string why = CheckFolderName(name); !why.empty()) return Error{why};
  return maildir + "/." + std::string(name);
}

Status CreateMaildirDirs(const std::string& dir, bool marker) {
  if (Status s = MakeDirs(dir); !s.ok()) return s;
  bool any_created = false;
  for (const char* sub : {"/tmp", "/new", "/cur"}) {
    bool created = false;
    if (Status s = MakeDir(dir + sub, &created); !s.ok()) return s;
    any_created |= created;
  }
  if (marker) {
    std::string path = dir + "/maildirfolder";
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
    if (!fd.valid()) return SysError("cannot create " + path, errno);
    any_created = true;
  }
  return any_created ? SyncDir(dir) : Status::Ok();
}

Status CreateMaildir(const std::string& maildir) {
  if (Status s = CreateMaildirDirs(maildir, false); !s.ok()) return s;
  for (std::string_view folder : kSpecialFolders) {
    if (Status s = CreateMaildirDirs(maildir + "/." + std::string(folder), true); !s.ok()) return s;
  }
  return Status::Ok();
}

bool IsMaildir(const std::string& dir) {
  struct stat st;
  for (const char* sub : {"/tmp", "/new", "/cur"}) {
    if (::stat((dir + sub).c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return false;
  }
  return true;
}

}  // namespace posthorn::maildir
