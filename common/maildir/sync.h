// fsync helpers: a rename or create is durable only once its directory is.
#pragma once

#include <string>

#include "common/base/result.h"

namespace posthorn::maildir {

// Opens `dir` and fsyncs it.
Status SyncDir(const std::string& dir);

}  // namespace posthorn::maildir
