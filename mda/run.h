// mda from command line to exit code, minus process setup, so tests can
// drive the whole program in process.
#pragma once

#include <string>

namespace posthorn::mda {

struct Outcome {
  int exit_code;    // sysexits(3)
  std::string why;  // for stderr when exit_code != 0; with 0, a note for
                    // smtpd (a repeated delivery that found every copy)
  bool logged = false;      // a status line already went to syslog
  bool show_usage = false;  // the command line was wrong
};

Outcome Run(int argc, char** argv);

}  // namespace posthorn::mda
