// Reading a message out of a Maildir folder by the name a reader last saw
// it under, when any other process may rename it meanwhile to change its
// flags (maildir.txt: "a reader changes the info by renaming"). Blocks on
// the disk: worker threads only.
#pragma once

#include <ctime>
#include <string>

#include "common/base/result.h"

namespace posthorn::maildir {

struct StoredMessage {
  std::string file;   // "new/NAME" or "cur/NAME": where it was read
  std::string bytes;  // as stored: LF line ends
  time_t mtime = 0;   // the file's modification time (IMAP's INTERNALDATE)
};

// Reads `dir`/`file`; when that name is stale, finds the message again by
// its base name. ENOENT when it is gone (expunged). With `header_only`,
// `bytes` ends after the header's blank line (or is the whole file when it
// has none): what ENVELOPE needs, at a fraction of the reading.
Result<StoredMessage> ReadMessage(const std::string& dir, const std::string& file, bool header_only = false);

}  // namespace posthorn::maildir
