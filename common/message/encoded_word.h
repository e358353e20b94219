// RFC 2047 encoded words (`=?charset?Q?text?=`, `=?charset?B?text?=`),
// decoded to UTF-8 for searching and display.
//
// Decoding is lenient where mail is commonly wrong and never fails: words
// longer than 75 characters, base64 without its padding, lower-case hex in
// Q, words inside quoted strings and words glued to other text are all
// decoded; a word with an unknown charset, bad base64 or no closing `?=` is
// left exactly as written. Adjacent words in one charset are joined before
// conversion, because senders split multi-byte characters between them.
// Every function is linear in its input.
#pragma once

#include <string>
#include <string_view>

namespace posthorn::message {

// Unstructured text (RFC 5322 §3.2.5; Subject, Comments, Content-Description,
// X- fields): every encoded word decoded (RFC 2047 §5 (1)), the whitespace
// between two adjacent encoded words dropped (§6.2), line breaks unfolded.
// Text outside encoded words, 8-bit bytes included, is copied as it is.
std::string DecodeUnstructured(std::string_view text);

// A display name or group name: PhraseText() (lex.h) with the encoded
// words in it decoded (RFC 2047 §5 (3)).
std::string DecodePhrase(std::string_view phrase);

// A structured field value (To, From, Content-Type...) for display: encoded
// words decoded only where §5 (2) and (3) allow them, in comments and in
// phrases, and (leniently) inside quoted strings; never in an addr-spec,
// an angle address or a domain literal. Everything else stays as written,
// quotes and brackets included; line breaks are unfolded.
std::string DecodeStructured(std::string_view value);

// The value of a field called `name` decoded as its kind allows: as
// DecodeStructured for the structured fields of RFC 5322 §3.6 (addresses,
// message identifiers, dates, trace fields) and of MIME (Content-* but
// Content-Description), as DecodeUnstructured for every other field
// (Subject, Comments, Content-Description, X-..., fields we do not know).
std::string DecodeField(std::string_view name, std::string_view value);

}  // namespace posthorn::message
