// The DATA reader against any bytes in any packetisation: the message,
// the bytes consumed and the flags must not depend on how TCP split the
// stream, or two readings of one stream could disagree on where it ends.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/smtp/data_reader.h"

namespace {

struct Outcome {
  std::string out;
  size_t consumed = 0;
  bool done = false;
  bool bare = false;
  uint64_t bytes = 0;
};

// Feeds `input` in pieces whose lengths come from `lengths` (cycled; 0
// means an empty piece), stopping where a session would: at done().
Outcome Run(std::string_view input, std::string_view lengths) {
  posthorn::smtp::DataReader r;
  Outcome o;
  size_t at = 0;
  for (size_t k = 0; at < input.size() && !r.done(); ++k) {
    size_t len = lengths.empty() ? input.size() : static_cast<unsigned char>(lengths[k % lengths.size()]) % 9;
    if (len == 0 && k > 4 * input.size() + 8) len = 1;  // all-zero lengths must still end
    std::string_view piece = input.substr(at, len);
    size_t used = r.Feed(piece, &o.out);
    if (used > piece.size() || (!r.done() && used != piece.size())) std::abort();
    o.consumed += used;
    at += piece.size();
  }
  o.done = r.done();
  o.bare = r.bare_line_end();
  o.bytes = r.message_bytes();
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte says how many following bytes give piece lengths.
  size_t nlen = data[0] % 8;
  if (nlen + 1 > size) nlen = size - 1;
  std::string_view lengths(reinterpret_cast<const char*>(data) + 1, nlen);
  std::string_view input(reinterpret_cast<const char*>(data) + 1 + nlen, size - 1 - nlen);

  Outcome whole = Run(input, {});
  if (whole.bytes != whole.out.size() || whole.out.size() > whole.consumed) std::abort();
  if (whole.done) {
    // It ended at ". CR LF", at the start or after CR LF.
    std::string_view used = input.substr(0, whole.consumed);
    if (used.size() < 3 || used.substr(used.size() - 3) != ".\r\n") std::abort();
    if (used.size() != 3 && (used.size() < 5 || used.substr(used.size() - 5, 2) != "\r\n")) std::abort();
  } else if (whole.consumed != input.size()) {
    std::abort();
  }
  if (!whole.bare && whole.out.find('\n') != std::string::npos) {
    // Without bare line ends the output is CR LF lines, plus a CR at the end
    // at most when not done.
    for (size_t i = 0; i < whole.out.size(); ++i)
      if (whole.out[i] == '\n' && (i == 0 || whole.out[i - 1] != '\r')) std::abort();
  }
  for (std::string_view l : {lengths, std::string_view("\x01"), std::string_view("\x02\x03")}) {
    Outcome pieces = Run(input, l);
    if (pieces.out != whole.out || pieces.consumed != whole.consumed || pieces.done != whole.done ||
        pieces.bare != whole.bare || pieces.bytes != whole.bytes)
      std::abort();
  }
  return 0;
}
