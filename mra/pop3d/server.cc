#include "mra/pop3d/server.h"

#include "mra/pop3d/client.h"

namespace posthorn::pop3d {

Server::Server(std::string config_path, config::Config config)
    : MailAccessServer({config::kPop3d, "pop3", "pop3s", "0.0.0.0:110/pop3 0.0.0.0:995/pop3s"}, std::move(config_path),
                       std::move(config)) {}

Result<std::shared_ptr<const config::MailAccessSettings>> Server::ReadSettings(const config::Config& config) {
  Result<Settings> s = LoadSettings(config);
  if (!s.ok()) return s.error();
  return std::shared_ptr<const config::MailAccessSettings>(std::make_shared<const Settings>(std::move(s).value()));
}

std::unique_ptr<net::MailAccessClient> Server::NewClient(const std::string& peer) {
  return std::make_unique<Client>(*this, peer);
}

}  // namespace posthorn::pop3d
