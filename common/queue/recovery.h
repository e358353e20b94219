// What QueueStore::Open() makes of files a crash left in the queue.
//
// A spare file in queue/msg/ (spare_files.h) is one of three things:
// empty (never used), incomplete (a message being received, never
// acknowledged) or complete: the message was fsynced, and perhaps
// acknowledged, but the rename to its ID did not reach the disk. Only
// the last is kept, renamed to its ID. Complete means: the header parses,
// the file is exactly as long as its size record says, and the crc record
// matches the content (checksum.h). The checksum is what tells a torn
// file from a whole one on a file system that may persist the length of
// a file before its data.
#pragma once

#include <string>

#include "common/base/result.h"

namespace posthorn::queue {

// The queue ID in the header of the file at `path`, "" if there is none
// (an empty file, or one cut off before the ID). For log lines only.
std::string IdInFile(const std::string& path);

// The queue ID of the complete queue file open on `fd`, or "" if it is
// not complete. Only read errors are errors.
Result<std::string> CompleteMessageId(int fd, const std::string& path);

// Renames each complete spare in `msg_dir` to its ID (unless that name is
// taken: then it was never acknowledged) and removes the rest, logging
// each message it keeps or drops; then fsyncs `msg_dir`.
Status RecoverSpares(const std::string& msg_dir);

}  // namespace posthorn::queue
