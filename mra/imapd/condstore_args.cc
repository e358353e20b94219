#include "mra/imapd/condstore_args.h"

#include <charconv>
#include <string>

#include "common/base/strings.h"

namespace posthorn::imapd {

namespace {

using Kind = imap::Arg::Kind;

// The members of a seq-match-data set are expanded; more than this is not
// a sample any more, and would cost memory.
constexpr size_t kMaxMatchMembers = 100000;

bool IsAtom(const imap::Arg& a, std::string_view name) { return a.kind == Kind::kAtom && EqualsIgnoreCase(a.text, name); }

// A sequence-set without "*" (known-uids, known-sequence-set).
std::optional<imap::SequenceSet> StarlessSet(const imap::Arg& a) {
  if (a.kind != Kind::kAtom) return std::nullopt;
  Result<imap::SequenceSet> set = imap::SequenceSet::Parse(a.text);
  if (!set.ok() || set->HasStar()) return std::nullopt;
  return std::move(*set);
}

bool Expand(const imap::SequenceSet& set, std::vector<uint32_t>* out) {
  for (const imap::SequenceRange& r : set.items()) {
    if (r.first > r.last) return false;  // must ascend
    if (r.last - r.first >= kMaxMatchMembers - out->size()) return false;
    for (uint64_t n = r.first; n <= r.last; ++n) {
      if (!out->empty() && out->back() >= n) return false;
      out->push_back(static_cast<uint32_t>(n));
    }
  }
  return true;
}

Result<QresyncParams> ParseQresync(const imap::Arg& a) {
  const Error bad{"QRESYNC takes (uidvalidity modseq [known-uids [(seqs uids)]])"};
  if (a.kind != Kind::kList || a.list.size() < 2 || a.list.size() > 4) return bad;
  QresyncParams q;
  uint64_t validity = 0;
  if (!ParseModseq(a.list[0].text, false, &validity) || a.list[0].kind != Kind::kAtom || validity > 0xffffffffu)
    return bad;
  q.uidvalidity = static_cast<uint32_t>(validity);
  if (a.list[1].kind != Kind::kAtom || !ParseModseq(a.list[1].text, false, &q.modseq)) return bad;
  size_t next = 2;
  if (next < a.list.size() && a.list[next].kind == Kind::kAtom) {
    q.known_uids = StarlessSet(a.list[next++]);
    if (!q.known_uids) return Error{"Bad known-uids in QRESYNC"};
  }
  if (next < a.list.size()) {
    const imap::Arg& match = a.list[next++];
    if (match.kind != Kind::kList || match.list.size() != 2) return Error{"Bad sequence match data in QRESYNC"};
    std::optional<imap::SequenceSet> seqs = StarlessSet(match.list[0]), uids = StarlessSet(match.list[1]);
    if (!seqs || !uids || !Expand(*seqs, &q.match_seqs) || !Expand(*uids, &q.match_uids) ||
        q.match_seqs.size() != q.match_uids.size())
      return Error{"Bad sequence match data in QRESYNC"};
  }
  if (next != a.list.size()) return bad;
  return q;
}

}  // namespace

bool ParseModseq(std::string_view text, bool allow_zero, uint64_t* out) {
  if (text.empty() || (text.size() > 1 && text[0] == '0')) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  if (ec != std::errc() || end != text.data() + text.size()) return false;
  return *out <= (uint64_t{1} << 63) - 1 && (allow_zero || *out > 0);
}

Result<SelectParams> ParseSelectParams(const imap::Arg& list) {
  if (list.kind != Kind::kList) return Error{"SELECT parameters go in parentheses"};
  SelectParams p;
  for (size_t i = 0; i < list.list.size(); ++i) {
    const imap::Arg& a = list.list[i];
    if (IsAtom(a, "CONDSTORE") && !p.condstore) {
      p.condstore = true;
    } else if (IsAtom(a, "QRESYNC") && !p.qresync && i + 1 < list.list.size()) {
      Result<QresyncParams> q = ParseQresync(list.list[++i]);
      if (!q.ok()) return q.error();
      p.qresync = std::move(*q);
    } else {
      return Error{"Unknown SELECT parameter " + a.text};
    }
  }
  return p;
}

Result<FetchModifiers> ParseFetchModifiers(const imap::Arg& list) {
  if (list.kind != Kind::kList || list.list.empty()) return Error{"FETCH modifiers go in parentheses"};
  FetchModifiers m;
  for (size_t i = 0; i < list.list.size(); ++i) {
    const imap::Arg& a = list.list[i];
    uint64_t since = 0;
    if (IsAtom(a, "CHANGEDSINCE") && !m.changed_since && i + 1 < list.list.size() &&
        list.list[i + 1].kind == Kind::kAtom && ParseModseq(list.list[i + 1].text, true, &since)) {
      // RFC 7162 §3.1.4.1 writes mod-sequence-value, but clients send 0
      // for "everything" and Dovecot takes it.
      m.changed_since = since;
      ++i;
    } else if (IsAtom(a, "VANISHED") && !m.vanished) {
      m.vanished = true;
    } else {
      return Error{"Bad FETCH modifier " + a.text};
    }
  }
  if (m.vanished && !m.changed_since) return Error{"VANISHED needs CHANGEDSINCE"};
  return m;
}

Result<uint64_t> ParseUnchangedSince(const imap::Arg& list) {
  uint64_t since = 0;
  if (list.kind != Kind::kList || list.list.size() != 2 || !IsAtom(list.list[0], "UNCHANGEDSINCE") ||
      list.list[1].kind != Kind::kAtom || !ParseModseq(list.list[1].text, true, &since))
    return Error{"STORE modifier must be (UNCHANGEDSINCE modseq)"};
  return since;
}

}  // namespace posthorn::imapd
