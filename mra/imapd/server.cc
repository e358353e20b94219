#include "mra/imapd/server.h"

#include "common/log/log.h"
#include "mra/imapd/client.h"

namespace posthorn::imapd {

Server::Server(std::string config_path, config::Config config)
    : MailAccessServer({config::kImapd, "imap", "imaps", "0.0.0.0:143/imap 0.0.0.0:993/imaps"}, std::move(config_path),
                       std::move(config)) {}

// The clients go first: their watches drop into the watcher.
Server::~Server() { clients_.clear(); }

Result<std::shared_ptr<const config::MailAccessSettings>> Server::ReadSettings(const config::Config& config) {
  return net::ShareSettings(LoadSettings(config));
}

std::unique_ptr<net::MailAccessClient> Server::NewClient(const std::string& peer) {
  return std::make_unique<Client>(*this, peer);
}

void Server::SettleFolders() {
  for (std::shared_ptr<FolderState>& state : folders_->Unsettled()) {
    disk_worker().Submit(
        [state] {
          // Only speed is lost if it fails: the next look lists anyway.
          if (Status s = state->Settle(); !s.ok()) log::Warning("%s", s.message().c_str());
        },
        [] {});
  }
  settle_timer_.Start(std::chrono::seconds(1));
}

Status Server::StartExtras() {
  settle_timer_ = net::Timer(loop(), [this] { SettleFolders(); });
  settle_timer_.Start(std::chrono::seconds(1));
  Result<std::unique_ptr<FolderWatcher>> w = FolderWatcher::Create();
  if (!w.ok()) {
    // Out of inotify instances (fs.inotify.max_user_instances): IDLE
    // still works, by looking at the folder every second.
    log::Warning("IDLE will poll: %s", w.message().c_str());
    return Status::Ok();
  }
  watcher_ = std::move(w).value();
  watch_ev_ = net::Event(loop(), watcher_->fd(), EV_READ | EV_PERSIST, [this](short) { watcher_->OnReadable(); });
  return watch_ev_.Add();
}

}  // namespace posthorn::imapd
