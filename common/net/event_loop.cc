#include "common/net/event_loop.h"

#include <signal.h>

#include <iterator>
#include <utility>

#include "common/log/log.h"

namespace posthorn::net {

namespace {

void LibeventLog(int severity, const char* msg) {
  // Debug and info chatter would flood syslog; keep what an admin acts on.
  if (severity >= EVENT_LOG_WARN) log::Warning("libevent: %s", msg);
}

}  // namespace

Result<std::unique_ptr<EventLoop>> EventLoop::Create() {
  struct sigaction sa = {};
  sa.sa_handler = SIG_IGN;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGPIPE, &sa, nullptr) != 0) return SysError("sigaction(SIGPIPE)", errno);
  event_set_log_callback(&LibeventLog);
  event_base* base = event_base_new();
  if (base == nullptr) return Error{"cannot create the event loop (event_base_new failed)"};
  return std::make_unique<EventLoop>(Key(), base);
}

EventLoop::~EventLoop() {
  // Destroying owned work can queue more (a session's destructor calling
  // RunSoon); keep going until nothing is left, then free the base.
  while (!owned_.empty()) {
    std::list<Event> doomed;
    doomed.swap(owned_);
    doomed.clear();
  }
}

Status EventLoop::Run() {
  if (event_base_dispatch(base_.get()) < 0) return Error{"event loop failed"};
  return Status::Ok();
}

void EventLoop::Stop() { event_base_loopexit(base_.get(), nullptr); }

bool EventLoop::RunUntil(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  bool expired = false;
  Timer guard(*this, [&expired] { expired = true; });
  guard.Start(limit);
  // EVLOOP_ONCE blocks until something happens; the guard timer makes
  // sure something does.
  for (;;) {
    if (done()) return true;  // asked once per turn: it may have side effects
    if (expired || event_base_loop(base_.get(), EVLOOP_ONCE) < 0) return false;
  }
}

std::list<Event>::iterator EventLoop::Adopt(int fd, short events, std::function<void()> fn) {
  owned_.emplace_back();
  auto it = std::prev(owned_.end());
  *it = Event(*this, fd, events, [this, it, fn = std::move(fn)](short) {
    // Erasing destroys the running Event: safe, see event.h. fn and its
    // captures live until this lambda returns.
    owned_.erase(it);
    fn();
  });
  return it;
}

void EventLoop::RunSoon(std::function<void()> fn) { Adopt(-1, 0, std::move(fn))->Activate(); }

Status EventLoop::RunWhenReadable(int fd, std::function<void()> fn) {
  auto it = Adopt(fd, EV_READ, std::move(fn));
  Status s = it->Add();
  if (!s.ok()) owned_.erase(it);
  return s;
}

}  // namespace posthorn::net
