// One client connection: a bufferevent over an accepted socket, plain or
// TLS (implicit TLS from the first byte, or STARTTLS later).
//
// Callbacks (Handlers) run only from the loop, never inside a Connection
// method the owner called (BEV_OPT_DEFER_CALLBACKS, and CloseAfterFlush /
// StartTls finish on a later turn). A handler may destroy the Connection,
// or its owning session: the trampoline holds the handlers while they run
// and checks that the Connection still exists before doing anything
// after. The owner's own code must still not touch the owner after
// deleting it; EventLoop::DeleteSoon() is the easy way out of that.
//
// Lifecycle: kOpen -> (StartTls: kStartingTls -> kOpen) -> kFlushing
// (CloseAfterFlush) -> kClosed. on_closed runs exactly once, when the
// connection ends for any reason other than Close() or destruction (which
// the owner knows about already).
#pragma once

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/base/result.h"
#include "common/base/unique_fd.h"
#include "common/net/tls.h"

namespace posthorn::net {

class EventLoop;

class Connection {
 public:
  enum class CloseReason {
    kPeerClosed,  // EOF from the client (clean TLS close or not)
    kError,       // socket or TLS error; `detail` says which
    kTimeout,     // read or write timeout with no on_timeout to handle it
    kFlushed,     // CloseAfterFlush() finished writing
  };

  struct Handlers {
    // Data arrived. `input` is the connection's input buffer: scan it in
    // place (evbuffer_search_eol, evbuffer_pullup) and drain what was
    // consumed. Data left in it stays there for the next call. At
    // input_limit bytes the socket is no longer read, and libevent (2.1.12)
    // calls on_read again at once for as long as the buffer stays full:
    // consume or refuse the bytes ("line too long"), or PauseReading()
    // while waiting for something else (disk), else the loop spins.
    std::function<void(evbuffer* input)> on_read;
    // The TLS handshake finished (implicit TLS, or after StartTls).
    std::function<void()> on_tls_ready;
    // No data for read_timeout. Reading is now off; reply (e.g. "421
    // timeout") and CloseAfterFlush(). Unset: the connection closes with
    // kTimeout.
    std::function<void()> on_timeout;
    // All written output has gone to the kernel (optional; for streaming a
    // large response without buffering it whole).
    std::function<void()> on_drained;
    std::function<void(CloseReason reason, const std::string& detail)> on_closed;
  };

  struct Options {
    // Set: TLS from the first byte (ports 465/993/995).
    std::shared_ptr<const TlsContext> implicit_tls;
    // High watermark: stop reading from the socket beyond this much
    // unconsumed input. TLS may overshoot it by up to one record (16 KiB).
    size_t input_limit = 64 * 1024;
    // Zero means none. RFC 5321 §4.5.3.2 asks for at least 5 minutes.
    std::chrono::milliseconds read_timeout = std::chrono::minutes(5);
    std::chrono::milliseconds write_timeout = std::chrono::minutes(5);
  };

  // Takes ownership of a connected, non-blocking socket and starts
  // reading. Writing before the implicit-TLS handshake is fine: output
  // waits for it.
  static Result<std::unique_ptr<Connection>> Create(EventLoop& loop, UniqueFd fd, std::string peer_address,
                                                    uint16_t peer_port, Options options, Handlers handlers);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Queues `data`; false once closing or closed, and between StartTls()
  // and the switch to TLS (it would leave in cleartext).
  bool Write(std::string_view data);
  size_t output_length() const;
  // For pauses the protocol wants (e.g. while the queue fsyncs): the
  // socket is not read meanwhile, so the client is held back by TCP.
  // Resuming re-runs on_read if input is already waiting.
  void PauseReading();
  void ResumeReading();
  void SetReadTimeout(std::chrono::milliseconds timeout);

  // STARTTLS (RFC 3207 §4, CVE-2011-0411): discards everything already
  // received in cleartext (pipelined commands after STARTTLS must never
  // run) and stops reading at once, so queue the "220 Ready" reply
  // before calling this. Once that reply is flushed the same socket
  // switches to a server TLS bufferevent; on_tls_ready follows the
  // handshake. The input buffer a running on_read holds is empty
  // afterwards: stop scanning it.
  Status StartTls(std::shared_ptr<const TlsContext> ctx);

  // Stops reading, writes what is queued (and a TLS close_notify), then
  // closes and calls on_closed(kFlushed).
  void CloseAfterFlush();
  // Closes now; no handler runs afterwards. Safe from inside a handler.
  void Close();

  bool open() const { return state_ == State::kOpen; }
  // TLS handshake completed: what AUTH and LOGIN policies ask.
  bool is_tls() const { return tls_ready_; }
  std::string tls_version() const;
  std::string tls_cipher() const;
  int tls_cipher_bits() const;
  const std::string& peer_address() const { return peer_address_; }
  uint16_t peer_port() const { return peer_port_; }

  // For Create() only (make_unique needs a public constructor).
  class Key {
    friend class Connection;
    Key() = default;
  };
  Connection(Key, EventLoop& loop, std::string peer_address, uint16_t peer_port, const Options& options,
             Handlers handlers);

 private:
  enum class State { kOpen, kStartingTls, kFlushing, kClosed };
  // What a trampoline keeps alive across a handler; `self` is cleared by
  // the destructor, so the trampoline knows whether it may go on.
  struct Shared {
    Handlers handlers;
    Connection* self = nullptr;
  };
  struct BevFree {
    void operator()(bufferevent* bev) const { bufferevent_free(bev); }
  };

  static void ReadTrampoline(bufferevent* bev, void* arg) noexcept;
  static void WriteTrampoline(bufferevent* bev, void* arg) noexcept;
  static void EventTrampoline(bufferevent* bev, short what, void* arg) noexcept;

  Status Attach(UniqueFd fd, const TlsContext* tls);
  void ApplyTimeouts();
  void SwitchToTls();
  void KickTlsRead();
  SSL* ssl() const;
  // Frees the bufferevent, then calls on_closed; the caller must return
  // without touching `this`.
  void Finish(CloseReason reason, std::string detail);

  EventLoop& loop_;
  std::string peer_address_;
  uint16_t peer_port_;
  size_t input_limit_;
  std::chrono::milliseconds read_timeout_;
  std::chrono::milliseconds write_timeout_;
  std::shared_ptr<Shared> shared_;
  State state_ = State::kOpen;
  bool tls_ = false;        // the bufferevent is a TLS one
  bool tls_ready_ = false;  // its handshake completed
  std::shared_ptr<const TlsContext> pending_tls_;  // StartTls waiting for the flush
  std::unique_ptr<bufferevent, BevFree> bev_;
};

}  // namespace posthorn::net
