// Command lines from the client, strictly: only CR LF ends a line (RFC 5321
// §2.3.8). A bare LF or bare CR is an error, never a line end; that is
// what defeats SMTP smuggling, where two servers disagree about where a
// line (and so a message) ends.
#pragma once

#include <cstddef>
#include <string_view>

namespace posthorn::smtp {

struct LineResult {
  enum Kind {
    kLine,      // `line` is a complete line without its CR LF
    kNeedMore,  // no complete line in the input yet
    kTooLong,   // more than max_length bytes before CR LF
    kBareLf,    // an LF not preceded by CR
    kBareCr,    // a CR not followed by LF
  } kind;
  std::string_view line;  // kLine only: points into the input
  size_t consumed = 0;    // bytes of input to drop (line + CR LF; for errors, see below)
};

// Looks at the start of `input` for one line of at most `max_length` bytes
// (without CR LF). A CR as the last byte of input is kNeedMore. On kTooLong,
// kBareLf and kBareCr, `consumed` covers the input up to and including the
// next LF (or all of it when there is none): what the caller discards to
// resynchronise after replying with an error. When that discarded input did
// not end in LF, the caller must go on discarding up to and including the
// next LF that arrives; otherwise the tail of a refused line would be read
// as a command, and differently for each way the bytes were split.
LineResult NextLine(std::string_view input, size_t max_length);

}  // namespace posthorn::smtp
