// RAII over libevent's `struct event`: fd readiness, signals, timers, and
// "run on the loop" wake-ups, each calling a std::function.
//
// Lifetime rule: deleting (or reassigning, or moving over) an Event from
// inside its own callback is safe. The trampoline holds a reference to the
// callback's state while the callback runs, so the std::function and what
// it captured stay alive until it returns; event_free() on the running
// event is fine in libevent when, as here, the loop is single-threaded.
// What the callback must not do is touch its *owner* after deleting it,
// the ordinary rule for `delete this`.
//
// Callbacks must not throw: the trampoline is noexcept, so an escaping
// exception ends the process (std::terminate) instead of unwinding through
// libevent's C frames.
#pragma once

#include <event2/event.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "common/base/result.h"

namespace posthorn::net {

class EventLoop;

class Event {
 public:
  // `what` is the EV_* set passed to libevent's callback.
  using Callback = std::function<void(short what)>;

  Event() = default;
  // Watches `fd` for `events` (EV_READ, EV_WRITE, EV_PERSIST, EV_ET...).
  // fd -1 with events 0 makes a pure timer / wake-up. Not yet added.
  Event(EventLoop& loop, int fd, short events, Callback cb);
  // A persistent signal watch (SIGHUP, SIGTERM, SIGINT, SIGCHLD...): the
  // handler runs on the loop, never in signal context. libevent lets one
  // event_base at a time own signals; each daemon has one loop. Not yet
  // added: call Add().
  static Event Signal(EventLoop& loop, int signo, std::function<void()> cb);

  ~Event() { Reset(); }
  Event(Event&& other) noexcept;
  Event& operator=(Event&& other) noexcept;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  // Arms the event; with `timeout` it also fires (EV_TIMEOUT) when nothing
  // happened by then. Re-adding a pending event resets its timeout.
  Status Add(std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  void Delete();
  // Makes the event run on the next loop turn, as if `what` happened. Runs
  // once per activation, added or not; FIFO with other activations.
  void Activate(short what = EV_TIMEOUT);
  bool pending() const;
  explicit operator bool() const { return ev_ != nullptr; }
  // Frees the libevent event, then the callback state (in that order, so
  // a callback owning the watched fd closes it only after event_del).
  void Reset();

 private:
  struct State : std::enable_shared_from_this<State> {
    Callback cb;
  };
  static void Trampoline(evutil_socket_t fd, short what, void* arg) noexcept;

  std::shared_ptr<State> state_;
  event* ev_ = nullptr;  // owned; event_free'd before state_ is released
};

// A restartable one-shot timer.
class Timer {
 public:
  Timer() = default;
  Timer(EventLoop& loop, std::function<void()> cb);

  // (Re)starts: fires once, `after` from now.
  void Start(std::chrono::milliseconds after);
  void Stop() { ev_.Delete(); }
  bool active() const { return ev_ && ev_.pending(); }

 private:
  Event ev_;
};

}  // namespace posthorn::net
