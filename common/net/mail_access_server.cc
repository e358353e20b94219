#include "common/net/mail_access_server.h"

#include <signal.h>
#include <sysexits.h>
#include <unistd.h>

#include <cstdio>

#include <ctime>

#include "common/address/address.h"
#include "common/auth/password.h"
#include "common/base/privileges.h"
#include "common/base/strings.h"
#include "common/log/log.h"
#include "common/maildir/location.h"
#include "common/net/listen_spec.h"

namespace posthorn::net {

namespace {

constexpr auto kShutdownGrace = std::chrono::seconds(10);

}  // namespace

MailAccessServer::MailAccessServer(MailAccessProtocol protocol, std::string config_path, config::Config config)
    : protocol_(protocol), config_path_(std::move(config_path)), config_(std::move(config)) {}

MailAccessServer::~MailAccessServer() { clients_.clear(); }

Status MailAccessServer::LoadRuntime(const config::Config& config) {
  Result<std::shared_ptr<const config::MailAccessSettings>> settings = ReadSettings(config);
  if (!settings.ok()) return settings.error();
  const config::MailAccessSettings& s = **settings;
  Result<auth::PasswdFile> passwd = auth::PasswdFile::Open(s.passwd);
  if (!passwd.ok()) return Error{config.Where("passwd") + ": " + passwd.message()};
  for (const std::string& problem : passwd->Problems()) log::Warning("%s", problem.c_str());
  // Without a certificate only the cleartext kind can be served (STARTTLS
  // is then not offered); the implicit-TLS kind refuses to start.
  Result<std::shared_ptr<const TlsContext>> tls = LoadOptionalTls(s.tls_cert, s.tls_key);
  if (!tls.ok()) return tls.error();
  failures_.set_limit(s.max_auth_failures_per_client);
  settings_ = std::move(settings).value();
  passwd_ = std::make_shared<const auth::PasswdFile>(std::move(passwd).value());
  tls_ = std::move(tls).value();
  return Status::Ok();
}

Status MailAccessServer::BindListeners() {
  Result<std::vector<ListenSpec>> specs = ListenSpecs(config_, protocol_.default_listen);
  if (!specs.ok()) return specs.error();
  for (const ListenSpec& spec : *specs) {
    bool implicit_tls = spec.kind == protocol_.tls_kind;
    if (spec.kind != protocol_.plain_kind && !implicit_tls)
      return Error{config_.Where("listen") + ": unknown listener kind '" + spec.kind + "' (" + protocol_.plain_kind +
                   " or " + protocol_.tls_kind + ")"};
    if (implicit_tls && !tls_)
      return Error{"listen " + spec.ToString() + ": needs tls_cert and tls_key (" + settings_->tls_cert + ")"};
    Result<std::unique_ptr<Listener>> l =
        Listener::Bind(*loop_, spec, [this, implicit_tls](UniqueFd fd, const std::string& peer, uint16_t port) {
          Accept(std::move(fd), peer, port, implicit_tls);
        });
    if (!l.ok()) return l.error();
    listeners_.push_back(std::move(l).value());
  }
  return Status::Ok();
}

void MailAccessServer::Accept(UniqueFd fd, const std::string& peer, uint16_t port, bool implicit_tls) {
  using Refusal = ClientSet<MailAccessClient>::Refusal;
  std::string refuse;
  switch (clients_.Check(peer, stopping_, settings_->max_connections, settings_->max_connections_per_client, false)) {
    case Refusal::kNone: break;
    case Refusal::kShuttingDown: refuse = "Server shutting down"; break;
    case Refusal::kTooMany: refuse = "Too many connections"; break;
    case Refusal::kTooManyFromAddress: refuse = "Too many connections from your address"; break;
  }
  clients_.Admit(*loop_, NewClient(peer), refuse, [&](MailAccessClient& c) {
    return c.Start(std::move(fd), port, implicit_tls, refuse);
  });
}

void MailAccessServer::CheckLogin(const std::string& peer, const std::string& user, const std::string& password,
                                  std::function<void(bool blocked, MailLogin login)> done) {
  if (failures_.Blocked(peer, ::time(nullptr))) return done(true, MailLogin{});
  auto out = std::make_shared<MailLogin>();
  auth_worker_.Submit(
      [out, user, password, passwd = passwd_, settings = settings_] {
        Result<Address> a = ParseAddress(user, {.allow_utf8 = true});
        if (!a.ok() || !auth::Authenticate(*passwd, user, password)) return;
        out->ok = true;
        out->user = AsciiLower(a->ToString());
        out->maildir = maildir::ExpandTemplate(settings->maildir, *a);
      },
      [out, done = std::move(done)] { done(false, std::move(*out)); });
}

void MailAccessServer::LoginFailed(const std::string& peer) { failures_.Failed(peer, ::time(nullptr)); }

void MailAccessServer::Forget(MailAccessClient* client) { clients_.Forget(*loop_, client); }

void MailAccessServer::Reload() {
  ::posthorn::net::Reload(
      config_path_, protocol_.program, [this](const config::Config& c) { return LoadRuntime(c); }, &tls_, &config_,
      "configuration, passwd and certificate re-read");
}

void MailAccessServer::Stop() {
  if (stopping_) return;
  stopping_ = true;
  log::Info("stopping");
  clients_.ForEach([](MailAccessClient& c) { c.Shutdown(); });
  // A command being applied gets a moment to finish.
  StopGracefully(*loop_, &stop_timer_, listeners_, [this] { return clients_.empty(); }, kShutdownGrace);
}

Status MailAccessServer::Run() {
  Result<std::unique_ptr<EventLoop>> loop = EventLoop::Create();
  if (!loop.ok()) return loop.error();
  loop_ = std::move(loop).value();
  if (Status s = LoadRuntime(config_); !s.ok()) return s;
  if (Status s = BindListeners(); !s.ok()) return s;
  if (Status s = SwitchToUser(config_.String("user")); !s.ok()) return s;
  auth_ev_ = Event(*loop_, auth_worker_.notify_fd(), EV_READ | EV_PERSIST, [this](short) { auth_worker_.RunCompletions(); });
  disk_ev_ = Event(*loop_, disk_worker_.notify_fd(), EV_READ | EV_PERSIST, [this](short) { disk_worker_.RunCompletions(); });
  hup_ev_ = Event::Signal(*loop_, SIGHUP, [this] { Reload(); });
  term_ev_ = Event::Signal(*loop_, SIGTERM, [this] { Stop(); });
  int_ev_ = Event::Signal(*loop_, SIGINT, [this] { Stop(); });
  for (Event* e : {&auth_ev_, &disk_ev_, &hup_ev_, &term_ev_, &int_ev_}) {
    if (Status s = e->Add(); !s.ok()) return s;
  }
  if (Status s = StartExtras(); !s.ok()) return s;
  if (Status s = EnableListeners(listeners_); !s.ok()) return s;
  return loop_->Run();
}

int MailAccessMain(int argc, char** argv, const char* name, unsigned program, const ServerFactory& make) {
  std::string config_path;
  bool foreground = false;
  int c;
  while ((c = ::getopt(argc, argv, "c:f")) != -1) {
    switch (c) {
      case 'c': config_path = optarg; break;
      case 'f': foreground = true; break;
      default:
        std::fprintf(stderr, "usage: %s [-c FILE] [-f]\n", name);
        return EX_USAGE;
    }
  }
  log::Init(name, foreground);
  Result<config::Config> config = config::Config::LoadFor(config_path, program);
  if (!config.ok()) {
    std::fprintf(stderr, "%s: %s\n", name, config.message().c_str());
    return EX_CONFIG;
  }
  std::unique_ptr<MailAccessServer> server = make(config_path, std::move(config).value());
  Status s = server->Run();
  if (!s.ok()) {
    log::Error("%s", s.message().c_str());
    if (!foreground) std::fprintf(stderr, "%s: %s\n", name, s.message().c_str());
    return EX_UNAVAILABLE;
  }
  return 0;
}

}  // namespace posthorn::net
