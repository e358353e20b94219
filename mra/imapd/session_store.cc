// STORE and the UID command (RFC 3501 §6.4.6, §6.4.8).
#include <algorithm>
#include <cerrno>
#include <memory>
#include <optional>

#include "common/base/strings.h"
#include "common/imap/sequence_set.h"
#include "common/maildir/keywords.h"
#include "common/maildir/set_flags.h"
#include "mra/imapd/condstore_args.h"
#include "mra/imapd/flag_names.h"
#include "mra/imapd/session.h"

namespace posthorn::imapd {

namespace {

enum class StoreMode { kReplace, kAdd, kRemove };

// `forwarded`: the keywords named $Forwarded, which Maildir's P stands for
// too (flag_names.h), so that removing it clears P as well.
maildir::Flags Apply(maildir::Flags old, const maildir::Flags& f, uint32_t keywords, bool forwarded,
                     StoreMode mode) {
  bool maildir::Flags::*system[] = {&maildir::Flags::seen, &maildir::Flags::replied, &maildir::Flags::flagged,
                                    &maildir::Flags::trashed, &maildir::Flags::draft};
  for (bool maildir::Flags::*field : system) {
    if (mode == StoreMode::kReplace) old.*field = f.*field;
    else if (f.*field) old.*field = mode == StoreMode::kAdd;
  }
  if (mode == StoreMode::kReplace) old.keywords = keywords;
  else if (mode == StoreMode::kAdd) old.keywords |= keywords;
  else old.keywords &= ~keywords;
  // FLAGS replaces P with the keyword, if named.
  if (mode == StoreMode::kReplace || (mode == StoreMode::kRemove && forwarded)) old.passed = false;
  return old;
}

struct StoreJob {
  std::vector<uint32_t> seqs;
  maildir::Flags system;
  std::vector<std::string> keywords;
  StoreMode mode = StoreMode::kReplace;
  bool silent = false;
  bool uid = false;
  std::optional<uint64_t> unchanged_since;
};

struct StoreOutcome {
  std::string responses;
  std::vector<uint32_t> modified;  // failed UNCHANGEDSINCE: seqs, or UIDs for UID STORE
};

// The letters of the job's keywords. Removing a keyword no message has
// gives it none: a letter is one of only 26.
Result<uint32_t> KeywordBits(SelectedFolder& folder, const StoreJob& job) {
  if (job.keywords.empty()) return 0u;
  if (job.mode != StoreMode::kRemove) return folder.keywords().Define(job.keywords);
  uint32_t bits = 0;
  for (const std::string& k : job.keywords)
    if (std::optional<size_t> i = folder.keywords().IndexOf(k)) bits |= 1u << *i;
  return bits;
}

// The modseq of message `seq` as far as anyone has recorded it: another
// session may have changed it since this one last looked.
uint64_t CurrentModseq(const SelectedFolder& folder, uint32_t seq) {
  const ViewMessage& m = folder.view.at(seq);
  const MessageCache* cache = folder.cache();
  const FlagState* recorded = cache ? cache->Flags(m.uid) : nullptr;
  return std::max(m.modseq, recorded ? recorded->modseq : 0);
}

// Applies `job` to each message, on the flags on disk rather than the ones
// this session last saw, so a flag another client set meanwhile survives
// +FLAGS. Blocks: worker threads only.
Result<StoreOutcome> RunStore(SelectedFolder& folder, const StoreJob& job) {
  Result<uint32_t> bits = KeywordBits(folder, job);
  if (!bits.ok()) return bits.error();
  bool forwarded = std::any_of(job.keywords.begin(), job.keywords.end(),
                               [](const std::string& k) { return EqualsIgnoreCase(k, "$Forwarded"); });
  // Others' flag changes recorded meanwhile count for UNCHANGEDSINCE.
  if (job.unchanged_since && folder.cache() && !folder.cache()->Refresh().ok()) folder.DropCache();
  Reporting reports = folder.Reports();
  StoreOutcome out;
  for (uint32_t seq : job.seqs) {
    const ViewMessage& m = folder.view.at(seq);
    bool modified = job.unchanged_since && CurrentModseq(folder, seq) > *job.unchanged_since;
    // A message expunged elsewhere keeps its flags here until the EXPUNGE
    // can be told (RFC 3501 §7.4.1).
    if (!m.gone && !modified) {
      maildir::Flags seen = m.flags;
      Result<maildir::FlagsSet> set = maildir::ChangeFlags(folder.dir, m.file, [&](const maildir::Flags& now) {
        // Flags on disk that differ from this session's were changed by a
        // process that recorded no modseq yet: newer than any the client has.
        if (job.unchanged_since && now != seen) {
          modified = true;
          return now;
        }
        return Apply(now, job.system, *bits, forwarded, job.mode);
      });
      if (!set.ok() && set.errnum() != ENOENT) return set.error();
      if (set.ok()) folder.RecordFlags(seq, set->flags, set->file);
    }
    const ViewMessage& now = folder.view.at(seq);
    if (modified) {
      out.modified.push_back(job.uid ? now.uid : seq);
      continue;
    }
    if (job.silent) continue;
    out.responses += "* " + std::to_string(seq) + " FETCH (";
    if (job.uid || reports.vanished) out.responses += "UID " + std::to_string(now.uid) + " ";
    out.responses += "FLAGS " + FormatFlags(now.flags, folder.keywords().names(), folder.view.recent(now.uid)) + ModseqItem(now, reports) + ")\r\n";
  }
  return out;
}

}  // namespace

bool Session::Resolve(const imap::Arg& arg, bool uid, std::vector<uint32_t>* seqs, std::string* why) const {
  Result<imap::SequenceSet> set = arg.kind == imap::Arg::Kind::kAtom ? imap::SequenceSet::Parse(arg.text)
                                                                      : Result<imap::SequenceSet>(Error{"not an atom"});
  if (!set.ok()) {
    *why = "Bad sequence set";
    return false;
  }
  const MailboxView& v = selected_->view;
  if (uid) {
    set->ForEach(v.max_uid(), [&](uint32_t u) {
      if (uint32_t seq = v.SeqOf(u)) seqs->push_back(seq);
      return true;
    });
    return true;
  }
  // RFC 9051 §6.4.6: a message number beyond the mailbox is a client error.
  if (set->HighestNumber() > v.exists() || (v.exists() == 0 && set->HasStar())) {
    *why = "Invalid message number";
    return false;
  }
  set->ForEach(v.exists(), [&](uint32_t n) {
    seqs->push_back(n);
    return true;
  });
  return true;
}

void Session::Uid(const imap::Command& c) {
  if (c.args.empty() || c.args[0].kind != imap::Arg::Kind::kAtom) return Bad(c.tag, "UID takes a command");
  imap::Command inner{c.tag, c.args[0].text, std::vector<imap::Arg>(c.args.begin() + 1, c.args.end())};
  for (char& ch : inner.name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (inner.name == "STORE") return Store(inner, true);
  if (inner.name == "FETCH") return Fetch(inner, true);
  if (inner.name == "SEARCH") return Search(inner, true);
  if (inner.name == "COPY" || inner.name == "MOVE") return Copy(inner, true, inner.name == "MOVE");
  if (inner.name == "EXPUNGE") return UidExpunge(inner);
  Bad(c.tag, "UID " + inner.name + " is not supported");
}

void Session::Store(const imap::Command& c, bool uid) {
  // STORE set [(UNCHANGEDSINCE n)] item flags (RFC 7162 §3.1.3).
  std::optional<uint64_t> unchanged_since;
  std::vector<imap::Arg> args = c.args;
  if (args.size() >= 2 && args[1].kind == imap::Arg::Kind::kList) {
    Result<uint64_t> since = ParseUnchangedSince(args[1]);
    if (!since.ok()) return Bad(c.tag, since.message());
    if (RefuseNoModseq(c.tag)) return;
    unchanged_since = *since;
    args.erase(args.begin() + 1);
  }
  if (args.size() < 3 || args[1].kind != imap::Arg::Kind::kAtom)
    return Bad(c.tag, "STORE takes a sequence set, an item and flags");
  std::string item = args[1].text;
  for (char& ch : item) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  bool silent = item.ends_with(".SILENT");
  if (silent) item.resize(item.size() - 7);
  StoreMode mode = item == "FLAGS" ? StoreMode::kReplace : item == "+FLAGS" ? StoreMode::kAdd
                   : item == "-FLAGS" ? StoreMode::kRemove : static_cast<StoreMode>(-1);
  if (static_cast<int>(mode) < 0) return Bad(c.tag, "Unknown STORE item " + args[1].text);
  // flag-list, or flags as separate atoms (RFC 3501 §9 store-att-flags).
  std::vector<std::string> names;
  bool listed = args.size() == 3 && args[2].kind == imap::Arg::Kind::kList;
  const std::vector<imap::Arg>& flag_args = listed ? args[2].list : args;
  for (size_t i = listed ? 0 : 2; i < flag_args.size(); ++i) {
    if (flag_args[i].kind != imap::Arg::Kind::kAtom) return Bad(c.tag, "Flags are atoms");
    names.push_back(flag_args[i].text);
  }
  StoreJob job;
  job.mode = mode;
  job.uid = uid;
  // RFC 7162 §3.1.3: a conditional STORE answers even when .SILENT.
  job.silent = silent && !unchanged_since;
  job.unchanged_since = unchanged_since;
  if (posthorn::Status s = ParseFlagNames(names, &job.system, &job.keywords); !s.ok()) return Bad(c.tag, s.message());
  std::string why;
  if (!Resolve(args[0], uid, &job.seqs, &why)) return Bad(c.tag, why);
  if (selected_->read_only) return Tagged(c.tag, "NO", "[READ-ONLY] The mailbox is read-only");
  if (unchanged_since) EnableCondstore();

  std::shared_ptr<SelectedFolder> folder = selected_;
  auto out = std::make_shared<Result<StoreOutcome>>(Error{""});
  std::string tag = c.tag;
  Wait();
  host_->Run(
      [folder, out, job] {
        auto lock = folder->Lock();
        *out = RunStore(*folder, job);
      },
             [this, out, tag, uid] {
               const char* done = uid ? "UID STORE completed" : "STORE completed";
               if (out->ok()) {
                 Send((*out)->responses);
                 if ((*out)->modified.empty()) Tagged(tag, "OK", done);
                 else Tagged(tag, "OK", "[MODIFIED " + imap::FormatNumbers((*out)->modified) + "] Conditional STORE failed");
               } else {
                 host_->Log("user=<" + user_ + ">: STORE: " + out->message());
                 bool full = out->errnum() == maildir::kNoKeywordRoom;
                 Tagged(tag, "NO", full ? "[LIMIT] " + out->message() : "[SERVERBUG] Cannot store the flags");
               }
               Resume();
             });
}

}  // namespace posthorn::imapd
