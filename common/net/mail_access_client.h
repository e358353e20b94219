// What imapd's and pop3d's clients share: the connection and the session
// it carries, input fed to the session at its pace, the calls every
// session makes of its connection (Send, StartTls, Close), and the
// password check, a failure answered only after a delay that grows with
// each one. `Host` is the daemon's SessionHost, whose calls these answer;
// `S` is its Session. The daemon's Client adds the rest (imapd's folder
// watch and held work, pop3d's user lock and message transfers).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "common/log/log.h"
#include "common/net/daemon.h"
#include "common/net/mail_access_server.h"
#include "common/net/session_host.h"

namespace posthorn::net {

template <typename Host, typename S>
class SessionClient : public MailAccessClient, public Host {
 public:
  SessionClient(MailAccessServer& server, std::string peer) : peer_(std::move(peer)), access_(server) {}
  ~SessionClient() override { *alive_ = false; }

  const std::string& peer() const override { return peer_; }
  void Send(std::string_view bytes) override {
    if (conn_) conn_->Write(bytes);
  }
  void StartTls() override { StartTlsOrClose(*conn_, access_.tls(), peer_); }
  void Close() override {
    if (conn_) conn_->CloseAfterFlush();
  }

 protected:
  // Wraps `fd` with the handlers of `h`, but for input and the end of a
  // TLS handshake, which go to the session; make session_ before the
  // loop runs again.
  Status Connect(UniqueFd fd, uint16_t port, bool implicit_tls, uint64_t idle_timeout, Connection::Handlers h) {
    Result<Connection::Options> options = access_.ClientOptions(implicit_tls, idle_timeout);
    if (!options.ok()) return options.error();
    h.on_read = [this](evbuffer* in) {
      FeedSession(in, *session_);
      AfterInput();
    };
    h.on_tls_ready = [this] {
      if (!session_->waiting()) return;
      session_->OnTlsStarted();
      AfterInput();
    };
    Result<std::unique_ptr<Connection>> c =
        Connection::Create(access_.loop(), std::move(fd), peer_, port, *options, std::move(h));
    if (!c.ok()) return c.error();
    conn_ = std::move(c).value();
    return Status::Ok();
  }

  // The session greets, or refuses saying `refuse`.
  void Greet(const std::string& refuse) {
    log::Info("connect from unknown[%s]", peer_.c_str());
    session_->Start(refuse);
  }

  // Reads on while the session can take more; holds back otherwise.
  void AfterInput() { PaceReading(conn_.get(), *session_); }

  // Checks the password off the loop. A good one gives `ok` the user's
  // canonical name and Maildir; anything else gives `refused` the outcome
  // and an error to log (or ""), a wrong password only after 1 +
  // `failures` seconds. Neither is called once this client is gone.
  void CheckPassword(const std::string& user, const std::string& password, int failures,
                     std::function<void(const std::string& user, const std::string& maildir)> ok,
                     std::function<void(LoginOutcome outcome, const std::string& error)> refused) {
    std::weak_ptr<bool> alive = alive_;
    access_.CheckLogin(peer_, user, password,
                       [this, alive, failures, ok = std::move(ok), refused = std::move(refused)](
                           bool blocked, MailLogin login) {
                         if (alive.expired()) return;
                         if (blocked) return refused(LoginOutcome::kAddressLimited, "");
                         if (!login.ok) return Failed(failures, refused);
                         if (!login.maildir.ok())
                           return refused(LoginOutcome::kMailboxError, login.user + ": " + login.maildir.message());
                         ok(login.user, *login.maildir);
                       });
  }

  std::string peer_;
  std::unique_ptr<Connection> conn_;
  std::unique_ptr<S> session_;
  // Expires with the client: callbacks from workers check it first.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

 private:
  void Failed(int failures, const std::function<void(LoginOutcome, const std::string&)>& refused) {
    access_.LoginFailed(peer_);
    // Each failure costs the client a little more time.
    auth_delay_ = Timer(access_.loop(), [refused] { refused(LoginOutcome::kFailed, ""); });
    auth_delay_.Start(std::chrono::seconds(1 + failures));
  }

  MailAccessServer& access_;
  Timer auth_delay_;
};

}  // namespace posthorn::net
