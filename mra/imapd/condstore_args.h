// The arguments RFC 7162 adds to SELECT/EXAMINE, FETCH and STORE, read
// from the parser's argument tree (RFC 4466 select-param, fetch-modifier,
// store-modifier). Pure: errors name what is wrong, for a BAD.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/base/result.h"
#include "common/imap/arg.h"
#include "common/imap/sequence_set.h"

namespace posthorn::imapd {

// mod-sequence-value: 1*DIGIT, a positive 63-bit number (0 too when
// `allow_zero`: mod-sequence-valzer).
bool ParseModseq(std::string_view text, bool allow_zero, uint64_t* out);

struct QresyncParams {
  uint32_t uidvalidity = 0;
  uint64_t modseq = 0;
  std::optional<imap::SequenceSet> known_uids;  // none: 1:(UIDNEXT-1)
  // seq-match-data: message numbers and the UIDs the client holds for
  // them, pairwise, both ascending.
  std::vector<uint32_t> match_seqs;
  std::vector<uint32_t> match_uids;
};

struct SelectParams {
  bool condstore = false;
  std::optional<QresyncParams> qresync;
};

// The parenthesised list after the mailbox name.
Result<SelectParams> ParseSelectParams(const imap::Arg& list);

struct FetchModifiers {
  std::optional<uint64_t> changed_since;
  bool vanished = false;  // only with changed_since; UID FETCH only
};

Result<FetchModifiers> ParseFetchModifiers(const imap::Arg& list);

// STORE's (UNCHANGEDSINCE n).
Result<uint64_t> ParseUnchangedSince(const imap::Arg& list);

}  // namespace posthorn::imapd
