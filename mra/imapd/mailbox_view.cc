#include "mra/imapd/mailbox_view.h"

#include <algorithm>

namespace posthorn::imapd {

MailboxView::MailboxView(std::vector<ViewMessage> messages) : messages_(std::move(messages)) {}

uint32_t MailboxView::SeqOf(uint32_t uid) const {
  auto it = std::lower_bound(messages_.begin(), messages_.end(), uid,
                             [](const ViewMessage& m, uint32_t u) { return m.uid < u; });
  if (it == messages_.end() || it->uid != uid) return 0;
  return static_cast<uint32_t>(it - messages_.begin()) + 1;
}

ViewChanges MailboxView::Apply(const std::vector<ViewMessage>& snapshot, bool allow_expunge) {
  ViewChanges changes;
  std::vector<ViewMessage> next;
  next.reserve(std::max(messages_.size(), snapshot.size()));
  std::vector<bool> changed;  // parallel to `next`
  size_t s = 0;
  uint32_t removed = 0;  // expunges announced so far, for renumbering
  for (size_t v = 0; v < messages_.size(); ++v) {
    const ViewMessage& old = messages_[v];
    // Snapshot entries below this UID and above the previous one were
    // numbered by another process after a scan of ours had missed their
    // files; they cannot be placed without breaking the ascending order
    // of sequence numbers and UIDs, so this session leaves them out (a new
    // SELECT shows them).
    while (s < snapshot.size() && snapshot[s].uid < old.uid) ++s;
    if (s < snapshot.size() && snapshot[s].uid == old.uid) {
      ViewMessage now = snapshot[s++];
      bool flags_differ = now.flags != old.flags;
      // \Recent is this session's to keep: later snapshots claim nothing.
      now.recent = now.recent || old.recent;
      // A message thought gone that shows up again was missed by a scan
      // (renamed while listed): it never left, and was never announced.
      next.push_back(std::move(now));
      changed.push_back(flags_differ);
      continue;
    }
    if (allow_expunge) {
      changes.expunged.push_back(static_cast<uint32_t>(v + 1) - removed);
      changes.expunged_uids.push_back(old.uid);
      ++removed;
    } else {
      ViewMessage ghost = old;
      ghost.gone = true;
      next.push_back(std::move(ghost));
      changed.push_back(false);
    }
  }
  uint32_t max = max_uid();
  size_t before = next.size();
  for (; s < snapshot.size(); ++s) {
    if (snapshot[s].uid <= max) continue;
    next.push_back(snapshot[s]);
    changed.push_back(false);
  }
  // Expunges lower the count by themselves; only arrivals need EXISTS.
  changes.exists_changed = next.size() > before;
  for (size_t i = 0; i < next.size(); ++i)
    if (changed[i]) changes.flags_changed.push_back(static_cast<uint32_t>(i + 1));
  messages_ = std::move(next);
  return changes;
}

void MailboxView::SetFlags(uint32_t seq, const maildir::Flags& flags, uint64_t modseq) {
  ViewMessage& m = messages_[seq - 1];
  m.flags = flags;
  m.modseq = modseq;
}

}  // namespace posthorn::imapd
