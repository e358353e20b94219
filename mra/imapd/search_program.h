// SEARCH's arguments (RFC 3501 §6.4.4, §9 search; RFC 4731 ESEARCH's
// RETURN; RFC 7162 §3.1.5 MODSEQ) read from the parser's argument tree
// into a program: a tree of keys that search_match.h evaluates against
// each message. Pure: no mailbox involved.
//
// The keys RFC 3501 defines as shorthands become the ones they stand for
// (UNSEEN is NOT SEEN, NEW is RECENT UNSEEN, OLD is NOT RECENT, FROM is
// HEADER FROM...), so the matcher knows fewer kinds. Search strings are
// kept case-folded (common/base/case_fold.h), ready to compare.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/imap/arg.h"
#include "common/imap/sequence_set.h"

namespace posthorn::imapd {

struct SearchKey {
  enum class Kind {
    kAll,
    kAnd,           // every child matches: a parenthesised list, the whole program
    kOr,            // either of the two children
    kNot,           // the one child does not
    kFlag,          // the system flag `flag` is set
    kKeyword,       // the keyword `text` is set
    kSequence,      // the message number is in `set`
    kUid,           // the UID is in `set`
    kInternalDate,  // INTERNALDATE's day compares with `day` by `date_op`
    kSentDate,      // the Date: field's day, likewise
    kLarger,        // RFC822.SIZE > `number`
    kSmaller,       // RFC822.SIZE < `number`
    kHeader,        // a field named `field` contains `text` ("" : has such a field)
    kBody,          // the body's text contains `text`
    kText,          // the header's or the body's text contains `text`
    kModseq,        // the message's modseq >= `number` (RFC 7162 §3.1.5)
  };
  enum class Flag { kSeen, kAnswered, kFlagged, kDeleted, kDraft, kRecent };
  enum class DateOp { kBefore, kOn, kSince };

  Kind kind = Kind::kAll;
  Flag flag = Flag::kSeen;
  DateOp date_op = DateOp::kOn;
  int64_t day = 0;      // days since 1970-01-01
  uint64_t number = 0;  // octets, or a modseq
  std::string field;    // kHeader: as the client wrote it
  std::string text;     // kHeader, kBody, kText: case-folded; kKeyword: as written
  imap::SequenceSet set;
  // kSequence, kUid: `set` resolved against the folder (BindToFolder in
  // search_match.h), ascending and disjoint.
  std::vector<imap::SequenceRange> ranges;
  std::vector<SearchKey> children;
};

// RFC 4731 result options; RETURN () means ALL.
struct SearchReturn {
  bool min = false;
  bool max = false;
  bool all = false;
  bool count = false;
};

struct SearchCommand {
  std::optional<SearchReturn> returns;  // RETURN given: answer with ESEARCH
  SearchKey program;                    // kAnd of the keys given
  bool modseq = false;                  // a MODSEQ key: a CONDSTORE enabling command
};

struct SearchLimits {
  // NOT, OR and parentheses open at once: bounds the recursion of the
  // parser and the matcher.
  size_t max_depth = 64;
  // Keys in the whole program, NOT and OR included: bounds the work per
  // message.
  size_t max_keys = 1000;
};

// Why the arguments are no search: a client mistake (BAD), or a charset
// this server does not search in (NO [BADCHARSET (US-ASCII UTF-8)], RFC
// 3501 §6.4.4).
struct SearchError {
  std::string text;
  bool bad_charset = false;
};

// Reads the arguments of SEARCH (after the command name, UID's too):
// [RETURN (options)] [CHARSET name] key *(key). CHARSET US-ASCII and UTF-8
// (any case) are searched in; strings are taken as UTF-8 either way.
bool ParseSearchCommand(std::span<const imap::Arg> args, SearchCommand* out, SearchError* error,
                        const SearchLimits& limits = {});

}  // namespace posthorn::imapd
