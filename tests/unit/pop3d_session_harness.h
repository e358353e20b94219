// The POP3 session tests' host and harness: client lines in, exact
// replies out, requests to the host recorded and answered by calling the
// session back. Shared by pop3d_session_auth_test.cc (before login) and
// pop3d_session_transaction_test.cc (after it, input handling, shutdown).
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "common/base/base64.h"
#include "mra/pop3d/session.h"

namespace posthorn::pop3d {
namespace {


using Flags = std::vector<bool>;

struct LoginRequest {
  std::string user, password;
  int failures;
};
struct SendRequest {
  size_t index;
  std::optional<size_t> body_lines;
  std::string first_line;
};
struct UpdateRequest {
  Flags deleted, retrieved;
};

enum class Pending { kNone, kTls, kLogin, kSend, kUpdate };

class FakeHost : public SessionHost {
 public:
  void Send(std::string_view b) override { sent += b; }
  void StartTls() override {
    ++tls_starts;
    pending = Pending::kTls;
  }
  void Close() override { ++closes; }
  void Login(const std::string& user, const std::string& password, int failures) override {
    logins.push_back({user, password, failures});
    pending = Pending::kLogin;
    if (sync_login) {  // as the real host does for an address over its limit
      pending = Pending::kNone;
      session->OnLogin(*sync_login, {});
    }
  }
  void SendMessage(size_t index, std::optional<size_t> body_lines, const std::string& first_line) override {
    sends.push_back({index, body_lines, first_line});
    pending = Pending::kSend;
  }
  void Update(const Flags& deleted, const Flags& retrieved) override {
    updates.push_back({deleted, retrieved});
    pending = Pending::kUpdate;
  }
  void Log(const std::string& line) override { log += line + "\n"; }

  Session* session = nullptr;
  std::optional<LoginOutcome> sync_login;
  Pending pending = Pending::kNone;
  std::string sent, log;
  int tls_starts = 0, closes = 0;
  std::vector<LoginRequest> logins;
  std::vector<SendRequest> sends;
  std::vector<UpdateRequest> updates;
};

// Three messages: sizes 120 + 250 + 4000 = 4370 octets.
Listing ThreeMessages() {
  Listing l;
  l.sizes = {120, 250, 4000};
  l.uids = {"1700000001.M1P1.host", "1700000002.M2P2.host", "Hc8687a08aa5d6ed2044328fa6a697ab8e96dc342"};
  return l;
}

SessionInfo Tls() {
  SessionInfo i;
  i.client_addr = "203.0.113.9";
  i.tls = true;
  i.tls_available = true;
  return i;
}

SessionInfo Cleartext(bool cert = true, bool loopback = false) {
  SessionInfo i;
  i.client_addr = loopback ? "127.0.0.1" : "203.0.113.9";
  i.tls_available = cert;
  i.loopback = loopback;
  return i;
}

[[maybe_unused]] std::string Plain(const std::string& authzid, const std::string& user, const std::string& pw) {
  return Base64Encode(authzid + std::string(1, '\0') + user + std::string(1, '\0') + pw);
}

const char kNotValid[] = "-ERR Command not valid in this state\r\n";
const char kInvalid[] = "-ERR Invalid arguments\r\n";
const char kNoSuch[] = "-ERR No such message\r\n";
const char kTlsFirst[] = "-ERR [AUTH] Passwords only over TLS: use STLS first\r\n";

struct Harness {
  explicit Harness(SessionInfo info = Tls(), Settings s = Settings()) : settings(s), session(settings, info, &host) {
    host.session = &session;
    session.Start();
    host.sent.clear();
  }

  // Feeds `input` in pieces of `step` bytes the way a connection does:
  // unconsumed bytes stay buffered and are offered again with the next
  // piece, and again after the host answers a request (when `answer`).
  std::string Feed(const std::string& input, size_t step = 1 << 20) {
    host.sent.clear();
    for (size_t i = 0; i < input.size(); i += step) {
      buffer += input.substr(i, step);
      Pump();
    }
    return host.sent;
  }
  void Pump() {
    for (;;) {
      buffer.erase(0, session.OnInput(buffer));
      if (!answer || !session.waiting() || !AnswerOne()) return;
    }
  }
  // Answers the outstanding request as a working host would.
  bool AnswerOne() {
    Pending p = host.pending;
    host.pending = Pending::kNone;
    switch (p) {
      case Pending::kNone: return false;
      case Pending::kTls:
        buffer.clear();  // pipelined cleartext is discarded
        session.OnTlsStarted();
        return true;
      case Pending::kLogin: {
        const LoginRequest& r = host.logins.back();
        if (login_outcome) {
          session.OnLogin(*login_outcome, *login_outcome == LoginOutcome::kOk ? listing : Listing());
        } else if (r.user == "bob@example.org" && r.password == password) {
          session.OnLogin(LoginOutcome::kOk, listing);
        } else {
          session.OnLogin(LoginOutcome::kFailed, {});
        }
        return true;
      }
      case Pending::kSend: {
        const SendRequest& r = host.sends.back();
        host.Send(r.first_line);
        host.Send("<message " + std::to_string(r.index + 1) +
                  (r.body_lines ? " top " + std::to_string(*r.body_lines) : std::string()) + ">\r\n.\r\n");
        session.OnSent(true, true);
        return true;
      }
      case Pending::kUpdate: {
        size_t n = 0;
        for (bool d : host.updates.back().deleted) n += d;
        session.OnUpdated(true, n);
        return true;
      }
    }
    return false;
  }
  // Logs in as bob over USER/PASS and clears what that sent.
  void LogIn() {
    ASSERT_EQ(Feed("USER bob@example.org\r\nPASS secret\r\n"), "+OK Send PASS\r\n+OK Logged in, 3 messages (4370 octets)\r\n");
    ASSERT_EQ(session.state(), Session::State::kTransaction);
    host.sent.clear();
    host.log.clear();
  }

  Settings settings;
  FakeHost host;
  Session session;
  std::string buffer;
  bool answer = true;
  std::string password = "secret";
  std::optional<LoginOutcome> login_outcome;
  Listing listing = ThreeMessages();
};
}  // namespace
}  // namespace posthorn::pop3d
