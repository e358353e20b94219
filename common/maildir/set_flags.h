// Changing a message's flags in a Maildir: renaming its file to
// base:2,FLAGS in cur/ (maildir.txt: "a reader changes the info by
// renaming"). Blocks on the disk: worker threads only.
#pragma once

#include <functional>
#include <string>

#include "common/base/result.h"
#include "common/maildir/flags.h"

namespace posthorn::maildir {

struct FlagsSet {
  std::string file;  // "cur/NAME" now
  Flags flags;       // what the name carries now
};

// Renames the message last seen as `dir`/`file` ("new/NAME" or "cur/NAME")
// to carry `change` applied to the flags its name has (so a flag another
// process set meanwhile is kept), moving it to cur/. If another process
// renamed it since, it is found again by its base name. ENOENT when the
// message is gone (expunged).
Result<FlagsSet> ChangeFlags(const std::string& dir, const std::string& file,
                             const std::function<Flags(const Flags&)>& change);

// ChangeFlags to exactly `flags`; returns the new "cur/NAME".
Result<std::string> SetFlags(const std::string& dir, const std::string& file, const Flags& flags);

}  // namespace posthorn::maildir
