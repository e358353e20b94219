// FETCH BODYSTRUCTURE and BODY (RFC 3501 §7.4.2, §9 body) from the MIME
// tree of common/message/mime_tree.h.
//
// How the strings are spelt (decided once here so that every cached
// structure agrees):
//
// - Types, subtypes, parameter names, disposition types and encodings are
//   lower case, as the MIME parser keeps them. Dovecot passes the header's
//   spelling through, which is lower case in nearly all mail; UW-IMAP's
//   upper case ("TEXT" "PLAIN" "7BIT") is what RFC 3501's grammar prints,
//   but §9 makes those strings case-insensitive, and Outlook reportedly
//   mishandles an upper-case encoding (go-imap #723 followed Dovecot to
//   lower case for it). An absent encoding is "7bit".
// - Parameter values go out as written (MimeParam::raw), never decoded:
//   the client decodes. An RFC 2231 parameter is one entry whatever its
//   sections (`name*0=`, `name*1*=` ...): joined in section order, named
//   `name*` with the value in `charset'language'%XX` form when any section
//   was encoded, plain `name` with the joined value otherwise. That is
//   what Dovecot sends, and what a client that knows RFC 2231 expects
//   (one that does not still sees a usable plain `name` for a value that
//   was merely continued). A plain section joined into an encoded value
//   is %-escaped as §7 requires (Dovecot escapes only '%'). A plain
//   `name=` sent beside `name*=` for old readers stays a second entry,
//   so those readers still find it.
// - A text part without a charset parameter gets ("charset" "us-ascii"),
//   RFC 2045 §5.2's default, as Dovecot adds it and RFC 3501's examples
//   show it.
// - Content-Language is NIL or a list, even of one tag, as Dovecot sends
//   it (the grammar also allows a bare string; a list always parses the
//   same way whatever the count).
//
// Structure follows MimePart::kind, not the Content-Type: a multipart
// without a boundary (or past a parser limit) is a single part of type
// "multipart"; a multipart whose boundary never appears holds one empty
// text/plain part, since the grammar wants at least one (Dovecot does the
// same). MESSAGE/RFC822 always has the envelope, body and lines the
// grammar requires of it, with an empty text/plain body when the parser
// did not look inside (base64-encoded, or past a limit). message/global
// is a basic part: only RFC 9051 (IMAP4rev2) gives it an envelope.
#pragma once

#include <string>
#include <string_view>

#include "common/message/mime_tree.h"

namespace posthorn::imapd {

// The structure of `root`, the tree ParseMimeTree made of `message`, as
// the parenthesised list sent after "BODYSTRUCTURE " (`extensible`) or
// "BODY " (not: no extension data). Sizes and line counts are those of
// `message`, which must be the message as BODY[] sends it (CRLF line
// ends), so that a part's size is what BODY[section] returns.
std::string FormatBodyStructure(const message::MimePart& root, std::string_view message, bool extensible);

}  // namespace posthorn::imapd
