// smtpd's side of the maildrop (maildrop.h): list the finished drop files
// and move each into the queue.
//
// A drop file comes from an untrusted local user. Only its sender,
// recipients and message are taken from it; the queue ID, arrival time
// and the submitting user (the file's owner, st_uid) come from smtpd.
// A file that is not a regular file, has other hard links (someone
// linking a file they could not read into the maildrop), is too large or
// does not parse is refused: moved to state_dir/corrupt/ for the admin to
// look at, with a log line, so it is never tried again and never lost
// without a trace. A temporary failure (disk full) leaves the drop file
// where it is for the next scan.
#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "common/address/address.h"
#include "common/base/result.h"
#include "common/queue/store.h"

namespace posthorn::queue {

// A ".NAME" file untouched this long belongs to a sendmail that died.
inline constexpr time_t kStaleDropAge = 36 * 3600;

// Finished drop files (names without a leading dot), oldest first.
// Removes stale temporary files on the way.
Result<std::vector<std::string>> ListDrops(const QueueStore& store, time_t now);

struct ImportOptions {
  std::function<bool(const Address&)> is_local;  // null: every recipient is remote
  uint64_t max_message_size = 0;                 // 0: no limit
};

struct ImportResult {
  enum class Kind {
    kQueued,    // in the queue as `id`; the drop file is gone
    kRejected,  // moved to corrupt/ (or removed), `reason` says why
    kRetry,     // left in the maildrop; `reason` says why
  };
  Kind kind = Kind::kRetry;
  std::string id;
  std::string reason;
  Error error;  // kRetry: the error, for IsNoSpace()
};

// Imports maildrop/`name` into `store` and commits it (with fsyncs: run it
// off the event loop). Logs `ID: uid=N from=<sender>` on success and a
// warning on refusal.
ImportResult ImportDrop(const QueueStore& store, const std::string& name, const ImportOptions& options);

}  // namespace posthorn::queue
