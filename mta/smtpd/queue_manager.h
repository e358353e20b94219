// Delivery out of the queue: every local recipient of every queued message
// goes to `mda` (contract 4) on its own, at most mda_concurrency at a
// time; the exit status decides sent, deferred (retried with backoff:
// retry_min, doubling to retry_max) or bounced, and so does the queue
// lifetime. When a message has no recipient left to try it is removed,
// after one bounce (bounce.h) for its failed recipients — never for a
// bounce. Outcomes are recorded (fsynced) on a worker thread, so the loop
// never waits for the disk. Recipients in other domains wait, deferred,
// for the SMTP client (not built yet) and expire like any other.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/base/background.h"
#include "common/net/event.h"
#include "common/process/child.h"
#include "common/process/spawner.h"
#include "common/queue/store.h"

namespace posthorn::smtpd {

class Server;

class QueueManager {
 public:
  explicit QueueManager(Server& server);
  ~QueueManager();

  // Loads what is queued and starts delivering; imports the maildrop.
  Status Start();
  // A message was committed (by a session, a drop import or a bounce), or
  // found in the queue at start (`from_earlier_run`).
  void Queued(const std::string& id, bool from_earlier_run = false);
  // Retry every deferred recipient now (SIGUSR1, `smtpd -q`).
  void Flush();
  // Stop starting deliveries; running children are left to finish.
  void Stop() { stopping_ = true; }
  size_t running() const { return children_.size() + spawner_.in_flight(); }
  // No child running and no outcome waiting to be recorded.
  bool idle() const { return running() == 0 && recording_ == 0; }

 private:
  struct Message {
    queue::QueuedMessage q;
    // Queued before this run started: a delivery may have happened that
    // the queue does not know of (a crash before its record).
    bool from_earlier_run = false;
    std::map<size_t, bool> busy;  // recipients being delivered or recorded
    bool finalizing = false;
    bool recording = false;  // an outcome of this message is being written
    std::deque<std::function<void()>> waiting_records;
    // Outcomes recorded by the removal of the message: logged only once
    // the removal is on disk, so a log line never claims what a crash undid.
    std::vector<std::string> unlogged;
  };
  struct Job {
    std::string id;
    size_t index;
  };

  void Load(const std::string& id, bool from_earlier_run);
  void Schedule(const std::string& id);
  void Pump();
  void Deliver(const Job& job);
  void Delivered(const Job& job, const process::ExitInfo& info, std::chrono::steady_clock::time_point start);
  void Record(const Job& job, queue::RecipientState state, const std::string& log_status);
  void MaybeFinish(const std::string& id);
  bool CompletesMessage(const Message& m, size_t index, const queue::RecipientState& state) const;
  std::string OutcomeLine(const Job& job, const std::string& log_status);
  void Wake();
  void ArmTimer();
  void ImportDrops();
  std::vector<std::string> MdaArgv(const queue::Envelope& e, size_t index) const;
  std::vector<std::string> MdaEnv(const Message& m, size_t index) const;
  time_t Backoff(uint32_t attempts) const;

  Server& server_;
  // Several threads, so one slow fsync does not hold back the outcomes of
  // other messages (each unrecorded outcome is a delivery a crash would
  // repeat); a message's own records go one at a time (`recording`).
  BackgroundWorker disk_{4};
  net::Event disk_ev_;
  net::Timer wake_timer_, drop_timer_, pump_timer_;
  std::map<std::string, Message> messages_;
  std::deque<Job> ready_;
  std::multimap<time_t, Job> later_;
  std::map<uint64_t, std::unique_ptr<process::ChildProcess>> children_;
  process::Spawner spawner_;
  uint64_t next_child_ = 0;
  std::string mda_path_;
  size_t recording_ = 0;
  bool importing_ = false;
  bool stopping_ = false;
};

}  // namespace posthorn::smtpd
