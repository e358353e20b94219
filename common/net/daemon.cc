#include "common/net/daemon.h"

#include <unistd.h>

#include "common/log/log.h"

namespace posthorn::net {

Result<std::shared_ptr<const TlsContext>> LoadOptionalTls(const std::string& cert, const std::string& key) {
  if (::access(cert.c_str(), F_OK) != 0 && ::access(key.c_str(), F_OK) != 0)
    return std::shared_ptr<const TlsContext>();
  return TlsContext::LoadServer(cert, key);
}

Result<std::vector<ListenSpec>> ListenSpecs(const config::Config& config, std::string_view default_listen) {
  std::string value;
  for (const std::string& w : config.List("listen")) value += w + " ";
  Result<std::vector<ListenSpec>> specs = ParseListen(value.empty() ? default_listen : value);
  if (!specs.ok()) return Error{config.Where("listen") + ": " + specs.message()};
  return specs;
}

Status EnableListeners(const std::vector<std::unique_ptr<Listener>>& listeners) {
  for (const auto& l : listeners) {
    if (Status s = l->Enable(); !s.ok()) return s;
    log::Info("listening on %s", l->spec().ToString().c_str());
  }
  return Status::Ok();
}

void Reload(const std::string& path, unsigned program, const std::function<Status(const config::Config&)>& apply,
            std::shared_ptr<const TlsContext>* tls, config::Config* config, const std::string& what) {
  Result<config::Config> c = path.empty() ? config::Config::LoadFor("", program) : config::Config::Load(path, program);
  if (!c.ok()) {
    log::Error("reload: %s; keeping the old configuration", c.message().c_str());
    return;
  }
  auto old_tls = *tls;
  Status s = apply(*c);
  if (!s.ok()) {
    log::Error("reload: %s; keeping the old configuration", s.message().c_str());
    return;
  }
  if (old_tls && !*tls) {
    *tls = old_tls;
    log::Warning("reload: tls_cert/tls_key missing; keeping the old certificate");
  }
  *config = std::move(c).value();
  log::Info("reload: %s", what.c_str());
}

void StopGracefully(EventLoop& loop, Timer* timer, const std::vector<std::unique_ptr<Listener>>& listeners,
                    std::function<bool()> idle, std::chrono::seconds grace) {
  for (const auto& l : listeners) l->Disable();
  auto deadline = std::chrono::steady_clock::now() + grace;
  *timer = Timer(loop, [&loop, timer, idle = std::move(idle), deadline] {
    if (idle() || std::chrono::steady_clock::now() >= deadline) {
      loop.Stop();
      return;
    }
    timer->Start(std::chrono::milliseconds(50));
  });
  timer->Start(std::chrono::milliseconds(0));
}

size_t ConnectionCounts::of(const std::string& peer) const {
  auto it = counts_.find(peer);
  return it == counts_.end() ? 0 : it->second;
}

void ConnectionCounts::Closed(const std::string& peer) {
  auto it = counts_.find(peer);
  if (it != counts_.end() && --it->second == 0) counts_.erase(it);
}

void StartTlsOrClose(Connection& conn, std::shared_ptr<const TlsContext> tls, const std::string& peer) {
  Status s = conn.StartTls(std::move(tls));
  if (!s.ok()) {
    log::Warning("unknown[%s]: cannot start TLS: %s", peer.c_str(), s.message().c_str());
    conn.CloseAfterFlush();
  }
}

}  // namespace posthorn::net
