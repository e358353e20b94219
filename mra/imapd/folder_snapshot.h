// A fresh look at a Maildir folder for imapd: its files, numbered through
// the uidlist (posthorn-uidlist(5)), as the snapshot MailboxView::Apply()
// takes. Blocks on the disk and the uidlist lock: worker threads only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "common/maildir/uidlist.h"
#include "mra/imapd/mailbox_view.h"

namespace posthorn::imapd {

struct FolderSnapshot {
  uint32_t uidvalidity = 0;
  uint32_t next_uid = 1;            // UIDNEXT
  bool uidvalidity_changed = false;  // every UID known before is void
  std::vector<ViewMessage> messages;  // ascending by UID
  // The UIDs that are \Recent for the caller (claimed or peeked at).
  std::vector<uint32_t> recent;
};

struct SnapshotOptions {
  // Move messages from new/ to cur/ (SELECT, not EXAMINE or STATUS); the
  // ones moved are \Recent in this snapshot (RFC 3501 §2.3.2: exactly one
  // session sees a message as recent, the one that moved it).
  bool claim_new = false;
  // Without claiming, still show messages in new/ as \Recent (EXAMINE:
  // §6.3.2 keeps it from taking \Recent away, not from seeing it).
  bool peek_new = false;
  // The messages the caller saw last: one missing from a listing is
  // listed again before it counts as gone, since a listing can miss a file
  // that another process renames at that moment.
  const std::vector<ViewMessage>* expected = nullptr;
};

Result<FolderSnapshot> TakeSnapshot(const std::string& dir, maildir::UidList& uids, const SnapshotOptions& options);

}  // namespace posthorn::imapd
