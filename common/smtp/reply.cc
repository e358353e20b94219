// Replies go out verbatim, and some carry text the peer chose (a domain it
// gave in EHLO, a path it sent). So every line is built here and nowhere
// else, and no byte of text can end a line early or start a new one.
#include "common/smtp/reply.h"

namespace posthorn::smtp {

namespace {

// Appends `s` with control characters (CR and LF among them, which would
// let the text forge another reply line; NUL; DEL) replaced by '?'.
void AppendSafe(std::string_view s, std::string* out) {
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    out->push_back(u < 0x20 || u == 0x7f ? '?' : c);
  }
}

}  // namespace

// RFC 5321 §4.2.1: every line but the last is `code-text`, the last is
// `code text`. Each '\n' in `text` starts a line, so "a\n" is two lines
// ("a" and an empty one): callers join lines, they do not terminate them.
std::string Reply::Wire() const {
  std::string code_str = std::to_string(code);
  std::string out;
  out.reserve(text.size() + 16);
  std::string_view rest = text;
  while (true) {
    size_t nl = rest.find('\n');
    bool last = nl == std::string_view::npos;
    out += code_str;
    out += last ? ' ' : '-';
    if (!enhanced.empty()) {
      AppendSafe(enhanced, &out);
      out += ' ';
    }
    AppendSafe(rest.substr(0, nl), &out);
    out += "\r\n";
    if (last) return out;
    rest.remove_prefix(nl + 1);
  }
}

std::string Brief(const Reply& r) {
  std::string wire = r.Wire();
  return wire.substr(0, wire.find("\r\n"));
}

}  // namespace posthorn::smtp
