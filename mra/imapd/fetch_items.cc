#include "mra/imapd/fetch_items.h"

#include <cctype>
#include <charconv>

#include "common/imap/chars.h"

namespace posthorn::imapd {

namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool Number(std::string_view s, uint64_t* out) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && *out <= 0xffffffffu;
}

// header-list: "(" header-fld-name *(SP header-fld-name) ")", names as
// astrings; kept upper-cased for matching and for the response.
bool ParseFieldList(std::string_view s, std::vector<std::string>* out) {
  if (s.size() < 2 || s.front() != '(' || s.back() != ')') return false;
  s = s.substr(1, s.size() - 2);
  while (!s.empty()) {
    std::string name;
    if (s.front() == '"') {
      size_t i = 1;
      for (; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        name += s[i];
      }
      if (i >= s.size()) return false;
      s.remove_prefix(i + 1);
    } else {
      size_t end = s.find(' ');
      name = std::string(s.substr(0, end));
      s.remove_prefix(end == std::string_view::npos ? s.size() : end);
      for (char c : name)
        if (!imap::IsAstringChar(c)) return false;
    }
    if (name.empty()) return false;
    out->push_back(Upper(name));
    if (!s.empty()) {
      if (s.front() != ' ' || s.size() == 1) return false;
      s.remove_prefix(1);
    }
  }
  return !out->empty();
}

// section-spec inside the brackets (RFC 3501 §9 section).
bool ParseSection(std::string_view s, Section* out) {
  while (!s.empty() && std::isdigit(static_cast<unsigned char>(s.front()))) {
    size_t dot = s.find('.');
    uint64_t n = 0;
    if (!Number(s.substr(0, dot), &n) || n == 0) return false;
    out->part.push_back(static_cast<uint32_t>(n));
    if (dot == std::string_view::npos) return true;
    s.remove_prefix(dot + 1);
    if (s.empty()) return false;
  }
  std::string rest = Upper(s);
  if (rest.empty()) return out->part.empty();
  if (rest == "HEADER") out->kind = Section::Kind::kHeader;
  else if (rest == "TEXT") out->kind = Section::Kind::kText;
  else if (rest == "MIME" && !out->part.empty()) out->kind = Section::Kind::kMime;
  else if (rest.starts_with("HEADER.FIELDS.NOT "))
    return (out->kind = Section::Kind::kHeaderFieldsNot, ParseFieldList(s.substr(18), &out->fields));
  else if (rest.starts_with("HEADER.FIELDS "))
    return (out->kind = Section::Kind::kHeaderFields, ParseFieldList(s.substr(14), &out->fields));
  else return false;
  return true;
}

std::string SectionLabel(const Section& s) {
  std::string out;
  for (size_t i = 0; i < s.part.size(); ++i) out += (i ? "." : "") + std::to_string(s.part[i]);
  auto sep = [&] { return out.empty() ? "" : "."; };
  switch (s.kind) {
    case Section::Kind::kAll: break;
    case Section::Kind::kHeader: out += std::string(sep()) + "HEADER"; break;
    case Section::Kind::kText: out += std::string(sep()) + "TEXT"; break;
    case Section::Kind::kMime: out += ".MIME"; break;
    case Section::Kind::kHeaderFields:
    case Section::Kind::kHeaderFieldsNot: {
      out += std::string(sep()) + (s.kind == Section::Kind::kHeaderFields ? "HEADER.FIELDS (" : "HEADER.FIELDS.NOT (");
      for (size_t i = 0; i < s.fields.size(); ++i) out += (i ? " " : "") + s.fields[i];
      out += ")";
      break;
    }
  }
  return out;
}

Result<FetchItem> ParseBodySection(std::string_view text) {
  FetchItem item;
  item.kind = FetchItem::Kind::kSection;
  std::string upper = Upper(text);
  size_t open = text.find('[');
  std::string_view head = text.substr(0, open);
  if (Upper(head) == "BODY.PEEK") item.peek = true;
  else if (Upper(head) != "BODY") return Error{"Unknown FETCH item " + std::string(text)};
  size_t close = text.rfind(']');
  if (close == std::string_view::npos || close < open) return Error{"Bad section in " + std::string(text)};
  if (!ParseSection(text.substr(open + 1, close - open - 1), &item.section))
    return Error{"Bad section in " + std::string(text)};
  std::string_view partial = text.substr(close + 1);
  std::string partial_label;
  if (!partial.empty()) {
    size_t dot = partial.find('.');
    uint64_t origin = 0, count = 0;
    if (partial.front() != '<' || partial.back() != '>' || dot == std::string_view::npos ||
        !Number(partial.substr(1, dot - 1), &origin) ||
        !Number(partial.substr(dot + 1, partial.size() - dot - 2), &count) || count == 0)
      return Error{"Bad partial in " + std::string(text)};
    item.origin = origin;
    item.count = count;
    // RFC 3501 §7.4.2: the response names only the origin.
    partial_label = "<" + std::to_string(origin) + ">";
  }
  item.label = "BODY[" + SectionLabel(item.section) + "]" + partial_label;
  return item;
}

Result<FetchItem> ParseOne(const imap::Arg& arg) {
  if (arg.kind != imap::Arg::Kind::kAtom) return Error{"FETCH items are atoms"};
  std::string name = Upper(arg.text);
  FetchItem item;
  item.label = name;
  using K = FetchItem::Kind;
  if (name == "FLAGS") item.kind = K::kFlags;
  else if (name == "UID") item.kind = K::kUid;
  else if (name == "INTERNALDATE") item.kind = K::kInternalDate;
  else if (name == "RFC822.SIZE") item.kind = K::kSize;
  else if (name == "ENVELOPE") item.kind = K::kEnvelope;
  else if (name == "BODY") item.kind = K::kBody;
  else if (name == "BODYSTRUCTURE") item.kind = K::kBodyStructure;
  else if (name == "MODSEQ") item.kind = K::kModseq;
  else if (name == "RFC822" || name == "RFC822.HEADER" || name == "RFC822.TEXT") {
    // RFC 3501 §6.4.5: BODY[], BODY.PEEK[HEADER], BODY[TEXT] under old names.
    item.kind = K::kSection;
    item.peek = name == "RFC822.HEADER";
    if (name == "RFC822.HEADER") item.section.kind = Section::Kind::kHeader;
    if (name == "RFC822.TEXT") item.section.kind = Section::Kind::kText;
  } else if (name.find('[') != std::string::npos) {
    return ParseBodySection(arg.text);
  } else {
    return Error{"Unknown FETCH item " + arg.text};
  }
  return item;
}

}  // namespace

Result<std::vector<FetchItem>> ParseFetchItems(const imap::Arg& arg) {
  std::vector<FetchItem> items;
  auto add = [&](const imap::Arg& a) -> Status {
    Result<FetchItem> item = ParseOne(a);
    if (!item.ok()) return item.error();
    items.push_back(std::move(*item));
    return Status::Ok();
  };
  if (arg.kind == imap::Arg::Kind::kAtom) {
    std::string macro = Upper(arg.text);
    // RFC 3501 §6.4.5 macros.
    std::vector<std::string> names;
    if (macro == "ALL") names = {"FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"};
    else if (macro == "FAST") names = {"FLAGS", "INTERNALDATE", "RFC822.SIZE"};
    else if (macro == "FULL") names = {"FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY"};
    if (!names.empty()) {
      for (const std::string& n : names) (void)add(imap::Arg{imap::Arg::Kind::kAtom, n, {}});
      return items;
    }
    if (Status s = add(arg); !s.ok()) return s.error();
    return items;
  }
  if (arg.kind != imap::Arg::Kind::kList || arg.list.empty()) return Error{"FETCH takes items"};
  for (const imap::Arg& a : arg.list)
    if (Status s = add(a); !s.ok()) return s.error();
  return items;
}

}  // namespace posthorn::imapd
