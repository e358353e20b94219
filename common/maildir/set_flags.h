// Changing a message's flags in a Maildir: renaming its file to
// base:2,FLAGS in cur/ (maildir.txt: "a reader changes the info by
// renaming"). Blocks on the disk: worker threads only.
#pragma once

#include <string>

#include "common/base/result.h"
#include "common/maildir/flags.h"

namespace posthorn::maildir {

// Renames the message last seen as `dir`/`file` ("new/NAME" or "cur/NAME")
// to carry `flags`, moving it to cur/. If another process renamed it since,
// it is found again by its base name. Returns its new "cur/NAME"; ENOENT
// when the message is gone (expunged).
Result<std::string> SetFlags(const std::string& dir, const std::string& file, const Flags& flags);

}  // namespace posthorn::maildir
