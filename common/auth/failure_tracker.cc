#include "common/auth/failure_tracker.h"

#include <iterator>

namespace posthorn::auth {

void FailureTracker::Expire(std::deque<time_t>& times, time_t now) {
  while (!times.empty() && times.front() <= now - kWindow) times.pop_front();
}

bool FailureTracker::Blocked(const std::string& address, time_t now) {
  if (limit_ == 0) return false;
  auto it = failures_.find(address);
  if (it == failures_.end()) return false;
  Expire(it->second, now);
  if (it->second.empty()) {
    failures_.erase(it);
    return false;
  }
  return it->second.size() >= limit_;
}

void FailureTracker::Failed(const std::string& address, time_t now) {
  if (limit_ == 0) return;
  if (++calls_ % 1024 == 0) {
    for (auto it = failures_.begin(); it != failures_.end();) {
      Expire(it->second, now);
      it = it->second.empty() ? failures_.erase(it) : std::next(it);
    }
  }
  std::deque<time_t>& times = failures_[address];
  Expire(times, now);
  times.push_back(now);
  // Only the last `limit_` matter: an address hammering away costs no more memory.
  while (times.size() > limit_) times.pop_front();
}

}  // namespace posthorn::auth
