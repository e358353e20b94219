// SMTP paths come straight from the peer: parse anything, and whatever
// parses must print back to something that parses to the same address.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/address/address.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace posthorn;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (bool utf8 : {false, true}) {
    AddressOptions options;
    options.allow_utf8 = utf8;
    options.allow_null = true;
    for (auto parse : {&ParsePath, &ParseAddress}) {
      Result<Address> a = parse(text, options);
      if (!a.ok()) continue;
      if (a->null()) continue;
      (void)a->Key();
      (void)IsValidDomain(a->domain, utf8);
      if (a->domain.empty()) continue;  // bare <postmaster>
      Result<Address> again = ParsePath("<" + a->ToString() + ">", options);
      if (!again.ok() || again->local != a->local || again->domain != a->domain) std::abort();
    }
  }
  return 0;
}
