#include "common/net/event_loop.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/base/unique_fd.h"
#include "common/net/event.h"

namespace posthorn::net {
namespace {

using std::chrono::milliseconds;

std::unique_ptr<EventLoop> NewLoop() {
  auto loop = EventLoop::Create();
  EXPECT_TRUE(loop.ok()) << (loop.ok() ? "" : loop.message());
  return std::move(loop).value();
}

TEST(EventLoop, TimerFiresOnceAndCanRestart) {
  auto loop = NewLoop();
  int fired = 0;
  Timer t(*loop, [&] { ++fired; });
  t.Start(milliseconds(10));
  EXPECT_TRUE(t.active());
  EXPECT_TRUE(loop->RunUntil([&] { return fired == 1; }, milliseconds(2000)));
  EXPECT_FALSE(t.active());
  t.Start(milliseconds(10));
  EXPECT_TRUE(loop->RunUntil([&] { return fired == 2; }, milliseconds(2000)));
  t.Start(milliseconds(10));
  t.Stop();
  EXPECT_FALSE(loop->RunUntil([&] { return fired == 3; }, milliseconds(50)));
}

TEST(EventLoop, EventMayDeleteItselfFromItsCallback) {
  auto loop = NewLoop();
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  UniqueFd r(fds[0]), w(fds[1]);
  auto ev = std::make_unique<Event>();
  std::string captured = "a string the callback reads after deleting its Event";
  size_t seen = 0;
  *ev = Event(*loop, r.get(), EV_READ | EV_PERSIST, [&ev, &seen, copy = captured](short what) {
    EXPECT_TRUE(what & EV_READ);
    ev.reset();           // destroys this lambda's Event...
    seen = copy.size();   // ...yet its captures are still alive (ASan checks)
  });
  ASSERT_TRUE(ev->Add().ok());
  ASSERT_EQ(write(w.get(), "x", 1), 1);
  EXPECT_TRUE(loop->RunUntil([&] { return ev == nullptr; }, milliseconds(2000)));
  EXPECT_EQ(seen, captured.size());
}

TEST(EventLoop, AddTimesOut) {
  auto loop = NewLoop();
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  UniqueFd r(fds[0]), w(fds[1]);
  short got = 0;
  Event ev(*loop, r.get(), EV_READ, [&](short what) { got = what; });
  ASSERT_TRUE(ev.Add(milliseconds(20)).ok());
  EXPECT_TRUE(loop->RunUntil([&] { return got != 0; }, milliseconds(2000)));
  EXPECT_EQ(got, EV_TIMEOUT);
}

TEST(EventLoop, RunSoonRunsLaterInOrder) {
  auto loop = NewLoop();
  std::vector<int> order;
  loop->RunSoon([&] {
    order.push_back(1);
    loop->RunSoon([&] { order.push_back(3); });
  });
  loop->RunSoon([&] { order.push_back(2); });
  EXPECT_TRUE(order.empty());  // never inside the caller's stack
  EXPECT_TRUE(loop->RunUntil([&] { return order.size() == 3; }, milliseconds(2000)));
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

struct Tracked {
  explicit Tracked(bool* gone) : gone_(gone) {}
  ~Tracked() { *gone_ = true; }
  bool* gone_;
};

TEST(EventLoop, DeleteSoonDestroysOnALaterTurn) {
  auto loop = NewLoop();
  bool gone = false;
  loop->DeleteSoon(std::make_unique<Tracked>(&gone));
  EXPECT_FALSE(gone);
  EXPECT_TRUE(loop->RunUntil([&] { return gone; }, milliseconds(2000)));
}

TEST(EventLoop, PendingWorkIsDroppedWithTheLoop) {
  bool gone = false, ran = false;
  {
    auto loop = NewLoop();
    loop->DeleteSoon(std::make_unique<Tracked>(&gone));
    loop->RunSoon([&] { ran = true; });
  }
  EXPECT_TRUE(gone);  // no leak under ASan
  EXPECT_FALSE(ran);
}

TEST(EventLoop, RunWhenReadable) {
  auto loop = NewLoop();
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  auto r = std::make_shared<UniqueFd>(fds[0]);
  UniqueFd w(fds[1]);
  bool ran = false;
  ASSERT_TRUE(loop->RunWhenReadable(r->get(), [&ran, r] { ran = true; }).ok());
  r.reset();  // the loop's closure owns the fd now
  EXPECT_FALSE(loop->RunUntil([&] { return ran; }, milliseconds(30)));
  ASSERT_EQ(write(w.get(), "x", 1), 1);
  EXPECT_TRUE(loop->RunUntil([&] { return ran; }, milliseconds(2000)));
}

TEST(EventLoop, SignalsArriveAsCallbacks) {
  auto loop = NewLoop();
  int hups = 0;
  Event hup = Event::Signal(*loop, SIGHUP, [&] { ++hups; });
  ASSERT_TRUE(hup.Add().ok());
  raise(SIGHUP);
  EXPECT_TRUE(loop->RunUntil([&] { return hups == 1; }, milliseconds(2000)));
  raise(SIGHUP);
  EXPECT_TRUE(loop->RunUntil([&] { return hups == 2; }, milliseconds(2000)));
}

TEST(EventLoop, StopEndsRun) {
  auto loop = NewLoop();
  Event term = Event::Signal(*loop, SIGTERM, [&] { loop->Stop(); });
  ASSERT_TRUE(term.Add().ok());
  Timer keepalive(*loop, [] {});
  keepalive.Start(milliseconds(10000));  // Run() would otherwise wait for it
  Timer sender(*loop, [] { raise(SIGTERM); });
  sender.Start(milliseconds(10));
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(loop->Run().ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(5000));
}

TEST(EventLoop, IgnoresSigpipe) {
  auto loop = NewLoop();
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  close(fds[0]);
  UniqueFd w(fds[1]);
  EXPECT_EQ(write(w.get(), "x", 1), -1);  // alive to see it
  EXPECT_EQ(errno, EPIPE);
}

}  // namespace
}  // namespace posthorn::net
