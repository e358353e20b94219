#include "common/net/event.h"

#include <utility>

#include "common/log/log.h"
#include "common/net/event_loop.h"

namespace posthorn::net {

namespace {

timeval ToTimeval(std::chrono::milliseconds ms) {
  if (ms.count() < 0) ms = std::chrono::milliseconds(0);
  timeval tv;
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

}  // namespace

Event::Event(EventLoop& loop, int fd, short events, Callback cb) : state_(std::make_shared<State>()) {
  state_->cb = std::move(cb);
  ev_ = event_new(loop.base(), fd, events, &Event::Trampoline, state_.get());
  // event_new fails only when malloc does: the same broken invariant as
  // std::bad_alloc, which we do not try to survive either.
  if (ev_ == nullptr) {
    log::Error("event_new failed: out of memory");
    std::abort();
  }
}

Event Event::Signal(EventLoop& loop, int signo, std::function<void()> cb) {
  return Event(loop, signo, EV_SIGNAL | EV_PERSIST, [cb = std::move(cb)](short) { cb(); });
}

Event::Event(Event&& other) noexcept
    : state_(std::move(other.state_)), ev_(std::exchange(other.ev_, nullptr)) {}

Event& Event::operator=(Event&& other) noexcept {
  if (this != &other) {
    Reset();
    state_ = std::move(other.state_);
    ev_ = std::exchange(other.ev_, nullptr);
  }
  return *this;
}

void Event::Reset() {
  if (ev_ != nullptr) event_free(std::exchange(ev_, nullptr));
  state_.reset();
}

Status Event::Add(std::optional<std::chrono::milliseconds> timeout) {
  if (ev_ == nullptr) return Error{"event_add on an empty Event"};
  timeval tv;
  if (timeout) tv = ToTimeval(*timeout);
  // event_add fails when epoll does (EPERM for a regular file, ENOMEM,
  // or sigaction for a signal): report errno as is.
  if (event_add(ev_, timeout ? &tv : nullptr) != 0) return SysError("event_add", errno);
  return Status::Ok();
}

void Event::Delete() {
  if (ev_ != nullptr) event_del(ev_);
}

void Event::Activate(short what) {
  if (ev_ != nullptr) event_active(ev_, what, 0);
}

bool Event::pending() const {
  return ev_ != nullptr && event_pending(ev_, EV_READ | EV_WRITE | EV_SIGNAL | EV_TIMEOUT, nullptr) != 0;
}

void Event::Trampoline(evutil_socket_t, short what, void* arg) noexcept {
  // The reference keeps the callback alive should it delete its Event.
  std::shared_ptr<State> keep = static_cast<State*>(arg)->shared_from_this();
  keep->cb(what);
}

Timer::Timer(EventLoop& loop, std::function<void()> cb)
    : ev_(loop, -1, 0, [cb = std::move(cb)](short) { cb(); }) {}

void Timer::Start(std::chrono::milliseconds after) {
  // A timer's event_add touches no kernel object; it cannot fail short of
  // a libevent bug, so a failure is logged rather than returned.
  Status s = ev_.Add(after);
  if (!s.ok()) log::Error("timer: %s", s.message().c_str());
}

}  // namespace posthorn::net
