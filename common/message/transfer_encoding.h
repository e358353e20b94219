// Undoing a Content-Transfer-Encoding (RFC 2045 §6) to get the octets a
// part carries, for reading them (search, display), never for checking
// them: decoding is lenient and never fails.
#pragma once

#include <string>
#include <string_view>

namespace posthorn::message {

// RFC 2045 §6.7 quoted-printable: "=XX" (hex digits in either case) is
// that octet, "=" at the end of a line (blanks may follow it) is a soft
// line break and goes with the line end. With `rfc2047_q`, RFC 2047 §4.2's
// "Q" form of encoded words instead: '_' is a space too. A '=' that starts
// neither is kept as it is.
std::string DecodeQuotedPrintable(std::string_view text, bool rfc2047_q = false);

// The octets of a body sent in `encoding` (Content-Transfer-Encoding's
// token, any case): base64 and quoted-printable decoded, anything else
// (7bit, 8bit, binary, unknown tokens) as it is.
std::string DecodeTransferEncoding(std::string_view body, std::string_view encoding);

}  // namespace posthorn::message
