// The one libevent loop of a daemon (DESIGN.md: nothing blocks the loop).
//
// Ownership: the loop must outlive every Event, Timer, Listener,
// Connection and ChildProcess made on it; destroy those first. Work handed
// to the loop itself (RunSoon, DeleteSoon, RunWhenReadable) is owned by the
// loop and dropped, unrun, when it goes.
//
// Signals: watch SIGHUP/SIGTERM/SIGINT (and SIGCHLD if ever needed) with
// Event::Signal, so handlers run as ordinary callbacks. Never set SIGCHLD
// to SIG_IGN and never reap with waitpid(-1): ChildProcess reaps its own
// children by pid.
//
// Fork: a forked child that keeps using the loop must call
// event_reinit(base()) first (the epoll fd and signal pipe are shared with
// the parent). We start children with posix_spawn (vfork semantics, exec
// at once), which never runs loop code in the child, so we never need it.
#pragma once

#include <event2/event.h>

#include <chrono>
#include <functional>
#include <list>
#include <memory>

#include "common/base/result.h"
#include "common/net/event.h"

namespace posthorn::net {

class EventLoop {
 public:
  // Also sets SIGPIPE to SIG_IGN, process-wide: a loop writes to sockets
  // and pipes whose peer may vanish, and that must be an EPIPE to handle,
  // not a signal that kills the daemon. (ChildProcess resets it to the
  // default in children.) Routes libevent's own warnings to our log.
  static Result<std::unique_ptr<EventLoop>> Create();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  event_base* base() const { return base_.get(); }

  // Runs until Stop() or until nothing is left to wait for.
  Status Run();
  // Makes Run() return after the callbacks of this turn; safe anywhere,
  // including from a signal Event.
  void Stop();
  // Runs until `done()` is true or `limit` passes; returns done(). For a
  // bounded shutdown ("let sessions finish, at most 30 s") and for tests.
  bool RunUntil(const std::function<bool()>& done, std::chrono::milliseconds limit);

  // Runs `fn` on a later turn of the loop, never inside the caller's stack.
  void RunSoon(std::function<void()> fn);
  // Destroys `p` on a later turn: how a session that learns, deep inside
  // its own call stack, that it is finished gets itself deleted safely.
  template <typename T>
  void DeleteSoon(std::unique_ptr<T> p) {
    std::shared_ptr<T> doomed(std::move(p));
    RunSoon([doomed] {});
  }
  // Runs `fn` once when `fd` becomes readable. `fn` may own the fd (its
  // captures are destroyed after the watch is removed).
  Status RunWhenReadable(int fd, std::function<void()> fn);

  // For Create() only: make_unique needs a public constructor, and only
  // EventLoop can make a Key.
  class Key {
    friend class EventLoop;
    Key() = default;
  };
  EventLoop(Key, event_base* base) : base_(base) {}

 private:
  struct BaseFree {
    void operator()(event_base* b) const { event_base_free(b); }
  };
  // An Event owned by the loop that removes itself after running once.
  std::list<Event>::iterator Adopt(int fd, short events, std::function<void()> fn);

  std::unique_ptr<event_base, BaseFree> base_;  // declared first: freed last
  std::list<Event> owned_;
};

}  // namespace posthorn::net
