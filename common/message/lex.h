// The lexical pieces of RFC 5322 §3.2 that every structured header parser
// here shares: folding whitespace, comments, quoted strings, tokens.
//
// All of them work on raw header values, folded or not: CR and LF count as
// whitespace, so a value can be parsed where it lies in the message without
// unfolding it first. None of them recurses: nested comments are counted,
// so a value of a million '(' costs a million steps and no stack.
#pragma once

#include <string>
#include <string_view>

namespace posthorn::message {

constexpr bool IsWsp(char c) { return c == ' ' || c == '\t'; }
// WSP plus the CR and LF of a folded value.
constexpr bool IsFws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// RFC 2045 §5.1 token: printable US-ASCII except SPACE and tspecials.
bool IsTokenChar(char c);

// `s` without leading and trailing SP, HTAB, CR and LF.
std::string_view TrimFws(std::string_view s);

// At s[pos] == '(': the position just past the matching ')', honouring
// nesting and quoted-pairs (RFC 5322 §3.2.2); s.size() when unterminated.
size_t SkipComment(std::string_view s, size_t pos);

// Skips any mix of FWS and comments from `pos`.
size_t SkipCfws(std::string_view s, size_t pos);

// At s[pos] == '"': the position just past the closing quote, or s.size()
// when unterminated. When `out` is set, the content is appended with
// quoted-pairs resolved and folding line breaks removed (§3.2.4).
size_t ReadQuotedString(std::string_view s, size_t pos, std::string* out);

// Appends `s` with its line breaks removed: LF and a CR right before it
// (RFC 5322 §2.2.3 unfolding). Bare CRs stay.
void AppendUnfolded(std::string_view s, std::string* out);

// A phrase (RFC 5322 §3.2.5, with obs-phrase's dots) as its words read:
// quoted strings unquoted, comments dropped, each run of whitespace outside
// quotes as one space, no leading or trailing space. Encoded words are left
// as they are. This is the form IMAP's ENVELOPE gives an address's name.
std::string PhraseText(std::string_view phrase);

}  // namespace posthorn::message
