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

Client::Client(Server& server, std::string peer) : server_(server), peer_(std::move(peer)) {}

Client::~Client() { *alive_ = false; }

Status Client::Start(UniqueFd fd, uint16_t port, bool implicit_tls, const std::string& refuse) {
  settings_ = server_.settings();
  Result<net::Connection::Options> options = server_.ClientOptions(implicit_tls, settings_->idle_timeout);
  if (!options.ok()) return options.error();
  net::Connection::Handlers h;
  h.on_read = [this](evbuffer* in) { OnRead(in); };
  h.on_tls_ready = [this] {
    if (session_->waiting()) {
      session_->OnTlsStarted();
      AfterInput();
    }
  };
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
  Result<std::unique_ptr<net::Connection>> c =
      net::Connection::Create(server_.loop(), std::move(fd), peer_, port, *options, std::move(h));
  if (!c.ok()) return c.error();
  conn_ = std::move(c).value();
  session_ = std::make_unique<Session>(*settings_, server_.ClientSecurity(peer_, implicit_tls), this);
  keepalive_ = net::Timer(server_.loop(), [this] {
    Send("* OK Still here\r\n");
    keepalive_.Start(kKeepalive);
  });
  poll_ = net::Timer(server_.loop(), [this] {
    poll_.Start(kPollInterval);
    FolderChanged();
  });
  log::Info("connect from unknown[%s]", peer_.c_str());
  session_->Start(refuse);
  return Status::Ok();
}

void Client::OnRead(evbuffer* in) {
  net::FeedSession(in, *session_);
  AfterInput();
}

void Client::AfterInput() { net::PaceReading(conn_.get(), *session_); }

void Client::Send(std::string_view bytes) {
  if (conn_) conn_->Write(bytes);
}

void Client::StartTls() { net::StartTlsOrClose(*conn_, server_.tls(), peer_); }

void Client::Close() {
  if (conn_) conn_->CloseAfterFlush();
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
  std::weak_ptr<bool> alive = alive_;
  server_.CheckLogin(peer_, user, password, [this, alive, failures](bool blocked, net::MailLogin login) {
    if (alive.expired()) return;
    if (blocked) return LoginAnswer(LoginOutcome::kAddressLimited, "", "");
    if (!login.ok) return LoginFailed(failures);
    if (!login.maildir.ok())
      return LoginAnswer(LoginOutcome::kMailboxError, "", login.user + ": " + login.maildir.message());
    OpenMaildir(login.user, *login.maildir);
  });
}

void Client::LoginFailed(int failures) {
  server_.LoginFailed(peer_);
  // Each failure costs the client a little more time.
  auth_delay_ = net::Timer(server_.loop(), [this] { LoginAnswer(LoginOutcome::kFailed, "", ""); });
  auth_delay_.Start(std::chrono::seconds(1 + failures));
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
