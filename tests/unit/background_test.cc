#include "common/base/background.h"

#include <poll.h>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace posthorn {
namespace {

void WaitReadable(int fd) {
  struct pollfd p = {fd, POLLIN, 0};
  ASSERT_EQ(poll(&p, 1, 5000), 1);
}

TEST(BackgroundWorker, CompletionsRunOnTheCallingThread) {
  BackgroundWorker worker(4);
  std::atomic<int> worked{0};
  int done = 0;  // only touched by this thread
  std::thread::id me = std::this_thread::get_id();
  for (int i = 0; i < 200; ++i) {
    worker.Submit([&] { worked++; }, [&] {
      EXPECT_EQ(std::this_thread::get_id(), me);
      ++done;
    });
  }
  while (done < 200) {
    WaitReadable(worker.notify_fd());
    worker.RunCompletions();
  }
  EXPECT_EQ(worked.load(), 200);
  EXPECT_EQ(done, 200);
}

TEST(BackgroundWorker, WorkRunsOffTheCallingThread) {
  BackgroundWorker worker(1);
  std::thread::id me = std::this_thread::get_id(), ran;
  worker.Submit([&] { ran = std::this_thread::get_id(); }, [] {});
  WaitReadable(worker.notify_fd());
  EXPECT_EQ(worker.RunCompletions(), 1);
  EXPECT_NE(ran, me);
}

TEST(BackgroundWorker, DestructorFinishesQueuedWork) {
  std::atomic<int> worked{0};
  {
    BackgroundWorker worker(2);
    for (int i = 0; i < 50; ++i) worker.Submit([&] { worked++; }, [] {});
  }
  EXPECT_EQ(worked.load(), 50);
}

}  // namespace
}  // namespace posthorn
