// mda's input filter: any bytes, any packetisation, the same output, and
// sizes that add up.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "mda/message_stream.h"

namespace {

std::string Run(std::string_view input, size_t step, posthorn::mda::MessageStream* s) {
  std::string out;
  for (size_t i = 0; i < input.size(); i += step) out += s->Feed(input.substr(i, step));
  out += s->Finish();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using posthorn::mda::MessageStream;
  if (size == 0) return 0;
  size_t step = 1 + data[0] % 17;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  MessageStream whole("s@example.org", "r@example.org"), pieces("s@example.org", "r@example.org");
  std::string a = Run(input, input.size() + 1, &whole);
  std::string b = Run(input, step, &pieces);
  if (a != b) std::abort();
  if (whole.output_bytes() != a.size()) std::abort();
  if (whole.wire_bytes() != a.size() + static_cast<uint64_t>(std::count(a.begin(), a.end(), '\n'))) std::abort();
  if (whole.delivered_to_count() != pieces.delivered_to_count()) std::abort();
  if (whole.starts_with_header() != pieces.starts_with_header()) std::abort();
  return 0;
}
