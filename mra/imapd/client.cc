#include "mra/imapd/client.h"

#include <event2/buffer.h>

#include "common/log/log.h"
#include "common/maildir/folder.h"
#include "common/net/cidr.h"
#include "common/net/daemon.h"
#include "mra/imapd/server.h"

namespace posthorn::imapd {

namespace {

// Past this much unsent output, work waits for the client to read.
constexpr size_t kHighWater = 1024 * 1024;
// IDLE without inotify looks at the folder this often (RFC 2177 pushes
// should come within moments).
constexpr auto kPollInterval = std::chrono::seconds(1);
// While idling the read timeout is off (RFC 2177 §3 lets the server keep
// an idle client); an untagged OK this often keeps NAT state alive and
// lets TCP find a peer that vanished.
constexpr auto kKeepalive = std::chrono::minutes(2);

}  // namespace

Client::Client(Server& server, std::string peer) : SessionClient(server, std::move(peer)), server_(server) {}

Status Client::Start(UniqueFd fd, uint16_t port, bool implicit_tls, const std::string& refuse) {
  settings_ = server_.settings();
  net::Connection::Handlers h;
  // RFC 3501 §5.4: an autologout may say why first.
  h.on_timeout = [this] {
    log::Info("unknown[%s]: idle timeout", peer_.c_str());
    Send("* BYE Autologout; idle for too long\r\n");
    conn_->CloseAfterFlush();
  };
  h.on_drained = [this] {
    std::deque<Job> held = std::move(held_);
    held_.clear();
    for (Job& job : held) Submit(std::move(job));
  };
  h.on_closed = [this](net::Connection::CloseReason, const std::string&) { Finish(); };
  if (Status s = Connect(std::move(fd), port, implicit_tls, settings_->idle_timeout, std::move(h)); !s.ok()) return s;
  session_ = std::make_unique<Session>(*settings_, server_.ClientSecurity(peer_, implicit_tls), this);
  keepalive_ = net::Timer(server_.loop(), [this] {
    Send("* OK Still here\r\n");
    keepalive_.Start(kKeepalive);
  });
  poll_ = net::Timer(server_.loop(), [this] {
    poll_.Start(kPollInterval);
    FolderChanged();
  });
  Greet(refuse);
  return Status::Ok();
}

void Client::Shutdown() {
  session_->OnShutdown();
  AfterInput();
}

void Client::Finish() {
  if (finished_) return;
  finished_ = true;
  watch_.reset();
  log::Info("disconnect from unknown[%s]%s", peer_.c_str(), user_.empty() ? "" : (" user=<" + user_ + ">").c_str());
  server_.Forget(this);
}

void Client::Log(const std::string& line) { log::Info("unknown[%s]: %s", peer_.c_str(), line.c_str()); }

void Client::Login(const std::string& user, const std::string& password, int failures) {
  CheckPassword(
      user, password, failures, [this](const std::string& name, const std::string& maildir) { OpenMaildir(name, maildir); },
      [this](LoginOutcome outcome, const std::string& error) { LoginAnswer(outcome, "", error); });
}

// A Maildir that mda has not made yet (or that another MDA made without
// them) gets its special folders now, so every client finds Sent, Drafts,
// Junk and Trash.
void Client::OpenMaildir(const std::string& user, const std::string& maildir) {
  auto made = std::make_shared<Status>();
  std::weak_ptr<bool> alive = alive_;
  server_.disk_worker().Submit([made, maildir] { *made = maildir::CreateMaildir(maildir); },
                               [this, alive, made, user, maildir] {
                                 if (alive.expired()) return;
                                 if (!made->ok()) return LoginAnswer(LoginOutcome::kMailboxError, "", user + ": " + made->message());
                                 user_ = user;
                                 LoginAnswer(LoginOutcome::kOk, maildir, "");
                               });
}

void Client::LoginAnswer(LoginOutcome outcome, const std::string& maildir, const std::string& error) {
  if (!error.empty()) log::Error("%s", error.c_str());
  session_->OnLogin(outcome, maildir);
  AfterInput();
}

void Client::Run(std::function<void()> work, std::function<void()> done) {
  std::weak_ptr<bool> alive = alive_;
  Job job{std::move(work), [this, alive, done = std::move(done)] {
            if (alive.expired()) return;
            done();
            AfterInput();
          }};
  if (!held_.empty() || (conn_ && conn_->output_length() >= kHighWater)) {
    held_.push_back(std::move(job));
    return;
  }
  Submit(std::move(job));
}

void Client::Submit(Job job) { server_.disk_worker().Submit(std::move(job.work), std::move(job.done)); }

void Client::Watch(const std::string& dir) {
  StopWatching();
  if (conn_) conn_->SetReadTimeout(std::chrono::milliseconds(0));
  keepalive_.Start(kKeepalive);
  watcher_ = server_.watcher();
  if (watcher_) {
    std::weak_ptr<bool> alive = alive_;
    Result<std::unique_ptr<FolderWatcher::Watch>> w = watcher_->Add(dir, [this, alive] {
      if (!alive.expired()) FolderChanged();
    });
    if (w.ok()) {
      watch_ = std::move(w).value();
      return;
    }
    log::Warning("unknown[%s]: IDLE will poll: %s", peer_.c_str(), w.message().c_str());
  }
  poll_.Start(kPollInterval);
}

std::shared_ptr<FolderStates> Client::folders() { return server_.folders(); }

void Client::StopWatching() {
  watch_.reset();
  poll_.Stop();
  keepalive_.Stop();
  if (conn_) conn_->SetReadTimeout(std::chrono::seconds(settings_->idle_timeout));
}

void Client::FolderChanged() {
  session_->OnFolderChanged();
  AfterInput();
}

}  // namespace posthorn::imapd
