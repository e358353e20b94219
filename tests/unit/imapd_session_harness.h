// A host for imapd session tests that answers at once, in memory: no
// sockets, no threads. Shared by the imapd_session_*_test.cc files.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/maildir/folder.h"
#include "mra/imapd/session.h"
#include "tests/unit/temp_dir.h"

namespace posthorn::imapd {

class Host : public SessionHost {
 public:
  Session* session = nullptr;
  std::string sent, maildir;
  bool closed = false, tls_started = false;
  std::vector<std::string> logins;  // "user:password"
  std::string log;                  // the lines logged, each ended with \n
  // When set, the answer to every login.
  std::optional<LoginOutcome> outcome;
  void Send(std::string_view b) override { sent += b; }
  void StartTls() override { tls_started = true; }
  void Close() override { closed = true; }
  void Login(const std::string& user, const std::string& password, int) override {
    logins.push_back(user + ":" + password);
    bool ok = user == "bob@example.org" && password == "secret";
    session->OnLogin(outcome.value_or(ok ? LoginOutcome::kOk : LoginOutcome::kFailed), maildir);
  }
  void Run(std::function<void()> work, std::function<void()> done) override {
    work();
    done();
  }
  void Log(const std::string& line) override { log += line + "\n"; }
  void Watch(const std::string& dir) override { watching = dir; }
  void StopWatching() override { watching.clear(); }
  std::string watching;  // the folder IDLE watches, "" when none
};

class ImapdSession : public ::testing::Test {
 protected:
  void SetUp() override {
    host_.maildir = dir_.path() + "/bob";
    ASSERT_TRUE(maildir::CreateMaildir(host_.maildir).ok());
  }
  void Open(bool tls = true, bool tls_available = true) {
    SessionInfo info{"192.0.2.1", tls, tls_available, false};
    session_ = std::make_unique<Session>(settings_, info, &host_);
    host_.session = session_.get();
    session_->Start();
  }
  // Feeds `in` and returns what the session answered to it.
  std::string Talk(std::string_view in) {
    host_.sent.clear();
    size_t used = session_->OnInput(in);
    EXPECT_EQ(used, in.size());
    return host_.sent;
  }
  void LogIn() { ASSERT_EQ(Talk("l LOGIN bob@example.org secret\r\n").substr(0, 5), "l OK "); }

  testing::TempDir dir_;
  Settings settings_;
  Host host_;
  std::unique_ptr<Session> session_;
};

}  // namespace posthorn::imapd
