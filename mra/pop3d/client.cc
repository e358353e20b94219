#include "mra/pop3d/client.h"

#include <event2/buffer.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

#include "common/base/io.h"
#include "common/base/strings.h"
#include "common/log/log.h"
#include "common/net/cidr.h"
#include "common/net/daemon.h"
#include "mra/pop3d/server.h"

namespace posthorn::pop3d {

namespace {

// Stored bytes read per step of a transfer; the loop sends one chunk
// while a worker reads the next, until this much waits in the socket's
// output.
constexpr size_t kChunk = 256 * 1024;

}  // namespace

Client::Client(Server& server, std::string peer) : SessionClient(server, std::move(peer)), server_(server) {}

Client::~Client() {
  if (!locked_user_.empty()) server_.Unlock(locked_user_);
}

Status Client::Start(UniqueFd fd, uint16_t port, bool implicit_tls, const std::string& refuse) {
  settings_ = server_.settings();
  net::Connection::Handlers h;
  // RFC 1939 §3: an idle client is disconnected without a response, and
  // nothing it marked is deleted.
  h.on_timeout = [this] {
    log::Info("unknown[%s]: idle timeout", peer_.c_str());
    conn_->CloseAfterFlush();
  };
  h.on_drained = [this] {
    if (held_) {
      HeldSend h = std::move(*held_);
      held_.reset();
      SendMessage(h.index, h.body_lines, h.first_line);
      return AfterInput();  // done at once: read on (pipelined commands wait)
    }
    if (transfer_ && !reading_chunk_ && !transfer_->done) NextChunk();
  };
  h.on_closed = [this](net::Connection::CloseReason, const std::string&) { Finish(); };
  if (Status s = Connect(std::move(fd), port, implicit_tls, settings_->idle_timeout, std::move(h)); !s.ok()) return s;
  session_ = std::make_unique<Session>(*settings_, server_.ClientSecurity(peer_, implicit_tls), this);
  Greet(refuse);
  return Status::Ok();
}

void Client::Shutdown() { session_->OnShutdown(); }

void Client::Finish() {
  if (finished_) return;
  finished_ = true;
  if (!locked_user_.empty()) server_.Unlock(locked_user_);
  locked_user_.clear();
  log::Info("disconnect from unknown[%s]", peer_.c_str());
  server_.Forget(this);
}

void Client::Log(const std::string& line) { log::Info("%s", line.c_str()); }

void Client::Login(const std::string& user, const std::string& password, int failures) {
  CheckPassword(
      user, password, failures,
      [this](const std::string& name, const std::string& maildir) {
        if (!server_.Lock(name)) return LoginAnswer(LoginOutcome::kInUse, "");
        locked_user_ = name;
        OpenMaildrop(maildir);
      },
      [this](LoginOutcome outcome, const std::string& error) { LoginAnswer(outcome, error); });
}

// The listing reads the directories (and files without ,W=): a disk
// worker's job, after the lock, so a refused second session costs nothing.
void Client::OpenMaildrop(const std::string& maildir) {
  struct Opened {
    Result<Maildrop> drop = Error{"not opened"};
    Listing listing;  // built on the worker too: 10,000 UIDs are not the loop's work
  };
  auto out = std::make_shared<Opened>();
  std::weak_ptr<bool> alive = alive_;
  server_.disk_worker().Submit(
      [out, maildir] {
        out->drop = Maildrop::Open(maildir);
        if (!out->drop.ok()) return;
        for (const DropMessage& m : out->drop->messages()) {
          out->listing.sizes.push_back(m.size);
          out->listing.uids.push_back(m.uid);
        }
      },
      [this, alive, out] {
        if (alive.expired()) return;
        if (!out->drop.ok()) {
          server_.Unlock(locked_user_);
          std::string why = locked_user_ + ": " + out->drop.message();
          locked_user_.clear();
          return LoginAnswer(LoginOutcome::kMailboxError, why);
        }
        maildrop_ = std::make_shared<const Maildrop>(std::move(out->drop).value());
        session_->OnLogin(LoginOutcome::kOk, std::move(out->listing));
        AfterInput();
      });
}

void Client::LoginAnswer(LoginOutcome outcome, const std::string& error) {
  if (!error.empty()) log::Error("%s", error.c_str());
  session_->OnLogin(outcome, {});
  AfterInput();
}

void Client::SendMessage(size_t index, std::optional<size_t> body_lines, const std::string& first_line) {
  // A client that pipelines RETRs without reading the answers must not
  // make us buffer message after message: the next waits for the output
  // to drain (on_drained).
  if (conn_ && conn_->output_length() >= kChunk) {
    held_ = HeldSend{index, body_lines, first_line};
    return;
  }
  // Most messages are small and were just delivered or read: send them
  // from the loop when the kernel has them cached, without a worker's
  // round trip.
  if (maildrop_->ReadCached(index, kChunk, &cached_)) {
    WireEncoder encoder(body_lines);
    std::string wire = first_line;
    encoder.Feed(cached_, &wire);
    encoder.Finish(&wire);
    Send(wire);
    session_->OnSent(true, true);
    return;
  }
  auto t = std::make_shared<Transfer>();
  t->encoder = WireEncoder(body_lines);
  t->chunk = first_line;  // goes out with the first chunk, once that is read
  transfer_ = t;
  reading_chunk_ = true;
  std::weak_ptr<bool> alive = alive_;
  server_.disk_worker().Submit(
      [t, drop = maildrop_, index] {
        Result<UniqueFd> fd = drop->OpenMessage(index);
        if (!fd.ok()) {
          t->error = fd.error();
          return;
        }
        t->fd = std::move(fd).value();
        struct stat st;
        if (::fstat(t->fd.get(), &st) != 0) {
          t->error = SysError("cannot stat message", errno);
          return;
        }
        t->left = static_cast<uint64_t>(st.st_size);
        FillChunk(*t);
      },
      [this, alive] {
        if (alive.expired()) return;
        reading_chunk_ = false;
        ChunkReady();
      });
}

void Client::NextChunk() {
  reading_chunk_ = true;
  std::weak_ptr<bool> alive = alive_;
  server_.disk_worker().Submit([t = transfer_] { FillChunk(*t); },
                               [this, alive] {
                                 if (alive.expired()) return;
                                 reading_chunk_ = false;
                                 ChunkReady();
                               });
}

void Client::FillChunk(Transfer& t) {
  // One buffer per worker thread, never cleared: what is read overwrites it.
  thread_local std::unique_ptr<char[]> buf = std::make_unique_for_overwrite<char[]>(kChunk);
  size_t want = static_cast<size_t>(std::min<uint64_t>(t.left, kChunk));
  ssize_t n = want == 0 ? 0 : ReadSome(t.fd.get(), buf.get(), want);
  if (n < 0) {
    t.error = SysError("cannot read message", errno);
    return;
  }
  t.left -= static_cast<uint64_t>(n);
  // The size from fstat ends the message without a read that finds EOF
  // (Maildir files never change once delivered).
  bool more = t.encoder.Feed(std::string_view(buf.get(), static_cast<size_t>(n)), &t.chunk);
  if (n == 0 || t.left == 0 || !more) {
    t.encoder.Finish(&t.chunk);
    t.done = true;
  }
}

void Client::ChunkReady() {
  std::shared_ptr<Transfer> t = transfer_;
  if (!t || !conn_) return;
  if (!t->error.ok()) {
    log::Error("unknown[%s]: %s", peer_.c_str(), t->error.message().c_str());
    transfer_.reset();
    session_->OnSent(false, t->started);
    return AfterInput();
  }
  t->started = true;
  Send(t->chunk);
  t->chunk.clear();
  if (t->done) {
    transfer_.reset();
    session_->OnSent(true, true);
    return AfterInput();
  }
  if (conn_->output_length() < kChunk) NextChunk();
}

void Client::Update(const std::vector<bool>& deleted, const std::vector<bool>& retrieved) {
  if (!maildrop_) {
    session_->OnUpdated(true, 0);
    return;
  }
  struct Outcome {
    size_t removed = 0;
    std::string error;
  };
  auto out = std::make_shared<Outcome>();
  std::weak_ptr<bool> alive = alive_;
  server_.disk_worker().Submit(
      [out, drop = maildrop_, deleted, retrieved] { out->removed = drop->Update(deleted, retrieved, &out->error); },
      [this, alive, out] {
        if (alive.expired()) return;
        if (!out->error.empty()) log::Error("%s: %s", locked_user_.c_str(), out->error.c_str());
        session_->OnUpdated(out->error.empty(), out->removed);
      });
}

}  // namespace posthorn::pop3d
