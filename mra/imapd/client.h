// One client of imapd: a Connection carrying a Session, and the Session's
// host: password checks, the user's Maildir, work run off the loop, and
// the folder watch for IDLE. Work done off the loop finds its Client
// through a liveness token, so a client that vanished meanwhile is simply
// skipped.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "common/net/connection.h"
#include "common/net/event.h"
#include "common/net/mail_access_client.h"
#include "mra/imapd/folder_watcher.h"
#include "mra/imapd/session.h"

namespace posthorn::imapd {

class Server;

class Client : public net::SessionClient<SessionHost, Session> {
 public:
  Client(Server& server, std::string peer);

  // MailAccessClient
  Status Start(UniqueFd fd, uint16_t port, bool implicit_tls, const std::string& refuse) override;
  void Shutdown() override;

  // SessionHost (Send, StartTls and Close are SessionClient's)
  void Log(const std::string& line) override;
  void Login(const std::string& user, const std::string& password, int failures) override;
  void Run(std::function<void()> work, std::function<void()> done) override;
  void Watch(const std::string& dir) override;
  void StopWatching() override;
  std::shared_ptr<FolderStates> folders() override;

 private:
  struct Job {
    std::function<void()> work, done;
  };

  void Submit(Job job);
  // Makes sure the user's Maildir and its special folders exist, off the
  // loop, then answers the login.
  void OpenMaildir(const std::string& user, const std::string& maildir);
  void LoginAnswer(LoginOutcome outcome, const std::string& maildir, const std::string& error);
  void FolderChanged();
  void Finish();

  Server& server_;
  std::shared_ptr<const Settings> settings_;
  std::string user_;  // once logged in, for the logs
  // Work that waits for the output to drain: a client that does not read
  // what FETCH 1:* sends must not make us hold the whole mailbox.
  std::deque<Job> held_;
  // Declared before the watch, which must go first.
  std::shared_ptr<FolderWatcher> watcher_;
  std::unique_ptr<FolderWatcher::Watch> watch_;
  net::Timer poll_;       // IDLE without inotify
  net::Timer keepalive_;  // "* OK Still here" while idling
  bool finished_ = false;
};

}  // namespace posthorn::imapd
