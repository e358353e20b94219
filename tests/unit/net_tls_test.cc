#include "common/net/tls.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/net/connection.h"
#include "common/net/event_loop.h"
#include "common/net/listener.h"
#include "tests/unit/temp_dir.h"

namespace posthorn::net {
namespace {

using std::chrono::milliseconds;
using testing::TempDir;

// Self-signed certificate and key made by the openssl tool, as an admin
// would; false if the tool is missing.
bool MakeCert(const TempDir& dir, const std::string& name) {
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 -keyout '" + dir.path() +
                    "/" + name + ".key' -out '" + dir.path() + "/" + name + ".crt' >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

// A blocking TLS client for the test thread; verification off (self-signed).
class TlsClient {
 public:
  explicit TlsClient(int fd) : ctx_(SSL_CTX_new(TLS_client_method())), ssl_(SSL_new(ctx_.get())) {
    SSL_set_fd(ssl_.get(), fd);
  }
  bool Handshake() { return SSL_connect(ssl_.get()) == 1; }
  bool Write(const std::string& s) { return SSL_write(ssl_.get(), s.data(), static_cast<int>(s.size())) > 0; }
  std::string ReadLine() {
    std::string line;
    char c;
    while (SSL_read(ssl_.get(), &c, 1) == 1) {
      line += c;
      if (c == '\n') break;
    }
    return line;
  }
  std::string version() const { return SSL_get_version(ssl_.get()); }

 private:
  struct CtxFree { void operator()(SSL_CTX* c) const { SSL_CTX_free(c); } };
  struct SslFree { void operator()(SSL* s) const { SSL_free(s); } };
  std::unique_ptr<SSL_CTX, CtxFree> ctx_;
  std::unique_ptr<SSL, SslFree> ssl_;
};

std::string ReadPlainLine(int fd) {
  std::string line;
  char c;
  while (recv(fd, &c, 1, 0) == 1) {
    line += c;
    if (c == '\n') break;
  }
  return line;
}

class TlsTest : public ::testing::Test {
 protected:
  // Two key pairs for the whole suite: RSA key generation is slow.
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>();
    have_certs_ = MakeCert(*dir_, "a") && MakeCert(*dir_, "b");
  }
  static void TearDownTestSuite() { dir_.reset(); }
  void SetUp() override {
    if (!have_certs_) GTEST_SKIP() << "openssl tool not available";
    auto loop = EventLoop::Create();
    ASSERT_TRUE(loop.ok());
    loop_ = std::move(loop).value();
    auto ctx = TlsContext::LoadServer(Path("a.crt"), Path("a.key"));
    ASSERT_TRUE(ctx.ok()) << ctx.message();
    ctx_ = ctx.value();
  }
  std::string Path(const std::string& name) const { return dir_->path() + "/" + name; }

  // Listens on 127.0.0.1:0; each client gets a Connection that echoes
  // lines ("echo LINE") and answers STARTTLS. Every line seen is recorded.
  // With `implicit`, each new client gets TLS with whatever context
  // new_ctx_ holds at that moment, as a daemon after a reload would.
  void Serve(bool implicit, size_t input_limit = 64 * 1024) {
    new_ctx_ = ctx_;
    ListenSpec spec{"127.0.0.1", 0, "smtp", false};
    auto l = Listener::Bind(*loop_, spec, [=, this](UniqueFd fd, const std::string& addr, uint16_t port) {
      Connection::Options options;
      if (implicit) options.implicit_tls = new_ctx_;
      options.input_limit = input_limit;
      Connection::Handlers h;
      h.on_read = [this](evbuffer* in) { OnRead(in); };
      h.on_tls_ready = [this] {
        version_ = conn_->tls_version();
        cipher_ = conn_->tls_cipher();
      };
      h.on_closed = [this](Connection::CloseReason r, const std::string& detail) {
        closed_ = true;
        close_reason_ = r;
        close_detail_ = detail;
      };
      auto c = Connection::Create(*loop_, std::move(fd), addr, port, options, std::move(h));
      ASSERT_TRUE(c.ok()) << c.message();
      conn_ = std::move(c).value();
    });
    ASSERT_TRUE(l.ok()) << l.message();
    listener_ = std::move(l).value();
    ASSERT_TRUE(listener_->Enable().ok());
  }
  void OnRead(evbuffer* in) {
    if (expect_bytes_ > 0) {  // bulk mode: consume everything, as DATA would
      bytes_ += evbuffer_get_length(in);
      most_ = std::max(most_, evbuffer_get_length(in));
      evbuffer_drain(in, evbuffer_get_length(in));
      if (bytes_ == expect_bytes_) conn_->Write("got " + std::to_string(bytes_) + "\r\n");
      return;
    }
    size_t n = 0;
    while (char* raw = evbuffer_readln(in, &n, EVBUFFER_EOL_CRLF_STRICT)) {
      std::string line(raw, n);
      std::free(raw);
      lines_.push_back(line);
      bytes_ += line.size();
      if (line == "STARTTLS") {
        conn_->Write("220 go ahead\r\n");
        ASSERT_TRUE(conn_->StartTls(ctx_).ok());
        EXPECT_EQ(evbuffer_get_length(in), 0u);  // the pipelined rest is gone
        EXPECT_FALSE(conn_->Write("leak\r\n"));  // nothing more in cleartext
        EXPECT_FALSE(conn_->StartTls(ctx_).ok());
        continue;
      }
      conn_->Write("echo " + line + "\r\n");
    }
  }
  // A blocking client socket to the listener, with a receive timeout so a
  // failing server cannot hang the test thread.
  int ConnectClient() {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(listener_->port());
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin), 0);
    client_fd_.Reset(fd);
    return fd;
  }
  // Runs the loop until `done` (set by the client thread, which no loop
  // event reports: a ticking timer makes the loop look again).
  bool RunUntilDone(const std::atomic<bool>& done) {
    Timer tick;
    tick = Timer(*loop_, [&] { tick.Start(milliseconds(5)); });
    tick.Start(milliseconds(5));
    return loop_->RunUntil([&] { return done.load(); }, milliseconds(10000));
  }
  // Runs `client` in a thread while the loop serves; true if it finished.
  bool RunClient(const std::function<void()>& client) {
    std::atomic<bool> done{false};
    std::thread t([&] {
      client();
      done = true;
    });
    bool ok = RunUntilDone(done);
    t.join();
    return ok;
  }

  static inline std::unique_ptr<TempDir> dir_;
  static inline bool have_certs_ = false;
  std::unique_ptr<EventLoop> loop_;
  std::shared_ptr<const TlsContext> ctx_, new_ctx_;
  std::unique_ptr<Listener> listener_;
  std::unique_ptr<Connection> conn_;
  UniqueFd client_fd_;
  std::vector<std::string> lines_;
  size_t bytes_ = 0, expect_bytes_ = 0, most_ = 0;
  std::string version_, cipher_;
  bool closed_ = false;
  Connection::CloseReason close_reason_ = Connection::CloseReason::kFlushed;
  std::string close_detail_;
};

TEST_F(TlsTest, LoadErrorsNameTheFileAndReason) {
  auto missing = TlsContext::LoadServer(Path("nope.crt"), Path("a.key"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.message().rfind("tls_cert " + Path("nope.crt") + ": cannot load certificate chain: ", 0), 0u)
      << missing.message();
  EXPECT_NE(missing.message().find("No such file"), std::string::npos) << missing.message();

  auto nokey = TlsContext::LoadServer(Path("a.crt"), Path("nope.key"));
  ASSERT_FALSE(nokey.ok());
  EXPECT_NE(nokey.message().find("tls_key " + Path("nope.key")), std::string::npos) << nokey.message();

  auto mismatch = TlsContext::LoadServer(Path("a.crt"), Path("b.key"));
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.message().rfind("tls_key " + Path("b.key") + " does not match tls_cert " + Path("a.crt"), 0), 0u)
      << mismatch.message();

  auto garbage = TlsContext::LoadServer(dir_->Write("junk.crt", "not a certificate\n"), Path("a.key"));
  ASSERT_FALSE(garbage.ok());
  EXPECT_NE(garbage.message().find("junk.crt"), std::string::npos);
  EXPECT_EQ(ERR_peek_error(), 0u);  // nothing left for the next caller to trip on
}

TEST_F(TlsTest, ImplicitTls) {
  Serve(true);
  std::string reply, client_version;
  ASSERT_TRUE(RunClient([&] {
    TlsClient c(ConnectClient());
    if (!c.Handshake()) return;
    client_version = c.version();
    c.Write("hello\r\n");
    reply = c.ReadLine();
  }));
  EXPECT_EQ(reply, "echo hello\r\n");
  EXPECT_EQ(version_, client_version);
  EXPECT_EQ(version_, "TLSv1.3");
  EXPECT_FALSE(cipher_.empty());
  EXPECT_TRUE(conn_->is_tls());
  EXPECT_GE(conn_->tls_cipher_bits(), 128);
  client_fd_.Reset();
  EXPECT_TRUE(loop_->RunUntil([&] { return closed_; }, milliseconds(3000)));
}

TEST_F(TlsTest, HandshakeFailureIsReported) {
  Serve(true);
  ASSERT_TRUE(RunClient([&] {
    int fd = ConnectClient();
    send(fd, "EHLO plain\r\n", 12, 0);  // a client that forgot TLS
    char c;
    while (recv(fd, &c, 1, 0) > 0) {}
  }));
  EXPECT_TRUE(loop_->RunUntil([&] { return closed_; }, milliseconds(3000)));
  EXPECT_EQ(close_reason_, Connection::CloseReason::kError);
  EXPECT_EQ(close_detail_.rfind("TLS: ", 0), 0u) << close_detail_;
  EXPECT_FALSE(conn_->is_tls());
}

TEST_F(TlsTest, StartTlsDiscardsPipelinedCleartext) {
  Serve(false);
  std::string ready, reply;
  ASSERT_TRUE(RunClient([&] {
    int fd = ConnectClient();
    std::string attack = "STARTTLS\r\nINJECTED\r\n";  // one write: one segment
    send(fd, attack.data(), attack.size(), 0);
    ready = ReadPlainLine(fd);
    TlsClient c(fd);
    if (!c.Handshake()) return;
    c.Write("HELLO\r\n");
    reply = c.ReadLine();
  }));
  EXPECT_EQ(ready, "220 go ahead\r\n");
  EXPECT_EQ(reply, "echo HELLO\r\n");
  EXPECT_EQ(lines_, (std::vector<std::string>{"STARTTLS", "HELLO"}));
  EXPECT_TRUE(conn_->is_tls());
  EXPECT_EQ(conn_->peer_address(), "127.0.0.1");
}

TEST_F(TlsTest, InputLimitDoesNotStrandDataInsideTls) {
  // OpenSSL reads a record (up to 16 KiB) whole, but libevent hands it
  // over input_limit bytes at a time. The client then waits for a reply,
  // so no socket event will come to fetch the rest.
  Serve(true, 1000);
  expect_bytes_ = 40000;
  std::string reply;
  ASSERT_TRUE(RunClient([&] {
    TlsClient c(ConnectClient());
    if (!c.Handshake()) return;
    c.Write(std::string(expect_bytes_, 'x'));
    reply = c.ReadLine();
  }));
  EXPECT_EQ(reply, "got 40000\r\n");
  EXPECT_LE(most_, 1000u + 16384u);  // the limit, give or take one record
}

TEST_F(TlsTest, ReloadKeepsEstablishedSessions) {
  // SIGHUP: the daemon swaps in a new context and drops the old one while
  // a client that connected before is mid-handshake.
  Serve(true);
  std::atomic<bool> go{false}, done{false};
  std::string reply;
  std::thread client([&] {
    TlsClient c(ConnectClient());
    while (!go) std::this_thread::sleep_for(milliseconds(1));
    if (c.Handshake()) {
      c.Write("still here\r\n");
      reply = c.ReadLine();
    }
    done = true;
  });
  // No ASSERT until the thread is joined: leaving early would abort.
  EXPECT_TRUE(loop_->RunUntil([&] { return conn_ != nullptr; }, milliseconds(5000)));
  auto fresh = TlsContext::LoadServer(Path("b.crt"), Path("b.key"));
  EXPECT_TRUE(fresh.ok());
  if (fresh.ok()) new_ctx_ = fresh.value();
  ctx_.reset();  // the last reference but the session's own
  go = true;
  EXPECT_TRUE(RunUntilDone(done));
  client.join();
  EXPECT_EQ(reply, "echo still here\r\n");
}

}  // namespace
}  // namespace posthorn::net
