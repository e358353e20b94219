// The message after DATA (RFC 5321 §4.1.1.4): ends at CR LF . CR LF and
// nowhere else; a line starting with '.' loses that dot (§4.5.2). Any bare
// CR or bare LF in the data marks the message as bad (it is read to its
// end, then refused): accepting it would let a sender smuggle a second
// message past a server that ends DATA differently. Constant memory:
// output is produced per call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace posthorn::smtp {

class DataReader {
 public:
  // Consumes bytes from the start of `input` and appends the message bytes
  // (with CR LF line ends kept, dots unstuffed) to `out`. Returns how many
  // bytes it consumed: all of them unless the end of data was found, in
  // which case the rest belongs to the next command (pipelining).
  size_t Feed(std::string_view input, std::string* out);

  bool done() const { return state_ == State::kDone; }
  bool bare_line_end() const { return bare_; }  // the message must be refused
  uint64_t message_bytes() const { return bytes_; }

 private:
  enum class State {
    kLineStart,  // after CR LF (or at the very start)
    kDot,        // a '.' at line start
    kDotCr,      // ". CR" at line start
    kText,
    kCr,         // a CR inside a line
    kDone,
  };
  State state_ = State::kLineStart;
  bool bare_ = false;
  uint64_t bytes_ = 0;
};

}  // namespace posthorn::smtp
