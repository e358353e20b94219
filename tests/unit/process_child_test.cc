#include "common/process/child.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <chrono>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "common/net/event_loop.h"
#include "tests/unit/process_helpers.h"
#include "tests/unit/temp_dir.h"

namespace posthorn::process {
namespace {

using std::chrono::milliseconds;

class ChildTest : public LoopTest {
 protected:
  // Spawns, runs the loop until the child is reaped, returns what it said.
  std::optional<ExitInfo> Run(SpawnOptions options, milliseconds limit = milliseconds(10000)) {
    std::optional<ExitInfo> info;
    auto child = ChildProcess::Spawn(*loop_, std::move(options), [&](const ExitInfo& i) { info = i; });
    EXPECT_TRUE(child.ok()) << child.message();
    if (!child.ok()) return info;
    EXPECT_TRUE((*child)->running());
    EXPECT_TRUE(loop_->RunUntil([&] { return info.has_value(); }, limit));
    EXPECT_FALSE((*child)->running());
    return info;
  }
};

TEST_F(ChildTest, ExitCodesAndStderr) {
  auto ok = Run(Shell("exit 0"));
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->exited);
  EXPECT_EQ(ok->code, 0);
  EXPECT_EQ(ok->Describe(), "exit 0");

  // How an MDA answers (DESIGN.md contract 4): EX_TEMPFAIL and a reason.
  auto tempfail = Run(Shell("echo 'mailbox locked, try later' >&2; exit 75"));
  ASSERT_TRUE(tempfail);
  EXPECT_TRUE(tempfail->exited);
  EXPECT_EQ(tempfail->code, 75);
  EXPECT_EQ(tempfail->stderr_text, "mailbox locked, try later\n");
  EXPECT_FALSE(tempfail->timed_out);
}

TEST_F(ChildTest, KilledBySignal) {
  auto info = Run(Shell("kill -SEGV $$"));
  ASSERT_TRUE(info);
  EXPECT_FALSE(info->exited);
  EXPECT_EQ(info->signal, SIGSEGV);
  EXPECT_EQ(info->Describe(), "killed by signal 11");
}

TEST_F(ChildTest, PumpsLargeStdinThroughTheLoop) {
  SpawnOptions o = Shell("/bin/cat | wc -c >&2");
  o.stdin_data = std::string(5 << 20, 'm');
  auto info = Run(std::move(o));
  ASSERT_TRUE(info);
  EXPECT_EQ(info->code, 0);
  EXPECT_TRUE(info->stdin_complete);
  EXPECT_EQ(std::stoul(info->stderr_text), 5u << 20);
}

TEST_F(ChildTest, ChildThatNeverReadsStdin) {
  // /bin/true exits at once: writes meet EPIPE (SIGPIPE is ignored by the
  // loop), which is the child's business, not an error of ours.
  SpawnOptions o;
  o.argv = {"/bin/true"};
  o.stdin_data = std::string(5 << 20, 'm');
  auto info = Run(std::move(o));
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->exited);
  EXPECT_EQ(info->code, 0);
  EXPECT_FALSE(info->stdin_complete);
}

TEST_F(ChildTest, StdinFromAFile) {
  testing::TempDir dir;
  UniqueFd f(open(dir.Write("msg", "From: a\n\nbody\n").c_str(), O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(f.valid());
  ASSERT_EQ(lseek(f.get(), 9, SEEK_SET), 9);  // the child reads from here on
  SpawnOptions o = Shell("cat >&2");
  o.stdin_file = std::move(f);
  auto info = Run(std::move(o));
  ASSERT_TRUE(info);
  EXPECT_EQ(info->stderr_text, "body\n");
}

TEST_F(ChildTest, StderrIsBounded) {
  SpawnOptions o = Shell("head -c 100000 /dev/zero | tr '\\0' e >&2; exit 3");
  o.stderr_limit = 4096;
  auto info = Run(std::move(o));
  ASSERT_TRUE(info);
  EXPECT_EQ(info->code, 3);  // not blocked on a full stderr pipe
  EXPECT_EQ(info->stderr_text, std::string(4096, 'e'));
}

TEST_F(ChildTest, TimeoutTerminates) {
  SpawnOptions o;
  o.argv = {"/bin/sleep", "100"};
  o.timeout = milliseconds(50);
  auto start = std::chrono::steady_clock::now();
  auto info = Run(std::move(o));
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->timed_out);
  EXPECT_EQ(info->signal, SIGTERM);
  EXPECT_EQ(info->Describe(), "killed by signal 15 (timeout)");
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(5000));
}

TEST_F(ChildTest, TimeoutEscalatesToSigkill) {
  SpawnOptions o = Shell("trap '' TERM; sleep 100");  // sleep inherits the ignored TERM
  o.timeout = milliseconds(50);
  o.kill_grace = milliseconds(50);
  auto info = Run(std::move(o));
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->timed_out);
  EXPECT_EQ(info->signal, SIGKILL);
}

TEST_F(ChildTest, GetsOnlyTheGivenEnvironmentAndDefaultSignals) {
  setenv("POSTHORN_SECRET", "leak", 1);
  SpawnOptions o = Shell("echo \"[$POSTHORN_SECRET][$FOO]\" >&2; sed -n 's/^Sig\\(Ign\\|Blk\\):\t//p' /proc/self/status >&2");
  o.env = {"FOO=bar"};
  auto info = Run(std::move(o));
  unsetenv("POSTHORN_SECRET");
  ASSERT_TRUE(info);
  std::istringstream in(info->stderr_text);
  std::string env, blocked, ignored;
  in >> env >> blocked >> ignored;
  EXPECT_EQ(env, "[][bar]");
  EXPECT_EQ(std::stoull(blocked, nullptr, 16), 0u);
  // The loop ignores SIGPIPE; the child must not inherit that. (glibc
  // itself leaves its two internal real-time signals ignored.)
  EXPECT_EQ(std::stoull(ignored, nullptr, 16) & (1ull << (SIGPIPE - 1)), 0u) << ignored;
}

TEST_F(ChildTest, InheritsNoSockets) {
  // One socket without close-on-exec, as a careless library might make.
  UniqueFd careless(socket(AF_INET, SOCK_STREAM, 0));
  ASSERT_TRUE(careless.valid());
  auto info = Run(Shell("ls -l /proc/$$/fd >&2"));  // the shell's own descriptors
  ASSERT_TRUE(info);
  EXPECT_EQ(info->stderr_text.find("socket:"), std::string::npos) << info->stderr_text;
  EXPECT_NE(info->stderr_text.find("/dev/null"), std::string::npos) << info->stderr_text;  // stdout
}

TEST_F(ChildTest, SpawnErrorsNameTheProgram) {
  SpawnOptions o;
  o.argv = {"/nonexistent/mda", "-d", "x"};
  auto child = ChildProcess::Spawn(*loop_, std::move(o), [](const ExitInfo&) {});
  ASSERT_FALSE(child.ok());
  EXPECT_EQ(child.message(), "spawn /nonexistent/mda: No such file or directory");
  EXPECT_FALSE(ChildProcess::Spawn(*loop_, SpawnOptions{}, [](const ExitInfo&) {}).ok());
}

TEST_F(ChildTest, DestroyingKillsAndReapsWithoutBlocking) {
  bool called = false;
  auto child = ChildProcess::Spawn(*loop_, Shell("sleep 100"), [&](const ExitInfo&) { called = true; });
  ASSERT_TRUE(child.ok());
  pid_t pid = (*child)->pid();
  auto start = std::chrono::steady_clock::now();
  child->reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(500));
  // The loop reaps it: then the pid is no longer our child.
  EXPECT_TRUE(loop_->RunUntil([&] { return waitpid(pid, nullptr, WNOHANG) == -1 && errno == ECHILD; },
                              milliseconds(5000)));
  EXPECT_FALSE(called);
}

TEST_F(ChildTest, DoneCallbackMayDestroyTheChild) {
  std::unique_ptr<ChildProcess> child;
  std::string seen;
  auto c = ChildProcess::Spawn(*loop_, Shell("echo bye >&2"), [&](const ExitInfo& info) {
    child.reset();
    seen = info.stderr_text;  // `info` must survive the reset (ASan)
  });
  ASSERT_TRUE(c.ok());
  child = std::move(c).value();
  EXPECT_TRUE(loop_->RunUntil([&] { return child == nullptr; }, milliseconds(5000)));
  EXPECT_EQ(seen, "bye\n");
}

}  // namespace
}  // namespace posthorn::process
