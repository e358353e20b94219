// A stored message in the form the mail protocols send it: lines end in
// CRLF (RFC 5322 §2.1), where a Maildir holds them ending in LF. RFC822.SIZE,
// POP3's sizes and the `,W=` field of a Maildir name count this form.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace posthorn::message {

// The wire size of stored bytes: every LF not preceded by CR counts as
// CRLF. `prev_cr` carries whether the last chunk ended in CR, so a file can
// be counted in chunks; start it false.
uint64_t WireSize(std::string_view bytes, bool* prev_cr);

// `stored` with every LF not preceded by CR written as CRLF, and NUL bytes
// as 0x80: IMAP forbids NUL in a string, even a literal (RFC 3501 §9
// CHAR8), and the size must not change with the substitution, which is
// what Dovecot does too. A bare CR stays.
std::string ToWireForm(std::string_view stored);

}  // namespace posthorn::message
