// What a session holds while a folder is selected (RFC 3501 §3.3): the
// folder's shared state and the session's view of it. Shared with the
// worker that takes the folder's next look, which is why sessions hold it
// by shared_ptr: a client gone meanwhile leaves the worker a live object.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "common/base/result.h"
#include "common/imap/sequence_set.h"
#include "common/maildir/keywords.h"
#include "mra/imapd/folder_state.h"
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
  // What the server knows of the folder, shared with every session that
  // has it open: hold Lock() while using it (keywords(), cache()).
  std::shared_ptr<FolderState> state;
  MailboxView view;
  uint32_t uidvalidity = 0;
  uint32_t next_uid = 1;
  // The folder keeps modseqs (it has a cache; not when the cache cannot be
  // kept, when it is read-only on disk, say, which costs only speed), and
  // the highest as of this session's last look: both readable on the loop.
  bool modseqs = false;
  uint64_t highest = 0;
  // SELECT's UNSEEN: the first message without \Seen when opened, 0 if none.
  uint32_t first_unseen = 0;
  // Set by the session as the client enables extensions.
  Reporting reporting;

  // `reporting` as far as this folder can honour it.
  Reporting Reports() const { return modseqs ? reporting : Reporting{}; }

  std::unique_lock<std::recursive_mutex> Lock() const { return state->Lock(); }
  // Under Lock().
  maildir::KeywordMap& keywords() const { return state->keywords(); }
  MessageCache* cache() const { return modseqs ? state->cache() : nullptr; }
  // The cache could not be written: the folder goes on without it.
  void DropCache();

  // Opens the folder of `state` and takes a first look (claiming new mail
  // unless read-only). Blocks: worker threads only.
  static Result<SelectedFolder> Open(std::shared_ptr<FolderState> state, std::string name, bool read_only);

  // A new look applied to the view: the untagged responses it calls
  // for. Blocks: worker threads only.
  Result<std::string> Update(bool allow_expunge);

  // The folder's HIGHESTMODSEQ (RFC 7162), 0 when it keeps none (then
  // SELECT says NOMODSEQ).
  // As SELECT and EXPUNGE report it: RFC 7162's mod-sequence-value is at
  // least 1, so a folder that never changed says 1.
  uint64_t highest_modseq() const { return modseqs ? std::max<uint64_t>(highest, 1) : 0; }

  // A flag change this session made to message `seq`: a new modseq,
  // recorded, and the view updated. Blocks: worker threads only.
  void RecordFlags(uint32_t seq, const maildir::Flags& flags, const std::string& file);

  // Removes the files of the messages flagged \Deleted (EXPUNGE, CLOSE),
  // only those with UIDs in `uids` when given (UID EXPUNGE). Blocks:
  // worker threads only.
  Status RemoveDeleted(const imap::SequenceSet* uids = nullptr);

 private:
  // `modseqs` and `highest` as the state now has them. Under Lock().
  void NoteModseqs();
};

// The untagged responses announcing `changes` in `view`.
std::string UntaggedFor(const ViewChanges& changes, const MailboxView& view,
                        const std::vector<std::string>& keywords, Reporting reporting);
// " MODSEQ (n)" for a FETCH response about `m`, when `reporting` asks.
std::string ModseqItem(const ViewMessage& m, Reporting reporting);

}  // namespace posthorn::imapd
