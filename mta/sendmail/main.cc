// sendmail and mailq: the sendmail(1) way into the queue; see sendmail(1).
#include <signal.h>
#include <sysexits.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "common/config/config.h"
#include "mta/sendmail/mailq.h"
#include "mta/sendmail/options.h"
#include "mta/sendmail/submit.h"

namespace {

// -q: ask the running smtpd to retry deferred mail now (it reads SIGUSR1).
int Flush(const posthorn::config::Config& config) {
  std::string path = config.String("state_dir") + "/smtpd.pid";
  std::ifstream f(path);
  long pid = 0;
  if (!(f >> pid) || pid <= 1 || ::kill(static_cast<pid_t>(pid), SIGUSR1) != 0) {
    std::fprintf(stderr, "sendmail: no running smtpd to flush (%s)\n", path.c_str());
    return EX_UNAVAILABLE;
  }
  return 0;
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
