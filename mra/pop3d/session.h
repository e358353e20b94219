// One POP3 conversation (RFC 1939, 2449, 2595, 5034) as an explicit state
// machine with no socket in it: bytes in through OnInput(), replies and
// requests out through a SessionHost, which the server implements over a
// TLS-capable connection and tests implement in memory.
//
// States:
//   kAuthorization  before login (USER/PASS, AUTH, STLS, CAPA, QUIT)
//   kSaslResponse   AUTH PLAIN sent "+ ": the next line is the response
//   kTransaction    logged in, the maildrop fixed (RFC 1939 §5)
//   kWaiting        the host is working: TLS handshake, login, sending a
//                   message, applying QUIT; nothing more is read meanwhile
//   kClosing        QUIT done or a fatal error: nothing more is read
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mra/pop3d/command.h"
#include "mra/pop3d/settings.h"
#include "common/net/session_host.h"

namespace posthorn::pop3d {

using SessionInfo = config::ClientSecurity;

// What the host learnt at login: the maildrop as numbered for the session.
struct Listing {
  std::vector<uint64_t> sizes;
  std::vector<std::string> uids;
};

using LoginOutcome = net::LoginOutcome;

class SessionHost : public net::SessionHostBase {
 public:
  // Off the loop: check the password, take the user's mailbox lock, list
  // the maildrop; answer with Session::OnLogin(). `failures` (earlier in
  // this session) slows a negative answer down.
  virtual void Login(const std::string& user, const std::string& password, int failures) = 0;
  // Send `first_line`, then message `index` on the wire (whole, or TOP's
  // header and `body_lines`), then "."; answer with Session::OnSent().
  virtual void SendMessage(size_t index, std::optional<size_t> body_lines, const std::string& first_line) = 0;
  // QUIT in TRANSACTION: apply the deletions and seen marks off the loop;
  // answer with Session::OnUpdated().
  virtual void Update(const std::vector<bool>& deleted, const std::vector<bool>& retrieved) = 0;
};

class Session {
 public:
  enum class State { kAuthorization, kSaslResponse, kTransaction, kWaiting, kClosing };

  Session(const Settings& settings, SessionInfo info, SessionHost* host);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // The greeting, or "-ERR [SYS/TEMP] `refuse`" and close.
  void Start(const std::string& refuse = "");
  // Consumes what it can from the front of `input`; returns how many bytes.
  // Stops early while waiting for the host; call again when it answers.
  size_t OnInput(std::string_view input);
  // SIGTERM: say so and close (unless QUIT is being applied).
  void OnShutdown();

  void OnTlsStarted();
  void OnLogin(LoginOutcome outcome, Listing listing);
  // The message went out (ok), or could not be read: before anything was
  // sent (`started` false) that is an -ERR, after it the connection closes.
  void OnSent(bool ok, bool started);
  // QUIT applied: `removed` messages are gone, or some could not be.
  void OnUpdated(bool ok, size_t removed);

  State state() const { return state_; }
  bool waiting() const { return state_ == State::kWaiting; }
  bool closing() const { return state_ == State::kClosing; }
  const std::string& user() const { return user_; }
  bool logged_in() const { return logged_in_; }

 private:
  void Enter(State s) { state_ = s; }
  void Send(std::string_view text);
  void Ok(const std::string& text);
  void Err(const std::string& text);
  void Error(const std::string& text);  // a client mistake: counts toward the limit
  void Fatal(const std::string& text);  // -ERR, then close

  size_t ConsumeLine(std::string_view input);
  void Dispatch(const Command& c);
  void Authorization(const Command& c);
  void Transaction(const Command& c);
  void Capa();
  void Stls();
  void Pass(const std::string& password);
  void Auth(const Command& c);
  void SaslResponse(std::string_view line);
  void StartLogin(const std::string& user, const std::string& password, const std::string& method);
  void LoginAnswer(LoginOutcome outcome, Listing listing);
  void SentAnswer(bool ok, bool started);
  // A shutdown that came while waiting is carried out once the wait ends.
  void AfterWait();
  bool LoginAllowed() const;
  // A message number argument that names a message not deleted.
  std::optional<size_t> Message(const Command& c, size_t arg);
  void List(const Command& c);
  void Uidl(const Command& c);
  void Retrieve(const Command& c, bool top);
  std::pair<size_t, uint64_t> Counts() const;  // messages not deleted, their octets
  std::string Summary() const;                 // "N messages (M octets)"

  const Settings& settings_;
  SessionInfo info_;
  SessionHost* host_;
  State state_ = State::kAuthorization;
  State after_wait_ = State::kAuthorization;

  std::string pending_user_;  // from USER, for PASS
  std::string login_user_, login_method_;
  std::string user_;  // logged in as
  bool logged_in_ = false;
  int errors_ = 0;
  int auth_failures_ = 0;
  bool discarding_ = false;  // skipping the rest of an over-long line
  bool shutdown_pending_ = false;

  Listing listing_;
  std::vector<bool> deleted_, retrieved_;
  size_t sending_ = 0;  // the message being retrieved
  bool sending_retr_ = false;
  size_t retr_count_ = 0;
  uint64_t retr_bytes_ = 0;
};

}  // namespace posthorn::pop3d
