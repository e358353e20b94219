// mda: one message on standard input into a Maildir; see mda(1).
#include <cstdio>

#include "common/log/log.h"
#include "mda/run.h"

int main(int argc, char** argv) {
  posthorn::log::Init("mda", false);
  posthorn::mda::Outcome outcome = posthorn::mda::Run(argc, argv);
  if (outcome.exit_code != 0) std::fprintf(stderr, "mda: %s\n", outcome.why.c_str());
  return outcome.exit_code;
}
