#include "mta/smtpd/client.h"

#include <event2/buffer.h>

#include "common/auth/password.h"
#include "common/log/log.h"
#include "common/net/daemon.h"
#include "common/queue/disk_space.h"
#include "mta/smtpd/queue_manager.h"
#include "mta/smtpd/queue_sink.h"
#include "mta/smtpd/server.h"

namespace posthorn::smtpd {

Client::Client(Server& server, std::string peer, ListenerKind kind)
    : server_(server), peer_(std::move(peer)), kind_(kind) {}

Client::~Client() { *alive_ = false; }

Status Client::Start(UniqueFd fd, uint16_t port, const std::string& refuse) {
  settings_ = server_.settings_;
  directory_ = server_.directory_;
  net::Connection::Options options;
  if (kind_ == ListenerKind::kSubmissions) {
    // Never serve port 465 in cleartext, even if a reload lost the
    // certificate: that would take passwords in the clear.
    if (!server_.tls()) return Error{"no TLS certificate for an implicit-TLS listener"};
    options.implicit_tls = server_.tls();
  }
  options.read_timeout = std::chrono::seconds(settings_->limits.command_timeout);
  net::Connection::Handlers h;
  h.on_read = [this](evbuffer* in) { OnRead(in); };
  h.on_tls_ready = [this] {
    if (kind_ == ListenerKind::kSubmissions) {
      session_->OnImplicitTls(conn_->tls_version(), conn_->tls_cipher());
      return;
    }
    session_->OnTlsStarted(conn_->tls_version(), conn_->tls_cipher());
    conn_->ResumeReading();
  };
  h.on_timeout = [this] { session_->OnTimeout(); };
  h.on_closed = [this](net::Connection::CloseReason, const std::string&) { Finish(); };
  Result<std::unique_ptr<net::Connection>> c =
      net::Connection::Create(server_.loop(), std::move(fd), peer_, port, options, std::move(h));
  if (!c.ok()) return c.error();
  conn_ = std::move(c).value();
  SessionInfo info;
  info.client_addr = peer_;
  info.kind = kind_;
  info.tls = kind_ == ListenerKind::kSubmissions;
  info.tls_available = server_.tls() != nullptr;
  session_ = std::make_unique<Session>(*settings_, info, this);
  log::Info("connect from unknown[%s]", peer_.c_str());
  session_->Start(refuse);
  return Status::Ok();
}

void Client::OnRead(evbuffer* in) {
  net::FeedSession(in, *session_);
  AfterInput();
}

void Client::AfterInput() {
  if (!conn_ || session_->closing()) return;
  if (session_->waiting()) {
    conn_->PauseReading();
    return;
  }
  conn_->SetReadTimeout(std::chrono::seconds(session_->timeout_seconds()));
}

void Client::AfterInputResume() {
  if (!conn_ || session_->closing() || session_->waiting()) return;
  conn_->SetReadTimeout(std::chrono::seconds(session_->timeout_seconds()));
  conn_->ResumeReading();
}

void Client::Send(std::string_view bytes) {
  if (conn_) conn_->Write(bytes);
}

void Client::StartTls() { net::StartTlsOrClose(*conn_, server_.tls(), peer_); }

void Client::Close() {
  if (conn_) conn_->CloseAfterFlush();
}

void Client::Shutdown() {
  if (session_->waiting()) return;  // a commit finishes, then QUIT or EOF ends it
  session_->OnShutdown();
}

void Client::Finish() {
  if (finished_) return;
  finished_ = true;
  log::Info("disconnect from unknown[%s]", peer_.c_str());
  server_.Forget(this);
}

void Client::VerifyLogin(const std::string& user, const std::string& password, int failures) {
  auto ok = std::make_shared<bool>(false);
  std::weak_ptr<bool> alive = alive_;
  std::shared_ptr<const RecipientDirectory> dir = directory_;
  server_.auth_worker().Submit(
      [ok, dir, user, password] { *ok = auth::Authenticate(dir->passwd(), user, password); },
      [this, ok, alive, failures] {
        if (alive.expired()) return;
        if (*ok) {
          session_->OnLoginResult(true);
          return AfterInputResume();
        }
        // Each failure costs the client a little more time (RFC 4954 §14).
        auth_delay_ = net::Timer(server_.loop(), [this] {
          session_->OnLoginResult(false);
          AfterInputResume();
        });
        auth_delay_.Start(std::chrono::seconds(1 + failures));
      });
}

RecipientClass Client::ClassifyRecipient(const Address& rcpt) { return directory_->Classify(rcpt); }

std::unique_ptr<MessageSink> Client::BeginMessage(const Transaction& t, std::string* why) {
  const queue::QueueStore& store = server_.store();
  Status space = queue::CheckFreeSpace(store.tmp_dir(), t.declared_size.value_or(0), kQueueReserve);
  if (!space.ok()) {
    *why = space.message();
    return nullptr;
  }
  Result<queue::Writer> w = store.Create(EnvelopeFor(t, peer_), server_.spare_files().Take());
  if (!w.ok()) {
    *why = w.message();
    return nullptr;
  }
  return std::make_unique<QueueSink>(std::move(w).value());
}

void Client::CommitMessage(std::unique_ptr<MessageSink> sink, const Transaction&) {
  conn_->PauseReading();
  std::weak_ptr<bool> alive = alive_;
  queue::Writer writer = static_cast<QueueSink*>(sink.get())->Take();
  std::string id = writer.id();
  Server& server = server_;  // outlives the client, which may be gone below
  server_.syncer().Commit(std::move(writer), [this, &server, alive, id](const Status& s) {
    if (!alive.expired()) {  // a client that left has its message queued all the same
      session_->OnCommitted(s.ok(), s.message());
      AfterInputResume();
    }
    if (s.ok()) server.queue_manager().Queued(id);
  });
}

void Client::Log(const std::string& line) { log::Info("%s", line.c_str()); }

}  // namespace posthorn::smtpd
