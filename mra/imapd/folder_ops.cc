#include "mra/imapd/folder_ops.h"

#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <filesystem>

#include "common/base/fs.h"
#include "common/base/strings.h"
#include "common/maildir/folder.h"
#include "common/maildir/scan.h"
#include "common/maildir/sync.h"
#include "mra/imapd/mailbox_list.h"

namespace posthorn::imapd {

namespace {

bool IsInbox(std::string_view name) { return EqualsIgnoreCase(name, "INBOX"); }

// The directory of a folder other than INBOX, or an EINVAL error.
Result<std::string> DirOf(const std::string& maildir, std::string_view name) {
  if (IsInbox(name)) return Error{"INBOX has no folder directory", EINVAL};
  if (std::string why = maildir::CheckFolderName(name); !why.empty()) return Error{why, EINVAL};
  return maildir + "/." + std::string(name);
}

Error Missing(std::string_view name) { return Error{"no mailbox " + std::string(name), ENOENT}; }

// INBOX's messages into the new folder `to` (created), INBOX left empty.
Status MoveInbox(const std::string& maildir, const std::string& to_dir) {
  if (maildir::IsMaildir(to_dir)) return Error{"mailbox exists", EEXIST};
  if (Status s = maildir::CreateMaildirDirs(to_dir, true); !s.ok()) return s;
  Result<std::vector<maildir::FolderFile>> files = maildir::ScanFolder(maildir);
  if (!files.ok()) return files.error();
  for (const maildir::FolderFile& f : *files) {
    std::string from = maildir + "/" + f.file;
    std::string to = to_dir + "/" + f.file;
    // A message expunged or moved meanwhile is simply not there to move.
    if (::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT) return SysError("cannot move " + from, errno);
  }
  for (const char* sub : {"/new", "/cur"}) {
    if (Status s = maildir::SyncDir(to_dir + sub); !s.ok()) return s;
    if (Status s = maildir::SyncDir(maildir + sub); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

Status CreateFolder(const std::string& maildir, std::string_view name) {
  while (!name.empty() && name.back() == kSeparator) name.remove_suffix(1);
  if (IsInbox(name)) return Error{"INBOX always exists", EEXIST};
  Result<std::string> dir = DirOf(maildir, name);
  if (!dir.ok()) return dir.error();
  if (maildir::IsMaildir(*dir)) return Error{"mailbox exists", EEXIST};
  return maildir::CreateMaildirDirs(*dir, true);
}

Status DeleteFolder(const std::string& maildir, std::string_view name) {
  if (IsInbox(name)) return Error{"INBOX cannot be deleted", EPERM};
  Result<std::string> dir = DirOf(maildir, name);
  if (!dir.ok()) return dir.error();
  if (!maildir::IsMaildir(*dir)) return Missing(name);
  // "..name" is no folder name (an empty component), so LIST and SELECT
  // never see it while it is being removed, or after a crash cut that short.
  std::string hidden = maildir + "/.." + std::string(name) + "." + std::to_string(::getpid()) + "." +
                       std::to_string(::time(nullptr));
  if (::rename(dir->c_str(), hidden.c_str()) != 0) {
    if (errno == ENOENT) return Missing(name);
    return SysError("cannot delete " + *dir, errno);
  }
  if (Status s = maildir::SyncDir(maildir); !s.ok()) return s;
  std::error_code ec;
  std::filesystem::remove_all(hidden, ec);
  if (ec) return Error{"cannot remove " + hidden + ": " + ec.message(), ec.value()};
  return Status::Ok();
}

Status RenameFolder(const std::string& maildir, std::string_view from, std::string_view to) {
  while (!to.empty() && to.back() == kSeparator) to.remove_suffix(1);
  if (IsInbox(to)) return Error{"INBOX exists", EEXIST};
  Result<std::string> to_dir = DirOf(maildir, to);
  if (!to_dir.ok()) return to_dir.error();
  if (IsInbox(from)) return MoveInbox(maildir, *to_dir);
  Result<std::string> from_dir = DirOf(maildir, from);
  if (!from_dir.ok()) return from_dir.error();
  if (!maildir::IsMaildir(*from_dir)) return Missing(from);
  std::string prefix = std::string(from) + kSeparator;
  if (std::string(to).starts_with(prefix)) return Error{"cannot move a mailbox into itself", EINVAL};
  if (maildir::IsMaildir(*to_dir)) return Error{"mailbox exists", EEXIST};
  Result<std::vector<std::string>> names = ListFolderNames(maildir);
  if (!names.ok()) return names.error();
  // RFC 3501 §6.3.5: inferior names are renamed too.
  for (const std::string& n : *names) {
    if (!n.starts_with(prefix)) continue;
    std::string child_to = std::string(to) + n.substr(from.size());
    if (maildir::IsMaildir(maildir + "/." + child_to)) return Error{"mailbox " + child_to + " exists", EEXIST};
  }
  if (::rename(from_dir->c_str(), to_dir->c_str()) != 0) return SysError("cannot rename " + *from_dir, errno);
  for (const std::string& n : *names) {
    if (!n.starts_with(prefix)) continue;
    std::string a = maildir + "/." + n, b = maildir + "/." + std::string(to) + n.substr(from.size());
    if (::rename(a.c_str(), b.c_str()) != 0) return SysError("cannot rename " + a, errno);
  }
  return maildir::SyncDir(maildir);
}

}  // namespace posthorn::imapd
