// A user's maildrop: the messages in new/ and cur/ of their Maildir INBOX,
// as they were at login (RFC 1939 §5: numbering fixed for the session).
// Everything here touches the disk and blocks: pop3d runs it on a worker
// thread, never on the loop.
//
// Sizes come from the ,W= field of the name (what is sent: LF counted as
// CRLF) without opening the file; names without it are read once to count.
// A unique ID (UIDL) is the unique part of the name (before ',' or ':'),
// which no reader's rename changes, or a hash of it when it is too long
// or has characters UIDL does not allow (RFC 1939 §7: 1-70 of 0x21-0x7E).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"
#include "common/base/unique_fd.h"

namespace posthorn::pop3d {

struct DropMessage {
  std::string sub;   // "new" or "cur", where it was at login
  std::string name;  // file name
  std::string uid;
  uint64_t size = 0;  // octets on the wire
};

std::string UidFor(std::string_view file_name);

class Maildrop {
 public:
  // Lists `maildir` (a missing Maildir is an empty maildrop), oldest first.
  static Result<Maildrop> Open(const std::string& maildir);

  const std::vector<DropMessage>& messages() const { return messages_; }
  uint64_t total_size() const;

  // Opens message `i` for reading, wherever a reader has moved it since.
  Result<UniqueFd> OpenMessage(size_t i) const;
  // Message `i` whole into `out`, if that cannot block: it is no larger
  // than `max` and its path and pages are in the kernel's caches
  // (openat2 RESOLVE_CACHED, preadv2 RWF_NOWAIT). The one exception to
  // "everything here blocks": the loop may call it, and falls back to a
  // worker (OpenMessage) when it returns false.
  bool ReadCached(size_t i, size_t max, std::string* out) const;

  // QUIT (RFC 1939 §6): removes the messages marked deleted, and marks the
  // ones retrieved and kept as seen (new/ -> cur/ with S), as Dovecot does,
  // so an IMAP client shows them read. Returns how many were removed (one
  // already gone counts); `error` says why one could not be.
  size_t Update(const std::vector<bool>& deleted, const std::vector<bool>& retrieved, std::string* error) const;

 private:
  std::string PathAtLogin(size_t i) const;
  // Moves a retrieved message to cur/ with the S flag; 0 or the errno.
  int MarkSeen(const std::string& path) const;
  // Message `i` found again by its unique part after a reader renamed it
  // (`moved`: the listing of new/ and cur/ by unique part, read once when
  // first needed); "" when it is gone.
  std::string Locate(size_t i, std::map<std::string, std::string>* moved) const;

  std::string maildir_;
  std::vector<DropMessage> messages_;
};

}  // namespace posthorn::pop3d
