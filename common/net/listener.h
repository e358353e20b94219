// A listening socket for one ListenSpec, over libevent's evconnlistener.
//
// Start-up order (DESIGN.md, least privilege): Bind() every listener while
// still root, drop root, then Enable() them. Bind() already listens, so
// clients that connect in between wait in the backlog.
//
// Accepted sockets are non-blocking and close-on-exec, as is the
// listening socket itself, so no child ever inherits one.
#pragma once

#include <event2/listener.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/base/result.h"
#include "common/base/unique_fd.h"
#include "common/net/event.h"
#include "common/net/listen_spec.h"

namespace posthorn::net {

class EventLoop;

class Listener {
 public:
  // peer_address is numeric ("127.0.0.1", "::1"). The callback may
  // Disable() or destroy this Listener.
  using AcceptCallback =
      std::function<void(UniqueFd fd, const std::string& peer_address, uint16_t peer_port)>;

  // socket, SO_REUSEADDR (IPV6_V6ONLY for IPv6, so [::]:25 and 0.0.0.0:25
  // can both be listed), bind, listen. Accepting starts with Enable().
  // Errors read "listen 0.0.0.0:25/smtp: bind: Address already in use".
  static Result<std::unique_ptr<Listener>> Bind(EventLoop& loop, const ListenSpec& spec, AcceptCallback cb);

  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Enable/Disable accepting: for connection limits and for shutdown.
  // While disabled, new clients queue in the kernel's backlog.
  Status Enable();
  void Disable();
  bool enabled() const { return wanted_; }

  const ListenSpec& spec() const { return spec_; }
  // The port actually bound: the one asked for, or the kernel's pick for 0.
  uint16_t port() const { return port_; }

  // For Bind() only (make_unique needs a public constructor).
  class Key {
    friend class Listener;
    Key() = default;
  };
  Listener(Key, EventLoop& loop, const ListenSpec& spec, AcceptCallback cb);

 private:
  struct LevFree {
    void operator()(evconnlistener* l) const { evconnlistener_free(l); }
  };
  static void AcceptTrampoline(evconnlistener*, evutil_socket_t fd, sockaddr* addr, int len,
                               void* arg) noexcept;
  static void ErrorTrampoline(evconnlistener*, void* arg) noexcept;

  ListenSpec spec_;
  uint16_t port_ = 0;
  bool wanted_ = false;  // the owner's Enable/Disable, apart from backoff
  std::shared_ptr<AcceptCallback> cb_;
  Timer backoff_;  // re-enables after accept() ran out of descriptors
  std::unique_ptr<evconnlistener, LevFree> lev_;
};

// Formats a peer address numerically; false for families we do not serve.
bool FormatPeer(const sockaddr* addr, socklen_t len, std::string* address, uint16_t* port);

}  // namespace posthorn::net
