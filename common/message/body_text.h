// The text a reader sees in a message's body, for searching it (IMAP
// SEARCH BODY and TEXT, RFC 3501 §6.4.4): what each text part says once
// its transfer encoding is undone and its charset converted to UTF-8.
#pragma once

#include <string>
#include <string_view>

#include "common/message/mime_tree.h"

namespace posthorn::message {

// The fields of `header` (a header block, or a whole message) as text:
// "Name: value" lines, each value unfolded and decoded (DecodeField).
std::string HeaderText(std::string_view header);

// The body of `message` (whose structure is `tree`) as text, in order:
//   - each text/* part's body, base64 or quoted-printable decoded
//     (transfer_encoding.h) and converted from its charset parameter to
//     UTF-8 (kept as it is when the charset is unknown or absent);
//   - for each embedded message/rfc822, its header fields with encoded
//     words decoded, then its body's text by these same rules;
//   - parts of any other type (images, applications, and multiparts the
//     parser did not look into) left out: their octets are not text, and
//     matching inside base64 would find what no reader sees.
// Pieces are separated by a line break, so no match spans two parts.
std::string BodyText(std::string_view message, const MimeTree& tree);

}  // namespace posthorn::message
