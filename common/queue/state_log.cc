#include "common/queue/state_log.h"

#include <limits>

#include "common/base/strings.h"
#include "common/queue/record.h"

namespace posthorn::queue {

namespace {

inline constexpr size_t kMaxStateLine = 4096;

Result<RecipientState> ParseStateRecord(std::string_view line, size_t* index) {
  std::vector<std::string_view> f;
  if (line.size() > kMaxStateLine || !SplitFields(line, &f) || f.size() < 5 || f.size() > 6)
    return Error{"malformed record"};
  RecipientState s;
  if (f[1] == "delivered") s.status = RecipientStatus::kDelivered;
  else if (f[1] == "bounced") s.status = RecipientStatus::kBounced;
  else if (f[1] == "deferred") s.status = RecipientStatus::kDeferred;
  else return Error{"unknown status"};
  std::optional<uint64_t> i = ParseUnsigned(f[0]), t = ParseUnsigned(f[2]), a = ParseUnsigned(f[3]),
                          n = ParseUnsigned(f[4]);
  constexpr uint64_t kMaxTime = uint64_t(std::numeric_limits<int64_t>::max());
  if (!i || !t || !a || !n || *t > kMaxTime || *n > kMaxTime || *a > std::numeric_limits<uint32_t>::max())
    return Error{"bad number"};
  *index = static_cast<size_t>(*i);
  s.time = static_cast<time_t>(*t);
  s.attempts = static_cast<uint32_t>(*a);
  s.next_attempt = static_cast<time_t>(*n);
  if (f.size() == 6) {
    std::optional<std::string> text = DecodeField(f[5]);
    if (!text) return Error{"bad text"};
    s.text = std::move(*text);
  }
  return s;
}

}  // namespace

const char* StatusName(RecipientStatus status) {
  switch (status) {
    case RecipientStatus::kPending: return "pending";
    case RecipientStatus::kDeferred: return "deferred";
    case RecipientStatus::kDelivered: return "delivered";
    case RecipientStatus::kBounced: return "bounced";
  }
  return "?";
}

Result<std::string> FormatStateRecord(size_t index, const RecipientState& s) {
  if (s.status == RecipientStatus::kPending) return Error{"pending is not an outcome"};
  if (s.time < 0 || s.next_attempt < 0) return Error{"negative time"};
  std::string line = std::to_string(index) + " " + StatusName(s.status) + " " + std::to_string(s.time) + " " +
                     std::to_string(s.attempts) + " " + std::to_string(s.next_attempt);
  if (!s.text.empty()) {
    // The diagnostic is for people; keep the record under the line limit
    // rather than refuse the outcome. Cut before encoding, on a byte
    // boundary: a cut UTF-8 sequence only costs the reader one '?'.
    std::string text = EncodeField(s.text.substr(0, 1000));
    line += " " + text;
  }
  return line + "\n";
}

Status ApplyStateLog(std::string_view log, std::vector<RecipientState>* states, size_t* valid_end) {
  size_t pos = 0, line_number = 0;
  *valid_end = 0;
  while (pos < log.size()) {
    ++line_number;
    size_t lf = log.find('\n', pos);
    if (lf == std::string_view::npos) return Status::Ok();  // torn last append
    size_t index = 0;
    Result<RecipientState> s = ParseStateRecord(log.substr(pos, lf - pos), &index);
    if (s.ok() && index >= states->size()) s = Error{"no recipient " + std::to_string(index)};
    if (!s.ok()) {
      if (lf + 1 == log.size()) return Status::Ok();  // torn last append
      return Error{"line " + std::to_string(line_number) + ": " + s.message()};
    }
    RecipientState& current = (*states)[index];
    if (!current.final()) current = std::move(*s);
    pos = lf + 1;
    *valid_end = pos;
  }
  return Status::Ok();
}

}  // namespace posthorn::queue
