// sendmail and mailq: the sendmail(1) way into the queue; see sendmail(1).
#include <signal.h>
#include <sysexits.h>

#include <cstdio>
#include <string>
#include <vector>

#include "common/config/config.h"
#include "common/queue/flush.h"
#include "mta/sendmail/mailq.h"
#include "mta/sendmail/options.h"
#include "mta/sendmail/submit.h"

namespace {

int Flush(const posthorn::config::Config& config) {
  posthorn::Status s = posthorn::queue::RequestFlush(config.String("state_dir"));
  if (s.ok()) return 0;
  std::fprintf(stderr, "sendmail: %s\n", s.message().c_str());
  return EX_UNAVAILABLE;
}

}  // namespace

int main(int argc, char** argv) {
  std::string program = argv[0];
  program = program.substr(program.rfind('/') + 1);
  std::vector<std::string> args(argv + 1, argv + argc);
  auto options = posthorn::sendmail::ParseOptions(program, args);
  if (!options.ok()) {
    std::fprintf(stderr, "%s: %s\nusage: sendmail [-t] [-i] [-f sender] [-F name] [-bp] [-q] [recipient ...]\n",
                 program.c_str(), options.message().c_str());
    return EX_USAGE;
  }
  // sendmail's settings are smtpd's: the same queue.
  auto config = posthorn::config::Config::LoadFor(options->config_path, posthorn::config::kSmtpd);
  if (!config.ok()) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(), config.message().c_str());
    return EX_TEMPFAIL;
  }
  switch (options->mode) {
    case posthorn::sendmail::Mode::kListQueue: return posthorn::sendmail::ListQueue(*config, stdout);
    case posthorn::sendmail::Mode::kFlush: return Flush(*config);
    case posthorn::sendmail::Mode::kSend: break;
  }
  return posthorn::sendmail::Submit(*options, *config, stdin);
}
