// Per-recipient delivery outcomes of a queued message. They live in an
// append-only log beside the message (queue/msg/ID.state, see
// posthorn-queue(5)), one record per line:
//
//   INDEX STATUS TIME ATTEMPTS NEXT [TEXT]
//
// INDEX is the recipient's position in the envelope (from 0), STATUS one
// of delivered, bounced, deferred; TIME when the outcome was recorded,
// ATTEMPTS how many delivery attempts there have been, NEXT when to try
// again (deferred; 0 otherwise), TEXT the last diagnostic, %-encoded.
//
// The queue file itself is never rewritten: its state is the envelope
// plus this log, the last record per recipient winning, except that a
// final outcome (delivered, bounced) is never undone by a later record.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"

namespace posthorn::queue {

enum class RecipientStatus { kPending, kDeferred, kDelivered, kBounced };

struct RecipientState {
  RecipientStatus status = RecipientStatus::kPending;
  time_t time = 0;          // when it was recorded
  uint32_t attempts = 0;
  time_t next_attempt = 0;  // kDeferred only
  std::string text;         // last diagnostic, e.g. the remote reply

  bool final() const { return status == RecipientStatus::kDelivered || status == RecipientStatus::kBounced; }
  bool operator==(const RecipientState& o) const = default;
};

const char* StatusName(RecipientStatus status);

// The record for recipient `index`, LF included. kPending is not an
// outcome and is refused.
Result<std::string> FormatStateRecord(size_t index, const RecipientState& state);

// Applies the records in `log` to `states` (one per recipient, as many as
// the envelope has). Every complete line must be a valid record except
// the last: a last line that is malformed or has no LF is the remains of
// an append cut short by a crash, and is ignored. That append was never
// fsynced, so nobody acted on it. `*valid_end` gets the length of the
// valid records, where the next append must start.
Status ApplyStateLog(std::string_view log, std::vector<RecipientState>* states, size_t* valid_end);

}  // namespace posthorn::queue
