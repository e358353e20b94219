// Strings in server responses (RFC 3501 §4.3, §9 astring, string, nstring):
// LIST mailbox names, ENVELOPE and BODYSTRUCTURE fields. Each helper picks
// the plainest form that carries the octets unchanged: an atom, else a
// quoted string, else a literal, which carries anything.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace posthorn::imap {

// Longer strings go out as literals: some clients read quoted strings into
// fixed buffers, and a literal costs only its "{n}" header.
inline constexpr size_t kMaxQuoted = 1000;

// astring (RFC 3501 §9, e.g. a LIST mailbox name): `s` itself when it is an
// atom (1*ATOM-CHAR) other than NIL in any case, else as FormatString.
std::string FormatAstring(std::string_view s);

// string: a quoted string, with \" and \\ escaped, when `s` has at most
// kMaxQuoted octets, all printable ASCII or SP (no CR, LF, NUL, other
// controls or 8-bit octets); else a literal "{n}\r\n" and the octets.
// RFC 3501 §9 forbids NUL even in a literal (CHAR8 is %x01-ff): callers with
// binary data must not pass NUL.
std::string FormatString(std::string_view s);

// nstring: NIL when `s` is absent, else as FormatString ("" stays "").
std::string FormatNstring(std::optional<std::string_view> s);

}  // namespace posthorn::imap
