// APPEND (RFC 3501 §6.3.11, RFC 4315 APPENDUID): a message from a client
// stored in a folder the way maildir.txt asks (tmp/, fsync, rename into
// cur/ with its flags, fsync cur/), then given its UID at once so the
// tagged OK can name it. Blocks on the disk: worker threads only.
//
// Only the numbering holds the folder's lock: while a large message is
// written and synced, the folder's other sessions (and the disk workers
// their jobs take) go on.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/result.h"
#include "common/maildir/flags.h"
#include "mra/imapd/folder_state.h"

namespace posthorn::imapd {

struct Appended {
  uint32_t uidvalidity = 0;
  uint32_t uid = 0;
  std::string file;  // "cur/NAME"
};

// Stores `message` (as sent: CRLF line ends, which become LF on disk as
// mutt and mda write them; the ,W= size in the name counts them as CRLF
// again) in `dir` with `flags`, its modification time set to
// `internal_date` (INTERNALDATE), and numbers it through `to`, the
// folder's shared state (not locked by the caller), where it is \Recent
// for the next session to select the folder.
Result<Appended> AppendMessage(FolderState& to, std::string_view message, const maildir::Flags& flags,
                               int64_t internal_date);

}  // namespace posthorn::imapd
