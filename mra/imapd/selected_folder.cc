#include "mra/imapd/selected_folder.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/imap/sequence_set.h"

#include "mra/imapd/flag_names.h"
#include "mra/imapd/modseq.h"

namespace posthorn::imapd {

Result<SelectedFolder> SelectedFolder::Open(std::shared_ptr<FolderState> state, std::string name, bool read_only) {
  auto lock = state->Lock();
  Result<FolderLook> look = state->Look(/*claim_new=*/!read_only, /*peek_new=*/read_only);
  if (!look.ok()) return look.error();
  SelectedFolder f;
  f.name = std::move(name);
  f.dir = state->dir();
  f.read_only = read_only;
  f.state = std::move(state);
  f.view = MailboxView(std::move(look->messages), std::move(look->recent));
  f.uidvalidity = look->uidvalidity;
  f.next_uid = look->next_uid;
  f.first_unseen = look->first_unseen;
  f.modseqs = f.state->cache() != nullptr;
  f.NoteModseqs();
  return f;
}

void SelectedFolder::NoteModseqs() {
  MessageCache* c = cache();
  if (!c) modseqs = false;
  else highest = c->highest_modseq();
}

void SelectedFolder::DropCache() {
  state->DropCache();
  modseqs = false;
}

Result<std::string> SelectedFolder::Update(bool allow_expunge) {
  auto lock = Lock();
  Result<FolderLook> look = state->Look(/*claim_new=*/!read_only, /*peek_new=*/read_only);
  if (!look.ok()) return look.error();
  if (look->uidvalidity != uidvalidity) {
    // RFC 3501 §2.3.1.1: the UIDs this session knows are void; only a new
    // SELECT can tell the client the new UIDVALIDITY.
    return Error{"UIDVALIDITY changed", ESTALE};
  }
  next_uid = look->next_uid;
  NoteModseqs();
  ViewChanges changes = view.Apply(std::move(look->messages), look->recent, allow_expunge);
  return UntaggedFor(changes, view, keywords().names(), Reports());
}

void SelectedFolder::RecordFlags(uint32_t seq, const maildir::Flags& flags, const std::string& file) {
  auto lock = Lock();
  uint64_t modseq = view.at(seq).modseq;
  // RFC 7162 §3.1: a STORE that changes nothing leaves the modseq be.
  if (MessageCache* c = cache(); c && flags != view.at(seq).flags) {
    modseq = NextModseq(c->highest_modseq());
    if (!c->AddFlags(view.at(seq).uid, FlagState{modseq, flags.Info()}).ok()) DropCache();
  }
  NoteModseqs();
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
    out += "* " + std::to_string(view.exists()) + " EXISTS\r\n* " + std::to_string(view.recent_count()) +
           " RECENT\r\n";
  }
  for (uint32_t seq : changes.flags_changed) {
    const ViewMessage& m = view.at(seq);
    out += "* " + std::to_string(seq) + " FETCH (UID " + std::to_string(m.uid) + " FLAGS " +
           FormatFlags(m.flags, keywords, view.recent(m.uid)) + ModseqItem(m, reporting) + ")\r\n";
  }
  return out;
}

std::string ModseqItem(const ViewMessage& m, Reporting reporting) {
  return reporting.modseq ? " MODSEQ (" + std::to_string(m.modseq) + ")" : "";
}

}  // namespace posthorn::imapd
