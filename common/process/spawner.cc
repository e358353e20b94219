#include "common/process/spawner.h"

namespace posthorn::process {

Spawner::Spawner(net::EventLoop& loop) : loop_(loop) {}

Spawner::~Spawner() = default;

Status Spawner::Start() {
  ev_ = net::Event(loop_, worker_.notify_fd(), EV_READ | EV_PERSIST, [this](short) { worker_.RunCompletions(); });
  return ev_.Add();
}

void Spawner::Spawn(SpawnOptions options, ChildProcess::DoneCallback done, Started started) {
  Result<std::unique_ptr<PendingSpawn>> prepared = PendingSpawn::Prepare(std::move(options));
  if (!prepared.ok()) {
    // Reported from the loop like any other outcome, never from inside
    // Spawn(): a caller that spawns in a loop (out of file descriptors,
    // every Prepare fails) must not recurse through its own callback.
    ++in_flight_;
    worker_.Submit([] {}, [this, error = prepared.error(), started = std::move(started)] {
      --in_flight_;
      started(error);
    });
    return;
  }
  // Shared between the thread and the completion; the completion is
  // dropped if the Spawner goes first, and the PendingSpawn then kills
  // its child.
  auto pending = std::make_shared<std::unique_ptr<PendingSpawn>>(std::move(prepared).value());
  auto launched = std::make_shared<Status>();
  ++in_flight_;
  worker_.Submit([pending, launched] { *launched = (*pending)->Launch(); },
                 [this, pending, launched, done = std::move(done), started = std::move(started)]() mutable {
                   --in_flight_;
                   if (!launched->ok()) return started(launched->error());
                   started((*pending)->Finish(loop_, std::move(done)));
                 });
}

}  // namespace posthorn::process
