// One SMTP conversation as an explicit state machine, with no socket in
// it: bytes in through OnInput(), replies and requests out through a
// SessionHost. The server implements the host over a TLS-capable
// connection; tests implement it in memory and drive every packetisation.
//
// States (every change goes through Enter(), which can trace it):
//   kGreeting  connected, no EHLO/HELO yet
//   kReady     after EHLO/HELO or a finished transaction
//   kMail      MAIL accepted, no recipient yet
//   kRcpt      at least one recipient
//   kData      reading the message after DATA
//   kBdat      reading a BDAT chunk
//   kAuth      in an AUTH exchange, waiting for a client line
//   kWaiting   waiting for the host (TLS handshake, password check, commit)
//   kClosing   QUIT or a fatal error: nothing more is read
#pragma once

#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/address/address.h"
#include "common/smtp/command.h"
#include "common/smtp/data_reader.h"
#include "common/smtp/reply.h"
#include "mta/smtpd/settings.h"
#include "common/net/session_host.h"

namespace posthorn::smtpd {

enum class ListenerKind { kSmtp, kSubmission, kSubmissions };

enum class RecipientClass { kLocal, kRemote, kUnknownLocal };

// Where message bytes go while they arrive: a queue file in the server,
// a string in tests.
class MessageSink {
 public:
  virtual ~MessageSink() = default;
  virtual const std::string& id() const = 0;
  // False once a write failed (disk full); the rest is discarded.
  virtual bool Write(std::string_view bytes) = 0;
};

struct Transaction {
  Address sender;
  std::vector<Address> recipients;
  std::vector<bool> local;  // per recipient
  std::optional<uint64_t> declared_size;
  smtp::BodyType body = smtp::BodyType::kUnspecified;
  bool smtputf8 = false;
  uint64_t size = 0;  // message bytes received
  // Filled in when the message starts, for the queue's envelope.
  std::string helo, protocol, auth_user;
};

struct SessionInfo {
  std::string client_addr;
  ListenerKind kind = ListenerKind::kSmtp;
  bool tls = false;  // implicit TLS (465) is on from the start
  std::string tls_version, tls_cipher;
  bool tls_available = false;  // a certificate is loaded
};

class SessionHost : public net::SessionHostBase {
 public:
  // Check a password off the loop; answer with Session::OnLoginResult().
  // `failures` is how many attempts failed before in this session: the
  // host slows its negative answers down by that much.
  virtual void VerifyLogin(const std::string& user, const std::string& password, int failures) = 0;
  virtual RecipientClass ClassifyRecipient(const Address& rcpt) = 0;
  // A queue file for the message, with its queue ID; nullptr and `why`
  // when it cannot be had (disk full).
  virtual std::unique_ptr<MessageSink> BeginMessage(const Transaction& t, std::string* why) = 0;
  // Make the message durable (file and directory fsynced) off the loop,
  // then call Session::OnCommitted(). Nothing is answered before.
  virtual void CommitMessage(std::unique_ptr<MessageSink> sink, const Transaction& t) = 0;
};

class Session {
 public:
  enum class State { kGreeting, kReady, kMail, kRcpt, kData, kBdat, kAuth, kWaiting, kClosing };

  Session(const Settings& settings, SessionInfo info, SessionHost* host);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Sends the greeting (or a 421 when `refuse` says why not).
  void Start(const std::string& refuse = "");
  // Consumes what it can from the front of `input`; returns how many bytes.
  // Stops early while waiting for the host; call again when it answers.
  size_t OnInput(std::string_view input);
  // The idle timeout fired.
  void OnTimeout();
  // The server is stopping (SIGTERM): 421 and close.
  void OnShutdown();

  void OnTlsStarted(const std::string& version, const std::string& cipher);
  // Implicit TLS (465): the handshake finished; nothing to forget.
  void OnImplicitTls(const std::string& version, const std::string& cipher);
  void OnLoginResult(bool ok);
  // The message is durable (ok) or not (`error` says why, e.g. disk full).
  void OnCommitted(bool ok, const std::string& error);

  State state() const { return state_; }
  bool waiting() const { return state_ == State::kWaiting; }
  bool closing() const { return state_ == State::kClosing; }
  const std::string& auth_user() const { return auth_user_; }
  // How long the host should wait for input in the current state.
  uint64_t timeout_seconds() const;

 private:
  void Enter(State s);
  void Reply(int code, const std::string& enhanced, const std::string& text);
  void Send(const smtp::Reply& r);
  void Error(int code, const std::string& enhanced, const std::string& text);  // counts toward max_errors
  void Fatal(int code, const std::string& enhanced, const std::string& text);  // reply, then close

  size_t ConsumeLine(std::string_view input);
  size_t ConsumeData(std::string_view input);
  size_t ConsumeBdat(std::string_view input);
  void ChunkDone();
  void ScanBdat(std::string_view bytes);
  void WriteBody(std::string_view bytes);
  void Dispatch(const smtp::Command& c);
  void AuthLine(std::string_view line);
  bool StartMessage();  // false: no queue file (disk full); nothing replied
  void FinishMessage(bool bad_line_ends);
  std::string ClientName() const;
  void ResetTransaction();
  bool RelayAllowed() const;

  // Commands (session_commands.cc).
  void Ehlo(const smtp::Command& c, bool extended);
  void Mail(const smtp::Command& c);
  void Rcpt(const smtp::Command& c);
  void Data();
  void Bdat(const smtp::Command& c);
  void StartTlsCommand();
  void Auth(const smtp::Command& c);
  std::string EhloLines() const;

  const Settings& settings_;
  SessionInfo info_;
  SessionHost* host_;
  State state_ = State::kGreeting;
  State after_wait_ = State::kReady;  // where OnTlsStarted/OnCommitted resume

  std::string helo_;
  bool ehlo_ = false;
  std::string auth_user_;
  int errors_ = 0;
  int auth_failures_ = 0;

  // AUTH exchange
  std::string auth_mechanism_, auth_login_user_;

  Transaction txn_;
  std::unique_ptr<MessageSink> sink_;
  std::string sink_error_;  // why BeginMessage failed or a write failed
  smtp::DataReader data_;
  std::string data_out_;
  uint64_t bdat_left_ = 0;
  bool bdat_last_ = false;
  bool bdat_bad_ = false;         // bare CR/LF in the chunks so far
  bool bdat_cr_pending_ = false;  // the last chunk ended in CR
  smtp::Reply bdat_error_;        // set: refuse this chunk once read
  std::string committing_id_;
  bool discarding_ = false;       // skipping the rest of an over-long line
  bool message_too_big_ = false;
  time_t data_started_ = 0;
};

}  // namespace posthorn::smtpd
