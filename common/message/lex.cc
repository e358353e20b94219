#include "common/message/lex.h"

namespace posthorn::message {

bool IsTokenChar(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u >= 0x7f) return false;
  return std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
}

std::string_view TrimFws(std::string_view s) {
  while (!s.empty() && IsFws(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsFws(s.back())) s.remove_suffix(1);
  return s;
}

size_t SkipComment(std::string_view s, size_t pos) {
  size_t depth = 0;
  for (; pos < s.size(); ++pos) {
    char c = s[pos];
    if (c == '\\') {
      ++pos;  // quoted-pair: the next byte is taken literally
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (--depth == 0) return pos + 1;
    }
  }
  return s.size();
}

size_t SkipCfws(std::string_view s, size_t pos) {
  while (pos < s.size()) {
    if (IsFws(s[pos])) {
      ++pos;
    } else if (s[pos] == '(') {
      pos = SkipComment(s, pos);
    } else {
      break;
    }
  }
  return pos;
}

size_t ReadQuotedString(std::string_view s, size_t pos, std::string* out) {
  for (++pos; pos < s.size(); ++pos) {
    char c = s[pos];
    if (c == '"') return pos + 1;
    if (c == '\\' && pos + 1 < s.size()) {
      c = s[++pos];
    } else if (c == '\n' || (c == '\r' && pos + 1 < s.size() && s[pos + 1] == '\n')) {
      continue;  // a fold: the line break goes, the whitespace after it stays
    }
    if (out) out->push_back(c);
  }
  return s.size();
}

void AppendUnfolded(std::string_view s, std::string* out) {
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\n') continue;
    size_t end = (i > start && s[i - 1] == '\r') ? i - 1 : i;
    out->append(s.substr(start, end - start));
    start = i + 1;
  }
  out->append(s.substr(start));
}

std::string PhraseText(std::string_view phrase) {
  std::string out;
  bool space = false;
  size_t i = 0;
  while (i < phrase.size()) {
    char c = phrase[i];
    if (IsFws(c) || c == '(') {
      i = c == '(' ? SkipComment(phrase, i) : i + 1;
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    if (c == '"') {
      i = ReadQuotedString(phrase, i, &out);
    } else {
      size_t start = i;
      while (i < phrase.size() && !IsFws(phrase[i]) && phrase[i] != '(' && phrase[i] != '"') ++i;
      out.append(phrase.substr(start, i - start));
    }
  }
  return out;
}

}  // namespace posthorn::message
