// LIST and LSUB (RFC 3501 §6.3.8-9, RFC 6154 SPECIAL-USE, RFC 3348
// CHILDREN): which mailbox names a pattern matches, and with which
// attributes. Mailbox names are as on the wire (modified UTF-7), and the
// hierarchy separator is '.', the Maildir++ separator: "Lists.debian" is
// the folder directory ".Lists.debian" (common/maildir/folder.h), so the
// name a client sees is the name on disk, as Courier and Dovecot keep it.
// Pure: the caller lists the folders (ListFolderNames) on a worker.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"

namespace posthorn::imapd {

inline constexpr char kSeparator = '.';

// RFC 3501 §6.3.8: `*` matches anything, `%` anything but the separator.
// "INBOX" matches case-insensitively, as the name always does.
bool MatchListPattern(std::string_view pattern, std::string_view name);

// `reference` and `pattern` of LIST combined (RFC 3501 §6.3.8: the
// reference is prefixed, unless the pattern is absolute).
std::string CombineListPattern(std::string_view reference, std::string_view pattern);

struct ListEntry {
  std::string name;
  // Each as it appears in the response, e.g. "\\HasNoChildren", "\\Sent".
  std::vector<std::string> attributes;
};

// The LIST response entries for `pattern` over the folders that exist
// (`folders`: every folder but INBOX, in any order). A name that only has
// children (".a.b" exists, ".a" does not) is listed, as \Noselect, where
// `%` ends the pattern at its level. INBOX is always there.
std::vector<ListEntry> ListMatching(const std::vector<std::string>& folders, std::string_view pattern);

// The LSUB response entries for `pattern` over the subscribed names.
// RFC 3501 §6.3.9: a parent that is not subscribed itself, whose
// subscribed child the pattern does not reach (`%`), is listed as
// \Noselect.
std::vector<ListEntry> LsubMatching(const std::vector<std::string>& subscribed, std::string_view pattern);

// The folder names in `maildir` (its ".Name" directories that are
// Maildirs), unsorted. Blocks: worker threads only.
Result<std::vector<std::string>> ListFolderNames(const std::string& maildir);

}  // namespace posthorn::imapd
