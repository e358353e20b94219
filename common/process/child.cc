#include "common/process/child.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "common/log/log.h"
#include "common/net/event_loop.h"

namespace posthorn::process {

namespace {

// Per wake-up: enough to keep a pipe moving, bounded so a chatty child
// cannot hold the loop.
constexpr size_t kChunk = 64 * 1024;
constexpr int kMaxReadsPerWakeup = 16;

// A pipe with both ends close-on-exec and above stdio: were 0-2 closed in
// the daemon, a pipe end landing there would be clobbered by the dup2s.
bool MakePipe(UniqueFd* read_end, UniqueFd* write_end) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return false;
  for (int i = 0; i < 2; ++i) {
    if (fds[i] > 2) continue;
    int moved = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
    close(fds[i]);
    fds[i] = moved;
  }
  read_end->Reset(fds[0]);
  write_end->Reset(fds[1]);
  return read_end->valid() && write_end->valid();
}

bool SetNonBlocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

// posix_spawn's two attribute objects, destroyed on every path.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

std::vector<char*> CStrings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (std::string& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::string ExitInfo::Describe() const {
  std::string s = exited ? "exit " + std::to_string(code)
                         : (signal != 0 ? "killed by signal " + std::to_string(signal) : "unknown exit status");
  return timed_out ? s + " (timeout)" : s;
}

ChildProcess::ChildProcess(Key, net::EventLoop& loop, pid_t pid, DoneCallback done)
    : loop_(loop), pid_(pid), done_(std::move(done)) {}

Result<std::unique_ptr<PendingSpawn>> PendingSpawn::Prepare(SpawnOptions options) {
  if (options.argv.empty()) return Error{"spawn: empty command"};
  auto p = std::make_unique<PendingSpawn>();
  p->what_ = "spawn " + options.argv[0];
  if (!options.stdin_file.valid() && !MakePipe(&p->in_read_, &p->in_write_)) return SysError(p->what_ + ": pipe", errno);
  if (!MakePipe(&p->err_read_, &p->err_write_)) return SysError(p->what_ + ": pipe", errno);
  if ((p->in_write_.valid() && !SetNonBlocking(p->in_write_.get())) || !SetNonBlocking(p->err_read_.get()))
    return SysError(p->what_ + ": fcntl", errno);
  p->options_ = std::move(options);
  return p;
}

Status PendingSpawn::Launch() {
  SpawnSetup setup;
  int child_stdin = options_.stdin_file.valid() ? options_.stdin_file.get() : in_read_.get();
  posix_spawn_file_actions_adddup2(&setup.actions, child_stdin, 0);
  posix_spawn_file_actions_addopen(&setup.actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&setup.actions, err_write_.get(), 2);
  // Belt and braces over close-on-exec: a descriptor some library opened
  // without it (or a listening socket) must not leak into the child.
  posix_spawn_file_actions_addclosefrom_np(&setup.actions, 3);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&setup.attr, &none);
  posix_spawnattr_setsigdefault(&setup.attr, &all);
  posix_spawnattr_setpgroup(&setup.attr, 0);
  posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

  std::vector<char*> argv = CStrings(options_.argv);
  std::vector<char*> envp = CStrings(options_.env);
  // glibc's posix_spawn is clone(CLONE_VM|CLONE_VFORK): cheap for a big
  // parent, and it reports exec failures as its return value.
  int rc = posix_spawn(&pid_, argv[0], &setup.actions, &setup.attr, argv.data(), envp.data());
  if (rc != 0) {
    pid_ = -1;
    return SysError(what_, rc);
  }
  in_read_.Reset();
  err_write_.Reset();
  options_.stdin_file.Reset();
  return Status::Ok();
}

Result<std::unique_ptr<ChildProcess>> PendingSpawn::Finish(net::EventLoop& loop, ChildProcess::DoneCallback done) {
  if (pid_ < 0) return Error{what_ + ": not launched"};
  auto child = std::make_unique<ChildProcess>(ChildProcess::Key(), loop, std::exchange(pid_, -1), std::move(done));
  UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, child->pid_, 0)));
  if (!pidfd.valid()) {
    int err = errno;
    // Without a pidfd we cannot learn the exit on the loop: kill it and
    // reap it here (a just-started child, so the wait is short).
    child->Kill(SIGKILL);
    waitpid(child->pid_, nullptr, 0);
    child->reaped_ = true;
    return SysError(what_ + ": pidfd_open", err);
  }
  Status s = child->Watch(std::move(pidfd), std::move(in_write_), std::move(err_read_), options_);
  if (!s.ok()) return Error{what_ + ": " + s.message(), s.errnum()};  // the destructor kills it
  return child;
}

PendingSpawn::~PendingSpawn() {
  if (pid_ < 0) return;
  if (kill(-pid_, SIGKILL) != 0) kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, WNOHANG);  // gone already, or left to init once we exit
}

Result<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(net::EventLoop& loop, SpawnOptions options,
                                                          DoneCallback done) {
  Result<std::unique_ptr<PendingSpawn>> p = PendingSpawn::Prepare(std::move(options));
  if (!p.ok()) return p.error();
  if (Status s = (*p)->Launch(); !s.ok()) return s.error();
  return (*p)->Finish(loop, std::move(done));
}

Status ChildProcess::Watch(UniqueFd pidfd, UniqueFd stdin_pipe, UniqueFd stderr_pipe, SpawnOptions& o) {
  kill_grace_ = o.kill_grace;
  stderr_limit_ = o.stderr_limit;
  pidfd_ = std::move(pidfd);
  stdin_ = std::move(stdin_pipe);
  stderr_ = std::move(stderr_pipe);
  exit_ev_ = net::Event(loop_, pidfd_.get(), EV_READ, [this](short) { OnExit(); });
  if (Status s = exit_ev_.Add(); !s.ok()) return s;
  stderr_ev_ = net::Event(loop_, stderr_.get(), EV_READ | EV_PERSIST, [this](short) { ReadStderr(); });
  if (Status s = stderr_ev_.Add(); !s.ok()) return s;
  if (stdin_.valid()) {
    if (o.stdin_data.empty()) {
      CloseStdin(true);
    } else {
      stdin_data_ = std::move(o.stdin_data);  // a whole message: no copy
      stdin_ev_ = net::Event(loop_, stdin_.get(), EV_WRITE | EV_PERSIST, [this](short) { OnStdinWritable(); });
      if (Status s = stdin_ev_.Add(); !s.ok()) return s;
    }
  }
  if (o.timeout.count() > 0) {
    timeout_ = net::Timer(loop_, [this] {
      info_.timed_out = true;
      Kill(SIGTERM);
      grace_.Start(kill_grace_);
    });
    grace_ = net::Timer(loop_, [this] { Kill(SIGKILL); });
    timeout_.Start(o.timeout);
  }
  return Status::Ok();
}

ChildProcess::~ChildProcess() {
  if (reaped_) return;
  Kill(SIGKILL);
  exit_ev_.Reset();
  if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
  // Dying takes the kernel a moment (longer for a process stuck in I/O):
  // reap it from the loop when its pidfd says so, never wait here.
  auto pidfd = std::make_shared<UniqueFd>(std::move(pidfd_));
  pid_t pid = pid_;
  Status s = loop_.RunWhenReadable(pidfd->get(), [pid, pidfd] { waitpid(pid, nullptr, WNOHANG); });
  if (!s.ok()) log::Warning("child %d: cannot watch for its exit: %s", static_cast<int>(pid), s.message().c_str());
}

void ChildProcess::Kill(int signo) {
  if (reaped_) return;
  // Its group first (setpgroup(0) made it the leader), so a shell or
  // filter it started goes too; the pid alone if the group is gone.
  if (kill(-pid_, signo) != 0) kill(pid_, signo);
}

void ChildProcess::OnStdinWritable() {
  while (stdin_written_ < stdin_data_.size()) {
    size_t n = std::min(kChunk, stdin_data_.size() - stdin_written_);
    ssize_t w = write(stdin_.get(), stdin_data_.data() + stdin_written_, n);
    if (w > 0) {
      stdin_written_ += static_cast<size_t>(w);
    } else if (w < 0 && errno == EINTR) {
      continue;
    } else if (w < 0 && errno == EAGAIN) {
      return;  // the pipe is full: wait for the child to read
    } else {
      // EPIPE: the child closed its stdin or exited; it decided it had
      // read enough, and its exit status says whether that was fine.
      return CloseStdin(false);
    }
  }
  CloseStdin(true);
}

void ChildProcess::CloseStdin(bool complete) {
  stdin_ev_.Reset();
  stdin_.Reset();
  info_.stdin_complete = complete;
  std::string().swap(stdin_data_);  // a large message: give the memory back now
}

void ChildProcess::ReadStderr() {
  char buf[4096];
  for (int i = 0; i < kMaxReadsPerWakeup; ++i) {
    ssize_t n = read(stderr_.get(), buf, sizeof buf);
    if (n > 0) {
      size_t room = stderr_limit_ - std::min(stderr_limit_, info_.stderr_text.size());
      info_.stderr_text.append(buf, std::min(room, static_cast<size_t>(n)));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    stderr_ev_.Reset();  // EOF (or an error): nothing more will come
    stderr_.Reset();
    return;
  }
}

void ChildProcess::OnExit() {
  int status = 0;
  pid_t r;
  do {
    r = waitpid(pid_, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == 0) {  // readable but not yet waitable: should not happen; wait again
    if (!exit_ev_.Add().ok()) log::Error("child %d: cannot watch its pidfd", static_cast<int>(pid_));
    return;
  }
  reaped_ = true;
  if (r == pid_ && WIFEXITED(status)) {
    info_.exited = true;
    info_.code = WEXITSTATUS(status);
  } else if (r == pid_ && WIFSIGNALED(status)) {
    info_.signal = WTERMSIG(status);
  }  // else someone else reaped it (ECHILD): status unknown
  // What it wrote before exiting is in the pipe now; a grandchild holding
  // stderr open must not keep us waiting, so read what is there and stop.
  if (stderr_.valid()) ReadStderr();
  stderr_ev_.Reset();
  stderr_.Reset();
  if (stdin_.valid()) CloseStdin(false);
  timeout_.Stop();
  grace_.Stop();
  exit_ev_.Reset();  // safe from inside its own callback (event.h)
  pidfd_.Reset();
  ExitInfo info = std::move(info_);
  DoneCallback done = std::move(done_);
  if (done) done(info);  // last: it may destroy *this
}

}  // namespace posthorn::process
