// A Maildir folder's uidlist file (posthorn-uidlist(5), text format in
// uidlist_format.h): the IMAP UIDs of its messages and its UIDVALIDITY,
// shared by every process that serves the folder.
//
// Writers append under an exclusive flock(2) on `posthorn-uidlist.lock`
// beside it, and fsync before they return, so a UID handed to a client is
// on disk and never given to another message. Readers need no lock: they
// read only whole lines, and a compaction replaces the file by rename, which
// they notice by its inode. The uidlist is a cache of what the Maildir holds:
// when it is missing or unreadable it is made anew with a new UIDVALIDITY,
// and clients resynchronise, as RFC 3501 §2.3.1.1 provides.
//
// Every method blocks on the disk (and Assign/Compact on the lock): call
// them from a worker thread, never from an event loop.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"
#include "common/base/view_index.h"
#include "common/maildir/uidlist_format.h"

namespace posthorn::maildir {

inline constexpr std::string_view kUidListName = "posthorn-uidlist";

class UidList {
 public:
  // Reads `dir`/posthorn-uidlist, or creates it when missing or broken
  // (logging why a broken one was replaced).
  static Result<UidList> Open(const std::string& dir);
  // Moved, never copied: the entries are views of the list's own text.
  UidList(UidList&&) = default;
  UidList& operator=(UidList&&) = default;
  UidList(const UidList&) = delete;
  UidList& operator=(const UidList&) = delete;

  uint32_t uidvalidity() const { return uidvalidity_; }
  // The UID the next new message gets.
  uint32_t next_uid() const;
  // In ascending UID order; may name messages that are gone (expunged
  // since the last compaction): callers match them against the folder.
  // The names are views of the list's text, good until the next Refresh,
  // Assign or Compact that reads the file anew.
  const std::vector<UidEntry>& entries() const { return entries_; }
  std::optional<uint32_t> Find(std::string_view base) const;

  // Takes in what other processes appended or rewrote since. Returns true
  // when the UIDVALIDITY changed (the file was made anew): every UID known
  // before is void.
  Result<bool> Refresh();

  // Gives the next UIDs, in the order given, to those of `bases` that have
  // none yet (as seen under the lock, so two processes never number one
  // message twice). On disk before it returns. Returns the new entries
  // (their names good as entries()' are).
  Result<std::vector<UidEntry>> Assign(const std::vector<std::string_view>& bases);

  // Rewrites the file with only the entries `keep` accepts (the messages
  // still in the folder), keeping UIDVALIDITY and the next UID.
  Status Compact(const std::function<bool(const UidEntry&)>& keep);

 private:
  explicit UidList(std::string dir);
  std::string path() const;
  std::string lock_path() const;
  // Reads the whole file anew: false (with `why`) when missing or broken.
  Result<bool> TryLoad(std::string* why);
  // TryLoad, and failing that, Create under the lock (taken unless the
  // caller holds it: flock is per open file, so taking it twice waits
  // forever).
  Status Load(bool locked);
  // Makes the file anew, logging `why` (unless it was missing). Under the lock.
  Status Create(const std::string& why);
  // Reads lines appended after `read_`; a replaced file is read whole.
  Status ReadTail(bool locked);
  // Forgets every entry and the text they view.
  void Clear();
  void Add(const UidEntry& e);
  // An entry appended to `text` as a line, by where its name lies in it:
  // the text moves into text_ before the name can be viewed.
  struct Placed {
    uint32_t uid;
    size_t at;
    size_t size;
  };
  static Placed Place(const UidEntry& e, std::string* text);
  // Keeps `text` and adds the entries placed in it; returns them.
  std::vector<UidEntry> AddPlaced(std::string text, const std::vector<Placed>& placed);

  std::string dir_;
  uint32_t uidvalidity_ = 0;
  uint32_t header_next_ = 1;
  // The file's text as read and written, which the entries' names view:
  // one allocation for a whole file, where a string per name would be
  // 100,000 in a large folder. A deque: its strings stay where they are
  // as it grows.
  std::deque<std::string> text_;
  std::vector<UidEntry> entries_;
  ViewIndex by_base_;  // positions in entries_
  ino_t inode_ = 0;
  size_t read_ = 0;  // bytes of whole lines taken in
};

}  // namespace posthorn::maildir
