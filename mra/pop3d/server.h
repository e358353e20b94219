// pop3d's process: the listeners, the client sessions, the workers that
// check passwords and read Maildirs off the loop, and signals (contract 7:
// SIGHUP re-reads the config, passwd and certificate without dropping
// sessions; SIGTERM stops).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/auth/failure_tracker.h"
#include "common/auth/passwd.h"
#include "common/base/background.h"
#include "common/config/config.h"
#include "common/net/daemon.h"
#include "common/net/event.h"
#include "common/net/event_loop.h"
#include "common/net/listener.h"
#include "common/net/tls.h"
#include "mra/pop3d/settings.h"

namespace posthorn::pop3d {

class Client;

class Server {
 public:
  Server(std::string config_path, config::Config config);
  ~Server();

  // Binds, drops privileges, serves; returns when stopped by SIGTERM or
  // SIGINT. Errors are fatal start-up problems.
  Status Run();

  // For Client.
  net::EventLoop& loop() { return *loop_; }
  std::shared_ptr<const Settings> settings() const { return settings_; }
  std::shared_ptr<const auth::PasswdFile> passwd() const { return passwd_; }
  std::shared_ptr<const net::TlsContext> tls() const { return tls_; }
  BackgroundWorker& auth_worker() { return auth_worker_; }
  BackgroundWorker& disk_worker() { return disk_worker_; }
  auth::FailureTracker& failures() { return failures_; }
  // One session per user at a time (the second gets [IN-USE]).
  bool Lock(const std::string& user) { return locked_.insert(user).second; }
  void Unlock(const std::string& user) { locked_.erase(user); }
  // A client is finished: forget it (on a later loop turn).
  void Forget(Client* client);

 private:
  Status LoadRuntime(const config::Config& config);  // settings, passwd, TLS
  Status BindListeners();
  void Accept(UniqueFd fd, const std::string& peer, uint16_t port, bool implicit_tls);
  void Reload();
  void Stop();

  std::string config_path_;
  config::Config config_;
  std::unique_ptr<net::EventLoop> loop_;
  // Shared with sessions: a reload swaps in new ones for new sessions.
  std::shared_ptr<const Settings> settings_;
  std::shared_ptr<const auth::PasswdFile> passwd_;
  std::shared_ptr<const net::TlsContext> tls_;
  // crypt(3) takes tens of milliseconds by design: its own threads, so
  // logins never hold up message reads.
  BackgroundWorker auth_worker_{2};
  BackgroundWorker disk_worker_{4};
  auth::FailureTracker failures_;
  std::set<std::string> locked_;
  std::vector<std::unique_ptr<net::Listener>> listeners_;
  net::ClientSet<Client> clients_;
  net::Event auth_ev_, disk_ev_, hup_ev_, term_ev_, int_ev_;
  net::Timer stop_timer_;
  bool stopping_ = false;
};

}  // namespace posthorn::pop3d
