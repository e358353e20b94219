// smtpd: the SMTP server, the queue and local delivery; see smtpd(8).
#include <signal.h>
#include <sysexits.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "common/config/config.h"
#include "common/queue/flush.h"
#include "common/log/log.h"
#include "mta/smtpd/server.h"

namespace {

int Flush(const posthorn::config::Config& config) {
  posthorn::Status s = posthorn::queue::RequestFlush(config.String("state_dir"));
  if (s.ok()) return 0;
  std::fprintf(stderr, "smtpd: %s\n", s.message().c_str());
  return EX_UNAVAILABLE;
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path;
  bool foreground = false, flush = false;
  int c;
  while ((c = ::getopt(argc, argv, "c:fq")) != -1) {
    switch (c) {
      case 'c': config_path = optarg; break;
      case 'f': foreground = true; break;
      case 'q': flush = true; break;
      default:
        std::fprintf(stderr, "usage: smtpd [-c FILE] [-f] [-q]\n");
        return EX_USAGE;
    }
  }
  posthorn::log::Init("smtpd", foreground);
  // Without TZ, glibc checks /etc/localtime at every Received: date (an
  // open and two stats on the loop per message); a changed time zone is
  // picked up at the next start.
  if (std::getenv("TZ") == nullptr) {
    ::setenv("TZ", ":/etc/localtime", 0);
    ::tzset();
  }
  auto config = posthorn::config::Config::LoadFor(config_path, posthorn::config::kSmtpd);
  if (!config.ok()) {
    std::fprintf(stderr, "smtpd: %s\n", config.message().c_str());
    return EX_CONFIG;
  }
  if (flush) return Flush(*config);
  posthorn::smtpd::Server server(config_path, std::move(config).value());
  posthorn::Status s = server.Run();
  if (!s.ok()) {
    posthorn::log::Error("%s", s.message().c_str());
    if (!foreground) std::fprintf(stderr, "smtpd: %s\n", s.message().c_str());
    return EX_UNAVAILABLE;
  }
  return 0;
}
