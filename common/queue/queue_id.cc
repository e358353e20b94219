#include "common/queue/queue_id.h"

#include <sys/random.h>
#include <time.h>

#include <cstdint>
#include <cstdio>

namespace posthorn::queue {

std::string NewQueueId() {
  struct timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  uint16_t r = 0;
  if (::getrandom(&r, sizeof r, GRND_NONBLOCK) != sizeof r) {
    // No entropy yet (early boot): the nanoseconds still vary, and O_EXCL
    // in the store settles any collision.
    r = static_cast<uint16_t>(ts.tv_nsec ^ (ts.tv_nsec >> 12));
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08X%05X%03X", static_cast<unsigned>(static_cast<uint32_t>(ts.tv_sec)),
                static_cast<unsigned>(ts.tv_nsec / 1000), static_cast<unsigned>(r & 0xfff));
  return buf;
}

bool IsValidQueueId(std::string_view id) {
  if (id.size() != kQueueIdLength) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) return false;
  return true;
}

}  // namespace posthorn::queue
