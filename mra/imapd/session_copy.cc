// COPY, MOVE and their UID forms (RFC 3501 §6.4.7, RFC 6851), and APPEND
// (RFC 3501 §6.3.11), with UIDPLUS's COPYUID and APPENDUID (RFC 4315).
#include <algorithm>
#include <cerrno>
#include <ctime>
#include <memory>

#include "common/imap/date_time.h"
#include "common/imap/sequence_set.h"
#include "common/maildir/folder.h"
#include "common/maildir/keywords.h"
#include "common/maildir/uidlist.h"
#include "mra/imapd/append.h"
#include "mra/imapd/copy.h"
#include "mra/imapd/flag_names.h"
#include "mra/imapd/session.h"

namespace posthorn::imapd {

namespace {

std::string CopyUid(const Copied& c) {
  return "COPYUID " + std::to_string(c.uidvalidity) + " " + imap::FormatNumbers(c.source_uids) + " " +
         imap::FormatNumbers(c.target_uids);
}

}  // namespace

void Session::Copy(const imap::Command& c, bool uid, bool move) {
  std::string what = std::string(uid ? "UID " : "") + (move ? "MOVE" : "COPY");
  if (c.args.size() != 2) return Bad(c.tag, what + " takes a sequence set and a mailbox");
  std::vector<uint32_t> seqs;
  std::string why, name;
  if (!Resolve(c.args[0], uid, &seqs, &why)) return Bad(c.tag, why);
  std::sort(seqs.begin(), seqs.end());
  seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
  Result<std::string> dir = FolderDir(c.args[1], &name);
  if (!dir.ok() && dir.errnum() == EINVAL) return Bad(c.tag, dir.message());
  if (!dir.ok()) return Tagged(c.tag, "NO", "[TRYCREATE] No such mailbox");
  if (move && selected_->read_only) return Tagged(c.tag, "NO", "[READ-ONLY] The mailbox is read-only");
  std::shared_ptr<SelectedFolder> folder = selected_;
  auto copied = std::make_shared<Result<Copied>>(Error{""});
  auto expunges = std::make_shared<Result<std::string>>(std::string());
  std::string tag = c.tag, path = *dir;
  Wait();
  host_->Run(
      [folder, copied, expunges, seqs, path, move, folders = host_->folders()] {
        if (!maildir::IsMaildir(path)) return void(*copied = Error{"no such mailbox", ENOENT});
        std::shared_ptr<FolderState> to = folders->Get(path);
        auto locks = FolderState::LockBoth(*folder->state, *to);
        *copied = CopyMessages(*folder, seqs, *to, move);
        // RFC 6851 §3.3: a move ends with the EXPUNGEs of what moved.
        if (move && copied->ok()) *expunges = folder->Update(/*allow_expunge=*/true);
      },
      [this, copied, expunges, tag, what, move] {
        CopyDone(tag, what, move, *copied, *expunges);
        Resume();
      });
}

void Session::CopyDone(const std::string& tag, const std::string& what, bool move, const Result<Copied>& copied,
                       const Result<std::string>& expunges) {
  if (!copied.ok()) {
    if (copied.errnum() == ENOENT) return Tagged(tag, "NO", "[TRYCREATE] No such mailbox");
    if (copied.errnum() == maildir::kNoKeywordRoom) return Tagged(tag, "NO", "[LIMIT] " + copied.message());
    host_->Log("user=<" + user_ + ">: " + what + ": " + copied.message());
    return Tagged(tag, "NO", "[SERVERBUG] Cannot " + std::string(move ? "move" : "copy") + " the messages");
  }
  std::string code = copied->source_uids.empty() ? "" : "[" + CopyUid(*copied) + "] ";
  if (move) {
    // RFC 6851 §4.3: COPYUID in an untagged OK, before the EXPUNGEs.
    if (!code.empty()) Send("* OK " + code + "Moved\r\n");
    if (expunges.ok()) Send(*expunges);
    else if (expunges.errnum() == ESTALE) return Bye("The mailbox was renumbered; select it again");
    code.clear();
  }
  if (copied->some_gone && copied->source_uids.empty())
    return Tagged(tag, "NO", "[EXPUNGEISSUED] Some of the requested messages no longer exist");
  Tagged(tag, "OK", code + what + " completed");
}

void Session::Append(const imap::Command& c) {
  // APPEND mailbox [flag-list] [date-time] literal
  const std::vector<imap::Arg>& a = c.args;
  if (a.size() < 2 || a.size() > 4 || a.back().kind != imap::Arg::Kind::kLiteral)
    return Bad(c.tag, "APPEND takes a mailbox, optional flags and date, and a message literal");
  maildir::Flags system;
  std::vector<std::string> keywords;
  time_t date = ::time(nullptr);
  for (size_t i = 1; i + 1 < a.size(); ++i) {
    if (a[i].kind == imap::Arg::Kind::kList && i == 1) {
      std::vector<std::string> names;
      for (const imap::Arg& f : a[i].list) {
        if (f.kind != imap::Arg::Kind::kAtom) return Bad(c.tag, "Flags are atoms");
        names.push_back(f.text);
      }
      if (posthorn::Status s = ParseFlagNames(names, &system, &keywords); !s.ok()) return Bad(c.tag, s.message());
    } else if (a[i].kind == imap::Arg::Kind::kQuoted) {
      std::optional<int64_t> when = imap::ParseDateTime(a[i].text);
      if (!when) return Bad(c.tag, "Bad date-time");
      date = static_cast<time_t>(*when);
    } else {
      return Bad(c.tag, "APPEND takes a mailbox, optional flags and date, and a message literal");
    }
  }
  if (a.back().text.empty()) return Tagged(c.tag, "NO", "Empty message");
  std::string name;
  Result<std::string> dir = FolderDir(a[0], &name);
  if (!dir.ok() && dir.errnum() == EINVAL) return Bad(c.tag, dir.message());
  if (!dir.ok()) return Tagged(c.tag, "NO", "[TRYCREATE] No such mailbox");
  auto out = std::make_shared<Result<Appended>>(Error{""});
  std::string tag = c.tag, path = *dir;
  auto message = std::make_shared<std::string>(a.back().text);
  Wait();
  host_->Run(
      [out, path, message, system, keywords, date, folders = host_->folders()] {
        if (!maildir::IsMaildir(path)) return void(*out = Error{"no such mailbox", ENOENT});
        std::shared_ptr<FolderState> state = folders->Get(path);
        maildir::Flags flags = system;
        if (!keywords.empty()) {
          auto lock = state->Lock();
          if (Status s = state->Load(); !s.ok()) return void(*out = s.error());
          Result<uint32_t> bits = state->keywords().Define(keywords);
          if (!bits.ok()) return void(*out = bits.error());
          flags.keywords = *bits;
        }
        *out = AppendMessage(*state, *message, flags, date);
      },
      [this, out, tag] {
        AppendDone(tag, *out);
        Resume();
      });
}

void Session::AppendDone(const std::string& tag, const Result<Appended>& out) {
  if (out.ok())
    return Tagged(tag, "OK", "[APPENDUID " + std::to_string(out->uidvalidity) + " " + std::to_string(out->uid) +
                                 "] APPEND completed");
  if (out.errnum() == ENOENT) return Tagged(tag, "NO", "[TRYCREATE] No such mailbox");
  host_->Log("user=<" + user_ + ">: APPEND: " + out.message());
  if (out.errnum() == ENOSPC || out.errnum() == EDQUOT)
    return Tagged(tag, "NO", "[OVERQUOTA] Not enough space to store the message");
  if (out.errnum() == maildir::kNoKeywordRoom) return Tagged(tag, "NO", "[LIMIT] " + out.message());
  Tagged(tag, "NO", "[SERVERBUG] Cannot store the message");
}

}  // namespace posthorn::imapd
