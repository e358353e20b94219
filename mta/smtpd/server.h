// smtpd's process: the listeners, the client sessions, the queue and its
// delivery, signals (contract 7: SIGHUP reloads config, passwd, aliases
// and certificates without dropping sessions; SIGTERM stops cleanly;
// SIGUSR1 flushes the deferred queue, which `smtpd -q` sends).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/base/background.h"
#include "common/config/config.h"
#include "common/net/daemon.h"
#include "common/net/event.h"
#include "common/net/event_loop.h"
#include "common/net/listener.h"
#include "common/net/tls.h"
#include "common/queue/store.h"
#include "common/queue/spare_files.h"
#include "common/queue/syncer.h"
#include "mta/smtpd/recipients.h"
#include "mta/smtpd/settings.h"

namespace posthorn::smtpd {

class Client;
class QueueManager;

class Server {
 public:
  // `config_path` is what -c said ("" for the default), passed on to mda.
  Server(std::string config_path, config::Config config);
  ~Server();

  // Binds, drops privileges, opens the queue, starts serving; returns when
  // stopped by SIGTERM/SIGINT. Errors are fatal start-up problems.
  Status Run();

  // For Client and QueueManager.
  net::EventLoop& loop() { return *loop_; }
  const Settings& settings() const { return *settings_; }
  const RecipientDirectory& directory() const { return *directory_; }
  std::shared_ptr<const RecipientDirectory> directory_ptr() const { return directory_; }
  std::shared_ptr<const net::TlsContext> tls() const { return tls_; }
  const queue::QueueStore& store() const { return *store_; }
  queue::Syncer& syncer() { return *syncer_; }
  queue::SpareFiles& spare_files() { return *spare_files_; }
  BackgroundWorker& auth_worker() { return auth_worker_; }
  QueueManager& queue_manager() { return *queue_manager_; }
  const std::string& config_path() const { return config_path_; }
  const config::Config& config() const { return config_; }
  // A client is finished: forget it (on a later loop turn).
  void Forget(Client* client);

 private:
  Status LoadRuntime(const config::Config& config);  // settings, directory, TLS
  Status BindListeners();
  void Accept(UniqueFd fd, const std::string& peer, uint16_t port, int kind);
  void Reload();
  void Stop();
  std::string WritePidFile();
  Status PrepareStateDir();

  std::string config_path_;
  config::Config config_;
  std::unique_ptr<net::EventLoop> loop_;
  // Settings are shared with sessions: a reload swaps in new ones for new
  // sessions while old sessions keep theirs alive.
  std::shared_ptr<const Settings> settings_;
  std::shared_ptr<const RecipientDirectory> directory_;
  std::shared_ptr<const net::TlsContext> tls_;
  std::unique_ptr<queue::QueueStore> store_;
  std::unique_ptr<queue::Syncer> syncer_;
  std::unique_ptr<queue::SpareFiles> spare_files_;
  BackgroundWorker auth_worker_{2};
  std::vector<std::unique_ptr<net::Listener>> listeners_;
  std::vector<int> listener_kinds_;
  net::ClientSet<Client> clients_;
  std::unique_ptr<QueueManager> queue_manager_;
  net::Event syncer_ev_, auth_ev_, hup_ev_, term_ev_, int_ev_, usr1_ev_;
  net::Timer stop_timer_;
  bool stopping_ = false;

  friend class Client;
};

}  // namespace posthorn::smtpd
