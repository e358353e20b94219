// A host for imapd session tests that answers at once, in memory: no
// sockets, no threads. Shared by the imapd_session_*_test.cc files.
#pragma once

#include <gtest/gtest.h>
#include <utime.h>

#include <ctime>
#include <fstream>

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
  std::shared_ptr<FolderStates> folders() override { return states; }
  std::string watching;  // the folder IDLE watches, "" when none
  // A host of its own is a server of its own; give two the same to have
  // their sessions share what they know of a folder.
  std::shared_ptr<FolderStates> states = std::make_shared<FolderStates>();
};

// The digits after the `nth` `marker` in `out` (spaces and "(" between
// them skipped), or "none": NumberAfter(out, "MODSEQ") finds both
// "HIGHESTMODSEQ 5" and "MODSEQ (5)". No std::regex: its libstdc++
// internals warn under the sanitizer build.
inline std::string NumberAfter(const std::string& out, const std::string& marker, int nth = 0) {
  for (size_t at = out.find(marker); at != std::string::npos; at = out.find(marker, at + 1)) {
    size_t i = at + marker.size();
    while (i < out.size() && (out[i] == ' ' || out[i] == '(')) ++i;
    size_t digits = i;
    while (digits < out.size() && out[digits] >= '0' && out[digits] <= '9') ++digits;
    if (digits == i) continue;
    if (nth-- == 0) return out.substr(i, digits - i);
  }
  return "none";
}

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
  // Writes the message file `rel` (e.g. "cur/100.M1.h:2,S") of the
  // user's INBOX, with `mtime` (its INTERNALDATE).
  void PutFile(const std::string& rel, const std::string& text, time_t mtime) {
    std::string path = host_.maildir + "/" + rel;
    std::ofstream(path) << text;
    struct utimbuf t{mtime, mtime};
    ::utime(path.c_str(), &t);
  }

  testing::TempDir dir_;
  Settings settings_;
  Host host_;
  std::unique_ptr<Session> session_;
};

}  // namespace posthorn::imapd
