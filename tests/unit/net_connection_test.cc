#include "common/net/connection.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/net/event_loop.h"

namespace posthorn::net {
namespace {

using std::chrono::milliseconds;
using Reason = Connection::CloseReason;

// Pops complete CRLF lines off the input buffer.
std::vector<std::string> TakeLines(evbuffer* in) {
  std::vector<std::string> lines;
  size_t n = 0;
  while (char* line = evbuffer_readln(in, &n, EVBUFFER_EOL_CRLF_STRICT)) {
    lines.emplace_back(line, n);
    std::free(line);
  }
  return lines;
}

// A Connection on one end of a socketpair; the test plays the client on
// the other end.
class ConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto l = EventLoop::Create();
    ASSERT_TRUE(l.ok());
    loop_ = std::move(l).value();
    int sv[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    server_end_.Reset(sv[0]);
    client_.Reset(sv[1]);
    ASSERT_EQ(fcntl(server_end_.get(), F_SETFL, O_NONBLOCK), 0);
  }
  void Start(Connection::Handlers h, Connection::Options options = {}) {
    if (!h.on_closed) {
      h.on_closed = [this](Reason r, const std::string& detail) {
        closed_ = true;
        reason_ = r;
        detail_ = detail;
      };
    }
    auto c = Connection::Create(*loop_, std::move(server_end_), "test-peer", 4242, std::move(options), std::move(h));
    ASSERT_TRUE(c.ok()) << c.message();
    conn_ = std::move(c).value();
  }
  // Reads what the client end has, without blocking; true at EOF.
  bool ClientRead() {
    char buf[65536];
    for (;;) {
      ssize_t n = recv(client_.get(), buf, sizeof buf, MSG_DONTWAIT);
      if (n > 0) received_.append(buf, static_cast<size_t>(n));
      if (n == 0) return true;
      if (n < 0) return false;
    }
  }
  bool Send(const std::string& s) { return write(client_.get(), s.data(), s.size()) == static_cast<ssize_t>(s.size()); }
  // Sends what it can of outbox_ without blocking (the server may not be
  // reading); true once all of it went.
  bool Pump() {
    while (!outbox_.empty()) {
      ssize_t n = send(client_.get(), outbox_.data(), outbox_.size(), MSG_DONTWAIT);
      if (n <= 0) return false;
      outbox_.erase(0, static_cast<size_t>(n));
    }
    return true;
  }
  bool Run(const std::function<bool()>& done, milliseconds limit = milliseconds(3000)) {
    return loop_->RunUntil(done, limit);
  }

  std::unique_ptr<EventLoop> loop_;
  UniqueFd server_end_, client_;
  std::unique_ptr<Connection> conn_;
  std::string received_;
  std::string outbox_;
  bool closed_ = false;
  Reason reason_ = Reason::kError;
  std::string detail_;
};

TEST_F(ConnectionTest, Echoes) {
  Start({.on_read = [this](evbuffer* in) {
    for (const std::string& line : TakeLines(in)) conn_->Write("echo " + line + "\r\n");
  }});
  EXPECT_EQ(conn_->peer_address(), "test-peer");
  EXPECT_EQ(conn_->peer_port(), 4242);
  EXPECT_FALSE(conn_->is_tls());
  ASSERT_TRUE(Send("one\r\ntwo\r\nthr"));
  ASSERT_TRUE(Run([&] { ClientRead(); return received_ == "echo one\r\necho two\r\n"; }));
  ASSERT_TRUE(Send("ee\r\n"));
  ASSERT_TRUE(Run([&] { ClientRead(); return received_.size() > 20; }));
  EXPECT_EQ(received_, "echo one\r\necho two\r\necho three\r\n");
  client_.Reset();
  ASSERT_TRUE(Run([&] { return closed_; }));
  EXPECT_EQ(reason_, Reason::kPeerClosed);
  EXPECT_FALSE(conn_->Write("late"));
}

TEST_F(ConnectionTest, HandlerMayDestroyTheConnection) {
  std::string big(1000, 'x');  // captured: must outlive the reset below
  size_t seen = 0;
  Start({.on_read = [this, big, &seen](evbuffer*) {
    conn_.reset();
    seen = big.size();
  }});
  ASSERT_TRUE(Send("bye\r\n"));
  ASSERT_TRUE(Run([&] { return conn_ == nullptr; }));
  EXPECT_EQ(seen, 1000u);
  EXPECT_TRUE(Run([&] { return ClientRead(); }));  // the socket was closed
}

TEST_F(ConnectionTest, OnClosedMayDestroyTheConnection) {
  Start({.on_closed = [this](Reason r, const std::string&) {
    reason_ = r;
    conn_.reset();
  }});
  client_.Reset();
  ASSERT_TRUE(Run([&] { return conn_ == nullptr; }));
  EXPECT_EQ(reason_, Reason::kPeerClosed);
}

TEST_F(ConnectionTest, CloseAfterFlushDeliversTheLastReply) {
  Start({.on_read = [this](evbuffer* in) {
    for (const std::string& line : TakeLines(in)) {
      if (line != "QUIT") continue;
      conn_->Write("221 bye\r\n");
      conn_->CloseAfterFlush();
      EXPECT_FALSE(closed_);  // never from inside the call
    }
  }});
  ASSERT_TRUE(Send("QUIT\r\nNOOP\r\n"));
  ASSERT_TRUE(Run([&] { return ClientRead(); }));
  EXPECT_EQ(received_, "221 bye\r\n");
  ASSERT_TRUE(Run([&] { return closed_; }));
  EXPECT_EQ(reason_, Reason::kFlushed);
}

TEST_F(ConnectionTest, ReadTimeoutClosesWithoutHandler) {
  Start({}, {.read_timeout = milliseconds(30)});
  ASSERT_TRUE(Run([&] { return closed_; }));
  EXPECT_EQ(reason_, Reason::kTimeout);
  EXPECT_EQ(detail_, "read timeout");
}

TEST_F(ConnectionTest, ReadTimeoutHandlerCanReply) {
  Start({.on_timeout = [this] {
    conn_->Write("421 4.4.2 timeout\r\n");
    conn_->CloseAfterFlush();
  }}, {.read_timeout = milliseconds(30)});
  ASSERT_TRUE(Run([&] { return ClientRead(); }));
  EXPECT_EQ(received_, "421 4.4.2 timeout\r\n");
  EXPECT_EQ(reason_, Reason::kFlushed);
}

TEST_F(ConnectionTest, InputLimitHoldsTheClientBack) {
  bool consume = false;
  size_t most = 0, total = 0;
  Start({.on_read = [&](evbuffer* in) {
    most = std::max(most, evbuffer_get_length(in));
    if (!consume) return conn_->PauseReading();  // "busy": libevent would re-call us
    total += evbuffer_get_length(in);
    evbuffer_drain(in, evbuffer_get_length(in));
  }}, {.input_limit = 1024});
  outbox_ = std::string(65536, 'a');
  EXPECT_FALSE(Run([&] { Pump(); return most > 1024; }, milliseconds(100)));
  EXPECT_EQ(most, 1024u);  // unlimited, the first read alone takes 16 KiB
  consume = true;
  conn_->ResumeReading();  // re-runs on_read for what is already buffered
  EXPECT_TRUE(Run([&] { Pump(); return total == 65536; }));
  EXPECT_LE(most, 1024u);
}

TEST_F(ConnectionTest, PauseReadingStopsCallbacks) {
  std::vector<std::string> lines;
  Start({.on_read = [&](evbuffer* in) {
    for (std::string& l : TakeLines(in)) lines.push_back(l);
  }});
  conn_->PauseReading();
  ASSERT_TRUE(Send("a\r\n"));
  EXPECT_FALSE(Run([&] { return !lines.empty(); }, milliseconds(100)));
  conn_->ResumeReading();
  EXPECT_TRUE(Run([&] { return lines.size() == 1; }));
}

}  // namespace
}  // namespace posthorn::net
