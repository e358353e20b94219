// What pop3d and imapd share as processes: listeners of a plain and an
// implicit-TLS kind, clients counted per address, the workers that check
// passwords and read Maildirs off the loop, per-address login failure
// limits, and signals (contract 7: SIGHUP re-reads the config, passwd and
// certificate without dropping sessions; SIGTERM stops). Each daemon's
// Server derives from this and adds its own (pop3d's user locks, imapd's
// folder watcher).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/auth/failure_tracker.h"
#include "common/auth/passwd.h"
#include "common/base/background.h"
#include "common/config/config.h"
#include "common/config/mail_access.h"
#include "common/net/daemon.h"
#include "common/net/event.h"
#include "common/net/event_loop.h"
#include "common/net/listener.h"
#include "common/net/tls.h"

namespace posthorn::net {

// One connection of a mail-access server, as the server sees it.
class MailAccessClient {
 public:
  virtual ~MailAccessClient() = default;
  virtual const std::string& peer() const = 0;
  // Wraps `fd` and greets (or refuses saying `refuse`).
  virtual Status Start(UniqueFd fd, uint16_t port, bool implicit_tls, const std::string& refuse) = 0;
  // SIGTERM: say so and close once the command in hand is done.
  virtual void Shutdown() = 0;
};

// What tells the daemons apart.
struct MailAccessProtocol {
  unsigned program;        // config::kPop3d, config::kImapd
  const char* plain_kind;  // listener kinds: "pop3" / "pop3s"
  const char* tls_kind;
  const char* default_listen;
};

// A checked login: `ok` with the user's canonical (lower-cased) name and
// Maildir, or not.
struct MailLogin {
  bool ok = false;
  std::string user;
  Result<std::string> maildir = Error{"not checked"};
};

class MailAccessServer {
 public:
  MailAccessServer(MailAccessProtocol protocol, std::string config_path, config::Config config);
  virtual ~MailAccessServer();

  // Binds, drops privileges, serves; returns when stopped by SIGTERM or
  // SIGINT. Errors are fatal start-up problems.
  Status Run();

  // For clients.
  EventLoop& loop() { return *loop_; }
  std::shared_ptr<const TlsContext> tls() const { return tls_; }
  BackgroundWorker& disk_worker() { return disk_worker_; }
  // Checks `password` off the loop (unless `peer` has failed too often
  // lately: `blocked`) and calls `done` on the loop with the outcome.
  // `done` must find out for itself whether its client still exists.
  void CheckLogin(const std::string& peer, const std::string& user, const std::string& password,
                  std::function<void(bool blocked, MailLogin login)> done);
  // A failed login from `peer`, for the per-address limit.
  void LoginFailed(const std::string& peer);
  // A client is finished: forget it (on a later loop turn).
  void Forget(MailAccessClient* client);

 protected:
  // The daemon's settings from `config` (a subclass of the shared ones).
  virtual Result<std::shared_ptr<const config::MailAccessSettings>> ReadSettings(const config::Config& config) = 0;
  virtual std::unique_ptr<MailAccessClient> NewClient(const std::string& peer) = 0;
  // More events of the daemon's own, after the loop exists.
  virtual Status StartExtras() { return Status::Ok(); }
  const std::shared_ptr<const config::MailAccessSettings>& common_settings() const { return settings_; }

 private:
  Status LoadRuntime(const config::Config& config);  // settings, passwd, TLS
  Status BindListeners();
  void Accept(UniqueFd fd, const std::string& peer, uint16_t port, bool implicit_tls);
  void Reload();
  void Stop();

  MailAccessProtocol protocol_;
  std::string config_path_;
  config::Config config_;
  std::unique_ptr<EventLoop> loop_;
  // Shared with sessions: a reload swaps in new ones for new sessions.
  std::shared_ptr<const config::MailAccessSettings> settings_;
  std::shared_ptr<const auth::PasswdFile> passwd_;
  std::shared_ptr<const TlsContext> tls_;
  // crypt(3) takes tens of milliseconds by design: its own threads, so
  // logins never hold up message reads.
  BackgroundWorker auth_worker_{2};
  BackgroundWorker disk_worker_{4};
  auth::FailureTracker failures_;
  std::vector<std::unique_ptr<Listener>> listeners_;

 protected:
  ClientSet<MailAccessClient> clients_;

 private:
  Event auth_ev_, disk_ev_, hup_ev_, term_ev_, int_ev_;
  Timer stop_timer_;
  bool stopping_ = false;
};

// The whole of pop3d's and imapd's main(): `-c FILE` and `-f`, logging,
// the configuration, Run(); the exit status is sysexits(3).
using ServerFactory = std::function<std::unique_ptr<MailAccessServer>(std::string config_path, config::Config config)>;
int MailAccessMain(int argc, char** argv, const char* name, unsigned program, const ServerFactory& make);

}  // namespace posthorn::net
