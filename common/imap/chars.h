// Character classes of the IMAP formal syntax (RFC 3501 §9), shared by the
// command parser and the response writers so both sides agree on what an
// atom is.
#pragma once

#include <string_view>

namespace posthorn::imap {

// CTL = %x00-1F / %x7F; CHAR = %x01-7F (so 8-bit octets are never CHAR).
constexpr bool IsCtl(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }
constexpr bool Is8Bit(char c) { return static_cast<unsigned char>(c) >= 0x80; }

// ATOM-CHAR = <any CHAR except atom-specials>, atom-specials = "(" / ")" /
// "{" / SP / CTL / list-wildcards ("%" "*") / quoted-specials (DQUOTE "\") /
// resp-specials ("]").
constexpr bool IsAtomChar(char c) {
  if (IsCtl(c) || Is8Bit(c)) return false;
  switch (c) {
    case '(':
    case ')':
    case '{':
    case ' ':
    case '%':
    case '*':
    case '"':
    case '\\':
    case ']':
      return false;
    default:
      return true;
  }
}

// ASTRING-CHAR = ATOM-CHAR / resp-specials.
constexpr bool IsAstringChar(char c) { return IsAtomChar(c) || c == ']'; }

// tag = 1*<any ASTRING-CHAR except "+">: a "+" would read as a
// continuation request when the server echoes the tag.
constexpr bool IsTagChar(char c) { return IsAstringChar(c) && c != '+'; }

// QUOTED-CHAR without its escapes: TEXT-CHAR (CHAR but CR and LF) except
// quoted-specials. NUL is not CHAR.
constexpr bool IsQuotedChar(char c) {
  return c != '\0' && !Is8Bit(c) && c != '\r' && c != '\n' && c != '"' && c != '\\';
}

constexpr bool IsAtom(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsAtomChar(c)) return false;
  }
  return true;
}

constexpr bool IsTag(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTagChar(c)) return false;
  }
  return true;
}

}  // namespace posthorn::imap
