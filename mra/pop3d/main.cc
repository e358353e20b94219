// pop3d: POP3 over the users' Maildirs; see pop3d(8).
#include <sysexits.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "common/config/config.h"
#include "common/log/log.h"
#include "mra/pop3d/server.h"

int main(int argc, char** argv) {
  std::string config_path;
  bool foreground = false;
  int c;
  while ((c = ::getopt(argc, argv, "c:f")) != -1) {
    switch (c) {
      case 'c': config_path = optarg; break;
      case 'f': foreground = true; break;
      default:
        std::fprintf(stderr, "usage: pop3d [-c FILE] [-f]\n");
        return EX_USAGE;
    }
  }
  posthorn::log::Init("pop3d", foreground);
  auto config = posthorn::config::Config::LoadFor(config_path, posthorn::config::kPop3d);
  if (!config.ok()) {
    std::fprintf(stderr, "pop3d: %s\n", config.message().c_str());
    return EX_CONFIG;
  }
  posthorn::pop3d::Server server(config_path, std::move(config).value());
  posthorn::Status s = server.Run();
  if (!s.ok()) {
    posthorn::log::Error("%s", s.message().c_str());
    if (!foreground) std::fprintf(stderr, "pop3d: %s\n", s.message().c_str());
    return EX_UNAVAILABLE;
  }
  return 0;
}
