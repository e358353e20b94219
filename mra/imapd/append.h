// APPEND (RFC 3501 §6.3.11, RFC 4315 APPENDUID): a message from a client
// stored in a folder the way maildir.txt asks (tmp/, fsync, rename into
// cur/ with its flags, fsync cur/), then given its UID at once so the
// tagged OK can name it. Blocks on the disk: worker threads only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/result.h"
#include "common/maildir/flags.h"
#include "common/maildir/uidlist.h"

namespace posthorn::imapd {

struct Appended {
  uint32_t uidvalidity = 0;
  uint32_t uid = 0;
  std::string file;  // "cur/NAME"
};

// Stores `message` (as sent: CRLF line ends, which become LF on disk as
// mutt and mda write them; the ,W= size in the name counts them as CRLF
// again) in `dir` with `flags`, its modification time set to
// `internal_date` (INTERNALDATE), and numbers it in `uids`.
Result<Appended> AppendMessage(const std::string& dir, std::string_view message, const maildir::Flags& flags,
                               int64_t internal_date, maildir::UidList& uids);

}  // namespace posthorn::imapd
