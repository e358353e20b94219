// What a session holds while a folder is selected (RFC 3501 §3.3): its
// directory, its uidlist and keyword map, and the session's view of it.
// Shared with the worker that takes the folder's next snapshot, which is
// why sessions hold it by shared_ptr: a client gone meanwhile leaves the
// worker a live object.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include "common/base/result.h"
#include "common/imap/sequence_set.h"
#include "common/maildir/keywords.h"
#include "common/maildir/uidlist.h"
#include "mra/imapd/folder_snapshot.h"
#include "mra/imapd/mailbox_view.h"
#include "mra/imapd/message_cache.h"

namespace posthorn::imapd {

// What the client asked to hear about changes (RFC 7162): MODSEQ in every
// untagged FETCH once CONDSTORE is enabled, VANISHED in place of EXPUNGE
// once QRESYNC is. Neither when the folder keeps no modseqs (NOMODSEQ).
struct Reporting {
  bool modseq = false;
  bool vanished = false;
};

struct SelectedFolder {
  std::string name;  // as the client named it
  std::string dir;
  bool read_only = false;  // EXAMINE
  maildir::UidList uids;
  maildir::KeywordMap keywords;
  MailboxView view;
  uint32_t uidvalidity = 0;
  uint32_t next_uid = 1;
  // What earlier reads of the files learnt; none when it cannot be kept
  // (the folder is read-only on disk, say), which costs only speed.
  std::optional<MessageCache> cache;
  // Set by the session as the client enables extensions.
  Reporting reporting;

  // `reporting` as far as this folder can honour it.
  Reporting Reports() const { return cache ? reporting : Reporting{}; }

  // Opens `dir` and takes its first snapshot (claiming new mail unless
  // read-only). Blocks: worker threads only.
  static Result<SelectedFolder> Open(std::string name, std::string dir, bool read_only);

  // A new snapshot applied to the view: the untagged responses it calls
  // for. Blocks: worker threads only.
  Result<std::string> Update(bool allow_expunge);

  // The folder's HIGHESTMODSEQ (RFC 7162), 0 when it has no cache (then
  // SELECT says NOMODSEQ).
  // As SELECT and EXPUNGE report it: RFC 7162's mod-sequence-value is at
  // least 1, so a folder that never changed says 1.
  uint64_t highest_modseq() const { return cache ? std::max<uint64_t>(cache->highest_modseq(), 1) : 0; }

  // Gives the messages of a snapshot their modseqs and records what the
  // cache must remember (see selected_folder.cc). Blocks: worker threads.
  void AssignModseqs(std::vector<ViewMessage>& messages);
  // A flag change this session made to message `seq`: a new modseq,
  // recorded, and the view updated. Blocks: worker threads only.
  void RecordFlags(uint32_t seq, const maildir::Flags& flags, const std::string& file);

  // Removes the files of the messages flagged \Deleted (EXPUNGE, CLOSE),
  // only those with UIDs in `uids` when given (UID EXPUNGE). Blocks:
  // worker threads only.
  Status RemoveDeleted(const imap::SequenceSet* uids = nullptr);
};

// The untagged responses announcing `changes` in `view`.
std::string UntaggedFor(const ViewChanges& changes, const MailboxView& view,
                        const std::vector<std::string>& keywords, Reporting reporting);
// " MODSEQ (n)" for a FETCH response about `m`, when `reporting` asks.
std::string ModseqItem(const ViewMessage& m, Reporting reporting);

}  // namespace posthorn::imapd
