#include "mta/smtpd/queue_manager.h"

#include <sysexits.h>
#include <unistd.h>

#include <cstdlib>

#include "common/base/strings.h"
#include "common/log/log.h"
#include "common/queue/drop_import.h"
#include "mta/smtpd/bounce.h"
#include "mta/smtpd/server.h"

namespace posthorn::smtpd {

namespace {

using queue::RecipientState;
using queue::RecipientStatus;

constexpr auto kDropScanInterval = std::chrono::seconds(5);

// The program `mda` names: a bare name is looked for beside smtpd first
// (they are installed together), then in PATH.
std::string FindProgram(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  char self[4096];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    std::string dir(self, static_cast<size_t>(n));
    dir = dir.substr(0, dir.rfind('/'));
    if (::access((dir + "/" + name).c_str(), X_OK) == 0) return dir + "/" + name;
  }
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= p.size()) {
    size_t colon = p.find(':', start);
    std::string dir = p.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!dir.empty() && ::access((dir + "/" + name).c_str(), X_OK) == 0) return dir + "/" + name;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return name;
}

// mda's one-line reason, or how the child ended.
std::string Reason(const process::ExitInfo& info) {
  std::string text(Trim(info.stderr_text.substr(0, info.stderr_text.find('\n'))));
  if (text.empty()) return info.Describe();
  return info.Describe() + ": " + text;
}

}  // namespace

QueueManager::QueueManager(Server& server) : server_(server), spawner_(server.loop()) {}

QueueManager::~QueueManager() = default;

Status QueueManager::Start() {
  const Settings& s = server_.settings();
  std::vector<std::string> words = SplitWords(s.delivery.mda);
  mda_path_ = FindProgram(words[0]);
  disk_ev_ = net::Event(server_.loop(), disk_.notify_fd(), EV_READ | EV_PERSIST, [this](short) { disk_.RunCompletions(); });
  if (Status st = disk_ev_.Add(); !st.ok()) return st;
  if (Status st = spawner_.Start(); !st.ok()) return st;
  wake_timer_ = net::Timer(server_.loop(), [this] { Wake(); });
  drop_timer_ = net::Timer(server_.loop(), [this] { ImportDrops(); });
  pump_timer_ = net::Timer(server_.loop(), [this] { Pump(); });
  Result<std::vector<std::string>> ids = server_.store().List();
  if (!ids.ok()) return ids.error();
  for (const std::string& id : *ids) Queued(id, true);
  log::Info("queue: %zu messages, delivering through %s", ids->size(), mda_path_.c_str());
  ImportDrops();
  return Status::Ok();
}

void QueueManager::Queued(const std::string& id, bool from_earlier_run) {
  if (messages_.count(id)) return;
  Load(id, from_earlier_run);
  Schedule(id);
  // Not now: the session that committed the message is about to answer
  // 250, and starting mda (a fork) first would make the client wait for it.
  // A timer runs after the loop's next round of socket writes.
  if (!pump_timer_.active()) pump_timer_.Start(std::chrono::milliseconds(0));
}

void QueueManager::Load(const std::string& id, bool from_earlier_run) {
  Result<queue::QueuedMessage> q = server_.store().Load(id);
  if (!q.ok()) {
    log::Error("%s: cannot read queue file: %s", id.c_str(), q.message().c_str());
    return;
  }
  Message& m = messages_[id];
  m.q = std::move(q).value();
  m.from_earlier_run = from_earlier_run;
}

void QueueManager::Schedule(const std::string& id) {
  auto it = messages_.find(id);
  if (it == messages_.end()) return;
  Message& m = it->second;
  time_t now = time(nullptr);
  const queue::Envelope& e = m.q.envelope;
  for (size_t i = 0; i < e.recipients.size(); ++i) {
    const RecipientState& st = m.q.states[i];
    if (st.final() || m.busy.count(i)) continue;
    if (!e.recipients[i].local) {
      // No SMTP client yet: the recipient waits, visibly, until it expires.
      if (st.status == RecipientStatus::kPending) {
        RecipientState d{RecipientStatus::kDeferred, now, 0,
                         e.arrival + static_cast<time_t>(server_.settings().delivery.lifetime),
                         "delivery to other domains is not available yet"};
        Record(Job{id, i}, d, "deferred (delivery to other domains is not available yet)");
      } else if (st.next_attempt <= now) {
        Record(Job{id, i}, RecipientState{RecipientStatus::kBounced, now, st.attempts, 0, "4.4.7 message expired: " + st.text},
               "expired");
      } else {
        later_.emplace(st.next_attempt, Job{id, i});
      }
      continue;
    }
    if (st.status == RecipientStatus::kDeferred && st.next_attempt > now) later_.emplace(st.next_attempt, Job{id, i});
    else ready_.push_back(Job{id, i});
    m.busy[i] = true;
  }
  ArmTimer();
  MaybeFinish(id);
}

void QueueManager::Pump() {
  // A slot stays taken until the delivery's outcome is on disk: that
  // bounds what a crash can deliver twice by mda_concurrency.
  while (!stopping_ && !ready_.empty() && running() + recording_ < server_.settings().delivery.concurrency) {
    Job job = ready_.front();
    ready_.pop_front();
    Deliver(job);
  }
}

std::vector<std::string> QueueManager::MdaArgv(const queue::Envelope& e, size_t index) const {
  std::vector<std::string> argv;
  for (const std::string& word : SplitWords(server_.settings().delivery.mda)) {
    std::string out;
    for (size_t i = 0; i < word.size(); ++i) {
      if (word[i] != '%' || i + 1 == word.size()) {
        out += word[i];
        continue;
      }
      char k = word[++i];
      if (k == 'r') out += e.recipients[index].address.ToString();
      else if (k == 's') out += e.sender.ToString();
      else if (k == 'q') out += e.id;
      else if (k == 'i') out += e.id + "-" + std::to_string(index);
      else out += k;  // %% and unknown escapes: the character itself
    }
    argv.push_back(out);
  }
  argv[0] = mda_path_;
  return argv;
}

// Contract 4's environment, and what lets `mda -i` deliver exactly once:
// it dies with smtpd (POSTHORN_SMTPD_PID), and when this may be a repeat
// (POSTHORN_REDELIVERY) it first looks for the copy an earlier try left.
std::vector<std::string> QueueManager::MdaEnv(const Message& m, size_t index) const {
  std::vector<std::string> env = {"PATH=/usr/local/bin:/usr/bin:/bin", "POSTHORN_SMTPD_PID=" + std::to_string(::getpid())};
  if (!server_.config_path().empty()) env.push_back("POSTHORN_CONF=" + server_.config_path());
  else if (const char* c = std::getenv("POSTHORN_CONF")) env.push_back(std::string("POSTHORN_CONF=") + c);
  if (m.from_earlier_run || m.q.states[index].attempts > 0) env.push_back("POSTHORN_REDELIVERY=1");
  return env;
}

void QueueManager::Deliver(const Job& job) {
  Message& m = messages_[job.id];
  Result<queue::MessageBody> body = server_.store().OpenBody(job.id);
  auto start = std::chrono::steady_clock::now();
  if (!body.ok()) {
    process::ExitInfo info;
    info.stderr_text = body.message();
    return Delivered(job, info, start);
  }
  process::SpawnOptions o;
  o.argv = MdaArgv(m.q.envelope, job.index);
  o.env = MdaEnv(m, job.index);
  o.stdin_file = std::move(body->fd);
  o.timeout = std::chrono::seconds(server_.settings().delivery.timeout);
  uint64_t key = next_child_++;
  spawner_.Spawn(
      std::move(o),
      [this, job, start, key](const process::ExitInfo& info) {
        Delivered(job, info, start);
        children_.erase(key);  // destroys the ChildProcess running this callback: last
        Pump();
      },
      [this, job, start, key](Result<std::unique_ptr<process::ChildProcess>> child) {
        if (child.ok()) {
          children_[key] = std::move(child).value();
          return;
        }
        process::ExitInfo info;
        info.stderr_text = child.message();
        Delivered(job, info, start);
        Pump();
      });
}

time_t QueueManager::Backoff(uint32_t attempts) const {
  const DeliverySettings& d = server_.settings().delivery;
  uint64_t delay = d.retry_min;
  for (uint32_t i = 1; i < attempts && delay < d.retry_max; ++i) delay *= 2;
  return static_cast<time_t>(std::min(delay, d.retry_max));
}

void QueueManager::Delivered(const Job& job, const process::ExitInfo& info, std::chrono::steady_clock::time_point) {
  Message& m = messages_[job.id];
  const RecipientState& before = m.q.states[job.index];
  time_t now = time(nullptr);
  RecipientState st{RecipientStatus::kDelivered, now, before.attempts + 1, 0, ""};
  std::string status;
  bool permanent = info.exited && info.code >= EX__BASE && info.code <= EX__MAX && info.code != EX_TEMPFAIL;
  if (info.exited && info.code == 0) {
    // mda -i says so when a repeated delivery found every copy in place.
    std::string text(Trim(info.stderr_text.substr(0, info.stderr_text.find('\n'))));
    status = "sent (" + (text.empty() ? std::string("delivered") : text) + ")";
  } else if (permanent) {
    st.status = RecipientStatus::kBounced;
    st.text = StatusForExitCode(info.code) + " " + Reason(info);
    status = "bounced (" + Reason(info) + ")";
  } else if (now - m.q.envelope.arrival >= static_cast<time_t>(server_.settings().delivery.lifetime)) {
    st.status = RecipientStatus::kBounced;
    st.text = "4.4.7 message expired: " + Reason(info);
    status = "expired (" + Reason(info) + ")";
  } else {
    st.status = RecipientStatus::kDeferred;
    st.next_attempt = now + Backoff(st.attempts);
    st.text = Reason(info);
    status = "deferred (" + Reason(info) + ")";
  }
  Record(job, st, status);
}

bool QueueManager::CompletesMessage(const Message& m, size_t index, const RecipientState& state) const {
  if (state.status != RecipientStatus::kDelivered) return false;
  for (const auto& [i, busy] : m.busy)
    if (i != index) return false;
  for (size_t i = 0; i < m.q.states.size(); ++i)
    if (i != index && m.q.states[i].status != RecipientStatus::kDelivered) return false;
  return true;
}

std::string QueueManager::OutcomeLine(const Job& job, const std::string& log_status) {
  const queue::Envelope& e = messages_[job.id].q.envelope;
  char delay[32];
  snprintf(delay, sizeof delay, "%.0f", difftime(time(nullptr), e.arrival));
  return job.id + ": to=<" + e.recipients[job.index].address.ToString() + ">, relay=" +
         (e.recipients[job.index].local ? "mda" : "none") + ", delay=" + delay + ", status=" + log_status;
}

void QueueManager::Record(const Job& job, RecipientState state, const std::string& log_status) {
  Message& m = messages_[job.id];
  m.busy[job.index] = true;
  if (CompletesMessage(m, job.index, state)) {
    // The last recipient delivered: removing the message records that, so
    // the state log (an fsync of the file and one of the directory) is
    // skipped. A crash before the removal repeats the delivery, as it
    // would before the record.
    m.busy.erase(job.index);
    m.q.states[job.index] = state;
    m.unlogged.push_back(OutcomeLine(job, log_status));
    MaybeFinish(job.id);
    return;
  }
  const queue::QueueStore* store = &server_.store();
  auto result = std::make_shared<Status>();
  std::string id = job.id;
  size_t index = job.index;
  ++recording_;
  auto write = [this, store, id, index, state, result, job, log_status] {
    disk_.Submit([store, id, index, state, result] { *result = store->RecordOutcome(id, index, state); },
               [this, job, state, result, log_status] {
                 --recording_;
                 Pump();
                 auto it = messages_.find(job.id);
                 if (it == messages_.end()) return;
                 Message& msg = it->second;
                 msg.recording = false;
                 if (!msg.waiting_records.empty()) {
                   msg.recording = true;
                   auto next = std::move(msg.waiting_records.front());
                   msg.waiting_records.pop_front();
                   next();
                 }
                 msg.busy.erase(job.index);
                 if (!result->ok()) {
                   // Not recorded: the attempt will be made again after a restart.
                   log::Error("%s: cannot record delivery status: %s", job.id.c_str(), result->message().c_str());
                   return;
                 }
                 msg.q.states[job.index] = state;
                 log::Info("%s", OutcomeLine(job, log_status).c_str());
                 if (state.status == RecipientStatus::kDeferred) {
                   later_.emplace(state.next_attempt, job);
                   msg.busy[job.index] = true;
                   ArmTimer();
                 }
                 MaybeFinish(job.id);
               });
  };
  if (m.recording) {
    m.waiting_records.push_back(std::move(write));
  } else {
    m.recording = true;
    write();
  }
}

void QueueManager::Wake() {
  time_t now = time(nullptr);
  while (!later_.empty() && later_.begin()->first <= now) {
    Job job = later_.begin()->second;
    later_.erase(later_.begin());
    auto it = messages_.find(job.id);
    if (it == messages_.end()) continue;
    it->second.busy.erase(job.index);
    Schedule(job.id);
  }
  Pump();
  ArmTimer();
}

void QueueManager::ArmTimer() {
  if (later_.empty()) return;
  time_t wait = std::max<time_t>(0, later_.begin()->first - time(nullptr));
  wake_timer_.Start(std::chrono::seconds(wait));
}

void QueueManager::Flush() {
  // Only local recipients: the others wait for a transport, not a time.
  std::vector<Job> jobs;
  for (auto it = later_.begin(); it != later_.end();) {
    auto m = messages_.find(it->second.id);
    if (m == messages_.end() || !m->second.q.envelope.recipients[it->second.index].local) {
      ++it;
      continue;
    }
    m->second.busy.erase(it->second.index);
    m->second.q.states[it->second.index].next_attempt = 0;
    jobs.push_back(it->second);
    it = later_.erase(it);
  }
  for (const Job& j : jobs) Schedule(j.id);
  Pump();
  log::Info("queue flush: %zu recipients to retry", jobs.size());
}

void QueueManager::MaybeFinish(const std::string& id) {
  auto it = messages_.find(id);
  if (it == messages_.end()) return;
  Message& m = it->second;
  if (m.finalizing || !m.busy.empty() || !m.q.done()) return;
  m.finalizing = true;
  const queue::Envelope& e = m.q.envelope;
  BounceInput bounce;
  bounce.hostname = server_.settings().hostname;
  bounce.queue_id = id;
  bounce.arrival = e.arrival;
  bounce.sender = e.sender.ToString();
  for (size_t i = 0; i < e.recipients.size(); ++i) {
    const RecipientState& st = m.q.states[i];
    if (st.status != RecipientStatus::kBounced) continue;
    std::string status = st.text.substr(0, st.text.find(' '));
    bounce.failed.push_back({e.recipients[i].address.ToString(), status, st.text.substr(st.text.find(' ') + 1)});
  }
  // RFC 5321 §6.1: never bounce a bounce.
  bool send_bounce = !bounce.failed.empty() && !e.is_bounce();
  bool sender_local = send_bounce && server_.directory().IsLocalDomain(e.sender.domain);
  // Delivered to everyone by an mda that is given delivery IDs (%i): were
  // the removal undone by a crash, the repeated deliveries would find their
  // copies (mda -i), so it need not wait for the disk. Otherwise a message
  // that came back would be delivered again, or bounced twice.
  bool sync = !bounce.failed.empty() || server_.settings().delivery.mda.find("%i") == std::string::npos;
  const queue::QueueStore* store = &server_.store();
  auto bounce_id = std::make_shared<std::string>();
  auto error = std::make_shared<std::string>();
  ++recording_;  // until removed, a crash would deliver it again: hold a slot
  disk_.Submit(
      [store, id, bounce, send_bounce, sender_local, bounce_id, error, sync, sender = e.sender]() mutable {
        if (send_bounce) {
          Result<queue::MessageBody> body = store->OpenBody(id);
          std::string head;
          if (body.ok()) {
            char buf[65536];
            ssize_t n = ::read(body->fd.get(), buf, sizeof buf);
            if (n > 0) head.assign(buf, static_cast<size_t>(n));
            size_t end = head.find("\r\n\r\n");
            head = end == std::string::npos ? head : head.substr(0, end + 2);
          }
          bounce.original_headers = head;
          bounce.now = time(nullptr);
          queue::Envelope env;
          queue::Recipient r;
          r.address = sender;
          r.local = sender_local;
          env.recipients.push_back(r);
          Result<queue::Writer> w = store->Create(env);
          Status s = w.ok() ? w->Write(BuildBounce(bounce)) : Status(w.error());
          if (s.ok()) s = store->Commit(*w);
          if (!s.ok()) {
            *error = s.message();
            return;  // keep the message: the bounce is tried again at the next start
          }
          *bounce_id = w->id();
        }
        Status rm = store->Remove(id, sync);
        if (!rm.ok()) *error = rm.message();
      },
      [this, id, bounce_id, error] {
        --recording_;
        Pump();
        if (!bounce_id->empty()) log::Info("%s: sender non-delivery notification: %s", id.c_str(), bounce_id->c_str());
        if (!error->empty()) {
          log::Error("%s: %s", id.c_str(), error->c_str());
        } else {
          auto it = messages_.find(id);
          for (const std::string& line : it->second.unlogged) log::Info("%s", line.c_str());
          log::Info("%s: removed", id.c_str());
          messages_.erase(it);
        }
        if (!bounce_id->empty()) Queued(*bounce_id);
      });
}

void QueueManager::ImportDrops() {
  drop_timer_.Start(kDropScanInterval);
  if (importing_ || stopping_) return;
  importing_ = true;
  const queue::QueueStore* store = &server_.store();
  auto directory = server_.directory_ptr();
  uint64_t max = server_.settings().limits.max_message_size;
  auto queued = std::make_shared<std::vector<std::string>>();
  disk_.Submit(
      [store, directory, max, queued] {
        Result<std::vector<std::string>> drops = queue::ListDrops(*store, time(nullptr));
        if (!drops.ok()) return;
        queue::ImportOptions o;
        o.is_local = [directory](const Address& a) { return directory->IsLocalDomain(a.domain); };
        o.max_message_size = max;
        for (const std::string& name : *drops) {
          queue::ImportResult r = queue::ImportDrop(*store, name, o);
          if (r.kind == queue::ImportResult::Kind::kQueued) queued->push_back(r.id);
        }
      },
      [this, queued] {
        importing_ = false;
        for (const std::string& id : *queued) Queued(id);
      });
}

}  // namespace posthorn::smtpd
