// A child process run on the event loop: how smtpd hands a message to
// `mda` (DESIGN.md contract 4) without ever blocking.
//
// The child: argv run directly (posix_spawn: no shell, no PATH search),
// the environment the caller gives and nothing else, stdin a pipe we fill
// through the loop (or a file we hand over), stdout /dev/null, stderr a
// pipe we keep the start of (the one-line reason an MDA prints). Signal
// dispositions and mask are reset to defaults (we ignore SIGPIPE; the
// child must not), and it gets its own process group so a kill reaches
// whatever it started. It inherits no other descriptor: ours are
// close-on-exec, and every fd above 2 is closed in the child anyway.
//
// Exit is learned through a pidfd (Linux >= 5.3) watched on the loop,
// then waitpid() on that pid: nothing depends on SIGCHLD, and nothing else
// may reap our children (no SIGCHLD = SIG_IGN, no waitpid(-1)).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "common/base/unique_fd.h"
#include "common/net/event.h"

namespace posthorn::net {
class EventLoop;
}

namespace posthorn::process {

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0] is the program's path
  std::vector<std::string> env;   // the whole environment, "NAME=value"
  // Written to the child's stdin as the pipe drains; then EOF.
  std::string stdin_data;
  // Instead of stdin_data: the child reads this file from its current
  // offset (a queue file, say); nothing to pump through the loop.
  UniqueFd stdin_file;
  // Zero: no limit. Past it the child's group gets SIGTERM, and SIGKILL
  // kill_grace later.
  std::chrono::milliseconds timeout{0};
  std::chrono::milliseconds kill_grace{5000};
  size_t stderr_limit = 4096;  // bytes of stderr kept; the rest is read and dropped
};

struct ExitInfo {
  bool exited = false;  // exited normally: `code` holds the status
  int code = -1;
  int signal = 0;             // when !exited: the signal that killed it (0: unknown)
  bool timed_out = false;     // it was killed for running past the timeout
  bool stdin_complete = true;  // false: it exited or closed stdin (EPIPE) before reading it all
  std::string stderr_text;

  // "exit 75", "killed by signal 9", "killed by signal 15 (timeout)".
  std::string Describe() const;
};

class ChildProcess;

// A spawn cut in three, so that the middle step, posix_spawn (it waits
// until the child has exec'd: most of a millisecond), can run on another
// thread than the loop (spawner.h). ChildProcess::Spawn() does all three.
class PendingSpawn {
 public:
  // Pipes and the child's argv and environment; on the loop's thread.
  static Result<std::unique_ptr<PendingSpawn>> Prepare(SpawnOptions options);
  // posix_spawn. Touches nothing but this object: any thread.
  Status Launch();
  // Watches the launched child on `loop`; on the loop's thread.
  Result<std::unique_ptr<ChildProcess>> Finish(net::EventLoop& loop, std::function<void(const ExitInfo&)> done);
  // Launched and never finished (the owner went away): the child is
  // killed, and reaped if it is already gone.
  ~PendingSpawn();
  PendingSpawn(const PendingSpawn&) = delete;
  PendingSpawn& operator=(const PendingSpawn&) = delete;

  // For Prepare() only.
  PendingSpawn() = default;

 private:
  SpawnOptions options_;
  std::string what_;  // "spawn PROGRAM", for errors
  UniqueFd in_read_, in_write_, err_read_, err_write_;
  pid_t pid_ = -1;
};

class ChildProcess {
 public:
  // Runs once, from the loop, after the child was reaped; it may destroy
  // this ChildProcess.
  using DoneCallback = std::function<void(const ExitInfo& info)>;

  // Errors name the program: "spawn /usr/bin/mda: No such file or
  // directory" (exec failures are reported here, not as an exit code).
  static Result<std::unique_ptr<ChildProcess>> Spawn(net::EventLoop& loop, SpawnOptions options,
                                                     DoneCallback done);

  // A child still running is killed (SIGKILL to its group) and reaped
  // later on the loop, without waiting here; `done` does not run.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running() const { return !reaped_; }

  // For Spawn() only (make_unique needs a public constructor).
  class Key {
    friend class ChildProcess;
    friend class PendingSpawn;
    Key() = default;
  };
  ChildProcess(Key, net::EventLoop& loop, pid_t pid, DoneCallback done);

 private:
  friend class PendingSpawn;
  // Takes the stdin data out of `options`.
  Status Watch(UniqueFd pidfd, UniqueFd stdin_pipe, UniqueFd stderr_pipe, SpawnOptions& options);
  void OnStdinWritable();
  void ReadStderr();
  void CloseStdin(bool complete);
  void OnExit();
  void Kill(int signo);

  net::EventLoop& loop_;
  pid_t pid_;
  bool reaped_ = false;
  std::chrono::milliseconds kill_grace_{0};
  size_t stderr_limit_ = 0;
  std::string stdin_data_;
  size_t stdin_written_ = 0;
  ExitInfo info_;
  DoneCallback done_;
  // Descriptors before the events watching them: members die in reverse
  // order, so each event is removed before its fd is closed.
  UniqueFd pidfd_;
  UniqueFd stdin_;
  UniqueFd stderr_;
  net::Event exit_ev_;
  net::Event stdin_ev_;
  net::Event stderr_ev_;
  net::Timer timeout_;
  net::Timer grace_;
};

}  // namespace posthorn::process
