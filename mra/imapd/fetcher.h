// The untagged FETCH responses (RFC 3501 §7.4.2) for messages of the
// selected folder. What the view knows (UID, FLAGS) costs nothing; what a
// file must be read for (sizes, dates, ENVELOPE, BODYSTRUCTURE) comes from
// the folder's cache when it can, and is put there when it had to be read;
// body sections always read the file. Blocks on the disk: worker threads
// only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "mra/imapd/fetch_items.h"
#include "mra/imapd/selected_folder.h"

namespace posthorn::imapd {

struct FetchRequest {
  std::vector<FetchItem> items;
  bool uid = false;       // UID FETCH: UID goes in every response
  bool set_seen = false;  // a non-PEEK body item on a read-write folder
  // RFC 7162 §3.1.4: MODSEQ goes with FLAGS (asked for or set implicitly)
  // and with every CHANGEDSINCE answer once CONDSTORE is on...
  bool modseq_with_flags = false;
  bool changed_since = false;
  // ...and under QRESYNC the UID with an implicit \Seen (§3.2.4).
  bool uid_with_seen = false;
};

struct FetchOutput {
  std::string responses;
  // Messages whose files were gone (expunged elsewhere, not yet announced):
  // left out, for a NO [EXPUNGEISSUED] (RFC 5530).
  bool some_gone = false;
};

// Appends to `out` the response for message `seq` of `folder`'s view,
// setting \Seen on disk when `request` says so.
Status FetchMessage(SelectedFolder& folder, uint32_t seq, const FetchRequest& request, FetchOutput* out);

}  // namespace posthorn::imapd
