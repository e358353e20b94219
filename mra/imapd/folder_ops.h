// CREATE, DELETE and RENAME (RFC 3501 §6.3.3-5) on a Maildir++ tree. Names
// are as on the wire and already checked as modified UTF-7 by the caller;
// here they must also be folder names (maildir::CheckFolderName), which
// keeps them inside the Maildir. Errors carry an errno that says which
// response code fits: EEXIST [ALREADYEXISTS], ENOENT [NONEXISTENT], EINVAL
// or EPERM [CANNOT]; anything else is the server's trouble. Block on the
// disk: worker threads only.
#pragma once

#include <string>
#include <string_view>

#include "common/base/result.h"

namespace posthorn::imapd {

// A trailing separator ("Lists.") declares a parent-to-be and is dropped.
Status CreateFolder(const std::string& maildir, std::string_view name);

// Removes the folder and its messages; its children stay (they are
// folders of their own in Maildir++). The directory is first renamed out
// of sight, so no client ever sees it half removed.
Status DeleteFolder(const std::string& maildir, std::string_view name);

// Renames the folder and its children. Renaming INBOX moves its messages
// to a new folder and leaves INBOX empty, as RFC 3501 §6.3.5 requires.
Status RenameFolder(const std::string& maildir, std::string_view from, std::string_view to);

}  // namespace posthorn::imapd
