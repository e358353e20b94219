// SMTP replies (RFC 5321 §4.2) with enhanced status codes (RFC 2034,
// RFC 3463): `250 2.1.0 Ok`. Handlers return a Reply; the session writes it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace posthorn::smtp {

struct Reply {
  int code = 0;          // 3 digits
  std::string enhanced;  // "2.1.0"; "" for replies that carry none (220, 221 may)
  std::string text;      // one line, or several separated by '\n' (multiline)

  bool positive() const { return code >= 200 && code < 400; }
  bool temporary() const { return code >= 400 && code < 500; }
  bool permanent() const { return code >= 500; }
  // The reply on the wire: every line `code-enh text\r\n`, the last with a
  // space after the code. Control characters in text become '?', so no
  // peer-supplied text can inject a line.
  std::string Wire() const;
};

// The first line of a reply, as the server log and tests see it.
std::string Brief(const Reply& r);

}  // namespace posthorn::smtp
