// What every Posthorn daemon does the same way around its sessions: load
// the certificate, count connections per client address, re-read the
// configuration on SIGHUP, stop gracefully on SIGTERM, and feed a
// connection's input to a session state machine.
#pragma once

#include <event2/buffer.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"
#include "common/config/config.h"
#include "common/log/log.h"
#include "common/net/event.h"
#include "common/net/connection.h"
#include "common/net/event_loop.h"
#include "common/net/listen_spec.h"
#include "common/net/listener.h"
#include "common/net/tls.h"

namespace posthorn::net {

// The certificate when tls_cert or tls_key exists, nullptr when neither
// does (STARTTLS-style listeners then run without TLS; implicit-TLS ones
// refuse to start); an error when they are there but unusable.
Result<std::shared_ptr<const TlsContext>> LoadOptionalTls(const std::string& cert, const std::string& key);

// The `listen` key's entries, or `default_listen` when it is empty; errors
// name the config line.
Result<std::vector<ListenSpec>> ListenSpecs(const config::Config& config, std::string_view default_listen);

// Starts accepting on every listener, logging "listening on SPEC".
Status EnableListeners(const std::vector<std::unique_ptr<Listener>>& listeners);

// SIGHUP (contract 7): re-reads the configuration (`path`, "" for the
// default) and hands it to `apply`, which loads what depends on it. On any
// error the old configuration stays and the error is logged. A reload
// that loses the certificate keeps the old one (a renewal in progress must
// not switch TLS off). `what` ends the log line: "configuration, passwd
// and certificate re-read".
void Reload(const std::string& path, unsigned program, const std::function<Status(const config::Config&)>& apply,
            std::shared_ptr<const TlsContext>* tls, config::Config* config, const std::string& what);

// SIGTERM: listeners stop accepting, then the loop stops once `idle`
// says so or `grace` is over. Runs inside a signal callback, so it polls
// from `timer` rather than re-entering the loop.
void StopGracefully(EventLoop& loop, Timer* timer, const std::vector<std::unique_ptr<Listener>>& listeners,
                    std::function<bool()> idle, std::chrono::seconds grace);

// Open connections per client address, for the per-client limit.
class ConnectionCounts {
 public:
  size_t of(const std::string& peer) const;
  void Opened(const std::string& peer) { ++counts_[peer]; }
  void Closed(const std::string& peer);

 private:
  std::map<std::string, size_t> counts_;
};

// A daemon's clients (anything with peer()), and how many each address
// has open.
template <typename Client>
class ClientSet {
 public:
  enum class Refusal { kNone, kShuttingDown, kTooMany, kTooManyFromAddress };
  // Whether a new connection from `peer` is turned away, and why.
  Refusal Check(const std::string& peer, bool stopping, size_t max_total, size_t max_per_address, bool exempt) const {
    if (stopping) return Refusal::kShuttingDown;
    if (clients_.size() >= max_total) return Refusal::kTooMany;
    if (counts_.of(peer) >= max_per_address && !exempt) return Refusal::kTooManyFromAddress;
    return Refusal::kNone;
  }
  // Adds `client` and runs `start` (which greets, or refuses saying
  // `refuse`); a client that cannot start is logged and forgotten.
  void Admit(EventLoop& loop, std::unique_ptr<Client> client, const std::string& refuse,
             const std::function<Status(Client&)>& start) {
    Client* raw = client.get();
    const std::string peer = raw->peer();
    if (!refuse.empty()) log::Warning("refusing unknown[%s]: %s", peer.c_str(), refuse.c_str());
    counts_.Opened(peer);
    clients_[raw] = std::move(client);
    if (Status s = start(*raw); !s.ok()) {
      log::Warning("unknown[%s]: %s", peer.c_str(), s.message().c_str());
      Forget(loop, raw);
    }
  }
  // The client may be deep in its own callback: it is deleted on a later
  // turn of `loop`.
  void Forget(EventLoop& loop, Client* client) {
    auto it = clients_.find(client);
    if (it == clients_.end()) return;
    counts_.Closed(client->peer());
    loop.DeleteSoon(std::move(it->second));
    clients_.erase(it);
  }
  template <typename F>
  void ForEach(F f) {
    for (auto& [raw, client] : clients_) f(*client);
  }
  size_t size() const { return clients_.size(); }
  bool empty() const { return clients_.empty(); }
  size_t of(const std::string& peer) const { return counts_.of(peer); }
  void clear() { clients_.clear(); }

 private:
  std::map<Client*, std::unique_ptr<Client>> clients_;
  ConnectionCounts counts_;
};

// After the STARTTLS/STLS reply: the handshake, or a logged close.
void StartTlsOrClose(Connection& conn, std::shared_ptr<const TlsContext> tls, const std::string& peer);

// Hands what `input` holds to `session` (OnInput, waiting(), closing()) a
// piece at a time, draining what it consumed, until it waits for its host,
// closes, or wants more bytes. A STARTTLS may empty the buffer meanwhile.
template <typename Session>
void FeedSession(evbuffer* input, Session& session) {
  while (!session.waiting() && !session.closing()) {
    size_t len = evbuffer_get_length(input);
    if (len == 0) break;
    const char* data = reinterpret_cast<const char*>(evbuffer_pullup(input, -1));
    size_t used = session.OnInput(std::string_view(data, len));
    evbuffer_drain(input, used);  // more than is left after STARTTLS is harmless
    if (used == 0) break;
  }
}

// After input or a host's answer: reads on while `session` can take more,
// and holds the client back (TCP) while it waits for its host.
template <typename Session>
void PaceReading(Connection* conn, const Session& session) {
  if (!conn || session.closing()) return;
  if (session.waiting()) conn->PauseReading();
  else conn->ResumeReading();
}

}  // namespace posthorn::net
