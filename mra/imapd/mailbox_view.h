// One session's view of its selected folder: which message each sequence
// number means (RFC 3501 §2.3.1.2), and what the session must tell its
// client when a fresh look at the folder differs from what it last said.
//
// Other sessions, mda and mutt change the folder at any moment; the view
// changes only when Apply() is given a new snapshot, and Apply() says what
// changed as the untagged responses that announce it: EXPUNGE for messages
// gone, EXISTS when the count grew, FETCH FLAGS for messages whose flags
// changed. RFC 3501 §7.4.1 forbids EXPUNGE while a command that takes
// sequence numbers (FETCH, STORE, SEARCH) runs, since the client would
// renumber under it: with `allow_expunge` false, a vanished message stays
// in the view (with its last known flags) until a later Apply may drop it.
// Pure: no disk, so every interleaving can be tested.
//
// The messages are held by shared_ptr and never changed in place: every
// session with a large folder selected shares the one vector the folder's
// last look made (FolderState), and a view copies it only when it must
// differ (a STORE of its own, an expunge it may not announce yet). So
// SELECT and NOOP on a 100,000-message folder copy nothing. \Recent is
// the session's own (RFC 3501 §2.3.2), so it is kept beside, by UID.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/maildir/flags.h"

namespace posthorn::imapd {

struct ViewMessage {
  uint32_t uid = 0;
  std::string file;  // "new/NAME" or "cur/NAME" when last seen, in the folder
  maildir::Flags flags;
  uint64_t modseq = 0;  // RFC 7162: the last change to this message's flags
  bool gone = false;    // expunged elsewhere, not yet announced to the client

  bool operator==(const ViewMessage&) const = default;
  // The Maildir unique name: the file's name without its info. Not a
  // string of its own, which a folder of 100,000 would pay for.
  std::string_view base() const {
    return file.size() > 4 ? maildir::BaseName(std::string_view(file).substr(4)) : std::string_view();
  }
};

// What a new snapshot changed, in the order the client must hear it.
struct ViewChanges {
  // Sequence numbers to announce with `* n EXPUNGE`, each as the client
  // numbers at that point (so, as RFC 3501 §7.4.1 shows, the same number
  // may repeat: removing 3 twice removes the old 3 and 4).
  std::vector<uint32_t> expunged;
  // UIDs of those messages (for VANISHED under QRESYNC, RFC 7162 §3.2.10).
  std::vector<uint32_t> expunged_uids;
  bool exists_changed = false;  // announce `* n EXISTS` with the new count
  // Sequence numbers (after the expunges) whose flags changed.
  std::vector<uint32_t> flags_changed;

  bool empty() const { return expunged.empty() && !exists_changed && flags_changed.empty(); }
};

using Messages = std::shared_ptr<const std::vector<ViewMessage>>;

class MailboxView {
 public:
  // Messages in the folder, ascending by UID, as a snapshot gives them;
  // `recent`: the UIDs among them that are \Recent for this session.
  explicit MailboxView(std::vector<ViewMessage> messages = {}, std::vector<uint32_t> recent = {});
  MailboxView(Messages messages, std::vector<uint32_t> recent);

  uint32_t exists() const { return static_cast<uint32_t>(messages_->size()); }
  const std::vector<ViewMessage>& messages() const { return *messages_; }
  // Message `seq` (1-based); seq must be in 1..exists().
  const ViewMessage& at(uint32_t seq) const { return (*messages_)[seq - 1]; }
  // The sequence number of `uid`, or 0.
  uint32_t SeqOf(uint32_t uid) const;
  uint32_t max_uid() const { return messages_->empty() ? 0 : messages_->back().uid; }
  // \Recent for this session (RFC 3501 §2.3.2).
  bool recent(uint32_t uid) const;
  uint32_t recent_count() const { return static_cast<uint32_t>(recent_.size()); }

  // Brings the view to `snapshot` (ascending by UID; every UID in the view
  // that is missing from it is gone, every UID above max_uid() is new);
  // `recent`: UIDs in it that this session was the first to see.
  ViewChanges Apply(Messages snapshot, const std::vector<uint32_t>& recent, bool allow_expunge);
  ViewChanges Apply(std::vector<ViewMessage> snapshot, bool allow_expunge) {
    return Apply(std::make_shared<const std::vector<ViewMessage>>(std::move(snapshot)), {}, allow_expunge);
  }

  // Records flags this session set itself (STORE): the next Apply does
  // not report them as another's change.
  void SetFlags(uint32_t seq, const maildir::Flags& flags, uint64_t modseq);
  // Records the file's new name after this session renamed it.
  void SetFile(uint32_t seq, std::string file) { Own()[seq - 1].file = std::move(file); }

 private:
  // The messages, copied first if shared.
  std::vector<ViewMessage>& Own();
  // Apply()'s usual case: the view is the front of `snapshot`, UID for
  // UID, with nothing gone; then the view shares it.
  bool ApplyGrowth(const Messages& snapshot, ViewChanges* changes);
  void AddRecent(const std::vector<uint32_t>& uids);

  Messages messages_;
  // messages_ when this view made them itself (so may change them).
  std::shared_ptr<std::vector<ViewMessage>> own_;
  std::vector<uint32_t> recent_;  // ascending
};

}  // namespace posthorn::imapd
