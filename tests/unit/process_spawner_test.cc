// Spawner: children launched off the loop's thread, handed back to it.
#include "common/process/spawner.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "common/base/io.h"
#include "common/net/event_loop.h"
#include "tests/unit/process_helpers.h"
#include "tests/unit/temp_dir.h"

namespace posthorn::process {
namespace {

using std::chrono::milliseconds;

class SpawnerTest : public LoopTest {
 protected:
  void SetUp() override {
    LoopTest::SetUp();
    spawner_ = std::make_unique<Spawner>(*loop_);
    ASSERT_TRUE(spawner_->Start().ok());
  }
  std::unique_ptr<Spawner> spawner_;
};

TEST_F(SpawnerTest, ChildRunsAndIsReapedOnTheLoop) {
  std::unique_ptr<ChildProcess> child;
  std::optional<ExitInfo> info;
  spawner_->Spawn(
      Shell("echo 'mailbox locked' >&2; exit 75"), [&](const ExitInfo& i) { info = i; },
      [&](Result<std::unique_ptr<ChildProcess>> c) {
        ASSERT_TRUE(c.ok()) << c.message();
        child = std::move(c).value();
      });
  EXPECT_EQ(spawner_->in_flight(), 1u);
  ASSERT_TRUE(loop_->RunUntil([&] { return info.has_value(); }, milliseconds(10000)));
  EXPECT_EQ(spawner_->in_flight(), 0u);
  EXPECT_TRUE(info->exited);
  EXPECT_EQ(info->code, 75);
  EXPECT_EQ(info->stderr_text, "mailbox locked\n");
  EXPECT_FALSE(child->running());
}

TEST_F(SpawnerTest, ExecFailureComesBackAsTheError) {
  std::optional<std::string> error;
  bool done = false;
  SpawnOptions o;
  o.argv = {"/nonexistent/mda"};
  spawner_->Spawn(std::move(o), [&](const ExitInfo&) { done = true; },
                  [&](Result<std::unique_ptr<ChildProcess>> c) { error = c.ok() ? "" : c.message(); });
  ASSERT_TRUE(loop_->RunUntil([&] { return error.has_value(); }, milliseconds(10000)));
  EXPECT_EQ(*error, "spawn /nonexistent/mda: No such file or directory");
  EXPECT_FALSE(done);
  EXPECT_EQ(spawner_->in_flight(), 0u);
}

TEST_F(SpawnerTest, EmptyCommandFailsOnALaterTurn) {
  std::optional<std::string> error;
  spawner_->Spawn(SpawnOptions{}, [](const ExitInfo&) {},
                  [&](Result<std::unique_ptr<ChildProcess>> c) { error = c.ok() ? "" : c.message(); });
  EXPECT_EQ(error, std::nullopt);  // not from inside Spawn()
  ASSERT_TRUE(loop_->RunUntil([&] { return error.has_value(); }, milliseconds(10000)));
  EXPECT_EQ(error, "spawn: empty command");
  EXPECT_EQ(spawner_->in_flight(), 0u);
}

TEST_F(SpawnerTest, ChildNotHandedBackDiesWithTheSpawner) {
  // The Spawner goes away after the launch but before the loop took the
  // child: it must not be left running.
  testing::TempDir dir;
  std::string pid_file = dir.path() + "/pid";
  bool started = false;
  spawner_->Spawn(Shell("echo $$ > " + pid_file + ".new && mv " + pid_file + ".new " + pid_file + "; exec sleep 100"),
                  [](const ExitInfo&) {}, [&](Result<std::unique_ptr<ChildProcess>>) { started = true; });
  std::string text;
  for (int i = 0; i < 1000 && !ReadFile(pid_file, &text).ok(); ++i) std::this_thread::sleep_for(milliseconds(10));
  pid_t pid = static_cast<pid_t>(std::stol(text));
  spawner_.reset();
  EXPECT_FALSE(started);
  int status = 0;
  pid_t reaped = waitpid(pid, &status, 0);  // it dies: this returns
  if (reaped == pid) {
    EXPECT_TRUE(WIFSIGNALED(status));
    EXPECT_EQ(WTERMSIG(status), SIGKILL);
  } else {
    EXPECT_EQ(errno, ECHILD);  // dead so fast that the Spawner reaped it
  }
  EXPECT_NE(kill(pid, 0), 0);
}

}  // namespace
}  // namespace posthorn::process
