// imapd's process: the mail-access server (listeners, workers, signals;
// common/net/mail_access_server.h) and the one inotify watcher that IDLE
// sessions share.
#pragma once

#include <memory>
#include <string>

#include "common/net/event.h"
#include "common/net/mail_access_server.h"
#include "mra/imapd/folder_state.h"
#include "mra/imapd/folder_watcher.h"
#include "mra/imapd/settings.h"

namespace posthorn::imapd {

class Server : public net::MailAccessServer {
 public:
  Server(std::string config_path, config::Config config);
  ~Server() override;

  std::shared_ptr<const Settings> settings() const {
    return std::static_pointer_cast<const Settings>(common_settings());
  }
  // Null when inotify could not be had: IDLE then polls. Shared, since
  // clients the loop still holds for deletion may outlive the server.
  std::shared_ptr<FolderWatcher> watcher() const { return watcher_; }
  // What the server knows of the folders its sessions have open.
  std::shared_ptr<FolderStates> folders() const { return folders_; }

 private:
  Result<std::shared_ptr<const config::MailAccessSettings>> ReadSettings(const config::Config& config) override;
  std::unique_ptr<net::MailAccessClient> NewClient(const std::string& peer) override;
  Status StartExtras() override;

  std::shared_ptr<FolderWatcher> watcher_;
  net::Event watch_ev_;
  std::shared_ptr<FolderStates> folders_ = std::make_shared<FolderStates>();
  // Every second: folders whose listing waits to settle are listed again.
  net::Timer settle_timer_;
  void SettleFolders();
};

}  // namespace posthorn::imapd
