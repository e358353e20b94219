// FETCH ENVELOPE (RFC 3501 §7.4.2, §9 envelope): the parsed summary of a
// message's header that clients list a mailbox by.
//
// Values are sent as the header has them, line breaks removed: encoded
// words stay encoded (the client decodes them), so 8-bit or otherwise
// unquotable text goes out as a literal rather than being altered.
#pragma once

#include <string>
#include <string_view>

namespace posthorn::imapd {

// An address without a domain gets this host: a NIL host would mark a
// group (RFC 3501 §7.4.2). The name UW-IMAP and Dovecot use, so clients
// that recognise it keep doing so.
inline constexpr std::string_view kMissingHost = ".MISSING-HOST-NAME.";

// The envelope of `message` (its header is read up to the first empty
// line; the whole message or just its header may be passed), as the
// parenthesised list sent after "ENVELOPE ". The first of each header
// field counts. Absent Date, Subject, In-Reply-To and Message-ID are NIL,
// present but empty ones "". Sender and Reply-To without an address are
// From's. An address list without entries is NIL.
std::string FormatEnvelope(std::string_view message);

// `s` as an IMAP string (imap::FormatString: quoted when it can be, else
// a literal), with NUL octets turned into spaces: RFC 3501 §9 forbids NUL
// even in a literal, and a header may hold one. For every string that
// ENVELOPE and BODYSTRUCTURE take from a header.
std::string FormatHeaderString(std::string_view s);

}  // namespace posthorn::imapd
