#include "common/message/header.h"

#include <cstring>

#include "common/base/strings.h"
#include "common/message/lex.h"

namespace posthorn::message {

namespace {

// One line: its bytes are [begin, content_end), its line end (LF or CRLF,
// or nothing at the end of the input) runs to `next`.
struct Line {
  size_t begin;
  size_t content_end;
  size_t next;
  bool empty() const { return content_end == begin; }
};

Line LineAt(std::string_view s, size_t pos) {
  const void* lf = memchr(s.data() + pos, '\n', s.size() - pos);
  if (!lf) return {pos, s.size(), s.size()};
  size_t nl = static_cast<const char*>(lf) - s.data();
  size_t end = (nl > pos && s[nl - 1] == '\r') ? nl - 1 : nl;
  return {pos, end, nl + 1};
}

// RFC 5322 §3.6.8 ftext: printable US-ASCII except the colon.
bool IsFieldName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (c < 33 || c > 126 || c == ':') return false;
  return true;
}

}  // namespace

const HeaderField* Header::Find(std::string_view name) const {
  if (name.empty()) return nullptr;
  for (const HeaderField& f : fields)
    if (EqualsIgnoreCase(f.name, name)) return &f;
  return nullptr;
}

std::vector<const HeaderField*> Header::FindAll(std::string_view name) const {
  std::vector<const HeaderField*> out;
  if (name.empty()) return out;
  for (const HeaderField& f : fields)
    if (EqualsIgnoreCase(f.name, name)) out.push_back(&f);
  return out;
}

MessageSplit SplitMessage(std::string_view message) {
  size_t pos = 0;
  while (pos < message.size()) {
    Line line = LineAt(message, pos);
    if (line.empty()) return {pos, line.next};
    pos = line.next;
  }
  return {message.size(), message.size()};
}

Header ParseHeader(std::string_view text, const HeaderLimits& limits) {
  Header header;
  size_t pos = 0;
  while (pos < text.size()) {
    Line first = LineAt(text, pos);
    if (first.empty()) break;
    // RFC 5322 §2.2.3: a line that starts with WSP continues the field.
    // A line of nothing but blanks does too (obs-FWS, §4.2).
    size_t last_end = first.content_end;
    size_t next = first.next;
    while (next < text.size() && IsWsp(text[next])) {
      Line more = LineAt(text, next);
      last_end = more.content_end;
      next = more.next;
    }
    if (header.fields.size() >= limits.max_fields) {
      ++header.dropped;
      pos = next;
      continue;
    }
    HeaderField field;
    field.offset = pos;
    field.size = next - pos;
    size_t value_start = pos;
    std::string_view line = text.substr(pos, first.content_end - pos);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos && !IsWsp(line[0])) {
      std::string_view name = line.substr(0, colon);
      while (!name.empty() && IsWsp(name.back())) name.remove_suffix(1);
      if (IsFieldName(name)) {
        field.name = name;
        value_start = pos + colon + 1;
        while (value_start < first.content_end && IsWsp(text[value_start])) ++value_start;
      }
    }
    field.value = text.substr(value_start, last_end - value_start);
    if (field.value.size() > limits.max_value_size) {
      field.value = field.value.substr(0, limits.max_value_size);
      field.truncated = true;
    }
    header.fields.push_back(field);
    pos = next;
  }
  return header;
}

std::string Unfold(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  AppendUnfolded(value, &out);
  return std::string(TrimFws(out));
}

}  // namespace posthorn::message
