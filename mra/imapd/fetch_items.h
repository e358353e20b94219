// The data items of a FETCH command (RFC 3501 §6.4.5, §9 fetch-att), read
// from the parser's arguments into what the fetcher must produce. The
// parser hands `BODY.PEEK[HEADER.FIELDS (From "To")]<0.100>` over as one
// atom; this reads its section and partial. Pure: no mailbox involved.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "common/imap/arg.h"

namespace posthorn::imapd {

struct Section {
  enum class Kind { kAll, kHeader, kHeaderFields, kHeaderFieldsNot, kText, kMime };
  std::vector<uint32_t> part;  // "1.2.3" -> {1,2,3}; empty: the whole message
  Kind kind = Kind::kAll;      // kAll with a part: that part's body
  std::vector<std::string> fields;  // kHeaderFields(Not): upper-cased names

  bool operator==(const Section&) const = default;
};

struct FetchItem {
  enum class Kind {
    kFlags,
    kUid,
    kInternalDate,
    kSize,           // RFC822.SIZE
    kEnvelope,
    kBody,           // BODY without a section: the non-extensible structure
    kBodyStructure,
    kSection,        // BODY[...] / BODY.PEEK[...] and the RFC822 forms
    kModseq,         // RFC 7162 §3.1.4.2
  };
  Kind kind = Kind::kFlags;
  Section section;
  bool peek = false;  // does not set \Seen
  // <origin.count>: octets from `origin`, at most `count` (RFC 3501 §6.4.5).
  std::optional<uint64_t> origin;
  uint64_t count = 0;
  // How the response names it: "RFC822.HEADER", "BODY[1.MIME]", "BODY[]<0>"...
  std::string label;

  bool sets_seen() const { return kind == Kind::kSection && !peek; }
};

// The items `arg` asks for (an atom, a macro, or a parenthesised list), UID
// not added; an error names what is wrong, for a BAD.
Result<std::vector<FetchItem>> ParseFetchItems(const imap::Arg& arg);

}  // namespace posthorn::imapd
