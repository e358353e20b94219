// NextLine looks at most at max_length + 2 bytes to accept a line, so a
// peer that never sends CR LF costs one bounded scan per call, and it
// judges a line by its first CR or LF only. That rule is what makes the
// answer independent of how the bytes arrived: a caller that appends
// bytes and retries sees exactly the results of one call over the whole
// stream, because nothing after the first CR or LF (or after byte
// max_length) can change the verdict.
#include "common/smtp/line_reader.h"

#include <cstring>

namespace posthorn::smtp {

namespace {

// Offset of the first `c` in input[from, limit), or `limit`.
size_t Find(std::string_view input, size_t from, size_t limit, char c) {
  if (from == limit) return limit;  // memchr wants a valid pointer even for 0 bytes
  const void* p = std::memchr(input.data() + from, c, limit - from);
  return p ? static_cast<size_t>(static_cast<const char*>(p) - input.data()) : limit;
}

// The error result: discard through the next LF at or after `from`, or all
// of the input when there is none yet (the caller keeps discarding).
LineResult Resync(LineResult::Kind kind, std::string_view input, size_t from) {
  size_t lf = Find(input, from, input.size(), '\n');
  return LineResult{kind, {}, lf < input.size() ? lf + 1 : input.size()};
}

}  // namespace

LineResult NextLine(std::string_view input, size_t max_length) {
  const size_t n = input.size();
  // A CR or LF at offset <= max_length can still end an acceptable line;
  // one further out cannot, so the scan stops there.
  const size_t window = max_length < n ? max_length + 1 : n;
  const size_t lf = Find(input, 0, window, '\n');
  const size_t end = Find(input, 0, lf, '\r');  // the first CR or LF
  if (end == window) {
    if (n > max_length) return Resync(LineResult::kTooLong, input, 0);
    return LineResult{LineResult::kNeedMore, {}, 0};
  }
  if (input[end] == '\n') return Resync(LineResult::kBareLf, input, end);
  if (end + 1 == n) return LineResult{LineResult::kNeedMore, {}, 0};
  if (input[end + 1] != '\n') return Resync(LineResult::kBareCr, input, end + 1);
  return LineResult{LineResult::kLine, input.substr(0, end), end + 2};
}

}  // namespace posthorn::smtp
