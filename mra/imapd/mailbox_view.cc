#include "mra/imapd/mailbox_view.h"

#include <algorithm>

namespace posthorn::imapd {

MailboxView::MailboxView(std::vector<ViewMessage> messages, std::vector<uint32_t> recent)
    : own_(std::make_shared<std::vector<ViewMessage>>(std::move(messages))) {
  messages_ = own_;
  AddRecent(recent);
}

MailboxView::MailboxView(Messages messages, std::vector<uint32_t> recent) : messages_(std::move(messages)) {
  AddRecent(recent);
}

uint32_t MailboxView::SeqOf(uint32_t uid) const {
  auto it = std::lower_bound(messages_->begin(), messages_->end(), uid,
                             [](const ViewMessage& m, uint32_t u) { return m.uid < u; });
  if (it == messages_->end() || it->uid != uid) return 0;
  return static_cast<uint32_t>(it - messages_->begin()) + 1;
}

bool MailboxView::recent(uint32_t uid) const { return std::binary_search(recent_.begin(), recent_.end(), uid); }

void MailboxView::AddRecent(const std::vector<uint32_t>& uids) {
  if (uids.empty()) return;
  recent_.insert(recent_.end(), uids.begin(), uids.end());
  std::sort(recent_.begin(), recent_.end());
  recent_.erase(std::unique(recent_.begin(), recent_.end()), recent_.end());
}

std::vector<ViewMessage>& MailboxView::Own() {
  if (own_.get() != messages_.get()) {
    own_ = std::make_shared<std::vector<ViewMessage>>(*messages_);
    messages_ = own_;
  }
  return *own_;
}

bool MailboxView::ApplyGrowth(const Messages& snapshot, ViewChanges* changes) {
  const std::vector<ViewMessage>& old = *messages_;
  const std::vector<ViewMessage>& now = *snapshot;
  if (old.size() > now.size()) return false;
  for (size_t i = 0; i < old.size(); ++i)
    if (old[i].uid != now[i].uid || old[i].gone) return false;
  for (size_t i = 0; i < old.size(); ++i)
    if (old[i].flags != now[i].flags) changes->flags_changed.push_back(static_cast<uint32_t>(i + 1));
  changes->exists_changed = now.size() > old.size();
  messages_ = snapshot;
  own_.reset();
  return true;
}

ViewChanges MailboxView::Apply(Messages snapshot_ptr, const std::vector<uint32_t>& recent, bool allow_expunge) {
  ViewChanges changes;
  AddRecent(recent);
  if (snapshot_ptr.get() == messages_.get()) return changes;
  if (ApplyGrowth(snapshot_ptr, &changes)) return changes;
  const std::vector<ViewMessage>& snapshot = *snapshot_ptr;
  const std::vector<ViewMessage>& messages = *messages_;
  auto next = std::make_shared<std::vector<ViewMessage>>();
  next->reserve(std::max(messages.size(), snapshot.size()));
  std::vector<bool> changed;  // parallel to `next`
  size_t s = 0;
  uint32_t removed = 0;  // expunges announced so far, for renumbering
  bool kept_ghost = false, left_out = false;
  for (size_t v = 0; v < messages.size(); ++v) {
    const ViewMessage& old = messages[v];
    // Snapshot entries below this UID and above the previous one were
    // numbered by another process after a scan of ours had missed their
    // files; they cannot be placed without breaking the ascending order
    // of sequence numbers and UIDs, so this session leaves them out (a new
    // SELECT shows them).
    while (s < snapshot.size() && snapshot[s].uid < old.uid) {
      ++s;
      left_out = true;
    }
    if (s < snapshot.size() && snapshot[s].uid == old.uid) {
      // A message thought gone that shows up again was missed by a scan
      // (renamed while listed): it never left, and was never announced.
      changed.push_back(snapshot[s].flags != old.flags);
      next->push_back(snapshot[s++]);
      continue;
    }
    if (allow_expunge) {
      changes.expunged.push_back(static_cast<uint32_t>(v + 1) - removed);
      changes.expunged_uids.push_back(old.uid);
      ++removed;
    } else {
      ViewMessage ghost = old;
      ghost.gone = true;
      next->push_back(std::move(ghost));
      changed.push_back(false);
      kept_ghost = true;
    }
  }
  uint32_t max = max_uid();
  size_t before = next->size();
  for (; s < snapshot.size(); ++s) {
    if (snapshot[s].uid <= max) {
      left_out = true;
      continue;
    }
    next->push_back(snapshot[s]);
    changed.push_back(false);
  }
  // Expunges lower the count by themselves; only arrivals need EXISTS.
  changes.exists_changed = next->size() > before;
  for (size_t i = 0; i < next->size(); ++i)
    if (changed[i]) changes.flags_changed.push_back(static_cast<uint32_t>(i + 1));
  if (!changes.expunged_uids.empty()) {
    std::erase_if(recent_, [&](uint32_t uid) {
      return std::binary_search(changes.expunged_uids.begin(), changes.expunged_uids.end(), uid);
    });
  }
  if (!kept_ghost && !left_out) {
    // The same messages as the snapshot: share it.
    messages_ = std::move(snapshot_ptr);
    own_.reset();
  } else {
    own_ = std::move(next);
    messages_ = own_;
  }
  return changes;
}

void MailboxView::SetFlags(uint32_t seq, const maildir::Flags& flags, uint64_t modseq) {
  ViewMessage& m = Own()[seq - 1];
  m.flags = flags;
  m.modseq = modseq;
}

}  // namespace posthorn::imapd
