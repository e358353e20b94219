// The DATA state machine. Line start is the very beginning of the data or
// the point after a CR LF, and nothing else: after a bare LF or a bare CR
// a '.' is an ordinary byte. That is the whole defence against SMTP
// smuggling here: `\n.\n`, `\r.\r` and their mixes never end the message,
// they only mark it bad (bare_), so it is read on to the real CR LF . CR LF
// and refused. A reader that ended at any of them would hand the rest of
// the "message" to the command parser as commands.
//
// Bytes are written out as soon as their meaning is known: a CR at once (a
// bare CR is kept too, the message is refused anyway), a line-start '.'
// only once the next byte shows it is not the terminator.
#include "common/smtp/data_reader.h"

#include <cstring>

namespace posthorn::smtp {

namespace {

// Offset of the first `c` at or after `from`, or input.size().
size_t Find(std::string_view input, size_t from, char c) {
  if (from >= input.size()) return input.size();
  const void* p = std::memchr(input.data() + from, c, input.size() - from);
  return p ? static_cast<size_t>(static_cast<const char*>(p) - input.data()) : input.size();
}

}  // namespace

size_t DataReader::Feed(std::string_view input, std::string* out) {
  const size_t n = input.size();
  const size_t out_start = out->size();
  // Next CR and LF at or after i, each searched again only once passed,
  // so a run of bare CRs far from any LF still costs linear time.
  size_t next_cr = Find(input, 0, '\r');
  size_t next_lf = Find(input, 0, '\n');
  size_t i = 0;
  while (i < n && state_ != State::kDone) {
    if (state_ == State::kText) {
      // Fast path: copy up to the next CR or LF in one go.
      if (next_cr < i) next_cr = Find(input, i, '\r');
      if (next_lf < i) next_lf = Find(input, i, '\n');
      size_t stop = next_cr < next_lf ? next_cr : next_lf;
      out->append(input.data() + i, stop - i);
      i = stop;
      if (i == n) break;
    }
    const char c = input[i++];
    switch (state_) {
      case State::kLineStart:
      case State::kText:
        if (c == '.' && state_ == State::kLineStart) {
          state_ = State::kDot;  // held back until the next byte
          break;
        }
        if (c == '\n') bare_ = true;
        out->push_back(c);
        state_ = c == '\r' ? State::kCr : State::kText;
        break;
      case State::kCr:
        if (c == '\n') {
          out->push_back(c);
          state_ = State::kLineStart;
          break;
        }
        bare_ = true;  // the CR before `c` ended nothing
        out->push_back(c);
        state_ = c == '\r' ? State::kCr : State::kText;
        break;
      case State::kDot:
        // RFC 5321 §4.5.2: a line-start '.' followed by anything but CR LF
        // is a stuffed dot and is dropped; `c` is the line's real start.
        if (c == '\r') {
          state_ = State::kDotCr;
          break;
        }
        if (c == '\n') bare_ = true;
        out->push_back(c);
        state_ = State::kText;
        break;
      case State::kDotCr:
        if (c == '\n') {
          state_ = State::kDone;  // ". CR LF" is consumed, not output
          break;
        }
        bare_ = true;  // ". CR x": the dot was stuffed, the CR is bare
        out->push_back('\r');
        out->push_back(c);
        state_ = c == '\r' ? State::kCr : State::kText;
        break;
      case State::kDone:
        break;
    }
  }
  bytes_ += out->size() - out_start;
  return i;
}

}  // namespace posthorn::smtp
