// pop3d: POP3 over the users' Maildirs; see pop3d(8).
#include "common/net/mail_access_server.h"
#include "mra/pop3d/server.h"

int main(int argc, char** argv) {
  using namespace posthorn;
  return net::MailAccessMain(argc, argv, "pop3d", config::kPop3d, [](std::string path, config::Config config) {
    return std::make_unique<pop3d::Server>(std::move(path), std::move(config));
  });
}
