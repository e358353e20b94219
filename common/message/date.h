// RFC 5322 §3.3 dates, for the headers our programs write.
#pragma once

#include <ctime>
#include <string>

namespace posthorn {

// "Sun, 22 Nov 2026 10:00:00 +0100", in local time.
std::string Rfc5322Date(time_t when);

}  // namespace posthorn
