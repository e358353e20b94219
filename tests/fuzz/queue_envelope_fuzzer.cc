// Queue file headers: parse anything without crashing; whatever parses
// must format back (FormatEnvelope refuses nothing ParseEnvelope took)
// and parse again to the same envelope.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/queue/envelope.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace posthorn::queue;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t offset = 0;
  posthorn::Result<Envelope> e = ParseEnvelope(text, &offset);
  if (!e.ok()) return 0;
  if (offset > size || e->recipients.empty()) std::abort();
  (void)e->is_bounce();
  // Formatting pads the size record, so a header right at the limit may
  // grow past it; below that, formatting must work.
  if (offset + 64 > kMaxEnvelopeBytes) return 0;
  posthorn::Result<std::string> again = FormatEnvelope(*e);
  if (!again.ok()) std::abort();
  size_t offset2 = 0;
  posthorn::Result<Envelope> e2 = ParseEnvelope(*again, &offset2);
  if (!e2.ok() || !(*e2 == *e) || offset2 != again->size()) std::abort();
  return 0;
}
