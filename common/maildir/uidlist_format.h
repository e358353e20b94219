// The text of a folder's uidlist (posthorn-uidlist(5)): which IMAP UID each
// message of a Maildir folder has. Parsing and formatting only; the file,
// its lock and its updates are uidlist.h.
//
//   posthorn-uidlist 1 UIDVALIDITY NEXTUID
//   UID BASENAME
//   ...
//
// UIDs ascend strictly, are below NEXTUID on the first line as written and
// never reach 2^32-1. BASENAME is the unique part of the Maildir file name
// (before `:`), so moves from new/ to cur/ and flag changes keep the UID.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"

namespace posthorn::maildir {

// `base` is a view: of the text parsed, or of the uidlist holding it.
struct UidEntry {
  uint32_t uid = 0;
  std::string_view base;

  bool operator==(const UidEntry&) const = default;
};

struct UidListText {
  uint32_t uidvalidity = 0;
  uint32_t next_uid = 1;  // as the first line says; entries may go past it
  std::vector<UidEntry> entries;
  // Bytes that make up whole lines. A last line without its LF is an
  // append cut short by a crash: not counted, and cut off by the next
  // writer (uidlist.h).
  size_t complete = 0;
};

// The largest UID: IMAP UIDs are nz-number and 2^32-1 stays free as the
// "no more" marker some clients use.
inline constexpr uint32_t kMaxUid = 0xfffffffeu;
inline constexpr size_t kMaxBaseName = 255;

// Why `base` cannot be listed ("" if it can): it must be a Maildir unique
// name, non-empty printable ASCII without `/`, `:`, space or DEL.
std::string CheckBaseName(std::string_view base);

// Parses a whole file, the entries' names views of `text`. Strict: anything but a well-formed text (apart from
// a cut-off last line) is an error naming the line.
Result<UidListText> ParseUidList(std::string_view text);

// Parses the lines appended after a known state: `text` starts at a line
// boundary, entries must go on ascending after `last_uid`.
Result<UidListText> ParseUidListTail(std::string_view text, uint32_t last_uid);

std::string FormatUidListHeader(uint32_t uidvalidity, uint32_t next_uid);
std::string FormatUidEntry(const UidEntry& entry);
// The same, appended to `out` without a string of its own.
void AppendUidEntry(const UidEntry& entry, std::string* out);

}  // namespace posthorn::maildir
