#include "mra/imapd/resync.h"

#include <algorithm>

#include "mra/imapd/flag_names.h"
#include "mra/imapd/modseq.h"

namespace posthorn::imapd {

namespace {

// The highest UID the client proved it knows together with every expunge
// below it: the last of its (seq, UID) pairs that still holds, walking up
// to the first that does not (§3.2.5.2).
uint32_t MatchedFloor(const MailboxView& view, const QresyncParams& p) {
  uint32_t floor = 0;
  for (size_t i = 0; i < p.match_seqs.size(); ++i) {
    uint32_t seq = p.match_seqs[i];
    if (seq > view.exists() || view.at(seq).uid != p.match_uids[i]) break;
    floor = p.match_uids[i];
  }
  return floor;
}

bool InRanges(const std::vector<imap::SequenceRange>& ranges, uint32_t n) {
  auto it = std::upper_bound(ranges.begin(), ranges.end(), n,
                             [](uint32_t v, const imap::SequenceRange& r) { return v < r.first; });
  return it != ranges.begin() && std::prev(it)->last >= n;
}

}  // namespace

std::string QresyncResponses(const SelectedFolder& folder, const QresyncParams& params) {
  if (params.uidvalidity != folder.uidvalidity || !folder.cache()) return "";
  uint32_t max_uid = folder.next_uid - 1;
  imap::SequenceSet known = params.known_uids ? *params.known_uids
                                              : *imap::SequenceSet::Parse("1:*");
  std::string out;
  std::vector<imap::SequenceRange> vanished =
      VanishedSince(folder.view, *folder.cache(), known, max_uid, params.modseq, MatchedFloor(folder.view, params));
  if (!vanished.empty()) out += "* VANISHED (EARLIER) " + imap::FormatRanges(vanished) + "\r\n";
  std::vector<imap::SequenceRange> ranges = known.Resolve(max_uid);
  const std::vector<std::string>& keywords = folder.keywords().names();
  for (uint32_t seq = 1; seq <= folder.view.exists(); ++seq) {
    const ViewMessage& m = folder.view.at(seq);
    if (m.modseq <= params.modseq || !InRanges(ranges, m.uid)) continue;
    out += "* " + std::to_string(seq) + " FETCH (UID " + std::to_string(m.uid) + " FLAGS " +
           FormatFlags(m.flags, keywords, folder.view.recent(m.uid)) + " MODSEQ (" + std::to_string(m.modseq) + "))\r\n";
  }
  return out;
}

}  // namespace posthorn::imapd
