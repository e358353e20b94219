// The Maildir++ layout of DESIGN.md contract 3: the INBOX is the Maildir
// itself; folder `Name` lives in `<maildir>/.Name`, sub-folders use `.` as
// the separator (`.Lists.debian`), and each folder holds an empty
// `maildirfolder` file so deliverers know it is a folder, not a Maildir.
#pragma once

#include <string>
#include <string_view>

#include "common/base/result.h"

namespace posthorn::maildir {

// Folders every new Maildir gets (IMAP SPECIAL-USE: \Sent \Drafts \Junk
// \Trash).
inline constexpr std::string_view kSpecialFolders[] = {"Sent", "Drafts", "Junk", "Trash"};
inline constexpr size_t kMaxFolderName = 255;

// Why `name` cannot be a folder name, or "" if it can. Refused: empty
// components (leading, trailing or doubled `.`), `/`, a component that
// starts with `~`, control bytes and
// DEL, names longer than kMaxFolderName. This is what keeps a folder name
// from reaching outside the Maildir.
std::string CheckFolderName(std::string_view name);

// The directory of folder `name` in `maildir`; "" or "INBOX" (any case) is
// the Maildir itself.
Result<std::string> FolderPath(const std::string& maildir, std::string_view name);

// Makes `dir` a Maildir (tmp/ new/ cur/, mode 0700), creating missing
// parents. With `marker` it also writes `maildirfolder`. Existing pieces
// are left as they are; every new directory is fsynced into its parent.
Status CreateMaildirDirs(const std::string& dir, bool marker);

// Creates the user's Maildir at `maildir` with the special folders.
Status CreateMaildir(const std::string& maildir);

// True when `dir` has tmp/, new/ and cur/.
bool IsMaildir(const std::string& dir);

}  // namespace posthorn::maildir
