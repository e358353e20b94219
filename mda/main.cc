// mda: one message on standard input into a Maildir; see mda(1).
#include <cstdio>
#include <string>

#include "common/log/log.h"
#include "mda/options.h"
#include "mda/run.h"

namespace {

// The reason can quote input (a -f argument, an address): on the admin's
// terminal it must stay one line, with nothing hidden in it.
std::string Printable(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c < 0x20 || c == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else out += static_cast<char>(c);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  posthorn::log::Init("mda", false);
  posthorn::mda::Outcome outcome = posthorn::mda::Run(argc, argv);
  if (outcome.exit_code == 0 && !outcome.why.empty()) std::fprintf(stderr, "mda: %s\n", Printable(outcome.why).c_str());
  if (outcome.exit_code != 0) {
    std::string why = Printable(outcome.why);
    std::fprintf(stderr, "mda: %s\n", why.c_str());
    if (outcome.show_usage) std::fprintf(stderr, "%s\n", posthorn::mda::kUsage);
    if (!outcome.logged) posthorn::log::Error("%s", why.c_str());
  }
  return outcome.exit_code;
}
