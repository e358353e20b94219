#include "common/message/wire_form.h"

#include <cstring>

namespace posthorn::message {

// Both walk the text a line at a time with memchr rather than a byte at a
// time: a cold FETCH or a body SEARCH puts every message through them.

uint64_t WireSize(std::string_view bytes, bool* prev_cr) {
  uint64_t n = bytes.size();
  const char* p = bytes.data();
  const char* end = p + bytes.size();
  bool cr = *prev_cr;
  while (p < end) {
    const char* lf = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    if (!lf) {
      cr = end[-1] == '\r';
      break;
    }
    bool after_cr = lf > p ? lf[-1] == '\r' : cr;
    if (!after_cr) ++n;
    cr = false;
    p = lf + 1;
  }
  *prev_cr = cr;
  return n;
}

std::string ToWireForm(std::string_view stored) {
  bool prev_cr = false;
  std::string out;
  out.resize(WireSize(stored, &prev_cr));
  char* o = out.data();
  const char* p = stored.data();
  const char* end = p + stored.size();
  while (p < end) {
    const char* lf = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* stop = lf ? lf : end;
    size_t len = static_cast<size_t>(stop - p);
    std::memcpy(o, p, len);
    o += len;
    if (lf) {
      if (lf == stored.data() || lf[-1] != '\r') *o++ = '\r';
      *o++ = '\n';
      p = lf + 1;
    } else {
      p = end;
    }
  }
  for (char* z = out.data(); z < out.data() + out.size(); ++z) {
    z = static_cast<char*>(std::memchr(z, '\0', static_cast<size_t>(out.data() + out.size() - z)));
    if (!z) break;
    *z = '\x80';
  }
  return out;
}

}  // namespace posthorn::message
