// Failed logins per client address over a sliding window, so a password
// guesser cannot spread attempts over many short sessions: past the limit
// an address's logins are refused without being checked until its oldest
// failures age out. In memory, per daemon process.
#pragma once

#include <cstddef>
#include <ctime>
#include <deque>
#include <map>
#include <string>

namespace posthorn::auth {

class FailureTracker {
 public:
  static constexpr time_t kWindow = 600;  // seconds

  // `limit` 0 means no limit.
  explicit FailureTracker(size_t limit = 0) : limit_(limit) {}
  void set_limit(size_t limit) { limit_ = limit; }

  // True when `address` has failed `limit` times within the window.
  bool Blocked(const std::string& address, time_t now);
  void Failed(const std::string& address, time_t now);

 private:
  void Expire(std::deque<time_t>& times, time_t now);

  size_t limit_;
  std::map<std::string, std::deque<time_t>> failures_;
  size_t calls_ = 0;  // every so often, addresses that went quiet are dropped
};

}  // namespace posthorn::auth
