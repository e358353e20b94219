#include "mra/imapd/selected_folder.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/imap/sequence_set.h"

#include "mra/imapd/flag_names.h"
#include "mra/imapd/modseq.h"

namespace posthorn::imapd {

Result<SelectedFolder> SelectedFolder::Open(std::string name, std::string dir, bool read_only) {
  Result<maildir::UidList> uids = maildir::UidList::Open(dir);
  if (!uids.ok()) return uids.error();
  Result<maildir::KeywordMap> keywords = maildir::KeywordMap::Open(dir);
  if (!keywords.ok()) return keywords.error();
  SnapshotOptions options;
  options.claim_new = !read_only;
  options.peek_new = read_only;
  Result<FolderSnapshot> snap = TakeSnapshot(dir, *uids, options);
  if (!snap.ok()) return snap.error();
  SelectedFolder f{std::move(name), std::move(dir), read_only, std::move(*uids), std::move(*keywords),
                   MailboxView(), snap->uidvalidity, snap->next_uid};
  if (Result<MessageCache> cache = MessageCache::Open(f.dir, f.uidvalidity); cache.ok()) f.cache = std::move(*cache);
  f.AssignModseqs(snap->messages);
  f.view = MailboxView(std::move(snap->messages));
  return f;
}

Result<std::string> SelectedFolder::Update(bool allow_expunge) {
  if (Status s = keywords.Refresh(); !s.ok()) return s.error();
  // What other sessions learnt meanwhile; a cache that fails is only slower.
  if (cache && !cache->Refresh().ok()) cache.reset();
  std::unordered_set<std::string> expected;
  for (const ViewMessage& m : view.messages()) expected.insert(m.base);
  SnapshotOptions options;
  options.claim_new = !read_only;
  options.peek_new = read_only;
  options.expected = &expected;
  Result<FolderSnapshot> snap = TakeSnapshot(dir, uids, options);
  if (!snap.ok()) return snap.error();
  if (snap->uidvalidity != uidvalidity) {
    // RFC 3501 §2.3.1.1: the UIDs this session knows are void; only a new
    // SELECT can tell the client the new UIDVALIDITY.
    return Error{"UIDVALIDITY changed", ESTALE};
  }
  next_uid = snap->next_uid;
  AssignModseqs(snap->messages);
  ViewChanges changes = view.Apply(snap->messages, allow_expunge);
  return UntaggedFor(changes, view, keywords.names(), Reports());
}

// A cache that cannot be written is given up: the session goes on without
// CONDSTORE's guarantees rather than fail.
void SelectedFolder::AssignModseqs(std::vector<ViewMessage>& messages) {
  if (cache && !imapd::AssignModseqs(*cache, messages).ok()) cache.reset();
}

void SelectedFolder::RecordFlags(uint32_t seq, const maildir::Flags& flags, const std::string& file) {
  uint64_t modseq = view.at(seq).modseq;
  // RFC 7162 §3.1: a STORE that changes nothing leaves the modseq be.
  if (cache && flags != view.at(seq).flags) {
    modseq = NextModseq(cache->highest_modseq());
    if (!cache->AddFlags(view.at(seq).uid, FlagState{modseq, flags.Info()}).ok()) cache.reset();
  }
  view.SetFlags(seq, flags, modseq);
  view.SetFile(seq, file);
}

Status SelectedFolder::RemoveDeleted(const imap::SequenceSet* uids) {
  for (const ViewMessage& m : view.messages()) {
    if (!m.flags.trashed || m.gone || (uids && !uids->Contains(m.uid, view.max_uid()))) continue;
    std::string path = dir + "/" + m.file;
    // Gone already (another session expunged it) is as good as removed.
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return SysError("cannot remove " + path, errno);
  }
  return Status::Ok();
}

std::string UntaggedFor(const ViewChanges& changes, const MailboxView& view, const std::vector<std::string>& keywords,
                        Reporting reporting) {
  std::string out;
  if (reporting.vanished && !changes.expunged_uids.empty()) {
    std::vector<uint32_t> uids = changes.expunged_uids;
    std::sort(uids.begin(), uids.end());
    out += "* VANISHED " + imap::FormatNumbers(uids) + "\r\n";
  } else {
    for (uint32_t seq : changes.expunged) out += "* " + std::to_string(seq) + " EXPUNGE\r\n";
  }
  if (changes.exists_changed) {
    // RFC 3501 §7.3.2: the RECENT count goes with every new EXISTS.
    uint32_t recent = 0;
    for (const ViewMessage& m : view.messages()) recent += m.recent;
    out += "* " + std::to_string(view.exists()) + " EXISTS\r\n* " + std::to_string(recent) + " RECENT\r\n";
  }
  for (uint32_t seq : changes.flags_changed) {
    const ViewMessage& m = view.at(seq);
    out += "* " + std::to_string(seq) + " FETCH (UID " + std::to_string(m.uid) + " FLAGS " +
           FormatFlags(m.flags, keywords, m.recent) + ModseqItem(m, reporting) + ")\r\n";
  }
  return out;
}

std::string ModseqItem(const ViewMessage& m, Reporting reporting) {
  return reporting.modseq ? " MODSEQ (" + std::to_string(m.modseq) + ")" : "";
}

}  // namespace posthorn::imapd
