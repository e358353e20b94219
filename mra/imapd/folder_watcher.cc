#include "mra/imapd/folder_watcher.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <set>
#include <vector>

namespace posthorn::imapd {

namespace {

// Arrivals (mda renames tmp/ -> new/, or links), moves new/ -> cur/, flag
// changes (renames within cur/) and expunges (unlink). Content never
// changes in a Maildir, so IN_MODIFY is not needed.
constexpr uint32_t kEvents = IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ONLYDIR;

}  // namespace

Result<std::unique_ptr<FolderWatcher>> FolderWatcher::Create() {
  UniqueFd fd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!fd.valid()) return SysError("cannot create an inotify instance", errno);
  return std::unique_ptr<FolderWatcher>(new FolderWatcher(std::move(fd)));
}

FolderWatcher::~FolderWatcher() = default;

FolderWatcher::Watch::~Watch() { owner_->Remove(dir_, id_); }

Result<std::unique_ptr<FolderWatcher::Watch>> FolderWatcher::Add(const std::string& dir, Callback callback) {
  auto it = folders_.find(dir);
  if (it == folders_.end()) {
    Folder f;
    f.wd_new = ::inotify_add_watch(fd_.get(), (dir + "/new").c_str(), kEvents);
    if (f.wd_new < 0) return SysError("cannot watch " + dir + "/new", errno);
    f.wd_cur = ::inotify_add_watch(fd_.get(), (dir + "/cur").c_str(), kEvents);
    if (f.wd_cur < 0) {
      int e = errno;
      ::inotify_rm_watch(fd_.get(), f.wd_new);
      return SysError("cannot watch " + dir + "/cur", e);
    }
    by_wd_[f.wd_new] = dir;
    by_wd_[f.wd_cur] = dir;
    it = folders_.emplace(dir, std::move(f)).first;
  }
  uint64_t id = next_id_++;
  it->second.callbacks[id] = std::move(callback);
  return std::unique_ptr<Watch>(new Watch(this, dir, id));
}

void FolderWatcher::Remove(const std::string& dir, uint64_t id) {
  auto it = folders_.find(dir);
  if (it == folders_.end()) return;
  it->second.callbacks.erase(id);
  if (!it->second.callbacks.empty()) return;
  for (int wd : {it->second.wd_new, it->second.wd_cur}) {
    ::inotify_rm_watch(fd_.get(), wd);
    by_wd_.erase(wd);
  }
  folders_.erase(it);
}

void FolderWatcher::OnReadable() {
  std::set<std::string> touched;
  alignas(struct inotify_event) char buf[16384];
  for (;;) {
    ssize_t n = ::read(fd_.get(), buf, sizeof buf);
    if (n <= 0) break;  // EAGAIN: drained
    for (char* p = buf; p < buf + n;) {
      auto* ev = reinterpret_cast<struct inotify_event*>(p);
      // IN_Q_OVERFLOW (wd -1) loses events: every folder must look again.
      if (ev->mask & IN_Q_OVERFLOW) {
        for (const auto& [dir, f] : folders_) touched.insert(dir);
      } else if (auto w = by_wd_.find(ev->wd); w != by_wd_.end()) {
        touched.insert(w->second);
      }
      p += sizeof(struct inotify_event) + ev->len;
    }
  }
  for (const std::string& dir : touched) {
    auto it = folders_.find(dir);
    if (it == folders_.end()) continue;
    // Copied: a callback may drop its own Watch (or another's).
    std::vector<Callback> calls;
    for (const auto& [id, cb] : it->second.callbacks) calls.push_back(cb);
    for (const Callback& cb : calls) cb();
  }
}

}  // namespace posthorn::imapd
