// Listing a Maildir folder's messages: the files of new/ and cur/, by their
// unique base name. Blocks on the disk: call it from a worker thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"

namespace posthorn::maildir {

// One string a file, as the folder's readers want it: a folder of
// 100,000 messages is listed on every first look at it.
struct FolderFile {
  std::string file;  // "new/NAME" or "cur/NAME"; NAME is base + ":2,FLAGS" in cur/

  std::string_view sub() const { return std::string_view(file).substr(0, 3); }
  std::string_view name() const { return std::string_view(file).substr(4); }
};

// Every message file in `dir`/new and `dir`/cur, sorted by base name
// (which begins with the delivery time, so oldest first). Names starting
// with '.' are skipped (the Maildir spec leaves them to other uses). A base
// listed twice (a reader renamed it while this listed) counts once: the
// cur/ name, else the one seen last. A missing new/ or cur/ is empty.
Result<std::vector<FolderFile>> ScanFolder(const std::string& dir);

// Where the message with unique base name `base` is now ("new/NAME" or
// "cur/NAME"), "" when it is gone: for a reader whose name for it went
// stale because another process renamed it to change its flags.
Result<std::string> LocateMessage(const std::string& dir, std::string_view base);

}  // namespace posthorn::maildir
