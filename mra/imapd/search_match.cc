#include "mra/imapd/search_match.h"

#include <algorithm>
#include <cerrno>
#include <ctime>

#include "common/base/strings.h"
#include "common/imap/date_time.h"
#include "common/maildir/flags.h"
#include "common/maildir/read_message.h"
#include "common/message/wire_form.h"

namespace posthorn::imapd {

namespace {

using Kind = SearchKey::Kind;

Match Of(bool yes) { return yes ? Match::kYes : Match::kNo; }

bool InRanges(const std::vector<imap::SequenceRange>& ranges, uint32_t n) {
  auto it = std::upper_bound(ranges.begin(), ranges.end(), n,
                             [](uint32_t v, const imap::SequenceRange& r) { return v < r.first; });
  return it != ranges.begin() && n <= std::prev(it)->last;
}

bool HasFlag(const SearchKey& key, const ViewMessage& m, bool recent) {
  switch (key.flag) {
    case SearchKey::Flag::kSeen:
      return m.flags.seen;
    case SearchKey::Flag::kAnswered:
      return m.flags.replied;
    case SearchKey::Flag::kFlagged:
      return m.flags.flagged;
    case SearchKey::Flag::kDeleted:
      return m.flags.trashed;
    case SearchKey::Flag::kDraft:
      return m.flags.draft;
    case SearchKey::Flag::kRecent:
      return recent;
  }
  return false;
}

// Keywords compare ignoring case (RFC 3501 §2.3.2); Maildir's P counts as
// $Forwarded, as FETCH FLAGS shows it (flag_names.h).
bool HasKeyword(std::string_view name, const ViewMessage& m, const std::vector<std::string>& keywords) {
  if (m.flags.passed && EqualsIgnoreCase(name, "$Forwarded")) return true;
  for (size_t i = 0; i < keywords.size() && i < 26; ++i)
    if (EqualsIgnoreCase(keywords[i], name)) return (m.flags.keywords >> i) & 1;
  return false;
}

bool CompareDay(SearchKey::DateOp op, int64_t day, int64_t wanted) {
  switch (op) {
    case SearchKey::DateOp::kBefore:
      return day < wanted;
    case SearchKey::DateOp::kOn:
      return day == wanted;
    case SearchKey::DateOp::kSince:
      return day >= wanted;
  }
  return false;
}

int64_t LocalDay(int64_t when) {
  time_t t = static_cast<time_t>(when);
  struct tm local;
  ::localtime_r(&t, &local);
  return imap::DayOf(when, static_cast<int>(local.tm_gmtoff / 60));
}

// AND of `children` (OR when `any`): decided as soon as one child decides.
Match Combine(const std::vector<SearchKey>& children, bool any, const SearchSubject& s) {
  Match decisive = any ? Match::kYes : Match::kNo;
  Match result = any ? Match::kNo : Match::kYes;
  for (const SearchKey& child : children) {
    Match m = Evaluate(child, s);
    if (m == decisive) return m;
    if (m == Match::kUnknown) result = Match::kUnknown;
  }
  return result;
}

// The keys that need the file's text.
Match TextKey(const SearchKey& key, SearchText& text) {
  switch (key.kind) {
    case Kind::kHeader:
      return Of(text.HeaderContains(key.field, key.text));
    case Kind::kBody:
      return Of(text.BodyContains(key.text));
    case Kind::kText:
      return Of(text.TextContains(key.text));
    default: {  // kSentDate
      std::optional<int64_t> day = text.SentDay();
      return Of(day && CompareDay(key.date_op, *day, key.day));
    }
  }
}

}  // namespace

void BindToFolder(SearchKey* program, uint32_t exists, uint32_t max_uid) {
  if (program->kind == Kind::kSequence) program->ranges = program->set.Resolve(exists);
  if (program->kind == Kind::kUid) program->ranges = program->set.Resolve(max_uid);
  for (SearchKey& child : program->children) BindToFolder(&child, exists, max_uid);
}

Match Evaluate(const SearchKey& key, const SearchSubject& s) {
  const ViewMessage& m = *s.message;
  switch (key.kind) {
    case Kind::kAll:
      return Match::kYes;
    case Kind::kAnd:
    case Kind::kOr:
      return Combine(key.children, key.kind == Kind::kOr, s);
    case Kind::kNot: {
      Match inner = Evaluate(key.children[0], s);
      return inner == Match::kUnknown ? inner : Of(inner == Match::kNo);
    }
    case Kind::kFlag:
      return Of(HasFlag(key, m, s.recent));
    case Kind::kKeyword:
      return Of(HasKeyword(key.text, m, *s.keywords));
    case Kind::kSequence:
      return Of(InRanges(key.ranges, s.seq));
    case Kind::kUid:
      return Of(InRanges(key.ranges, m.uid));
    case Kind::kModseq:
      return Of(m.modseq >= key.number);
    case Kind::kInternalDate:
      if (!s.internal_date) return Match::kUnknown;
      return Of(CompareDay(key.date_op, LocalDay(*s.internal_date), key.day));
    case Kind::kLarger:
    case Kind::kSmaller:
      if (!s.size) return Match::kUnknown;
      return Of(key.kind == Kind::kLarger ? *s.size > key.number : *s.size < key.number);
    case Kind::kHeader:
    case Kind::kBody:
    case Kind::kText:
    case Kind::kSentDate:
      return s.text ? TextKey(key, *s.text) : Match::kUnknown;
  }
  return Match::kNo;
}

Result<bool> MatchMessage(SelectedFolder& folder, uint32_t seq, const SearchKey& program) {
  // A copy: SetFile() may give the view new storage.
  const ViewMessage v = folder.view.at(seq);
  SearchSubject s{seq, &v, &folder.keywords().names()};
  s.recent = folder.view.recent(v.uid);
  MessageCache* cache = folder.cache();
  if (const MessageFacts* facts = cache ? cache->Facts(v.uid) : nullptr) {
    s.size = facts->size;
    s.internal_date = facts->internal_date;
  } else {
    s.size = maildir::SizeFromName(v.base(), 'W');
  }
  Match m = Evaluate(program, s);
  if (m != Match::kUnknown) return m == Match::kYes;
  if (v.gone) return false;
  Result<maildir::StoredMessage> stored = maildir::ReadMessage(folder.dir, v.file);
  if (!stored.ok()) return stored.errnum() == ENOENT ? Result<bool>(false) : Result<bool>(stored.error());
  if (stored->file != v.file) folder.view.SetFile(seq, stored->file);
  SearchText text(message::ToWireForm(stored->bytes));
  s.size = text.size();
  s.internal_date = stored->mtime;
  s.text = &text;
  return Evaluate(program, s) == Match::kYes;
}

}  // namespace posthorn::imapd
