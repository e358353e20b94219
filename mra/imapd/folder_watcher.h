// Change notification for the folders imapd sessions have selected, so
// IDLE can push new mail, flag changes and expunges by other sessions,
// mda or mutt within moments (RFC 2177). One inotify instance for the
// whole server, not one per session: the kernel allows only 128 instances
// per user by default, and a server holds a thousand idle sessions. Each
// watched folder costs two watches (new/ and cur/), shared by every
// session that selected it.
//
// The loop watches fd() and calls OnReadable(); callbacks run there.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/base/result.h"
#include "common/base/unique_fd.h"

namespace posthorn::imapd {

class FolderWatcher {
 public:
  using Callback = std::function<void()>;

  // A session's interest in one folder; dropping it stops the calls.
  class Watch {
   public:
    ~Watch();
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;

   private:
    friend class FolderWatcher;
    Watch(FolderWatcher* owner, std::string dir, uint64_t id) : owner_(owner), dir_(std::move(dir)), id_(id) {}
    FolderWatcher* owner_;
    std::string dir_;
    uint64_t id_;
  };

  static Result<std::unique_ptr<FolderWatcher>> Create();
  // Every Watch must be gone before the watcher.
  ~FolderWatcher();
  FolderWatcher(const FolderWatcher&) = delete;
  FolderWatcher& operator=(const FolderWatcher&) = delete;

  int fd() const { return fd_.get(); }

  // Calls `callback` (on the loop) after files appear in, leave or are
  // renamed in `dir`/new or `dir`/cur. The caller rescans the folder.
  Result<std::unique_ptr<Watch>> Add(const std::string& dir, Callback callback);

  // Reads the pending events and runs the callbacks of the folders they
  // touched, once each however many events there were.
  void OnReadable();

 private:
  struct Folder {
    int wd_new = -1, wd_cur = -1;
    std::map<uint64_t, Callback> callbacks;
  };
  explicit FolderWatcher(UniqueFd fd) : fd_(std::move(fd)) {}
  void Remove(const std::string& dir, uint64_t id);

  UniqueFd fd_;
  std::map<std::string, Folder> folders_;
  std::map<int, std::string> by_wd_;
  uint64_t next_id_ = 1;
};

}  // namespace posthorn::imapd
