// Modified UTF-7 (RFC 3501 §5.1.3): how IMAP4rev1 writes mailbox names that
// are not ASCII. "&" shifts to modified BASE64 of UTF-16 (with "," for
// "/"), "-" shifts back, "&-" is "&" itself.
//
// Decoding accepts only the one canonical encoding of each name: the RFC
// asks servers to check names given to CREATE, and two spellings of one
// name would be two mailboxes on disk that display the same.
#pragma once

#include <string>
#include <string_view>

#include "common/base/result.h"

namespace posthorn::imap {

// UTF-8 to modified UTF-7. Refuses invalid UTF-8 (overlong forms, UTF-16
// surrogates, code points past U+10FFFF, truncated sequences) and NUL.
Result<std::string> Utf8ToMutf7(std::string_view utf8);

// Modified UTF-7 to UTF-8. Refuses, besides plain malformation: octets
// outside 0x20-0x7e, a bare "&", a shift not closed by "-", padding bits
// that are not zero or a whole extra BASE64 character, a shifted run that
// holds printable ASCII (0x20-0x7e), a shifted run right after another
// (RFC 3501: no "-&" null shifts), unpaired UTF-16 surrogates, and NUL.
Result<std::string> Mutf7ToUtf8(std::string_view mutf7);

}  // namespace posthorn::imap
