// One folder as the whole server knows it, shared by every session that
// has it selected: its uidlist, keyword map and cache, and the messages of
// its last look, so that a large folder is parsed and held once however
// many sessions (a client opens several) have it open.
//
// A look lists new/ and cur/ only when they changed: every change a
// Maildir sees (a delivery, a flag rename, a removal) changes the mtime of
// the directory it touches, so when neither mtime moved since the last
// listing the listing still holds. An mtime is trusted only once it is
// older than the listing by more than the filesystem's timestamp grain:
// a change made in the same tick as the one before it leaves the mtime as
// it was. The uidlist, keyword map and cache are read for what was
// appended to them meanwhile, which costs a stat when nothing was.
//
// Claiming new mail renames files into cur/, which makes the listing's
// mtimes stale by this server's own doing; such a folder is listed again
// off the loop once the mtimes have settled (Settle(), from the server's
// timer), so that the next SELECT or NOOP finds it current.
//
// FolderStates keeps a state alive while a session uses it and, for the
// last few folders, a while after, so that a client that logs in again
// (or opens another connection) finds its folder as it left it.
//
// Every method blocks on the disk: worker threads only, holding Lock().
#pragma once

#include <sys/types.h>
#include <time.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/base/result.h"
#include "common/maildir/keywords.h"
#include "common/maildir/uidlist.h"
#include "mra/imapd/folder_snapshot.h"
#include "mra/imapd/mailbox_view.h"
#include "mra/imapd/message_cache.h"

namespace posthorn::imapd {

// What a look at the folder found.
struct FolderLook {
  uint32_t uidvalidity = 0;
  uint32_t next_uid = 1;
  Messages messages;            // ascending by UID, shared: never change them
  std::vector<uint32_t> recent;  // \Recent for the caller, ascending
  // The sequence number in `messages` of the first message without \Seen,
  // 0 when none: SELECT's UNSEEN without a walk through a large folder.
  uint32_t first_unseen = 0;
};

class FolderState {
 public:
  explicit FolderState(std::string dir) : dir_(std::move(dir)) {}
  FolderState(const FolderState&) = delete;
  FolderState& operator=(const FolderState&) = delete;

  const std::string& dir() const { return dir_; }
  // Recursive: a session's job holds it while calling methods that
  // take it again.
  std::unique_lock<std::recursive_mutex> Lock() { return std::unique_lock(mu_); }

  // The folder now (see SnapshotOptions for claim_new and peek_new; its
  // `expected` is the state's own). Reads what changed since the last look.
  Result<FolderLook> Look(bool claim_new, bool peek_new);

  // Reads the uidlist and keyword map if not yet: for APPEND, COPY and
  // MOVE into the folder, which number what they add through the
  // server's one copy of them rather than parse the files again.
  Status Load();
  // Valid after a successful Load() or Look().
  maildir::UidList& uids() { return *uids_; }
  maildir::KeywordMap& keywords() { return *keywords_; }
  // Messages just added by APPEND, COPY or MOVE: \Recent for the first
  // session to look at the folder after (RFC 3501 §6.3.11, §6.4.7), as
  // mail claimed from new/ is.
  void AddRecent(const std::vector<uint32_t>& uids);
  // Both states locked, whichever order other threads take them in.
  static std::pair<std::unique_lock<std::recursive_mutex>, std::unique_lock<std::recursive_mutex>> LockBoth(
      FolderState& a, FolderState& b);
  // Null when the folder keeps none (it cannot be written, say).
  MessageCache* cache() { return cache_ ? &*cache_ : nullptr; }
  // A cache that failed to be written is given up until the next listing.
  void DropCache() { cache_.reset(); }

  // The listing is stale by this server's own renames. Any thread.
  bool unsettled() const { return unsettled_; }
  // Lists the folder again if it is still unsettled and its mtimes are
  // old enough now to be trusted.
  Status Settle();

 private:
  struct Stamp {
    timespec new_mtime{}, cur_mtime{};
    bool operator==(const Stamp& o) const;
  };
  Result<Stamp> StampNow() const;
  // Lists the folder, numbering and giving modseqs to what is new.
  Status List(bool claim_new, bool peek_new, std::vector<uint32_t>* recent);
  // The cache for the uidlist's UIDVALIDITY, and the listing's modseqs
  // from it.
  void UseCache(std::vector<ViewMessage>& messages);
  // Rewrites the uidlist and the cache without the records of messages
  // long gone, once those outnumber the rest: both only ever grow
  // otherwise. Gone means missing from this listing and from the one
  // before, `earlier`: a listing can miss a file renamed as it reads, and
  // a message whose entry went would come back with a new UID. Failing
  // costs only disk space.
  void Compact(const std::vector<ViewMessage>& earlier);

  std::recursive_mutex mu_;
  std::string dir_;
  std::optional<maildir::UidList> uids_;
  std::optional<maildir::KeywordMap> keywords_;
  std::optional<MessageCache> cache_;
  std::shared_ptr<std::vector<ViewMessage>> listing_;
  Stamp listed_;
  bool trusted_ = false;  // listed_ may stand for the listing
  size_t in_new_ = 0;     // messages of the listing in new/
  uint32_t first_unseen_ = 0;
  // in_new_ and first_unseen_ for a new listing_.
  void Count();
  std::atomic<bool> unsettled_ = false;
  std::vector<uint32_t> added_recent_;  // AddRecent's, not yet handed out
  // Adds to `recent` those of added_recent_ in the listing: taken from it
  // for a session that claims new mail, only shown to one that peeks.
  void HandOutAdded(bool claim, bool peek, std::vector<uint32_t>* recent);
  size_t cache_read_ = 0;  // the cache's bytes the listing's modseqs reflect
};

class FolderStates {
 public:
  // `keep`: folders kept after their last session leaves.
  explicit FolderStates(size_t keep = 8) : keep_(keep) {}
  // The state of `dir`, made if no one holds it. Thread-safe.
  std::shared_ptr<FolderState> Get(const std::string& dir);
  // The folders kept whose listing waits for Settle(). Thread-safe.
  std::vector<std::shared_ptr<FolderState>> Unsettled();

 private:
  std::mutex mu_;
  size_t keep_;
  std::unordered_map<std::string, std::weak_ptr<FolderState>> live_;
  std::deque<std::shared_ptr<FolderState>> kept_;  // most recent first
};

}  // namespace posthorn::imapd
