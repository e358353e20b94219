// Maildrop headers come from any local user: parse anything without
// crashing; whatever parses must format back and parse to the same.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/queue/drop_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace posthorn::queue;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t offset = 0;
  posthorn::Result<DropEnvelope> d = ParseDrop(text, &offset);
  if (!d.ok()) return 0;
  if (offset > size || d->recipients.empty()) std::abort();
  posthorn::Result<std::string> again = FormatDrop(*d);
  if (!again.ok()) std::abort();
  size_t offset2 = 0;
  posthorn::Result<DropEnvelope> d2 = ParseDrop(*again, &offset2);
  if (!d2.ok() || d2->recipients.size() != d->recipients.size() || offset2 != again->size()) std::abort();
  return 0;
}
