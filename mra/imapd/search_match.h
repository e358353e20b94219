// Evaluating a search program (search_program.h) against the messages of
// the selected folder. What the view knows (message number, UID, flags,
// \Recent, modseq) and what the folder's cache knows (size, INTERNALDATE)
// is looked at first; the file is read only when the answer depends on a
// key that needs its text (header and body keys, SENT*) or on a fact the
// cache lacks, and then at most once per message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "mra/imapd/mailbox_view.h"
#include "mra/imapd/search_program.h"
#include "mra/imapd/search_text.h"
#include "mra/imapd/selected_folder.h"

namespace posthorn::imapd {

// Resolves the sets of kSequence and kUid keys in `program`: message
// numbers up to `exists`, UIDs up to `max_uid` ("*" is the last of each).
// A number beyond them names no message; SEARCH does not fail for it.
void BindToFolder(SearchKey* program, uint32_t exists, uint32_t max_uid);

// kUnknown: the answer depends on something the subject does not hold yet.
enum class Match { kNo, kYes, kUnknown };

// One message as the matcher sees it; what is unset is not known yet.
struct SearchSubject {
  uint32_t seq = 0;
  const ViewMessage* message = nullptr;                // UID, flags, modseq
  const std::vector<std::string>* keywords = nullptr;  // the folder's: letter 'a' + i is keywords[i]
  bool recent = false;                                 // \Recent for the session
  std::optional<uint64_t> size;                        // RFC822.SIZE
  std::optional<int64_t> internal_date;                // seconds since the epoch
  SearchText* text = nullptr;                          // the file's contents, once read
};

// Three-valued, so that AND, OR and NOT decide without the file whenever
// the cheap keys are enough (UNSEEN BODY x reads no seen message).
// BEFORE, ON and SINCE compare INTERNALDATE's day in the server's zone,
// the zone FETCH shows it in; SENT* the day the Date: field writes (a
// message without a readable one matches none of them).
Match Evaluate(const SearchKey& key, const SearchSubject& subject);

// Does message `seq` of `folder` match `program` (bound to the folder)?
// Reads the file when Evaluate cannot tell without; a message whose file
// is gone (expunged elsewhere, not yet told) matches nothing. Blocks on
// the disk: worker threads only.
Result<bool> MatchMessage(SelectedFolder& folder, uint32_t seq, const SearchKey& program);

}  // namespace posthorn::imapd
