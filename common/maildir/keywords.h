// A folder's keyword map (posthorn-uidlist(5), "Keywords"): which IMAP keyword each
// lower-case flag letter a-z in its Maildir file names stands for, as
// Dovecot keeps it in dovecot-keywords, so that mutt and mblaze show the
// letters and imapd the names. Letter i is line i+2 of the file:
//
//   posthorn-keywords 1
//   $Forwarded
//   Work
//
// Letters are only ever added, under the folder's uidlist lock, by
// rewriting the small file and renaming it into place; so a letter never
// changes meaning. Blocks on the disk: worker threads only.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"

namespace posthorn::maildir {

inline constexpr std::string_view kKeywordsName = "posthorn-keywords";
inline constexpr size_t kMaxKeywords = 26;
// The errnum of Define()'s error when a folder's 26 letters are taken, so
// callers can tell it from a failure of the disk ([LIMIT], not
// [SERVERBUG]) without reading the message. No errno is negative.
inline constexpr int kNoKeywordRoom = -1;
inline constexpr size_t kMaxKeywordLength = 128;

// Why `keyword` cannot be stored ("" if it can): an IMAP atom (RFC 3501
// §9: no atom-specials, no 8-bit), not a system flag (`\...`), at most
// kMaxKeywordLength bytes.
std::string CheckKeyword(std::string_view keyword);

class KeywordMap {
 public:
  // Reads `dir`/posthorn-keywords; a missing file is an empty map, a
  // damaged one is an error (its letters would lose their meaning).
  static Result<KeywordMap> Open(const std::string& dir);

  // Letter 'a' + i stands for names()[i].
  const std::vector<std::string>& names() const { return names_; }
  // Keywords compare case-insensitively (RFC 3501 §2.3.2 flag names).
  std::optional<size_t> IndexOf(std::string_view keyword) const;
  // Re-reads the file if another process changed it.
  Status Refresh();

  // The bits (1 << index) for `keywords`, giving letters to those without
  // one. Fails, changing nothing, when that would need more than 26.
  Result<uint32_t> Define(const std::vector<std::string>& keywords);

 private:
  explicit KeywordMap(std::string dir) : dir_(std::move(dir)) {}
  std::string path() const;
  Status Load();

  std::string dir_;
  std::vector<std::string> names_;
  ino_t inode_ = 0;
};

}  // namespace posthorn::maildir
