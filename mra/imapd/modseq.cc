#include "mra/imapd/modseq.h"

#include <algorithm>

namespace posthorn::imapd {

namespace {

bool Present(const std::vector<ViewMessage>& messages, uint32_t uid) {
  auto it = std::lower_bound(messages.begin(), messages.end(), uid,
                             [](const ViewMessage& m, uint32_t u) { return m.uid < u; });
  return it != messages.end() && it->uid == uid;
}

void AddUid(std::vector<imap::SequenceRange>* ranges, uint32_t uid) {
  if (!ranges->empty() && ranges->back().last + 1 == uid) ranges->back().last = uid;
  else ranges->push_back({uid, uid});
}

}  // namespace

Status AssignModseqs(MessageCache& cache, std::vector<ViewMessage>& messages) {
  std::vector<std::pair<uint32_t, FlagState>> fresh;
  // A folder's first look gives every message its first modseq.
  if (cache.flags().empty()) fresh.reserve(messages.size());
  uint64_t next = 0;
  auto bump = [&] { return next = next ? next + 1 : NextModseq(cache.highest_modseq()); };
  for (ViewMessage& m : messages) {
    std::string info = m.flags.Info();
    const FlagState* known = cache.Flags(m.uid);
    if (known && known->info == info) {
      m.modseq = known->modseq;
      continue;
    }
    m.modseq = bump();
    fresh.push_back({m.uid, FlagState{m.modseq, std::move(info)}});
  }
  std::vector<uint32_t> gone;
  for (const auto& [uid, state] : cache.flags())
    if (!cache.expunged().count(uid) && !Present(messages, uid)) gone.push_back(uid);
  std::sort(gone.begin(), gone.end());
  Status s = cache.AddFlags(fresh);
  if (s.ok() && !gone.empty()) s = cache.AddExpunged(gone, bump());
  return s;
}

std::vector<imap::SequenceRange> VanishedSince(const MailboxView& view, const MessageCache& cache,
                                               const imap::SequenceSet& set, uint32_t max_uid, uint64_t since,
                                               uint32_t floor) {
  std::vector<imap::SequenceRange> out;
  const std::vector<ViewMessage>& messages = view.messages();
  for (const imap::SequenceRange& r : set.Resolve(max_uid)) {
    // Walk the gaps between the messages present in the range.
    auto it = std::lower_bound(messages.begin(), messages.end(), r.first,
                               [](const ViewMessage& m, uint32_t u) { return m.uid < u; });
    for (uint64_t uid = std::max<uint64_t>(r.first, uint64_t{floor} + 1); uid <= r.last; ++uid) {
      while (it != messages.end() && it->uid < uid) ++it;
      if (it != messages.end() && it->uid == uid) continue;
      auto x = cache.expunged().find(static_cast<uint32_t>(uid));
      if (x != cache.expunged().end() && x->second <= since) continue;
      AddUid(&out, static_cast<uint32_t>(uid));
    }
  }
  return out;
}

}  // namespace posthorn::imapd
