// imapd: IMAP4rev1 over the users' Maildirs; see imapd(8).
#include "common/net/mail_access_server.h"
#include "mra/imapd/server.h"

int main(int argc, char** argv) {
  using namespace posthorn;
  return net::MailAccessMain(argc, argv, "imapd", config::kImapd, [](std::string path, config::Config config) {
    return std::make_unique<imapd::Server>(std::move(path), std::move(config));
  });
}
