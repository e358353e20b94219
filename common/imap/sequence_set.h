// RFC 3501 §9 sequence-set: message sequence numbers (FETCH, STORE, COPY,
// SEARCH) or UIDs (UID FETCH, ...), e.g. "2,4:7,9,12:*". Parsed once, then
// resolved against the mailbox: "*" is the highest number in use, known
// only then. Strict: no 0, no leading zeros (nz-number), nothing over
// 2^32-1, no empty items.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"

namespace posthorn::imap {

// From `first` to `last` inclusive. In SequenceSet::items() the ends are as
// written (either order, kStar for "*"); everywhere else first <= last.
struct SequenceRange {
  uint32_t first = 0;
  uint32_t last = 0;
  bool operator==(const SequenceRange&) const = default;
};

class SequenceSet {
 public:
  static constexpr uint32_t kStar = 0;  // 0 is never a seq-number, so it stands for "*"
  static constexpr size_t kDefaultMaxItems = 10000;

  // nz-number and "*" joined by ":" and ","; at most `max_items` items.
  static Result<SequenceSet> Parse(std::string_view text, size_t max_items = kDefaultMaxItems);

  // The items as written, a lone number as a range of one.
  const std::vector<SequenceRange>& items() const { return items_; }

  // The largest number written out, "*" not counted (0 when there is only
  // "*"). RFC 3501 §9 seq-number: a message sequence number beyond the
  // mailbox's count is a BAD command, where a UID beyond the last is just
  // no message; the caller compares.
  uint32_t HighestNumber() const;
  bool HasStar() const;

  // The members within 1..max, "*" being `max` (RFC 3501 §9 seq-range: a
  // UID range "3291:*" includes the last UID even when it is below 3291):
  // ascending, disjoint, non-adjacent ranges. Empty when max is 0.
  std::vector<SequenceRange> Resolve(uint32_t max) const;
  bool Contains(uint32_t n, uint32_t max) const;

  // Calls f(n) for each member of Resolve(max) in ascending order while f
  // returns true. Takes as long as the set has members: for UIDs, whose
  // highest may be far above the message count, walk the messages and ask
  // Contains() or compare with Resolve()'s ranges instead.
  template <typename F>
  void ForEach(uint32_t max, F f) const {
    for (const SequenceRange& r : Resolve(max)) {
      for (uint64_t n = r.first; n <= r.last; ++n) {
        if (!f(static_cast<uint32_t>(n))) return;
      }
    }
  }

 private:
  std::vector<SequenceRange> items_;
};

// Ranges as a sequence-set ("1:3,5"), e.g. for COPYUID (RFC 4315 §3).
// A range of one is written as its number. "" for no ranges.
std::string FormatRanges(const std::vector<SequenceRange>& ranges);
// Numbers as a sequence-set in the order given, each run of consecutive
// ascending ones as a range: {4,5,6,9,2} gives "4:6,9,2". COPYUID pairs
// two such sets by position, so the order must survive.
std::string FormatNumbers(const std::vector<uint32_t>& numbers);

}  // namespace posthorn::imap
