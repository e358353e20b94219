#include "mra/pop3d/wire.h"

namespace posthorn::pop3d {

WireEncoder::WireEncoder(std::optional<size_t> body_lines) : body_lines_(body_lines) {}

void WireEncoder::EndLine() {
  bool blank = line_chars_ == 0;
  line_start_ = true;
  line_chars_ = 0;
  if (in_body_) {
    if (body_lines_ && --*body_lines_ == 0) done_ = true;
    return;
  }
  if (blank) {  // the blank line ends the header
    in_body_ = true;
    if (body_lines_ && *body_lines_ == 0) done_ = true;
  }
}

bool WireEncoder::Feed(std::string_view bytes, std::string* out) {
  out->reserve(out->size() + bytes.size() + bytes.size() / 32 + 8);
  size_t i = 0;
  while (i < bytes.size() && !done_) {
    char c = bytes[i];
    if (c == '\n') {
      if (!prev_cr_) out->push_back('\r');
      out->push_back('\n');
      prev_cr_ = false;
      ++i;
      EndLine();
      continue;
    }
    if (line_start_ && c == '.') out->push_back('.');
    line_start_ = false;
    // Copy the run up to the next LF in one go: most bytes are plain.
    size_t end = bytes.find('\n', i);
    if (end == std::string_view::npos) end = bytes.size();
    std::string_view run = bytes.substr(i, end - i);
    out->append(run);
    for (char r : run) {
      if (r != '\r') ++line_chars_;
    }
    prev_cr_ = run.back() == '\r';
    i = end;
  }
  return !done_;
}

void WireEncoder::Finish(std::string* out) {
  if (!line_start_ && !done_) {
    if (!prev_cr_) out->push_back('\r');
    out->push_back('\n');
  }
  out->append(".\r\n");
}

}  // namespace posthorn::pop3d
