// UTF-8 (RFC 3629) one code point at a time, for the few places that look
// at characters rather than bytes: mailbox names, case-insensitive search.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace posthorn {

enum class Utf8Status { kOk, kInvalid, kTruncated };

// Reads the code point at s[*i] into *cp and advances *i past it. kInvalid
// for anything that is not the shortest form of a scalar value (RFC 3629
// §3: no surrogates, nothing above U+10FFFF); kTruncated when `s` ends
// inside a sequence. *i stays where it was unless kOk.
Utf8Status NextCodePoint(std::string_view s, size_t* i, uint32_t* cp);

// Appends `cp` (a scalar value) in UTF-8.
void AppendUtf8(uint32_t cp, std::string* out);

}  // namespace posthorn
