// pop3d's process: the mail-access server (listeners, workers, signals;
// common/net/mail_access_server.h) with pop3d's own rule that a user has
// one session at a time.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "common/net/mail_access_server.h"
#include "mra/pop3d/settings.h"

namespace posthorn::pop3d {

class Server : public net::MailAccessServer {
 public:
  Server(std::string config_path, config::Config config);

  std::shared_ptr<const Settings> settings() const { return common_settings(); }
  // One session per user at a time (the second gets [IN-USE]).
  bool Lock(const std::string& user) { return locked_.insert(user).second; }
  void Unlock(const std::string& user) { locked_.erase(user); }

 private:
  Result<std::shared_ptr<const config::MailAccessSettings>> ReadSettings(const config::Config& config) override;
  std::unique_ptr<net::MailAccessClient> NewClient(const std::string& peer) override;

  std::set<std::string> locked_;
};

}  // namespace posthorn::pop3d
