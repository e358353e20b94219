// Recipient state logs, as a crash may leave them: apply anything without
// crashing; the valid prefix alone must give the same states, and each
// state must format to a record that reads back the same.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/queue/state_log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace posthorn::queue;
  std::string_view log(reinterpret_cast<const char*>(data), size);
  std::vector<RecipientState> states(4);
  size_t end = 0;
  if (!ApplyStateLog(log, &states, &end).ok()) return 0;
  if (end > size) std::abort();
  std::vector<RecipientState> again(4);
  size_t end2 = 0;
  if (!ApplyStateLog(log.substr(0, end), &again, &end2).ok() || again != states || end2 != end) std::abort();
  for (size_t i = 0; i < states.size(); ++i) {
    if (states[i].status == RecipientStatus::kPending || states[i].text.size() > 1000) continue;
    posthorn::Result<std::string> record = FormatStateRecord(i, states[i]);
    if (!record.ok()) std::abort();
    std::vector<RecipientState> one(4);
    if (!ApplyStateLog(*record, &one, &end2).ok() || !(one[i] == states[i])) std::abort();
  }
  return 0;
}
