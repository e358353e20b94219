#include "common/message/mime_params.h"

#include <algorithm>

#include "common/base/strings.h"
#include "common/message/charset.h"
#include "common/message/encoded_word.h"
#include "common/message/lex.h"

namespace posthorn::message {

namespace {

// One `attribute[*N][*]=value` as written.
struct RawParam {
  std::string base;   // lower-cased, suffixes gone
  int section = -1;   // the N of `*N`, or -1
  bool star = false;  // the trailing '*' of an encoded section
  std::string value;  // unquoted
  bool extended() const { return section >= 0 || star; }
};

// From `pos` to the next ';' that is not inside a quoted string or a comment.
size_t SkipToSemicolon(std::string_view s, size_t pos) {
  while (pos < s.size() && s[pos] != ';') {
    if (s[pos] == '"') {
      pos = ReadQuotedString(s, pos, nullptr);
    } else if (s[pos] == '(') {
      pos = SkipComment(s, pos);
    } else {
      ++pos;
    }
  }
  return pos;
}

// True when a parameter (`token [CFWS] "="`) starts at s[pos].
bool ParamStartsAt(std::string_view s, size_t pos) {
  size_t end = pos;
  while (end < s.size() && IsTokenChar(s[end])) ++end;
  if (end == pos) return false;
  end = SkipCfws(s, end);
  return end < s.size() && s[end] == '=';
}

// A value at s[pos]: a quoted string, or a token. An unquoted value that
// goes on past its token with more than comments (`name=my file.pdf`,
// `name=ä.txt`) is taken, trimmed, up to the next ';', unless what follows
// is the next parameter with its ';' forgotten.
size_t ReadValue(std::string_view s, size_t pos, std::string* out) {
  if (pos < s.size() && s[pos] == '"') return ReadQuotedString(s, pos, out);
  size_t start = pos;
  while (pos < s.size() && IsTokenChar(s[pos])) ++pos;
  size_t after = SkipCfws(s, pos);
  if (after >= s.size() || s[after] == ';' || (pos > start && ParamStartsAt(s, after))) {
    out->assign(s.substr(start, pos - start));
    return after;
  }
  size_t end = SkipToSemicolon(s, pos);
  AppendUnfolded(TrimFws(s.substr(start, end - start)), out);
  return end;
}

// Splits `name*N*` into its parts (RFC 2231 §7). False for a name that
// has nothing left, a '*' not followed by a section number, or a section
// number past kMaxParamSection.
bool SplitName(std::string_view token, RawParam* p) {
  std::string name = AsciiLower(token);
  if (!name.empty() && name.back() == '*') {
    p->star = true;
    name.pop_back();
  }
  size_t star = name.find('*');
  if (star != std::string::npos) {
    // attribute-char excludes '*': what follows the one '*' left must be
    // a section number, or the name is none.
    std::string_view digits = std::string_view(name).substr(star + 1);
    auto n = digits.size() <= 5 ? ParseUnsigned(digits) : std::nullopt;
    if (!n || *n > kMaxParamSection) return false;
    p->section = static_cast<int>(*n);
    name.resize(star);
  }
  p->base = std::move(name);
  return !p->base.empty();
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// RFC 2231 §7 ext-octet; a '%' without two hex digits stays as it is.
void AppendPercentDecoded(std::string_view s, std::string* out) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out->push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out->push_back(s[i]);
    }
  }
}

// A plain section joined into an encoded value must be escaped to mean
// the same there: everything but attribute-char (RFC 2231 §7).
void AppendPercentEncoded(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : s) {
    if (IsTokenChar(c) && c != '*' && c != '\'' && c != '%') {
      out->push_back(c);
    } else {
      unsigned char u = static_cast<unsigned char>(c);
      out->push_back('%');
      out->push_back(kHex[u >> 4]);
      out->push_back(kHex[u & 15]);
    }
  }
}

MimeParam PlainParam(const RawParam& raw) {
  MimeParam p;
  p.name = raw.base;
  p.raw = raw.value;
  p.value = raw.value.find("=?") == std::string::npos ? raw.value : DecodeUnstructured(raw.value);
  return p;
}

// Joins the sections of one RFC 2231 parameter. Sections are ordered by
// number whatever order they came in; a missing number is skipped (§3
// forbids gaps, and what is there is still the best guess at the value);
// a repeated number keeps its first value. An unnumbered `name*=` wins
// over sections, as it is complete by itself.
MimeParam ExtendedParam(std::vector<const RawParam*> sections) {
  MimeParam p;
  p.name = sections.front()->base;
  p.extended = true;
  auto whole = std::find_if(sections.begin(), sections.end(), [](const RawParam* r) { return r->section < 0; });
  if (whole != sections.end()) {
    sections = {*whole};
  } else {
    std::stable_sort(sections.begin(), sections.end(),
                     [](const RawParam* a, const RawParam* b) { return a->section < b->section; });
    sections.erase(std::unique(sections.begin(), sections.end(),
                               [](const RawParam* a, const RawParam* b) { return a->section == b->section; }),
                   sections.end());
  }
  std::string bytes, raw_plain, raw_encoded;
  for (const RawParam* s : sections) {
    std::string_view v = s->value;
    raw_plain.append(v);
    if (!s->star) {
      bytes.append(v);
      AppendPercentEncoded(v, &raw_encoded);
      continue;
    }
    p.encoded = true;
    // §4.1 (1): charset and language lead the first section only.
    size_t q1 = v.find('\'');
    size_t q2 = q1 == std::string_view::npos ? q1 : v.find('\'', q1 + 1);
    if (s->section <= 0 && q2 != std::string_view::npos) {
      p.charset = std::string(v.substr(0, q1));
      p.language = std::string(v.substr(q1 + 1, q2 - q1 - 1));
      v.remove_prefix(q2 + 1);
    }
    AppendPercentDecoded(v, &bytes);
    raw_encoded.append(v);
  }
  if (p.encoded) {
    p.raw = p.charset + "'" + p.language + "'" + raw_encoded;
    auto utf8 = p.charset.empty() ? std::nullopt : ConvertToUtf8(bytes, p.charset);
    p.value = utf8 ? std::move(*utf8) : std::move(bytes);
  } else {
    p.raw = std::move(raw_plain);
    p.value = p.raw.find("=?") == std::string::npos ? p.raw : DecodeUnstructured(p.raw);
  }
  return p;
}

}  // namespace

const MimeParam* MimeParams::Find(std::string_view name) const {
  const MimeParam* plain = nullptr;
  for (const MimeParam& p : entries) {
    if (!EqualsIgnoreCase(p.name, name)) continue;
    if (p.extended) return &p;
    if (!plain) plain = &p;
  }
  return plain;
}

std::string_view MimeParams::Get(std::string_view name) const {
  const MimeParam* p = Find(name);
  return p ? std::string_view(p->value) : std::string_view();
}

MimeParams ParseParams(std::string_view text) {
  std::vector<RawParam> raw;
  size_t pos = 0;
  bool at_param = false;  // a parameter starts at `pos` with no ';' before it
  while (pos < text.size() && raw.size() < kMaxMimeParams) {
    if (!at_param) {
      pos = SkipToSemicolon(text, pos);
      if (pos >= text.size()) break;
      pos = SkipCfws(text, pos + 1);
    }
    at_param = false;
    size_t name_start = pos;
    while (pos < text.size() && IsTokenChar(text[pos])) ++pos;
    std::string_view name = text.substr(name_start, pos - name_start);
    pos = SkipCfws(text, pos);
    if (name.empty() || pos >= text.size() || text[pos] != '=') continue;
    RawParam p;
    pos = SkipCfws(text, ReadValue(text, SkipCfws(text, pos + 1), &p.value));
    // RFC 2231 §4.1 prints its example without the ';'s, and mail copied it.
    at_param = pos < text.size() && text[pos] != ';' && ParamStartsAt(text, pos);
    if (SplitName(name, &p)) raw.push_back(std::move(p));
  }

  // Group by name and form, in order of first appearance. At most
  // kMaxMimeParams entries, so the quadratic grouping stays small.
  std::vector<std::vector<const RawParam*>> groups;
  for (const RawParam& p : raw) {
    auto same = [&p](const std::vector<const RawParam*>& g) {
      return g.front()->base == p.base && g.front()->extended() == p.extended();
    };
    auto it = std::find_if(groups.begin(), groups.end(), same);
    if (it == groups.end()) {
      groups.push_back({&p});
    } else {
      it->push_back(&p);
    }
  }
  MimeParams params;
  for (const auto& g : groups)
    params.entries.push_back(g.front()->extended() ? ExtendedParam(g) : PlainParam(*g.front()));
  return params;
}

bool ContentType::Is(std::string_view t, std::string_view s) const {
  return EqualsIgnoreCase(type, t) && EqualsIgnoreCase(subtype, s);
}

ContentType DefaultContentType(bool in_digest) {
  ContentType ct;
  ct.defaulted = true;
  if (in_digest) {
    ct.type = "message";
    ct.subtype = "rfc822";
  } else {
    MimeParam charset;
    charset.name = "charset";
    charset.raw = charset.value = "us-ascii";
    ct.params.entries.push_back(std::move(charset));
  }
  return ct;
}

ContentType ParseContentType(std::string_view value) {
  // RFC 2045 §5.1: type "/" subtype, with CFWS allowed between the tokens.
  auto token = [value](size_t* pos) {
    size_t start = SkipCfws(value, *pos);
    size_t end = start;
    while (end < value.size() && IsTokenChar(value[end])) ++end;
    *pos = SkipCfws(value, end);
    return value.substr(start, end - start);
  };
  size_t pos = 0;
  std::string_view type = token(&pos);
  if (type.empty() || pos >= value.size() || value[pos] != '/') return DefaultContentType(false);
  ++pos;
  std::string_view subtype = token(&pos);
  if (subtype.empty()) return DefaultContentType(false);
  ContentType ct;
  ct.type = AsciiLower(type);
  ct.subtype = AsciiLower(subtype);
  ct.params = ParseParams(value.substr(pos));
  return ct;
}

ContentDisposition ParseContentDisposition(std::string_view value) {
  ContentDisposition cd;
  size_t start = SkipCfws(value, 0);
  size_t end = start;
  while (end < value.size() && IsTokenChar(value[end])) ++end;
  cd.type = AsciiLower(value.substr(start, end - start));
  cd.params = ParseParams(value.substr(end));
  return cd;
}

}  // namespace posthorn::message
