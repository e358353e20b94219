#include "common/message/wire_form.h"

namespace posthorn::message {

uint64_t WireSize(std::string_view bytes, bool* prev_cr) {
  uint64_t n = bytes.size();
  for (char c : bytes) {
    if (c == '\n' && !*prev_cr) ++n;
    *prev_cr = c == '\r';
  }
  return n;
}

std::string ToWireForm(std::string_view stored) {
  bool prev_cr = false;
  std::string out;
  out.reserve(WireSize(stored, &prev_cr));
  prev_cr = false;
  for (char c : stored) {
    if (c == '\n' && !prev_cr) out.push_back('\r');
    out.push_back(c == '\0' ? '\x80' : c);
    prev_cr = c == '\r';
  }
  return out;
}

}  // namespace posthorn::message
