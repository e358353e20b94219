// Conversion of MIME charsets (RFC 2045 §5.1, RFC 2047 §2, RFC 2231 §4) to
// UTF-8 with iconv(3). Each call opens and closes its own converter, so
// nothing is shared between threads; glibc caches the conversion modules.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace posthorn::message {

// `bytes` in `charset` (a MIME charset name, any case) as UTF-8. Bytes
// that are invalid in the charset become U+FFFD. nullopt when the charset is
// unknown, or is a name iconv would read as more than a charset (glibc
// takes "UTF-8//IGNORE" as options: a message must not choose those).
std::optional<std::string> ConvertToUtf8(std::string_view bytes, std::string_view charset);

}  // namespace posthorn::message
