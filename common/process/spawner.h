// Starting children without stalling the loop: posix_spawn returns only
// once the child has exec'd (most of a millisecond, more on a loaded
// machine), and a busy smtpd starts one mda per delivery. A Spawner runs
// that step on a thread of its own and hands the running child back to
// the loop.
#pragma once

#include <functional>
#include <memory>

#include "common/base/background.h"
#include "common/base/result.h"
#include "common/net/event.h"
#include "common/process/child.h"

namespace posthorn::process {

class Spawner {
 public:
  // Runs on the loop with the child (watched like ChildProcess::Spawn's)
  // or the error that stopped it, always on a later turn, never inside
  // Spawn(); `done` then runs when the child exits.
  using Started = std::function<void(Result<std::unique_ptr<ChildProcess>> child)>;

  explicit Spawner(net::EventLoop& loop);
  Status Start();  // watches for finished launches
  // Children launched but not handed back yet are killed.
  ~Spawner();

  void Spawn(SpawnOptions options, ChildProcess::DoneCallback done, Started started);
  // Launches not yet handed back.
  size_t in_flight() const { return in_flight_; }

 private:
  net::EventLoop& loop_;
  size_t in_flight_ = 0;
  net::Event ev_;
  // Declared last: destroyed first, so its thread stops before the rest.
  BackgroundWorker worker_{1};
};

}  // namespace posthorn::process
