#include "mta/sendmail/mailq.h"

#include <sysexits.h>

#include <ctime>
#include <string>

#include "common/queue/store.h"

namespace posthorn::sendmail {

int ListQueue(const config::Config& config, FILE* out) {
  Result<queue::QueueStore> store = queue::QueueStore::OpenForReading(config.String("state_dir"));
  if (!store.ok()) {
    std::fprintf(stderr, "mailq: %s\n", store.message().c_str());
    return EX_UNAVAILABLE;
  }
  Result<std::vector<std::string>> ids = store->List();
  if (!ids.ok()) {
    std::fprintf(stderr, "mailq: %s\n", ids.message().c_str());
    return EX_NOPERM;
  }
  uint64_t bytes = 0;
  size_t count = 0;
  for (const std::string& id : *ids) {
    Result<queue::QueuedMessage> m = store->Load(id);
    if (!m.ok()) continue;  // removed meanwhile, or being written
    if (count++ == 0) std::fprintf(out, "-Queue ID-------- --Size-- ----Arrival Time---- -Sender/Recipient-------\n");
    const queue::Envelope& e = m->envelope;
    char when[32];
    struct tm tm;
    localtime_r(&e.arrival, &tm);
    strftime(when, sizeof when, "%a %b %e %H:%M:%S", &tm);
    std::string sender = e.sender.null() ? "MAILER-DAEMON" : e.sender.ToString();
    std::fprintf(out, "%-17s %8llu %s  %s\n", id.c_str(), static_cast<unsigned long long>(e.size), when, sender.c_str());
    for (size_t i = 0; i < e.recipients.size(); ++i) {
      const queue::RecipientState& st = m->states[i];
      if (st.final()) continue;
      if (!st.text.empty()) std::fprintf(out, "%47s(%s)\n", "", st.text.c_str());
      std::fprintf(out, "%47s%s\n", "", e.recipients[i].address.ToString().c_str());
    }
    std::fprintf(out, "\n");
    bytes += e.size;
  }
  if (count == 0) {
    std::fprintf(out, "Mail queue is empty\n");
  } else {
    std::fprintf(out, "-- %llu Kbytes in %zu Request%s.\n", static_cast<unsigned long long>((bytes + 1023) / 1024), count,
                 count == 1 ? "" : "s");
  }
  return 0;
}

}  // namespace posthorn::sendmail
