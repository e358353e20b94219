// Reaping tmp/. A deliverer killed mid-write leaves its file in tmp/;
// Bernstein's rule is that files there untouched for 36 hours are garbage.
// Scanning tmp/ on every delivery would cost a readdir each time, so like
// Dovecot we scan at most every kScanInterval, using the atime of tmp/
// itself as the "last scanned" stamp (set explicitly, so noatime mounts
// work too).
#pragma once

#include <ctime>
#include <string>

namespace posthorn::maildir {

inline constexpr time_t kStaleTmpAge = 36 * 3600;
inline constexpr time_t kScanInterval = 8 * 3600;

// Removes files in `maildir`/tmp older than kStaleTmpAge if the last scan
// was more than kScanInterval ago. Returns how many were removed.
// Best effort: errors are not failures of the delivery that calls it.
int CleanStaleTmp(const std::string& maildir, time_t now);

}  // namespace posthorn::maildir
