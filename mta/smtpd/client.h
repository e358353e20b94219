// One client of smtpd: a Connection carrying a Session, and the Session's
// host — the queue, the password checks and the recipient lookups it asks
// for. Asynchronous answers (a password verified on a worker thread, a
// message made durable by the Syncer) find their Client through a
// liveness token, so a client that vanished meanwhile is simply skipped.
#pragma once

#include <memory>
#include <string>

#include "common/net/connection.h"
#include "common/net/event.h"
#include "mta/smtpd/session.h"

namespace posthorn::smtpd {

class Server;
class RecipientDirectory;

class Client : public SessionHost {
 public:
  Client(Server& server, std::string peer, ListenerKind kind);
  ~Client() override;
  // Wraps `fd` and greets (or refuses with a 421 saying `refuse`).
  Status Start(UniqueFd fd, uint16_t port, const std::string& refuse);
  const std::string& peer() const { return peer_; }
  // SIGTERM: say goodbye and close, unless a message is being committed.
  void Shutdown();

  // SessionHost
  void Send(std::string_view bytes) override;
  void StartTls() override;
  void Close() override;
  void VerifyLogin(const std::string& user, const std::string& password, int failures) override;
  RecipientClass ClassifyRecipient(const Address& rcpt) override;
  std::unique_ptr<MessageSink> BeginMessage(const Transaction& t, std::string* why) override;
  void CommitMessage(std::unique_ptr<MessageSink> sink, const Transaction& t) override;
  void Log(const std::string& line) override;

 private:
  void OnRead(evbuffer* input);
  void AfterInput();
  // After an asynchronous answer: read again (buffered input included).
  void AfterInputResume();
  void Finish();

  Server& server_;
  std::string peer_;
  ListenerKind kind_;
  // This session's view of the configuration, kept across a reload.
  std::shared_ptr<const Settings> settings_;
  std::shared_ptr<const RecipientDirectory> directory_;
  std::unique_ptr<net::Connection> conn_;
  std::unique_ptr<Session> session_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  net::Timer auth_delay_;
  bool finished_ = false;
};

}  // namespace posthorn::smtpd
