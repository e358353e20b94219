#include "mra/pop3d/server.h"

#include <signal.h>
#include <unistd.h>

#include "common/base/privileges.h"
#include "common/log/log.h"
#include "common/net/listen_spec.h"
#include "mra/pop3d/client.h"

namespace posthorn::pop3d {

namespace {

constexpr const char* kDefaultListen = "0.0.0.0:110/pop3 0.0.0.0:995/pop3s";
constexpr auto kShutdownGrace = std::chrono::seconds(10);

}  // namespace

Server::Server(std::string config_path, config::Config config)
    : config_path_(std::move(config_path)), config_(std::move(config)) {}

Server::~Server() { clients_.clear(); }

Status Server::LoadRuntime(const config::Config& config) {
  Result<Settings> s = LoadSettings(config);
  if (!s.ok()) return s.error();
  auto settings = std::make_shared<const Settings>(std::move(s).value());
  Result<auth::PasswdFile> passwd = auth::PasswdFile::Open(settings->passwd);
  if (!passwd.ok()) return Error{config.Where("passwd") + ": " + passwd.message()};
  for (const std::string& problem : passwd->Problems()) log::Warning("%s", problem.c_str());
  // Without a certificate only cleartext pop3 can be served (STLS is then
  // not offered); pop3s refuses to start without one.
  std::shared_ptr<const net::TlsContext> tls;
  if (::access(settings->tls_cert.c_str(), F_OK) == 0 || ::access(settings->tls_key.c_str(), F_OK) == 0) {
    Result<std::shared_ptr<const net::TlsContext>> t = net::TlsContext::LoadServer(settings->tls_cert, settings->tls_key);
    if (!t.ok()) return t.error();
    tls = std::move(t).value();
  }
  failures_.set_limit(settings->max_auth_failures_per_client);
  settings_ = std::move(settings);
  passwd_ = std::make_shared<const auth::PasswdFile>(std::move(passwd).value());
  tls_ = std::move(tls);
  return Status::Ok();
}

Status Server::BindListeners() {
  std::string value;
  for (const std::string& w : config_.List("listen")) value += w + " ";
  Result<std::vector<net::ListenSpec>> specs = net::ParseListen(value.empty() ? kDefaultListen : value);
  if (!specs.ok()) return Error{config_.Where("listen") + ": " + specs.message()};
  for (const net::ListenSpec& spec : *specs) {
    if (spec.kind != "pop3" && spec.kind != "pop3s")
      return Error{config_.Where("listen") + ": unknown listener kind '" + spec.kind + "' (pop3 or pop3s)"};
    bool implicit_tls = spec.kind == "pop3s";
    if (implicit_tls && !tls_)
      return Error{"listen " + spec.ToString() + ": needs tls_cert and tls_key (" + settings_->tls_cert + ")"};
    Result<std::unique_ptr<net::Listener>> l = net::Listener::Bind(
        *loop_, spec, [this, implicit_tls](UniqueFd fd, const std::string& peer, uint16_t port) {
          Accept(std::move(fd), peer, port, implicit_tls);
        });
    if (!l.ok()) return l.error();
    listeners_.push_back(std::move(l).value());
  }
  return Status::Ok();
}

void Server::Accept(UniqueFd fd, const std::string& peer, uint16_t port, bool implicit_tls) {
  std::string refuse;
  if (stopping_) refuse = "Server shutting down";
  else if (clients_.size() >= settings_->max_connections) refuse = "Too many connections";
  else if (per_address_[peer] >= settings_->max_connections_per_client) refuse = "Too many connections from your address";
  if (!refuse.empty()) log::Warning("refusing unknown[%s]: %s", peer.c_str(), refuse.c_str());
  auto client = std::make_unique<Client>(*this, peer);
  Client* raw = client.get();
  clients_[raw] = std::move(client);
  ++per_address_[peer];
  Status s = raw->Start(std::move(fd), port, implicit_tls, refuse);
  if (!s.ok()) {
    log::Warning("unknown[%s]: %s", peer.c_str(), s.message().c_str());
    Forget(raw);
  }
}

void Server::Forget(Client* client) {
  auto it = clients_.find(client);
  if (it == clients_.end()) return;
  if (--per_address_[client->peer()] == 0) per_address_.erase(client->peer());
  // The client may be deep in its own callback: delete it on a later turn.
  loop_->DeleteSoon(std::move(it->second));
  clients_.erase(it);
}

void Server::Reload() {
  Result<config::Config> c = config_path_.empty() ? config::Config::LoadFor("", config::kPop3d)
                                                  : config::Config::Load(config_path_, config::kPop3d);
  if (!c.ok()) {
    log::Error("reload: %s; keeping the old configuration", c.message().c_str());
    return;
  }
  auto old_tls = tls_;
  Status s = LoadRuntime(*c);
  if (s.ok() && old_tls && !tls_) {
    tls_ = old_tls;  // a certificate being renewed must not switch TLS off
    log::Warning("reload: tls_cert/tls_key missing; keeping the old certificate");
  }
  if (!s.ok()) {
    log::Error("reload: %s; keeping the old configuration", s.message().c_str());
    return;
  }
  config_ = std::move(c).value();
  log::Info("reload: configuration, passwd and certificate re-read");
}

void Server::Stop() {
  if (stopping_) return;
  stopping_ = true;
  log::Info("stopping");
  for (auto& l : listeners_) l->Disable();
  for (auto& [raw, client] : clients_) client->Shutdown();
  // A QUIT being applied gets a moment to finish. This runs inside a
  // signal callback, so it polls from a timer rather than re-entering the loop.
  auto deadline = std::chrono::steady_clock::now() + kShutdownGrace;
  stop_timer_ = net::Timer(*loop_, [this, deadline] {
    if (clients_.empty() || std::chrono::steady_clock::now() >= deadline) {
      loop_->Stop();
      return;
    }
    stop_timer_.Start(std::chrono::milliseconds(50));
  });
  stop_timer_.Start(std::chrono::milliseconds(0));
}

Status Server::Run() {
  Result<std::unique_ptr<net::EventLoop>> loop = net::EventLoop::Create();
  if (!loop.ok()) return loop.error();
  loop_ = std::move(loop).value();
  if (Status s = LoadRuntime(config_); !s.ok()) return s;
  if (Status s = BindListeners(); !s.ok()) return s;
  if (Status s = SwitchToUser(config_.String("user")); !s.ok()) return s;
  auth_ev_ = net::Event(*loop_, auth_worker_.notify_fd(), EV_READ | EV_PERSIST, [this](short) { auth_worker_.RunCompletions(); });
  disk_ev_ = net::Event(*loop_, disk_worker_.notify_fd(), EV_READ | EV_PERSIST, [this](short) { disk_worker_.RunCompletions(); });
  hup_ev_ = net::Event::Signal(*loop_, SIGHUP, [this] { Reload(); });
  term_ev_ = net::Event::Signal(*loop_, SIGTERM, [this] { Stop(); });
  int_ev_ = net::Event::Signal(*loop_, SIGINT, [this] { Stop(); });
  for (net::Event* e : {&auth_ev_, &disk_ev_, &hup_ev_, &term_ev_, &int_ev_}) {
    if (Status s = e->Add(); !s.ok()) return s;
  }
  for (auto& l : listeners_) {
    if (Status s = l->Enable(); !s.ok()) return s;
    log::Info("listening on %s", l->spec().ToString().c_str());
  }
  return loop_->Run();
}

}  // namespace posthorn::pop3d
