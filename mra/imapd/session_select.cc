// Selecting a folder and the selected state's housekeeping (RFC 3501
// §6.3.1-2, §6.3.10, §6.4.1-3, RFC 3691 UNSELECT).
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <memory>

#include "common/base/strings.h"
#include "common/imap/mutf7.h"
#include "common/imap/wire.h"
#include "common/maildir/folder.h"
#include "mra/imapd/flag_names.h"
#include "mra/imapd/modseq.h"
#include "mra/imapd/resync.h"
#include "mra/imapd/session.h"

namespace posthorn::imapd {

namespace {

// The SELECT/EXAMINE responses for a folder just opened (RFC 3501 §6.3.1).
// Under the folder's lock.
std::string SelectResponses(const SelectedFolder& f) {
  const MailboxView& v = f.view;
  uint32_t first_unseen = f.first_unseen;
  const std::vector<std::string>& kw = f.keywords().names();
  std::string out = "* FLAGS " + FlagsList(kw) + "\r\n";
  out += "* " + std::to_string(v.exists()) + " EXISTS\r\n";
  out += "* " + std::to_string(v.recent_count()) + " RECENT\r\n";
  if (first_unseen) out += "* OK [UNSEEN " + std::to_string(first_unseen) + "] First unseen\r\n";
  out += "* OK [PERMANENTFLAGS " + std::string(f.read_only ? "()" : PermanentFlagsList(kw)) + "] Limited\r\n";
  out += "* OK [UIDVALIDITY " + std::to_string(f.uidvalidity) + "] UIDs valid\r\n";
  out += "* OK [UIDNEXT " + std::to_string(f.next_uid) + "] Predicted next UID\r\n";
  // RFC 7162 §3.1.2: whether a CONDSTORE client may rely on modseqs here.
  if (f.modseqs) out += "* OK [HIGHESTMODSEQ " + std::to_string(f.highest_modseq()) + "] Highest\r\n";
  else out += "* OK [NOMODSEQ] No permanent modification sequences\r\n";
  return out;
}

}  // namespace

Result<std::string> Session::FolderDir(const imap::Arg& arg, std::string* name) const {
  std::optional<std::string_view> n = imap::AsAstring(arg);
  if (!n) return Error{"Mailbox name expected", EINVAL};
  if (Result<std::string> utf8 = imap::Mutf7ToUtf8(*n); !utf8.ok()) return Error{"Bad mailbox name", EINVAL};
  *name = std::string(*n);
  Result<std::string> dir = maildir::FolderPath(maildir_, *n);
  if (!dir.ok()) return Error{dir.message(), ENOENT};
  return dir;
}

void Session::Select(const imap::Command& c) {
  bool examine = c.name == "EXAMINE";
  if (c.args.empty() || c.args.size() > 2) return Bad(c.tag, c.name + " takes a mailbox name");
  SelectParams params;
  if (c.args.size() == 2) {
    Result<SelectParams> parsed = ParseSelectParams(c.args[1]);
    if (!parsed.ok()) return Bad(c.tag, parsed.message());
    // RFC 7162 §3.2.5: QRESYNC only after ENABLE QRESYNC.
    if (parsed->qresync && !qresync_) return Bad(c.tag, "QRESYNC must be enabled first");
    params = std::move(*parsed);
  }
  std::string name;
  Result<std::string> dir = FolderDir(c.args[0], &name);
  if (!dir.ok() && dir.errnum() == EINVAL) return Bad(c.tag, dir.message());
  // RFC 3501 §6.3.1: a SELECT, even a failing one, first leaves the
  // folder selected before; RFC 7162 §3.2.11 marks where its responses end.
  if (selected_) Send("* OK [CLOSED] Previous mailbox closed\r\n");
  selected_.reset();
  state_ = State::kAuthenticated;
  if (params.condstore || params.qresync) EnableCondstore();
  if (!dir.ok()) return Tagged(c.tag, "NO", "[NONEXISTENT] No such mailbox");
  auto result = std::make_shared<Result<SelectedFolder>>(Error{""});
  auto responses = std::make_shared<std::string>();
  std::string tag = c.tag, path = *dir;
  std::optional<QresyncParams> qresync = params.qresync;
  Reporting wishes = reporting();
  Wait();
  host_->Run(
      [result, responses, name, path, examine, qresync, wishes, folders = host_->folders()] {
        if (!maildir::IsMaildir(path)) return void(*result = Error{"no such mailbox", ENOENT});
        *result = SelectedFolder::Open(folders->Get(path), name, examine);
        if (!result->ok()) return;
        SelectedFolder& f = **result;
        f.reporting = wishes;
        auto lock = f.Lock();
        *responses = SelectResponses(f);
        if (qresync) *responses += QresyncResponses(f, *qresync);
      },
      [this, result, responses, tag, examine] {
        if (!result->ok()) {
          bool missing = result->errnum() == ENOENT;
          if (!missing) host_->Log("user=<" + user_ + ">: SELECT: " + result->message());
          Tagged(tag, "NO", missing ? "[NONEXISTENT] No such mailbox" : "[SERVERBUG] Cannot open the mailbox");
          return Resume();
        }
        selected_ = std::make_shared<SelectedFolder>(std::move(**result));
        state_ = State::kSelected;
        Send(*responses);
        Tagged(tag, "OK", examine ? "[READ-ONLY] EXAMINE completed" : "[READ-WRITE] SELECT completed");
        Resume();
      });
}

void Session::StatusCommand(const imap::Command& c) {
  if (c.args.size() != 2 || c.args[1].kind != imap::Arg::Kind::kList || c.args[1].list.empty())
    return Bad(c.tag, "STATUS takes a mailbox name and a list of items");
  std::vector<std::string> items;
  for (const imap::Arg& a : c.args[1].list) {
    std::string item = a.kind == imap::Arg::Kind::kAtom ? a.text : "";
    for (char& ch : item) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (item != "MESSAGES" && item != "RECENT" && item != "UIDNEXT" && item != "UIDVALIDITY" && item != "UNSEEN" &&
        item != "HIGHESTMODSEQ")
      return Bad(c.tag, "Unknown STATUS item " + a.text);
    items.push_back(item);
  }
  bool modseq = std::find(items.begin(), items.end(), "HIGHESTMODSEQ") != items.end();
  if (modseq) EnableCondstore();
  std::string name;
  Result<std::string> dir = FolderDir(c.args[0], &name);
  if (!dir.ok() && dir.errnum() == EINVAL) return Bad(c.tag, dir.message());
  if (!dir.ok()) return Tagged(c.tag, "NO", "[NONEXISTENT] No such mailbox");
  auto out = std::make_shared<Result<std::string>>(Error{""});
  std::string tag = c.tag, path = *dir;
  Wait();
  host_->Run(
      [out, name, path, items, folders = host_->folders()] {
        if (!maildir::IsMaildir(path)) return void(*out = Error{"no such mailbox", ENOENT});
        std::shared_ptr<FolderState> state = folders->Get(path);
        auto lock = state->Lock();
        // Only peeking: new mail stays in new/, \Recent for whoever selects.
        Result<FolderLook> look = state->Look(/*claim_new=*/false, /*peek_new=*/true);
        if (!look.ok()) return void(*out = look.error());
        uint64_t recent = look->recent.size(), unseen = 0;
        for (const ViewMessage& m : *look->messages) unseen += !m.flags.seen;
        // 0 when the folder keeps no modseqs (RFC 7162 §3.1.6).
        uint64_t highest = state->cache() ? state->cache()->highest_modseq() : 0;
        uint64_t size = look->messages->size();
        std::string list;
        for (const std::string& item : items) {
          uint64_t value = item == "MESSAGES" ? size : item == "RECENT" ? recent
                           : item == "UIDNEXT" ? look->next_uid : item == "UIDVALIDITY" ? look->uidvalidity
                           : item == "HIGHESTMODSEQ" ? highest : unseen;
          list += (list.empty() ? "" : " ") + item + " " + std::to_string(value);
        }
        *out = "* STATUS " + imap::FormatAstring(name) + " (" + list + ")\r\n";
      },
      [this, out, tag] {
        if (out->ok()) {
          Send(**out);
          Tagged(tag, "OK", "STATUS completed");
        } else if (out->errnum() == ENOENT) {
          Tagged(tag, "NO", "[NONEXISTENT] No such mailbox");
        } else {
          host_->Log("user=<" + user_ + ">: STATUS: " + out->message());
          Tagged(tag, "NO", "[SERVERBUG] Cannot read the mailbox");
        }
        Resume();
      });
}

void Session::Check(const imap::Command& c) {
  if (!c.args.empty()) return Bad(c.tag, "CHECK takes no arguments");
  UpdateSelected(c.tag, false, "CHECK completed");
}

void Session::Expunge(const imap::Command& c) {
  if (!c.args.empty()) return Bad(c.tag, "EXPUNGE takes no arguments");
  if (selected_->read_only) return Tagged(c.tag, "NO", "[READ-ONLY] The mailbox is read-only");
  UpdateSelected(c.tag, true, "EXPUNGE completed");
}

void Session::UidExpunge(const imap::Command& c) {
  if (c.args.size() != 1 || c.args[0].kind != imap::Arg::Kind::kAtom) return Bad(c.tag, "UID EXPUNGE takes a UID set");
  Result<imap::SequenceSet> uids = imap::SequenceSet::Parse(c.args[0].text);
  if (!uids.ok()) return Bad(c.tag, "Bad UID set");
  if (selected_->read_only) return Tagged(c.tag, "NO", "[READ-ONLY] The mailbox is read-only");
  UpdateSelected(c.tag, true, "UID EXPUNGE completed", std::make_shared<imap::SequenceSet>(std::move(*uids)));
}

void Session::Close(const imap::Command& c) {
  if (!c.args.empty()) return Bad(c.tag, c.name + " takes no arguments");
  std::shared_ptr<SelectedFolder> folder = std::move(selected_);
  state_ = State::kAuthenticated;
  // UNSELECT leaves \Deleted messages be; CLOSE removes them, silently
  // (RFC 3501 §6.4.2), unless the folder was only examined.
  if (c.name == "UNSELECT" || folder->read_only) return Tagged(c.tag, "OK", c.name + " completed");
  auto result = std::make_shared<posthorn::Status>();
  std::string tag = c.tag;
  Wait();
  host_->Run(
      [folder, result] {
        // A fresh look first: the names of the files, and others' flags.
        Result<std::string> fresh = folder->Update(false);
        *result = fresh.ok() ? folder->RemoveDeleted() : posthorn::Status(fresh.error());
      },
      [this, result, tag] {
        if (!result->ok()) host_->Log("user=<" + user_ + ">: CLOSE: " + result->message());
        Tagged(tag, "OK", "CLOSE completed");
        Resume();
      });
}

void Session::UpdateSelected(const std::string& tag, bool expunge_deleted, const std::string& done,
                             std::shared_ptr<imap::SequenceSet> uids) {
  std::shared_ptr<SelectedFolder> folder = selected_;
  auto out = std::make_shared<Result<std::string>>(Error{""});
  Wait();
  host_->Run(
      [folder, out, expunge_deleted, uids] {
        std::string untagged;
        if (expunge_deleted) {
          // Fresh file names first (others rename files to change flags).
          Result<std::string> fresh = folder->Update(false);
          if (!fresh.ok()) return void(*out = fresh.error());
          untagged = *fresh;
          if (posthorn::Status s = folder->RemoveDeleted(uids.get()); !s.ok()) return void(*out = s.error());
        }
        Result<std::string> changes = folder->Update(/*allow_expunge=*/true);
        if (!changes.ok()) return void(*out = changes.error());
        *out = untagged + *changes;
      },
      [this, folder, out, tag, done, expunge_deleted] {
        if (out->ok()) {
          Send(**out);
          // RFC 7162 §3.2.7: under QRESYNC an EXPUNGE tells the new highest.
          bool tell = expunge_deleted && folder->Reports().vanished;
          Tagged(tag, "OK", (tell ? "[HIGHESTMODSEQ " + std::to_string(folder->highest_modseq()) + "] " : "") + done);
        } else if (out->errnum() == ESTALE) {
          // The uidlist was made anew: this session's UIDs mean nothing now.
          Bye("The mailbox was renumbered; select it again");
          waiting_ = false;
          return;
        } else {
          host_->Log("user=<" + user_ + ">: " + out->message());
          Tagged(tag, "NO", "[SERVERBUG] Cannot read the mailbox");
        }
        Resume();
      });
}

}  // namespace posthorn::imapd
