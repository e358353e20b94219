#include "common/net/listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "common/log/log.h"
#include "common/net/event_loop.h"

namespace posthorn::net {

namespace {

// How long to stop accepting after EMFILE/ENFILE. The pending connection
// stays readable, so without a pause the loop would spin on accept().
constexpr std::chrono::milliseconds kAcceptBackoff(1000);

}  // namespace

bool FormatPeer(const sockaddr* addr, socklen_t len, std::string* address, uint16_t* port) {
  char buf[INET6_ADDRSTRLEN];
  if (addr->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(addr);
    if (inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof buf) == nullptr) return false;
    *port = ntohs(sin->sin_port);
  } else if (addr->sa_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(addr);
    if (inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof buf) == nullptr) return false;
    *port = ntohs(sin6->sin6_port);
  } else {
    return false;
  }
  *address = buf;
  return true;
}

Listener::Listener(Key, EventLoop& loop, const ListenSpec& spec, AcceptCallback cb)
    : spec_(spec), cb_(std::make_shared<AcceptCallback>(std::move(cb))), backoff_(loop, [this] {
        if (wanted_ && lev_) evconnlistener_enable(lev_.get());
      }) {}

Listener::~Listener() = default;

Result<std::unique_ptr<Listener>> Listener::Bind(EventLoop& loop, const ListenSpec& spec, AcceptCallback cb) {
  const std::string what = "listen " + spec.ToString();
  sockaddr_storage ss;
  socklen_t len = spec.ToSockaddr(&ss);
  if (len == 0) return Error{what + ": bad address"};
  UniqueFd fd(socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return SysError(what + ": socket", errno);
  int on = 1;
  // SO_REUSEADDR: a restarted daemon must bind while old connections sit
  // in TIME_WAIT.
  if (setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0)
    return SysError(what + ": SO_REUSEADDR", errno);
  if (spec.ipv6 && setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) != 0)
    return SysError(what + ": IPV6_V6ONLY", errno);
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) return SysError(what + ": bind", errno);
  if (listen(fd.get(), SOMAXCONN) != 0) return SysError(what + ": listen", errno);

  auto l = std::make_unique<Listener>(Key(), loop, spec, std::move(cb));
  sockaddr_storage bound;
  socklen_t blen = sizeof bound;
  std::string ignored;
  if (getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &blen) != 0 ||
      !FormatPeer(reinterpret_cast<sockaddr*>(&bound), blen, &ignored, &l->port_))
    return SysError(what + ": getsockname", errno);

  // backlog 0: we already called listen(). CLOSE_ON_EXEC makes libevent
  // accept with SOCK_CLOEXEC (and SOCK_NONBLOCK, the default).
  unsigned flags = LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC | LEV_OPT_DISABLED;
  evconnlistener* lev = evconnlistener_new(loop.base(), &Listener::AcceptTrampoline, l.get(), flags, 0, fd.get());
  if (lev == nullptr) return SysError(what + ": evconnlistener_new", errno);
  fd.Release();  // evconnlistener owns it now (CLOSE_ON_FREE)
  l->lev_.reset(lev);
  evconnlistener_set_error_cb(lev, &Listener::ErrorTrampoline);
  return l;
}

Status Listener::Enable() {
  wanted_ = true;
  backoff_.Stop();
  if (evconnlistener_enable(lev_.get()) != 0) return SysError("listen " + spec_.ToString() + ": enable", errno);
  return Status::Ok();
}

void Listener::Disable() {
  wanted_ = false;
  backoff_.Stop();
  evconnlistener_disable(lev_.get());
}

void Listener::AcceptTrampoline(evconnlistener*, evutil_socket_t fd, sockaddr* addr, int len, void* arg) noexcept {
  UniqueFd owned(fd);
  auto* self = static_cast<Listener*>(arg);
  std::string address;
  uint16_t port = 0;
  if (!FormatPeer(addr, static_cast<socklen_t>(len), &address, &port)) return;  // closes it
  // The callback may destroy the Listener: hold the callback, touch
  // nothing of `self` afterwards (libevent copes with evconnlistener_free
  // from inside its callback).
  std::shared_ptr<AcceptCallback> cb = self->cb_;
  (*cb)(std::move(owned), address, port);
}

void Listener::ErrorTrampoline(evconnlistener*, void* arg) noexcept {
  int err = errno;
  auto* self = static_cast<Listener*>(arg);
  log::Warning("listen %s: accept: %s; pausing for %lld ms", self->spec_.ToString().c_str(), std::strerror(err),
               static_cast<long long>(kAcceptBackoff.count()));
  evconnlistener_disable(self->lev_.get());
  self->backoff_.Start(kAcceptBackoff);
}

}  // namespace posthorn::net
