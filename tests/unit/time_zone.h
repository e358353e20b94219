// Pins the process's time zone (TZ) for a test and puts it back after, for
// tests of what depends on the server's zone (INTERNALDATE, SEARCH dates).
#pragma once

#include <stdlib.h>
#include <time.h>

#include <string>

namespace posthorn::testing {

class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* tz) {
    const char* old = ::getenv("TZ");
    had_ = old != nullptr;
    saved_ = old ? old : "";
    Set(tz);
  }
  ~ScopedTimeZone() {
    if (had_) ::setenv("TZ", saved_.c_str(), 1);
    else ::unsetenv("TZ");
    ::tzset();
  }
  ScopedTimeZone(const ScopedTimeZone&) = delete;
  ScopedTimeZone& operator=(const ScopedTimeZone&) = delete;

  // Another zone until the end of the scope.
  void Set(const char* tz) {
    ::setenv("TZ", tz, 1);
    ::tzset();
  }

 private:
  std::string saved_;
  bool had_ = false;
};

}  // namespace posthorn::testing
