// STORE and the UID command (RFC 3501 §6.4.6, §6.4.8).
#include <cerrno>
#include <memory>

#include "common/base/strings.h"
#include "common/imap/sequence_set.h"
#include "common/maildir/set_flags.h"
#include "mra/imapd/flag_names.h"
#include "mra/imapd/session.h"

namespace posthorn::imapd {

namespace {

enum class StoreMode { kReplace, kAdd, kRemove };

maildir::Flags Apply(maildir::Flags old, const maildir::Flags& f, uint32_t keywords, StoreMode mode) {
  bool maildir::Flags::*system[] = {&maildir::Flags::seen, &maildir::Flags::replied, &maildir::Flags::flagged,
                                    &maildir::Flags::trashed, &maildir::Flags::draft};
  for (bool maildir::Flags::*field : system) {
    if (mode == StoreMode::kReplace) old.*field = f.*field;
    else if (f.*field) old.*field = mode == StoreMode::kAdd;
  }
  if (mode == StoreMode::kReplace) old.keywords = keywords;
  else if (mode == StoreMode::kAdd) old.keywords |= keywords;
  else old.keywords &= ~keywords;
  // Maildir's P stands for $Forwarded too (flag_names.h); FLAGS replaces it.
  if (mode == StoreMode::kReplace) old.passed = false;
  return old;
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
  if (inner.name == "COPY" || inner.name == "MOVE") return Copy(inner, true, inner.name == "MOVE");
  Bad(c.tag, "UID " + inner.name + " is not supported");
}

void Session::Store(const imap::Command& c, bool uid) {
  if (c.args.size() < 3 || c.args[1].kind != imap::Arg::Kind::kAtom)
    return Bad(c.tag, "STORE takes a sequence set, an item and flags");
  std::string item = c.args[1].text;
  for (char& ch : item) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  bool silent = item.ends_with(".SILENT");
  if (silent) item.resize(item.size() - 7);
  StoreMode mode = item == "FLAGS" ? StoreMode::kReplace : item == "+FLAGS" ? StoreMode::kAdd
                   : item == "-FLAGS" ? StoreMode::kRemove : static_cast<StoreMode>(-1);
  if (static_cast<int>(mode) < 0) return Bad(c.tag, "Unknown STORE item " + c.args[1].text);
  // flag-list, or flags as separate atoms (RFC 3501 §9 store-att-flags).
  std::vector<std::string> names;
  bool listed = c.args.size() == 3 && c.args[2].kind == imap::Arg::Kind::kList;
  const std::vector<imap::Arg>& flag_args = listed ? c.args[2].list : c.args;
  for (size_t i = listed ? 0 : 2; i < flag_args.size(); ++i) {
    if (flag_args[i].kind != imap::Arg::Kind::kAtom) return Bad(c.tag, "Flags are atoms");
    names.push_back(flag_args[i].text);
  }
  maildir::Flags system;
  std::vector<std::string> keywords;
  if (posthorn::Status s = ParseFlagNames(names, &system, &keywords); !s.ok()) return Bad(c.tag, s.message());
  std::vector<uint32_t> seqs;
  std::string why;
  if (!Resolve(c.args[0], uid, &seqs, &why)) return Bad(c.tag, why);
  if (selected_->read_only) return Tagged(c.tag, "NO", "[READ-ONLY] The mailbox is read-only");

  std::shared_ptr<SelectedFolder> folder = selected_;
  auto out = std::make_shared<Result<std::string>>(Error{""});
  std::string tag = c.tag;
  Wait();
  host_->Run(
      [folder, out, seqs, system, keywords, mode, silent, uid] {
        Result<uint32_t> bits = keywords.empty() ? Result<uint32_t>(0u) : folder->keywords.Define(keywords);
        if (!bits.ok()) return void(*out = bits.error());
        std::string untagged;
        for (uint32_t seq : seqs) {
          const ViewMessage& m = folder->view.at(seq);
          // Applied to the flags on disk, not the ones this session last
          // saw, so a flag another client set meanwhile survives +FLAGS.
          if (!m.gone) {
            Result<maildir::FlagsSet> set = maildir::ChangeFlags(
                folder->dir, m.file, [&](const maildir::Flags& now) { return Apply(now, system, *bits, mode); });
            if (!set.ok() && set.errnum() != ENOENT) return void(*out = set.error());
            // A message expunged elsewhere keeps its flags here until the
            // EXPUNGE can be told (RFC 3501 §7.4.1).
            if (set.ok()) {
              folder->RecordFlags(seq, set->flags, set->file);
            }
          }
          if (silent) continue;
          const ViewMessage& now = folder->view.at(seq);
          untagged += "* " + std::to_string(seq) + " FETCH (";
          if (uid) untagged += "UID " + std::to_string(now.uid) + " ";
          untagged += "FLAGS " + FormatFlags(now.flags, folder->keywords.names(), now.recent) + ")\r\n";
        }
        *out = untagged;
      },
      [this, out, tag, uid] {
        if (out->ok()) {
          Send(**out);
          Tagged(tag, "OK", uid ? "UID STORE completed" : "STORE completed");
        } else {
          host_->Log("user=<" + user_ + ">: STORE: " + out->message());
          bool full = out->message().find("26 at most") != std::string::npos;
          Tagged(tag, "NO", full ? "[LIMIT] " + out->message() : "[SERVERBUG] Cannot store the flags");
        }
        Resume();
      });
}

}  // namespace posthorn::imapd
