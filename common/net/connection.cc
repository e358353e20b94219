#include "common/net/connection.h"

#include <event2/bufferevent_ssl.h>
#include <event2/bufferevent_struct.h>
#include <fcntl.h>
#include <openssl/err.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "common/net/event_loop.h"

namespace posthorn::net {

namespace {

// libevent keeps the OpenSSL errors of a failed TLS bufferevent apart from
// the thread's queue; turn them (or errno) into one line for the log.
std::string ErrorDetail(bufferevent* bev, bool tls) {
  std::string out;
  if (tls) {
    while (unsigned long e = bufferevent_get_openssl_error(bev)) {
      std::string one = TlsErrorString(e);
      if (one.empty()) continue;
      if (!out.empty()) out += "; ";
      out += one;
    }
    if (!out.empty()) return "TLS: " + out;
  }
  int err = EVUTIL_SOCKET_ERROR();
  return err != 0 ? std::strerror(err) : "connection error";
}

timeval ToTimeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

}  // namespace

Connection::Connection(Key, EventLoop& loop, std::string peer_address, uint16_t peer_port, const Options& options,
                       Handlers handlers)
    : loop_(loop),
      peer_address_(std::move(peer_address)),
      peer_port_(peer_port),
      input_limit_(options.input_limit),
      read_timeout_(options.read_timeout),
      write_timeout_(options.write_timeout),
      shared_(std::make_shared<Shared>()) {
  shared_->handlers = std::move(handlers);
  shared_->self = this;
}

Connection::~Connection() {
  shared_->self = nullptr;
  Close();
}

Result<std::unique_ptr<Connection>> Connection::Create(EventLoop& loop, UniqueFd fd, std::string peer_address,
                                                       uint16_t peer_port, Options options, Handlers handlers) {
  auto c = std::make_unique<Connection>(Key(), loop, std::move(peer_address), peer_port, options,
                                        std::move(handlers));
  Status s = c->Attach(std::move(fd), options.implicit_tls.get());
  if (!s.ok()) return s.error();
  return c;
}

Status Connection::Attach(UniqueFd fd, const TlsContext* tls) {
  // CLOSE_ON_FREE: libevent closes the fd only after removing its events,
  // so the number cannot be reused while epoll still watches it.
  const int opts = BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS;
  bufferevent* bev = nullptr;
  if (tls != nullptr) {
    SSL* ssl = SSL_new(tls->get());
    if (ssl == nullptr) return Error{"SSL_new: " + TakeTlsErrors()};
    // On failure libevent frees `ssl` itself (CLOSE_ON_FREE).
    bev = bufferevent_openssl_socket_new(loop_.base(), fd.get(), ssl, BUFFEREVENT_SSL_ACCEPTING, opts);
    // Clients that just close TCP without close_notify are the norm in
    // mail; that is an EOF, not an error.
    if (bev != nullptr) bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
  } else {
    bev = bufferevent_socket_new(loop_.base(), fd.get(), opts);
  }
  if (bev == nullptr) return Error{"cannot create a bufferevent for " + peer_address_};
  fd.Release();
  bev_.reset(bev);
  tls_ = tls != nullptr;
  bufferevent_setcb(bev, &ReadTrampoline, &WriteTrampoline, &EventTrampoline, this);
  bufferevent_setwatermark(bev, EV_READ, 0, input_limit_);
  ApplyTimeouts();
  // EV_WRITE is on from creation; enabling it again on an empty output
  // would only make libevent call the write callback for nothing.
  if (bufferevent_enable(bev, EV_READ) != 0) return Error{"cannot watch " + peer_address_};
  return Status::Ok();
}

void Connection::ApplyTimeouts() {
  timeval r = ToTimeval(read_timeout_), w = ToTimeval(write_timeout_);
  bufferevent_set_timeouts(bev_.get(), read_timeout_.count() > 0 ? &r : nullptr,
                           write_timeout_.count() > 0 ? &w : nullptr);
}

bool Connection::Write(std::string_view data) {
  // Not while STARTTLS is pending: it would still go out in cleartext.
  if (state_ != State::kOpen) return false;
  return bufferevent_write(bev_.get(), data.data(), data.size()) == 0;
}

size_t Connection::output_length() const {
  return bev_ ? evbuffer_get_length(bufferevent_get_output(bev_.get())) : 0;
}

void Connection::PauseReading() {
  if (state_ == State::kOpen) bufferevent_disable(bev_.get(), EV_READ);
}

void Connection::ResumeReading() {
  if (state_ != State::kOpen) return;
  bufferevent_enable(bev_.get(), EV_READ);
  if (evbuffer_get_length(bufferevent_get_input(bev_.get())) > 0)
    bufferevent_trigger(bev_.get(), EV_READ, BEV_TRIG_DEFER_CALLBACKS);
  KickTlsRead();
}

void Connection::SetReadTimeout(std::chrono::milliseconds timeout) {
  read_timeout_ = timeout;
  if (bev_) ApplyTimeouts();
}

// A TLS bufferevent reads from the socket a record at a time; when reading
// stops (watermark, PauseReading) in the middle of one, the rest waits
// decrypted inside the SSL where epoll cannot see it. If the client then
// waits for us, nothing would ever read it: wake the read side by hand.
void Connection::KickTlsRead() {
  SSL* s = ssl();
  if (s == nullptr || !tls_ready_ || state_ != State::kOpen || !(bufferevent_get_enabled(bev_.get()) & EV_READ))
    return;
  if (evbuffer_get_length(bufferevent_get_input(bev_.get())) >= input_limit_) return;
  if (SSL_has_pending(s)) event_active(&bev_->ev_read, EV_READ, 1);
}

Status Connection::StartTls(std::shared_ptr<const TlsContext> ctx) {
  if (state_ != State::kOpen) return Error{"STARTTLS: connection is closing"};
  if (tls_) return Error{"STARTTLS: TLS is already active"};
  if (!ctx) return Error{"STARTTLS: no TLS context"};
  evbuffer* in = bufferevent_get_input(bev_.get());
  evbuffer_drain(in, evbuffer_get_length(in));
  bufferevent_disable(bev_.get(), EV_READ);
  pending_tls_ = std::move(ctx);
  state_ = State::kStartingTls;
  // The switch happens in the write callback once the reply is out; if
  // nothing is queued, this makes that callback run on the next turn.
  bufferevent_trigger(bev_.get(), EV_WRITE, BEV_TRIG_IGNORE_WATERMARKS | BEV_TRIG_DEFER_CALLBACKS);
  return Status::Ok();
}

void Connection::SwitchToTls() {
  // A second descriptor for the same socket: the plain bufferevent closes
  // its own fd when libevent finally releases it (possibly after this
  // callback returns), and the TLS one must not share that number.
  UniqueFd fd(fcntl(bufferevent_getfd(bev_.get()), F_DUPFD_CLOEXEC, 3));
  if (!fd.valid()) return Finish(CloseReason::kError, std::string("STARTTLS: dup: ") + std::strerror(errno));
  bev_.reset();
  std::shared_ptr<const TlsContext> ctx = std::move(pending_tls_);
  state_ = State::kOpen;
  Status s = Attach(std::move(fd), ctx.get());
  if (!s.ok()) return Finish(CloseReason::kError, "STARTTLS: " + s.message());
}

void Connection::CloseAfterFlush() {
  if (state_ != State::kOpen && state_ != State::kStartingTls) return;
  bufferevent_disable(bev_.get(), EV_READ);
  state_ = State::kFlushing;
  bufferevent_trigger(bev_.get(), EV_WRITE, BEV_TRIG_IGNORE_WATERMARKS | BEV_TRIG_DEFER_CALLBACKS);
}

void Connection::Close() {
  state_ = State::kClosed;
  bev_.reset();
}

void Connection::Finish(CloseReason reason, std::string detail) {
  Close();
  std::shared_ptr<Shared> keep = shared_;
  if (keep->handlers.on_closed) keep->handlers.on_closed(reason, detail);
}

SSL* Connection::ssl() const { return bev_ && tls_ ? bufferevent_openssl_get_ssl(bev_.get()) : nullptr; }
std::string Connection::tls_version() const { return tls_ready_ ? TlsVersion(ssl()) : ""; }
std::string Connection::tls_cipher() const { return tls_ready_ ? TlsCipher(ssl()) : ""; }
int Connection::tls_cipher_bits() const { return tls_ready_ ? TlsCipherBits(ssl()) : 0; }

void Connection::ReadTrampoline(bufferevent* bev, void* arg) noexcept {
  auto* self = static_cast<Connection*>(arg);
  evbuffer* in = bufferevent_get_input(bev);
  if (self->state_ != State::kOpen) {
    // Cleartext after STARTTLS, or input while closing: never processed.
    evbuffer_drain(in, evbuffer_get_length(in));
    return;
  }
  std::shared_ptr<Shared> keep = self->shared_;
  if (keep->handlers.on_read) keep->handlers.on_read(in);
  if (keep->self != nullptr) keep->self->KickTlsRead();
}

void Connection::WriteTrampoline(bufferevent* bev, void* arg) noexcept {
  auto* self = static_cast<Connection*>(arg);
  bool empty = evbuffer_get_length(bufferevent_get_output(bev)) == 0;
  switch (self->state_) {
    case State::kStartingTls:
      if (empty) self->SwitchToTls();
      return;
    case State::kFlushing:
      if (!empty) return;
      if (SSL* s = self->ssl()) {
        // Best effort close_notify on the non-blocking socket; we do not
        // wait for the client's.
        SSL_set_shutdown(s, SSL_RECEIVED_SHUTDOWN);
        SSL_shutdown(s);
        ERR_clear_error();
      }
      return self->Finish(CloseReason::kFlushed, "");
    case State::kOpen: {
      std::shared_ptr<Shared> keep = self->shared_;
      if (keep->handlers.on_drained) keep->handlers.on_drained();
      return;
    }
    case State::kClosed:
      return;
  }
}

void Connection::EventTrampoline(bufferevent* bev, short what, void* arg) noexcept {
  auto* self = static_cast<Connection*>(arg);
  std::shared_ptr<Shared> keep = self->shared_;
  if (what & BEV_EVENT_CONNECTED) {
    self->tls_ready_ = true;
    if (self->state_ == State::kOpen && keep->handlers.on_tls_ready) keep->handlers.on_tls_ready();
    return;
  }
  if (what & BEV_EVENT_TIMEOUT) {
    bool reading = (what & BEV_EVENT_READING) != 0;
    if (reading && self->state_ == State::kOpen && keep->handlers.on_timeout) return keep->handlers.on_timeout();
    return self->Finish(CloseReason::kTimeout, reading ? "read timeout" : "write timeout");
  }
  if (what & BEV_EVENT_EOF) {
    // While flushing, an EOF only means the client stopped sending (a
    // pipelined QUIT, then shutdown): the reply may still reach it, and a
    // write error ends us if not.
    if (self->state_ == State::kFlushing) return;
    return self->Finish(CloseReason::kPeerClosed, "");
  }
  if (what & BEV_EVENT_ERROR) return self->Finish(CloseReason::kError, ErrorDetail(bev, self->tls_));
}

}  // namespace posthorn::net
