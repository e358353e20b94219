#include "common/message/transfer_encoding.h"

#include "common/base/base64.h"
#include "common/base/strings.h"
#include "common/message/lex.h"

namespace posthorn::message {

namespace {

// At text[pos] just after a '=': where the soft line break it starts ends
// (past the LF), or npos when what follows is not blanks and a line end.
size_t SoftBreakEnd(std::string_view text, size_t pos) {
  while (pos < text.size() && IsWsp(text[pos])) ++pos;
  if (pos < text.size() && text[pos] == '\r') ++pos;
  if (pos < text.size() && text[pos] == '\n') return pos + 1;
  return pos == text.size() ? pos : std::string_view::npos;  // "=" ends the text
}

}  // namespace

std::string DecodeQuotedPrintable(std::string_view text, bool rfc2047_q) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '_' && rfc2047_q) {
      c = ' ';
    } else if (c == '=') {
      int hi = i + 2 < text.size() ? HexDigitValue(text[i + 1]) : -1;
      int lo = hi >= 0 ? HexDigitValue(text[i + 2]) : -1;
      if (lo >= 0) {
        c = static_cast<char>(hi * 16 + lo);
        i += 2;
      } else if (size_t end = rfc2047_q ? std::string_view::npos : SoftBreakEnd(text, i + 1);
                 end != std::string_view::npos) {
        i = end - 1;
        continue;
      }
    }
    out.push_back(c);
  }
  return out;
}

std::string DecodeTransferEncoding(std::string_view body, std::string_view encoding) {
  if (EqualsIgnoreCase(encoding, "base64")) return Base64DecodeLenient(body);
  if (EqualsIgnoreCase(encoding, "quoted-printable")) return DecodeQuotedPrintable(body);
  return std::string(body);
}

}  // namespace posthorn::message
