// Directory and rename helpers for the queue and the Maildir code.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"

namespace posthorn {

// Every name in `dir` but "." and "..", unsorted.
Result<std::vector<std::string>> ListDir(const std::string& dir);
// The same, each name handed to `each` as readdir(3) gives it, with no
// string made for it: for directories of 100,000 names.
Status EachDirName(const std::string& dir, const std::function<void(std::string_view)>& each);

// mkdir(2) with exactly `mode` (umask and the sticky bit notwithstanding)
// when `dir` is missing; an existing directory is left as it is, so an
// admin's choice of mode stands. A new directory is fsynced into its parent.
Status MakeDir(const std::string& dir, mode_t mode);

// rename(2) that never replaces an existing `to` (EEXIST instead): names
// are unique, but if two ever collide one file must not overwrite the
// other. Falls back to link+unlink where RENAME_NOREPLACE is missing.
Status RenameNoReplace(const std::string& from, const std::string& to);

// Replaces `path` with `text` whole: `path`.new written, fsynced, renamed
// over it. Readers see the old file or the new one, never a mix; the new
// name reaches the disk with the file system's next commit.
Status ReplaceFile(const std::string& path, std::string_view text);

}  // namespace posthorn
