#include "mra/imapd/fetcher.h"

#include <sys/stat.h>

#include <cerrno>
#include <ctime>
#include <optional>

#include "common/imap/date_time.h"
#include "common/imap/wire.h"
#include "common/maildir/flags.h"
#include "common/maildir/read_message.h"
#include "common/maildir/set_flags.h"
#include "common/message/mime_tree.h"
#include "common/message/wire_form.h"
#include "mra/imapd/body_structure.h"
#include "mra/imapd/envelope.h"
#include "mra/imapd/fetch_section.h"
#include "mra/imapd/flag_names.h"

namespace posthorn::imapd {

namespace {

using Kind = FetchItem::Kind;

// A message file, read at most once per response, in wire form, with its
// MIME structure parsed at most once.
struct Loaded {
  std::string wire;
  time_t mtime = 0;
  std::optional<message::MimeTree> tree;

  const message::MimeTree& Tree() {
    if (!tree) tree = message::ParseMimeTree(wire);
    return *tree;
  }
};

// INTERNALDATE in the server's zone, as Dovecot shows it.
std::string InternalDate(time_t when) {
  struct tm local;
  ::localtime_r(&when, &local);
  return "\"" + imap::FormatDateTime(when, static_cast<int>(local.tm_gmtoff / 60)) + "\"";
}

MessageFacts FactsOf(Loaded& m) {
  return MessageFacts{m.wire.size(), m.mtime, FormatEnvelope(m.wire),
                      FormatBodyStructure(m.Tree().root, m.wire, /*extensible=*/true)};
}

// The facts a header alone gives: no BODYSTRUCTURE, the size the name says.
MessageFacts HeaderFacts(const Loaded& m, uint64_t wire_size) {
  return MessageFacts{wire_size, m.mtime, FormatEnvelope(m.wire), ""};
}

// Can the answer come from the header alone (a cold FETCH of ENVELOPE, as
// clients list a folder), given a size in the file's name?
bool HeaderSuffices(const FetchRequest& r) {
  for (const FetchItem& item : r.items)
    if (item.kind == Kind::kBodyStructure || item.kind == Kind::kBody || item.kind == Kind::kSection) return false;
  return true;
}

// Does answering need the file, given what the cache and the name know?
bool NeedsFile(const FetchRequest& r, const ViewMessage& m, const MessageFacts* facts) {
  for (const FetchItem& item : r.items) {
    switch (item.kind) {
      case Kind::kFlags:
      case Kind::kUid:
      case Kind::kModseq:
        break;
      case Kind::kSize:
        if (!facts && !maildir::SizeFromName(m.base(), 'W')) return true;
        break;
      case Kind::kInternalDate:  // read once, then cached with the rest
      case Kind::kEnvelope:
        if (!facts) return true;
        break;
      case Kind::kBodyStructure:
        if (!facts || facts->bodystructure.empty()) return true;
        break;
      case Kind::kBody:
      case Kind::kSection:
        return true;
    }
  }
  return false;
}

bool SetsSeen(const FetchRequest& r) {
  if (!r.set_seen) return false;
  for (const FetchItem& item : r.items)
    if (item.sets_seen()) return true;
  return false;
}

// Body octets always go out as a literal, as every server sends them.
std::string Literal(std::string_view text) { return "{" + std::to_string(text.size()) + "}\r\n" + std::string(text); }

std::string SectionItem(const FetchItem& item, Loaded& m) {
  std::optional<std::string> text = SectionText(m.wire, m.Tree(), item.section);
  if (!text) return item.label + " NIL";
  if (!item.origin) return item.label + " " + Literal(*text);
  return item.label + " " + Literal(PartialOf(*text, *item.origin, item.count));
}

std::string Item(const FetchItem& item, const ViewMessage& v, bool recent, const std::vector<std::string>& keywords,
                 const MessageFacts* facts, Loaded* m) {
  switch (item.kind) {
    case Kind::kFlags:
      return "FLAGS " + FormatFlags(v.flags, keywords, recent);
    case Kind::kUid:
      return "UID " + std::to_string(v.uid);
    case Kind::kSize: {
      std::optional<uint64_t> size = facts ? facts->size : maildir::SizeFromName(v.base(), 'W');
      return "RFC822.SIZE " + std::to_string(size ? *size : m->wire.size());
    }
    case Kind::kInternalDate:
      return "INTERNALDATE " + InternalDate(facts ? facts->internal_date : m->mtime);
    case Kind::kEnvelope:
      return "ENVELOPE " + (facts ? facts->envelope : FormatEnvelope(m->wire));
    case Kind::kBodyStructure:
      return "BODYSTRUCTURE " + (facts ? facts->bodystructure : FormatBodyStructure(m->Tree().root, m->wire, true));
    case Kind::kBody:
      return "BODY " + FormatBodyStructure(m->Tree().root, m->wire, /*extensible=*/false);
    case Kind::kSection:
      return SectionItem(item, *m);
    case Kind::kModseq:
      return "MODSEQ (" + std::to_string(v.modseq) + ")";
  }
  return "";
}

// Marks the message \Seen on disk and in the view (RFC 3501 §6.4.5).
Status MarkSeen(SelectedFolder& folder, uint32_t seq) {
  const ViewMessage& v = folder.view.at(seq);
  Result<maildir::FlagsSet> set = maildir::ChangeFlags(folder.dir, v.file, [](const maildir::Flags& now) {
    maildir::Flags next = now;
    next.seen = true;
    return next;
  });
  if (!set.ok()) return set.error();
  folder.RecordFlags(seq, set->flags, set->file);
  return Status::Ok();
}

}  // namespace

Status FetchMessage(SelectedFolder& folder, uint32_t seq, const FetchRequest& request, FetchOutput* out) {
  // A copy: SetFile() may give the view new storage.
  const ViewMessage v = folder.view.at(seq);
  MessageCache* cache = folder.cache();
  const MessageFacts* facts = cache ? cache->Facts(v.uid) : nullptr;
  Loaded loaded;
  bool have_file = false;
  std::optional<uint64_t> named_size = maildir::SizeFromName(v.base(), 'W');
  bool header_only = !facts && named_size && HeaderSuffices(request);
  if (!v.gone && NeedsFile(request, v, facts)) {
    Result<maildir::StoredMessage> stored = maildir::ReadMessage(folder.dir, v.file, header_only);
    if (!stored.ok() && stored.errnum() != ENOENT) return stored.error();
    if (stored.ok()) {
      have_file = true;
      if (stored->file != v.file) folder.view.SetFile(seq, stored->file);
      loaded.wire = message::ToWireForm(stored->bytes);
      loaded.mtime = stored->mtime;
      if ((!facts || facts->bodystructure.empty()) && cache) {
        // The cache is for speed; one that cannot be written is dropped.
        MessageFacts learnt = header_only ? HeaderFacts(loaded, *named_size) : FactsOf(loaded);
        if (!cache->AddFacts(v.uid, learnt).ok()) folder.DropCache();
        cache = folder.cache();
        facts = cache ? cache->Facts(v.uid) : nullptr;
      }
    }
  }
  if (v.gone || (!have_file && NeedsFile(request, v, facts))) {
    out->some_gone = true;
    return Status::Ok();
  }
  bool flags_asked = false, modseq_asked = false, uid_asked = request.uid;
  bool seen_now = false;
  if (SetsSeen(request) && !v.flags.seen) {
    Status s = MarkSeen(folder, seq);
    if (!s.ok() && s.errnum() != ENOENT) return s;
    seen_now = s.ok();
  }
  const ViewMessage& now = folder.view.at(seq);
  const std::vector<std::string>& keywords = folder.keywords().names();
  bool recent = folder.view.recent(now.uid);
  std::string items;
  auto add = [&items](const std::string& item) { items += (items.empty() ? "" : " ") + item; };
  // UID FETCH: the UID comes first, asked for or not (RFC 3501 §6.4.8).
  if (request.uid) add("UID " + std::to_string(now.uid));
  for (const FetchItem& item : request.items) {
    if (request.uid && item.kind == Kind::kUid) continue;
    flags_asked |= item.kind == Kind::kFlags;
    modseq_asked |= item.kind == Kind::kModseq;
    uid_asked |= item.kind == Kind::kUid;
    add(Item(item, now, recent, keywords, facts, &loaded));
  }
  // An implicit \Seen is told as if FLAGS had been asked (RFC 3501 §6.4.5).
  if (seen_now && !flags_asked) add("FLAGS " + FormatFlags(now.flags, keywords, recent));
  if (seen_now && request.uid_with_seen && !uid_asked) add("UID " + std::to_string(now.uid));
  bool modseq_due = request.changed_since || (request.modseq_with_flags && (flags_asked || seen_now));
  if (modseq_due && !modseq_asked) add("MODSEQ (" + std::to_string(now.modseq) + ")");
  out->responses += "* " + std::to_string(seq) + " FETCH (" + items + ")\r\n";
  return Status::Ok();
}

}  // namespace posthorn::imapd
