#include "common/imap/sequence_set.h"

#include <algorithm>

#include "common/base/strings.h"

namespace posthorn::imap {

namespace {

// RFC 3501 §9: seq-number = nz-number / "*"; nz-number = digit-nz *DIGIT,
// at most 4,294,967,295.
Result<uint32_t> ParseSeqNumber(std::string_view text) {
  if (text.empty()) return Error{"Empty number in sequence set"};
  if (text == "*") return SequenceSet::kStar;
  uint64_t n = 0;
  for (char c : text) {
    if (!IsAsciiDigit(c)) return Error{"Invalid character in sequence set"};
    if (n <= 0xFFFFFFFF) n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (text[0] == '0') return Error{n == 0 ? "0 is not a valid sequence number" : "Leading zero in sequence number"};
  if (n > 0xFFFFFFFF) return Error{"Sequence number out of range"};
  return static_cast<uint32_t>(n);
}

}  // namespace

Result<SequenceSet> SequenceSet::Parse(std::string_view text, size_t max_items) {
  if (text.empty()) return Error{"Empty sequence set"};
  SequenceSet set;
  for (;;) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    if (item.empty()) return Error{"Empty item in sequence set"};
    if (set.items_.size() == max_items) return Error{"Too many items in sequence set"};
    size_t colon = item.find(':');
    Result<uint32_t> first = ParseSeqNumber(item.substr(0, colon));
    if (!first) return first.error();
    SequenceRange range{*first, *first};
    if (colon != std::string_view::npos) {
      Result<uint32_t> last = ParseSeqNumber(item.substr(colon + 1));  // a second ":" is not a digit
      if (!last) return last.error();
      range.last = *last;
    }
    set.items_.push_back(range);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return set;
}

uint32_t SequenceSet::HighestNumber() const {
  uint32_t highest = 0;
  for (const SequenceRange& r : items_) highest = std::max({highest, r.first, r.last});
  return highest;
}

bool SequenceSet::HasStar() const {
  return std::any_of(items_.begin(), items_.end(),
                     [](const SequenceRange& r) { return r.first == kStar || r.last == kStar; });
}

std::vector<SequenceRange> SequenceSet::Resolve(uint32_t max) const {
  std::vector<SequenceRange> ranges;
  if (max == 0) return ranges;
  for (const SequenceRange& item : items_) {
    uint32_t a = item.first == kStar ? max : item.first;
    uint32_t b = item.last == kStar ? max : item.last;
    SequenceRange r{std::min(a, b), std::min(std::max(a, b), max)};
    if (r.first <= r.last) ranges.push_back(r);
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const SequenceRange& x, const SequenceRange& y) { return x.first < y.first; });
  std::vector<SequenceRange> merged;
  for (const SequenceRange& r : ranges) {
    // Overlapping or adjacent ranges merge: 1:3,4 is 1:4.
    if (!merged.empty() && uint64_t{r.first} <= uint64_t{merged.back().last} + 1) {
      merged.back().last = std::max(merged.back().last, r.last);
    } else {
      merged.push_back(r);
    }
  }
  return merged;
}

bool SequenceSet::Contains(uint32_t n, uint32_t max) const {
  if (n == 0 || n > max) return false;
  for (const SequenceRange& item : items_) {
    uint32_t a = item.first == kStar ? max : item.first;
    uint32_t b = item.last == kStar ? max : item.last;
    if (n >= std::min(a, b) && n <= std::max(a, b)) return true;
  }
  return false;
}

std::string FormatRanges(const std::vector<SequenceRange>& ranges) {
  std::string out;
  for (const SequenceRange& r : ranges) {
    if (!out.empty()) out += ',';
    out += std::to_string(r.first);
    if (r.last != r.first) out += ':' + std::to_string(r.last);
  }
  return out;
}

std::string FormatNumbers(const std::vector<uint32_t>& numbers) {
  std::vector<SequenceRange> ranges;
  for (uint32_t n : numbers) {
    if (!ranges.empty() && ranges.back().last != UINT32_MAX && ranges.back().last + 1 == n) ranges.back().last = n;
    else ranges.push_back({n, n});
  }
  return FormatRanges(ranges);
}

}  // namespace posthorn::imap
