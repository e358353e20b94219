#include "common/net/listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/net/event_loop.h"

namespace posthorn::net {
namespace {

using std::chrono::milliseconds;

ListenSpec Loopback(uint16_t port = 0) {
  ListenSpec s;
  s.address = "127.0.0.1";
  s.port = port;
  s.kind = "smtp";
  return s;
}

// A blocking client socket connected to 127.0.0.1:port; its local port in
// *local_port. connect() completes against the backlog, accepted or not.
UniqueFd Connect(uint16_t port, uint16_t* local_port = nullptr) {
  UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in sin = {};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd.get(), reinterpret_cast<sockaddr*>(&sin), sizeof sin), 0);
  socklen_t len = sizeof sin;
  getsockname(fd.get(), reinterpret_cast<sockaddr*>(&sin), &len);
  if (local_port) *local_port = ntohs(sin.sin_port);
  return fd;
}

struct Accepted {
  UniqueFd fd;
  std::string address;
  uint16_t port = 0;
};

class ListenerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto l = EventLoop::Create();
    ASSERT_TRUE(l.ok());
    loop_ = std::move(l).value();
  }
  Listener::AcceptCallback Collect() {
    return [this](UniqueFd fd, const std::string& address, uint16_t port) {
      accepted_.push_back(Accepted{std::move(fd), address, port});
    };
  }
  std::unique_ptr<EventLoop> loop_;
  std::vector<Accepted> accepted_;
};

TEST_F(ListenerTest, AcceptsOnAKernelChosenPort) {
  auto l = Listener::Bind(*loop_, Loopback(), Collect());
  ASSERT_TRUE(l.ok()) << l.message();
  Listener& listener = **l;
  ASSERT_NE(listener.port(), 0);
  EXPECT_FALSE(listener.enabled());
  ASSERT_TRUE(listener.Enable().ok());
  uint16_t client_port = 0;
  UniqueFd client = Connect(listener.port(), &client_port);
  ASSERT_TRUE(loop_->RunUntil([&] { return accepted_.size() == 1; }, milliseconds(2000)));
  EXPECT_EQ(accepted_[0].address, "127.0.0.1");
  EXPECT_EQ(accepted_[0].port, client_port);
  int fd = accepted_[0].fd.get();
  EXPECT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK);
  EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
  EXPECT_EQ(write(client.get(), "hi", 2), 2);
  char buf[2];
  ASSERT_TRUE(loop_->RunUntil([&] { return read(fd, buf, 2) == 2; }, milliseconds(2000)));
}

TEST_F(ListenerTest, BindsBeforeEnablingAndHonoursDisable) {
  auto l = Listener::Bind(*loop_, Loopback(), Collect());
  ASSERT_TRUE(l.ok()) << l.message();
  UniqueFd c1 = Connect((*l)->port());  // waits in the backlog
  EXPECT_FALSE(loop_->RunUntil([&] { return !accepted_.empty(); }, milliseconds(50)));
  ASSERT_TRUE((*l)->Enable().ok());
  EXPECT_TRUE(loop_->RunUntil([&] { return accepted_.size() == 1; }, milliseconds(2000)));
  (*l)->Disable();
  UniqueFd c2 = Connect((*l)->port());
  EXPECT_FALSE(loop_->RunUntil([&] { return accepted_.size() == 2; }, milliseconds(50)));
  ASSERT_TRUE((*l)->Enable().ok());
  EXPECT_TRUE(loop_->RunUntil([&] { return accepted_.size() == 2; }, milliseconds(2000)));
}

TEST_F(ListenerTest, CallbackMayDisableOrDestroyTheListener) {
  std::unique_ptr<Listener> listener;
  auto l = Listener::Bind(*loop_, Loopback(), [&](UniqueFd fd, const std::string&, uint16_t) {
    accepted_.push_back(Accepted{std::move(fd), "", 0});
    if (accepted_.size() == 1) listener->Disable();  // a connection limit of 1
    else listener.reset();
  });
  ASSERT_TRUE(l.ok());
  listener = std::move(l).value();
  ASSERT_TRUE(listener->Enable().ok());
  UniqueFd c1 = Connect(listener->port()), c2 = Connect(listener->port());
  EXPECT_TRUE(loop_->RunUntil([&] { return accepted_.size() == 1; }, milliseconds(2000)));
  EXPECT_FALSE(loop_->RunUntil([&] { return accepted_.size() == 2; }, milliseconds(50)));
  ASSERT_TRUE(listener->Enable().ok());
  EXPECT_TRUE(loop_->RunUntil([&] { return listener == nullptr; }, milliseconds(2000)));
  EXPECT_TRUE(accepted_[1].fd.valid());
  EXPECT_NE(fcntl(accepted_[1].fd.get(), F_GETFD), -1);  // still ours, not closed by libevent
}

TEST_F(ListenerTest, ReportsBindErrors) {
  auto first = Listener::Bind(*loop_, Loopback(), Collect());
  ASSERT_TRUE(first.ok());
  uint16_t port = (*first)->port();
  auto second = Listener::Bind(*loop_, Loopback(port), Collect());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.message(), "listen 127.0.0.1:" + std::to_string(port) + "/smtp: bind: Address already in use");
  EXPECT_EQ(second.errnum(), EADDRINUSE);
}

TEST_F(ListenerTest, AcceptsIpv6) {
  ListenSpec spec = Loopback();
  spec.address = "::1";
  spec.ipv6 = true;
  auto l = Listener::Bind(*loop_, spec, Collect());
  if (!l.ok()) GTEST_SKIP() << "no IPv6 loopback: " << l.message();
  ASSERT_TRUE((*l)->Enable().ok());
  UniqueFd fd(socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in6 sin6 = {};
  sin6.sin6_family = AF_INET6;
  sin6.sin6_port = htons((*l)->port());
  sin6.sin6_addr = in6addr_loopback;
  ASSERT_EQ(connect(fd.get(), reinterpret_cast<sockaddr*>(&sin6), sizeof sin6), 0);
  ASSERT_TRUE(loop_->RunUntil([&] { return accepted_.size() == 1; }, milliseconds(2000)));
  EXPECT_EQ(accepted_[0].address, "::1");
}

}  // namespace
}  // namespace posthorn::net
