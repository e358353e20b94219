// imapd's per-folder cache (posthorn-uidlist(5), "Cache"): what it learnt
// by reading a message file once (its size on the wire, INTERNALDATE,
// ENVELOPE, BODYSTRUCTURE) and the modification sequence of each message's
// flags (RFC 7162 CONDSTORE), so that SELECT and FETCH of a large folder
// read one file instead of every message.
//
// `posthorn-cache` beside the uidlist holds text records, one a line:
//
//   posthorn-cache 2 UIDVALIDITY
//   m UID SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE    (message facts)
//   f UID MODSEQ FLAGS                                (a flag change)
//   x UID MODSEQ                                      (an expunge)
//
// with the two strings %-encoded (record.h's field encoding, so a line is
// printable ASCII without spaces) and FLAGS the Maildir info letters. Any
// process appends whole lines with one O_APPEND write each, which the
// kernel keeps whole; readers skip a last line without its LF. It is a
// cache, never the only copy of anything: not fsynced, and a file that
// does not read back, or is for another UIDVALIDITY, is started afresh.
//
// Modification sequences stay monotonic across such a fresh start because
// a new one is never below the clock in microseconds (NextModseq).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/base/result.h"
#include "common/base/unique_fd.h"

namespace posthorn::imapd {

inline constexpr const char* kCacheName = "posthorn-cache";

struct MessageFacts {
  uint64_t size = 0;           // RFC822.SIZE: octets with CRLF line ends
  int64_t internal_date = 0;   // seconds since the epoch
  std::string envelope;        // the ENVELOPE as sent, e.g. ("date" "subj" ...)
  // The BODYSTRUCTURE as sent; empty when not known yet (only the header
  // was read, for ENVELOPE), written "-" in the file.
  std::string bodystructure;

  bool operator==(const MessageFacts&) const = default;
};

struct FlagState {
  uint64_t modseq = 0;
  std::string info;  // Maildir info as last recorded, e.g. "2,FS"
};

// The modseq for a change made now: above `highest`, and not below the
// clock (microseconds since the epoch), which survives a lost cache.
uint64_t NextModseq(uint64_t highest);

class MessageCache {
 public:
  // Reads `dir`/posthorn-cache for `uidvalidity`, starting it afresh when
  // missing, damaged or for another UIDVALIDITY.
  static Result<MessageCache> Open(const std::string& dir, uint32_t uidvalidity);

  const MessageFacts* Facts(uint32_t uid) const;
  const FlagState* Flags(uint32_t uid) const;
  const std::unordered_map<uint32_t, FlagState>& flags() const { return flags_; }
  // The greatest modseq recorded (0 when none).
  uint64_t highest_modseq() const { return highest_modseq_; }

  // Takes in what other processes appended since.
  Status Refresh();
  // How much of the file has been taken in: it grows when Refresh() found
  // more.
  size_t bytes_read() const { return read_; }
  // The records in the file as far as read or written (some superseded):
  // against the messages present, whether a Compact() is due.
  size_t records() const { return records_; }
  uint32_t uidvalidity() const { return uidvalidity_; }
  Status AddFacts(uint32_t uid, const MessageFacts& facts);
  Status AddFlags(uint32_t uid, const FlagState& state);
  // Many flag records in one append: a snapshot's worth.
  Status AddFlags(const std::vector<std::pair<uint32_t, FlagState>>& states);
  // `uids` were expunged at `modseq` (for QRESYNC's VANISHED, RFC 7162
  // §3.2.10). Expunges raise the highest modseq like any change.
  Status AddExpunged(const std::vector<uint32_t>& uids, uint64_t modseq);
  // UID -> the modseq of its expunge, for the expunges recorded.
  const std::unordered_map<uint32_t, uint64_t>& expunged() const { return expunged_; }
  // Rewrites the file with the records of the UIDs `keep` accepts, and
  // every expunge record.
  Status Compact(const std::function<bool(uint32_t)>& keep);

 private:
  MessageCache(std::string dir, uint32_t uidvalidity) : dir_(std::move(dir)), uidvalidity_(uidvalidity) {}
  std::string path() const;
  // Parses whole lines of `text` into the maps; false on a damaged line.
  bool Take(std::string_view text, size_t* used);
  Status StartAfresh();
  Status Append(const std::string& line);

  std::string dir_;
  uint32_t uidvalidity_;
  std::unordered_map<uint32_t, MessageFacts> facts_;
  std::unordered_map<uint32_t, FlagState> flags_;
  std::unordered_map<uint32_t, uint64_t> expunged_;
  uint64_t highest_modseq_ = 0;
  ino_t inode_ = 0;
  size_t read_ = 0;
  size_t records_ = 0;
  UniqueFd append_;  // open for Append, on inode_
};

}  // namespace posthorn::imapd
