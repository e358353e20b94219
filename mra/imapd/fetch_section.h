// The octets of BODY[section] (RFC 3501 §6.4.5): a part, a header, some of
// its fields, a body text, a part's MIME header; and the <origin.count>
// slice of them. Pure: the message comes in wire form with its MIME tree.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/message/mime_tree.h"
#include "mra/imapd/fetch_items.h"

namespace posthorn::imapd {

// What `section` names in `message` (wire form, CRLF line ends) whose
// structure is `tree`; nullopt when the message has no such part (the
// response then carries NIL, as Dovecot sends).
//   []              the whole message
//   [HEADER]        the header and the blank line after it
//   [HEADER.FIELDS (A B)] / [... .NOT]
//                   the fields named (not named), each whole with its
//                   folding, in header order, and a blank line
//   [TEXT]          the body
//   [n.m]           that part's body; a message/rfc822 part's is its
//                   embedded message, header and all
//   [n.MIME]        that part's own MIME header
//   [n.HEADER], [n.TEXT], [n.HEADER.FIELDS ...]
//                   of the message a message/rfc822 part n carries (of the
//                   part itself when it carries none)
std::optional<std::string> SectionText(std::string_view message, const message::MimeTree& tree,
                                       const Section& section);

// The <origin.count> slice of `text` (RFC 3501 §6.4.5): empty when origin is
// past its end, cut short at the end.
std::string_view PartialOf(std::string_view text, uint64_t origin, uint64_t count);

}  // namespace posthorn::imapd
