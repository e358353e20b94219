#include "mra/pop3d/server.h"

#include <signal.h>
#include <unistd.h>

#include "common/base/privileges.h"
#include "common/log/log.h"
#include "common/net/daemon.h"
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
  Result<std::shared_ptr<const net::TlsContext>> tls = net::LoadOptionalTls(settings->tls_cert, settings->tls_key);
  if (!tls.ok()) return tls.error();
  failures_.set_limit(settings->max_auth_failures_per_client);
  settings_ = std::move(settings);
  passwd_ = std::make_shared<const auth::PasswdFile>(std::move(passwd).value());
  tls_ = std::move(tls).value();
  return Status::Ok();
}

Status Server::BindListeners() {
  Result<std::vector<net::ListenSpec>> specs = net::ListenSpecs(config_, kDefaultListen);
  if (!specs.ok()) return specs.error();
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
  using Refusal = net::ClientSet<Client>::Refusal;
  std::string refuse;
  switch (clients_.Check(peer, stopping_, settings_->max_connections, settings_->max_connections_per_client, false)) {
    case Refusal::kNone: break;
    case Refusal::kShuttingDown: refuse = "Server shutting down"; break;
    case Refusal::kTooMany: refuse = "Too many connections"; break;
    case Refusal::kTooManyFromAddress: refuse = "Too many connections from your address"; break;
  }
  clients_.Admit(*loop_, std::make_unique<Client>(*this, peer), refuse, [&](Client& c) {
    return c.Start(std::move(fd), port, implicit_tls, refuse);
  });
}

void Server::Forget(Client* client) { clients_.Forget(*loop_, client); }

void Server::Reload() {
  net::Reload(config_path_, config::kPop3d, [this](const config::Config& c) { return LoadRuntime(c); }, &tls_, &config_,
              "configuration, passwd and certificate re-read");
}

void Server::Stop() {
  if (stopping_) return;
  stopping_ = true;
  log::Info("stopping");
  clients_.ForEach([](Client& c) { c.Shutdown(); });
  // A QUIT being applied gets a moment to finish.
  net::StopGracefully(*loop_, &stop_timer_, listeners_, [this] { return clients_.empty(); }, kShutdownGrace);
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
  if (Status s = net::EnableListeners(listeners_); !s.ok()) return s;
  return loop_->Run();
}

}  // namespace posthorn::pop3d
