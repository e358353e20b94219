// COPY and MOVE (RFC 3501 §6.4.7, RFC 6851) between Maildir folders, with
// the UIDs the copies got for COPYUID (RFC 4315).
//
// A Maildir message never changes once written, so a copy is a hard link
// under a new unique name (what Dovecot does too): no bytes move, and the
// copy keeps its INTERNALDATE. A move is a rename. Across file systems,
// where neither works, the bytes are copied the way APPEND stores them.
// The flags go with the message; keywords are renamed into the target's
// letters, since each folder's keyword map is its own.
//
// Blocks on the disk and the target's uidlist lock: worker threads only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "mra/imapd/selected_folder.h"

namespace posthorn::imapd {

struct Copied {
  uint32_t uidvalidity = 0;          // the target's
  std::vector<uint32_t> source_uids;  // of the messages copied, ascending
  std::vector<uint32_t> target_uids;  // the copies', in the same order
  bool some_gone = false;             // messages whose files were gone
};

// Copies (or with `move`, moves) messages `seqs` of `from` into the folder
// of `to`, which must exist; both locked (FolderState::LockBoth). Copies
// are on disk before it returns, and \Recent for the next to look at `to`.
Result<Copied> CopyMessages(SelectedFolder& from, const std::vector<uint32_t>& seqs, FolderState& to, bool move);

}  // namespace posthorn::imapd
