// One client of pop3d: a Connection carrying a Session, and the Session's
// host — password checks, the user's maildrop, message transfers. Work
// done off the loop finds its Client through a liveness token, so a client
// that vanished meanwhile is simply skipped.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/net/connection.h"
#include "common/net/mail_access_client.h"
#include "common/net/event.h"
#include "mra/pop3d/maildrop.h"
#include "mra/pop3d/session.h"
#include "mra/pop3d/wire.h"

namespace posthorn::pop3d {

class Server;

class Client : public net::SessionClient<SessionHost, Session> {
 public:
  Client(Server& server, std::string peer);
  ~Client() override;
  // MailAccessClient
  Status Start(UniqueFd fd, uint16_t port, bool implicit_tls, const std::string& refuse) override;
  // SIGTERM: say so and close, unless QUIT is being applied.
  void Shutdown() override;

  // SessionHost (Send, StartTls and Close are SessionClient's)
  void Login(const std::string& user, const std::string& password, int failures) override;
  void SendMessage(size_t index, std::optional<size_t> body_lines, const std::string& first_line) override;
  void Update(const std::vector<bool>& deleted, const std::vector<bool>& retrieved) override;
  void Log(const std::string& line) override;

 private:
  // A message on its way out, read and encoded a chunk at a time on a
  // worker while the loop sends the chunk before.
  struct Transfer {
    UniqueFd fd;
    uint64_t left = 0;  // bytes of the file not read yet
    WireEncoder encoder;
    std::string chunk;  // encoded, ready to send
    bool done = false;  // chunk holds the end of the message
    bool started = false;
    Status error;
  };

  void OpenMaildrop(const std::string& maildir);
  // A login that ends without a maildrop; `error` is logged.
  void LoginAnswer(LoginOutcome outcome, const std::string& error);
  // A worker reads and encodes the next chunk; the loop sends it.
  void NextChunk();
  static void FillChunk(Transfer& t);  // on the worker
  void ChunkReady();
  void Finish();

  Server& server_;
  std::shared_ptr<const Settings> settings_;
  std::shared_ptr<const Maildrop> maildrop_;
  std::string locked_user_;
  std::shared_ptr<Transfer> transfer_;
  std::string cached_;  // a message read on the loop (its memory reused)
  struct HeldSend {
    size_t index;
    std::optional<size_t> body_lines;
    std::string first_line;
  };
  std::optional<HeldSend> held_;  // a RETR waiting for the output to drain
  bool reading_chunk_ = false;
  bool finished_ = false;
};

}  // namespace posthorn::pop3d
