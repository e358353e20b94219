#include "mra/imapd/folder_state.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "mra/imapd/modseq.h"

namespace posthorn::imapd {

namespace {

// Past the timestamp grain of any local filesystem with nanosecond
// timestamps (the kernel's coarse clock ticks every 1-10 ms); one with
// whole seconds (no nanoseconds at all) gets two seconds.
constexpr int64_t kFineGrainNs = 50'000'000;
constexpr int64_t kCoarseGrainNs = 2'000'000'000;

int64_t Ns(const timespec& t) { return int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec; }

// A listing made at `now` stands for a directory with mtime `m` only if no
// later change can have left `m` as it is.
bool Settled(const timespec& m, const timespec& now) {
  int64_t grain = m.tv_nsec == 0 ? kCoarseGrainNs : kFineGrainNs;
  return Ns(m) + grain < Ns(now);
}

uint32_t Uid(const ViewMessage& m) { return m.uid; }
uint32_t Uid(uint32_t uid) { return uid; }

}  // namespace

bool FolderState::Stamp::operator==(const Stamp& o) const {
  return Ns(new_mtime) == Ns(o.new_mtime) && Ns(cur_mtime) == Ns(o.cur_mtime);
}

Result<FolderState::Stamp> FolderState::StampNow() const {
  Stamp s;
  for (auto [sub, out] : {std::pair{"/new", &s.new_mtime}, std::pair{"/cur", &s.cur_mtime}}) {
    struct stat st;
    std::string path = dir_ + sub;
    if (::stat(path.c_str(), &st) == 0) *out = st.st_mtim;
    else if (errno != ENOENT) return SysError("cannot stat " + path, errno);
  }
  return s;
}

Status FolderState::Load() {
  if (!uids_) {
    Result<maildir::UidList> uids = maildir::UidList::Open(dir_);
    if (!uids.ok()) return uids.error();
    uids_.emplace(std::move(*uids));
  }
  if (!keywords_) {
    Result<maildir::KeywordMap> keywords = maildir::KeywordMap::Open(dir_);
    if (!keywords.ok()) return keywords.error();
    keywords_.emplace(std::move(*keywords));
  }
  return Status::Ok();
}

void FolderState::UseCache(std::vector<ViewMessage>& messages) {
  if (!cache_ || cache_->uidvalidity() != uids_->uidvalidity()) {
    cache_.reset();
    // A cache that cannot be kept costs speed and CONDSTORE, nothing else.
    if (Result<MessageCache> c = MessageCache::Open(dir_, uids_->uidvalidity()); c.ok()) cache_.emplace(std::move(*c));
  } else if (!cache_->Refresh().ok()) {
    cache_.reset();
  }
  if (cache_ && !AssignModseqs(*cache_, messages).ok()) cache_.reset();
  // Past what AssignModseqs appended, so that only others' records make
  // the next look give modseqs again.
  if (cache_ && !cache_->Refresh().ok()) cache_.reset();
  cache_read_ = cache_ ? cache_->bytes_read() : 0;
}

Status FolderState::List(bool claim_new, bool peek_new, std::vector<uint32_t>* recent) {
  // The stamp before the listing: a change during it moves the mtime past
  // what is recorded, and the next look lists again.
  Result<Stamp> stamp = StampNow();
  if (!stamp.ok()) return stamp.error();
  SnapshotOptions options;
  options.claim_new = claim_new;
  options.peek_new = peek_new;
  options.expected = listing_.get();
  Result<FolderSnapshot> snap = TakeSnapshot(dir_, *uids_, options);
  if (!snap.ok()) return snap.error();
  UseCache(snap->messages);
  std::shared_ptr<std::vector<ViewMessage>> earlier = std::move(listing_);
  listing_ = std::make_shared<std::vector<ViewMessage>>(std::move(snap->messages));
  Count();
  if (earlier) Compact(*earlier);
  *recent = std::move(snap->recent);
  timespec now;
  ::clock_gettime(CLOCK_REALTIME, &now);
  listed_ = *stamp;
  // Claims renamed files, so the stamp is already stale; the next look
  // lists again anyway.
  trusted_ = Settled(stamp->new_mtime, now) && Settled(stamp->cur_mtime, now);
  unsettled_ = !recent->empty() && claim_new;
  return Status::Ok();
}

void FolderState::Compact(const std::vector<ViewMessage>& earlier) {
  const std::vector<ViewMessage>& present = *listing_;
  auto in = [](const std::vector<ViewMessage>& messages, uint32_t uid) {
    return std::binary_search(messages.begin(), messages.end(), uid,
                              [](const auto& a, const auto& b) { return Uid(a) < Uid(b); });
  };
  // Kept too: whatever was numbered after this listing (by another
  // process, for a file it did not see yet).
  uint32_t above = present.empty() ? 0 : present.back().uid;
  auto keep = [&](uint32_t uid) { return uid > above || in(present, uid) || in(earlier, uid); };
  size_t slack = 2 * present.size() + 1000;
  if (uids_->entries().size() > slack) (void)uids_->Compact([&](const maildir::UidEntry& e) { return keep(e.uid); });
  if (cache_ && cache_->records() > 2 * slack) {
    if (!cache_->Compact(keep).ok()) cache_.reset();
    cache_read_ = cache_ ? cache_->bytes_read() : 0;
  }
}

void FolderState::Count() {
  in_new_ = 0;
  first_unseen_ = 0;
  for (size_t i = 0; i < listing_->size(); ++i) {
    const ViewMessage& m = (*listing_)[i];
    in_new_ += m.file.starts_with("new/");
    if (!first_unseen_ && !m.flags.seen) first_unseen_ = static_cast<uint32_t>(i + 1);
  }
}

Status FolderState::Settle() {
  auto lock = Lock();
  if (!unsettled_ || !listing_) return Status::Ok();
  Result<Stamp> stamp = StampNow();
  if (!stamp.ok()) return stamp.error();
  timespec now;
  ::clock_gettime(CLOCK_REALTIME, &now);
  // Too soon: a listing now could not be trusted either.
  if (!Settled(stamp->new_mtime, now) || !Settled(stamp->cur_mtime, now)) return Status::Ok();
  Result<FolderLook> look = Look(/*claim_new=*/false, /*peek_new=*/false);
  unsettled_ = false;
  return look.ok() ? Status::Ok() : Status(look.error());
}

Result<FolderLook> FolderState::Look(bool claim_new, bool peek_new) {
  auto lock = Lock();
  if (Status s = Load(); !s.ok()) return s.error();
  if (Status s = keywords_->Refresh(); !s.ok()) return s.error();
  Result<bool> renumbered = uids_->Refresh();
  if (!renumbered.ok()) return renumbered.error();
  if (*renumbered) {  // UIDs of another UIDVALIDITY
    listing_.reset();
    added_recent_.clear();
  }
  Result<Stamp> stamp = StampNow();
  if (!stamp.ok()) return stamp.error();
  bool unclaimed = claim_new && listing_ && in_new_ > 0;
  FolderLook look;
  if (!listing_ || !trusted_ || !(*stamp == listed_) || unclaimed) {
    if (Status s = List(claim_new, peek_new, &look.recent); !s.ok()) return s.error();
  } else {
    // The same files; others may have recorded flag changes (modseqs).
    if (cache_ && !cache_->Refresh().ok()) cache_.reset();
    if (cache_ && cache_->bytes_read() != cache_read_) {
      auto fresh = std::make_shared<std::vector<ViewMessage>>(*listing_);
      UseCache(*fresh);
      listing_ = std::move(fresh);
    }
    if (peek_new && in_new_ > 0)
      for (const ViewMessage& m : *listing_)
        if (m.file.starts_with("new/")) look.recent.push_back(m.uid);
  }
  HandOutAdded(claim_new, peek_new, &look.recent);
  look.uidvalidity = uids_->uidvalidity();
  look.next_uid = uids_->next_uid();
  look.messages = listing_;
  look.first_unseen = first_unseen_;
  return look;
}

void FolderState::AddRecent(const std::vector<uint32_t>& uids) {
  added_recent_.insert(added_recent_.end(), uids.begin(), uids.end());
}

void FolderState::HandOutAdded(bool claim, bool peek, std::vector<uint32_t>* recent) {
  if (added_recent_.empty() || !(claim || peek)) return;
  auto listed = [&](uint32_t uid) {
    return std::binary_search(listing_->begin(), listing_->end(), uid,
                              [](const auto& a, const auto& b) { return Uid(a) < Uid(b); });
  };
  size_t before = recent->size();
  for (uint32_t uid : added_recent_)
    if (listed(uid)) recent->push_back(uid);
  if (recent->size() != before) {
    std::sort(recent->begin(), recent->end());
    recent->erase(std::unique(recent->begin(), recent->end()), recent->end());
  }
  if (!claim) return;
  // Handed out now, or gone: numbered before the listing's last message
  // and not in it (expunged before anyone looked). Only what was numbered
  // after the listing waits for a later look.
  uint32_t last = listing_->empty() ? 0 : listing_->back().uid;
  std::erase_if(added_recent_, [last](uint32_t uid) { return uid <= last; });
}

std::pair<std::unique_lock<std::recursive_mutex>, std::unique_lock<std::recursive_mutex>> FolderState::LockBoth(
    FolderState& a, FolderState& b) {
  std::unique_lock la(a.mu_, std::defer_lock), lb(b.mu_, std::defer_lock);
  std::lock(la, lb);
  return {std::move(la), std::move(lb)};
}

std::shared_ptr<FolderState> FolderStates::Get(const std::string& dir) {
  std::lock_guard lock(mu_);
  std::shared_ptr<FolderState> state = live_[dir].lock();
  if (!state) {
    state = std::make_shared<FolderState>(dir);
    live_[dir] = state;
  }
  std::erase(kept_, state);
  kept_.push_front(state);
  if (kept_.size() > keep_) kept_.pop_back();
  // Forget the folders no one holds any more, now and then.
  if (live_.size() > 2 * keep_ + 64) std::erase_if(live_, [](const auto& kv) { return kv.second.expired(); });
  return state;
}

std::vector<std::shared_ptr<FolderState>> FolderStates::Unsettled() {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<FolderState>> out;
  for (const auto& [dir, weak] : live_)
    if (std::shared_ptr<FolderState> state = weak.lock(); state && state->unsettled()) out.push_back(std::move(state));
  return out;
}

}  // namespace posthorn::imapd
