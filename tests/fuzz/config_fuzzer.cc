// posthorn.conf is admin input, but a config parser that crashes on a
// typo is a parser that crashes.
#include <cstdint>
#include <string>

#include "common/config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace posthorn::config;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (unsigned program : {kSmtpd, kMda}) {
    auto c = Config::Parse(text, "fuzz.conf", program);
    if (!c.ok()) continue;
    // Parse promised validated values: every getter must now succeed.
    for (const KeySpec& k : AllKeys()) {
      if ((k.programs & program) == 0) continue;
      switch (k.type) {
        case Type::kString: (void)c->String(k.name); break;
        case Type::kList: (void)c->List(k.name); break;
        case Type::kSize: (void)c->Size(k.name); break;
        case Type::kDuration: (void)c->Duration(k.name); break;
        case Type::kCount: (void)c->Count(k.name); break;
        case Type::kBool: (void)c->Bool(k.name); break;
      }
      (void)c->Where(k.name);
    }
  }
  return 0;
}
