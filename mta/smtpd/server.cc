#include "mta/smtpd/server.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/base/io.h"
#include "common/base/privileges.h"
#include "common/log/log.h"
#include "common/net/daemon.h"
#include "common/net/listen_spec.h"
#include "mta/smtpd/client.h"
#include "mta/smtpd/queue_manager.h"

namespace posthorn::smtpd {

namespace {

constexpr const char* kDefaultListen = "0.0.0.0:25/smtp 0.0.0.0:587/submission 0.0.0.0:465/submissions";
constexpr auto kShutdownGrace = std::chrono::seconds(10);

Result<ListenerKind> KindOf(const std::string& kind) {
  if (kind == "smtp") return ListenerKind::kSmtp;
  if (kind == "submission") return ListenerKind::kSubmission;
  if (kind == "submissions") return ListenerKind::kSubmissions;
  return Error{"unknown listener kind '" + kind + "' (smtp, submission or submissions)"};
}

}  // namespace

Server::Server(std::string config_path, config::Config config)
    : config_path_(std::move(config_path)), config_(std::move(config)) {}

Server::~Server() {
  clients_.clear();
  queue_manager_.reset();
}

Status Server::LoadRuntime(const config::Config& config) {
  Result<Settings> s = LoadSettings(config);
  if (!s.ok()) return s.error();
  auto settings = std::make_shared<const Settings>(std::move(s).value());
  Result<std::unique_ptr<RecipientDirectory>> dir = RecipientDirectory::Open(*settings);
  if (!dir.ok()) return dir.error();
  // No certificate is not an error on port 25 (STARTTLS is then not
  // offered); the listeners that need one refuse to start without it.
  Result<std::shared_ptr<const net::TlsContext>> tls = net::LoadOptionalTls(settings->tls_cert, settings->tls_key);
  if (!tls.ok()) return tls.error();
  settings_ = std::move(settings);
  directory_ = std::move(dir).value();
  tls_ = std::move(tls).value();
  return Status::Ok();
}

Status Server::BindListeners() {
  Result<std::vector<net::ListenSpec>> specs = net::ListenSpecs(config_, kDefaultListen);
  if (!specs.ok()) return specs.error();
  for (const net::ListenSpec& spec : *specs) {
    Result<ListenerKind> kind = KindOf(spec.kind);
    if (!kind.ok()) return Error{config_.Where("listen") + ": " + kind.message()};
    if (*kind == ListenerKind::kSubmissions && !tls_)
      return Error{"listen " + spec.ToString() + ": needs tls_cert and tls_key (" + settings_->tls_cert + ")"};
    int k = static_cast<int>(*kind);
    Result<std::unique_ptr<net::Listener>> l = net::Listener::Bind(
        *loop_, spec, [this, k](UniqueFd fd, const std::string& peer, uint16_t port) { Accept(std::move(fd), peer, port, k); });
    if (!l.ok()) return l.error();
    listeners_.push_back(std::move(l).value());
  }
  return Status::Ok();
}

void Server::Accept(UniqueFd fd, const std::string& peer, uint16_t port, int kind) {
  using Refusal = net::ClientSet<Client>::Refusal;
  const Limits& l = settings_->limits;
  std::string refuse;
  switch (clients_.Check(peer, stopping_, l.max_connections, l.max_connections_per_client,
                         settings_->mynetworks.Contains(peer))) {
    case Refusal::kNone: break;
    case Refusal::kShuttingDown: refuse = "Service shutting down"; break;
    case Refusal::kTooMany: refuse = "Error: too many connections"; break;
    case Refusal::kTooManyFromAddress: refuse = "Error: too many connections from your address"; break;
  }
  clients_.Admit(*loop_, std::make_unique<Client>(*this, peer, static_cast<ListenerKind>(kind)), refuse,
                 [&](Client& c) { return c.Start(std::move(fd), port, refuse); });
}

void Server::Forget(Client* client) { clients_.Forget(*loop_, client); }

std::string Server::WritePidFile() {
  std::string path = settings_->state_dir + "/smtpd.pid";
  std::string tmp = path + ".tmp";
  std::string text = std::to_string(::getpid()) + "\n";
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.valid() && WriteAll(fd.get(), text) && ::rename(tmp.c_str(), path.c_str()) == 0) return path;
  log::Warning("cannot write %s: %s", path.c_str(), std::strerror(errno));
  return "";
}

void Server::Reload() {
  net::Reload(config_path_, config::kSmtpd, [this](const config::Config& c) { return LoadRuntime(c); }, &tls_, &config_,
              "configuration, passwd, aliases and certificates re-read");
}

void Server::Stop() {
  if (stopping_) return;
  stopping_ = true;
  log::Info("stopping");
  queue_manager_->Stop();
  clients_.ForEach([](Client& c) { c.Shutdown(); });
  // Sessions in the middle of a commit get a moment to answer, and mda
  // children already running finish their delivery (and its record).
  net::StopGracefully(*loop_, &stop_timer_, listeners_, [this] { return clients_.empty() && queue_manager_->idle(); },
                      kShutdownGrace);
}

Status Server::Run() {
  Result<std::unique_ptr<net::EventLoop>> loop = net::EventLoop::Create();
  if (!loop.ok()) return loop.error();
  loop_ = std::move(loop).value();
  if (Status s = LoadRuntime(config_); !s.ok()) return s;
  if (Status s = BindListeners(); !s.ok()) return s;
  if (Status s = PrepareStateDir(); !s.ok()) return s;
  if (Status s = SwitchToUser(config_.String("user")); !s.ok()) return s;
  Result<queue::QueueStore> store = queue::QueueStore::Open(settings_->state_dir);
  if (!store.ok()) return store.error();
  store_ = std::make_unique<queue::QueueStore>(std::move(store).value());
  // A few more than sessions usually start at once; the thread refills
  // half of them at a time, with one directory fsync.
  spare_files_ = std::make_unique<queue::SpareFiles>(store_->msg_dir(), 32);
  Result<std::unique_ptr<queue::Syncer>> syncer = queue::Syncer::Start(store_.get());
  if (!syncer.ok()) return syncer.error();
  syncer_ = std::move(syncer).value();
  syncer_ev_ = net::Event(*loop_, syncer_->notify_fd(), EV_READ | EV_PERSIST, [this](short) { syncer_->DrainCompletions(); });
  auth_ev_ = net::Event(*loop_, auth_worker_.notify_fd(), EV_READ | EV_PERSIST, [this](short) { auth_worker_.RunCompletions(); });
  hup_ev_ = net::Event::Signal(*loop_, SIGHUP, [this] { Reload(); });
  term_ev_ = net::Event::Signal(*loop_, SIGTERM, [this] { Stop(); });
  int_ev_ = net::Event::Signal(*loop_, SIGINT, [this] { Stop(); });
  usr1_ev_ = net::Event::Signal(*loop_, SIGUSR1, [this] { queue_manager_->Flush(); });
  for (net::Event* e : {&syncer_ev_, &auth_ev_, &hup_ev_, &term_ev_, &int_ev_, &usr1_ev_}) {
    if (Status s = e->Add(); !s.ok()) return s;
  }
  queue_manager_ = std::make_unique<QueueManager>(*this);
  if (Status s = queue_manager_->Start(); !s.ok()) return s;
  WritePidFile();
  if (Status s = net::EnableListeners(listeners_); !s.ok()) return s;
  Status result = loop_->Run();
  ::unlink((settings_->state_dir + "/smtpd.pid").c_str());  // no stale pid for -q to signal
  return result;
}

// On a fresh install state_dir does not exist yet, and once smtpd is
// `user` it could not create it under /var/spool: make it now, owned by
// that user. An existing state_dir is the admin's and is left alone.
Status Server::PrepareStateDir() {
  const std::string& dir = settings_->state_dir;
  if (::geteuid() != 0 || ::access(dir.c_str(), F_OK) == 0) return Status::Ok();
  struct passwd* pw = ::getpwnam(config_.String("user").c_str());
  if (pw == nullptr) return Error{"user '" + config_.String("user") + "' does not exist"};
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return SysError("cannot create " + dir, errno);
  if (::chown(dir.c_str(), pw->pw_uid, pw->pw_gid) != 0) return SysError("cannot chown " + dir, errno);
  return Status::Ok();
}

}  // namespace posthorn::smtpd
