// Command lines come straight from the peer: parse anything, and every
// refusal must be a well-formed 5xx reply that is exactly one line on the
// wire, whatever bytes the line held.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <variant>

#include "common/smtp/command.h"

namespace {

bool HasControl(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

void Check(std::string_view line, bool smtputf8_allowed) {
  using namespace posthorn::smtp;
  auto r = ParseCommand(line, smtputf8_allowed);
  if (const auto* e = std::get_if<ParseError>(&r)) {
    const Reply& reply = e->reply;
    if (reply.code < 500 || reply.code > 599) std::abort();
    if (reply.enhanced.empty() || reply.enhanced[0] != '5' || reply.text.empty()) std::abort();
    std::string wire = reply.Wire();
    if (wire.size() < 2 || wire.find("\r\n") != wire.size() - 2) std::abort();
    if (wire.find('\n') != wire.size() - 1 || wire.find('\r') != wire.size() - 2) std::abort();
    if (Brief(reply) + "\r\n" != wire) std::abort();
    return;
  }
  const Command& c = std::get<Command>(r);
  // Nothing the peer sent may reach a handler with a control byte in it.
  if (HasControl(c.argument) || HasControl(c.path.local) || HasControl(c.path.domain)) std::abort();
  if (c.verb == Verb::kRcpt && c.path.null()) std::abort();
  if ((c.verb == Verb::kEhlo || c.verb == Verb::kHelo) && c.argument.empty()) std::abort();
  if (c.verb == Verb::kMail && !c.path.null() && !c.path.domain.empty()) {
    posthorn::AddressOptions options;
    options.allow_utf8 = c.smtputf8;
    auto again = posthorn::ParsePath("<" + c.path.ToString() + ">", options);
    if (!again.ok() || again->local != c.path.local || again->domain != c.path.domain) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  Check(line, false);
  Check(line, true);
  return 0;
}
