#include "common/maildir/uidlist_format.h"

#include <array>
#include <charconv>

namespace posthorn::maildir {

namespace {

constexpr std::string_view kMagic = "posthorn-uidlist 1 ";

// A decimal uint32 without sign or leading zeros.
bool ParseNumber(std::string_view s, uint32_t* out) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

Error At(size_t line, const std::string& what) { return Error{"line " + std::to_string(line) + ": " + what}; }

// Parses entry lines from `text` (which starts at a line boundary) into
// `out`, the first being line `first_line` of the file.
Status ParseEntries(std::string_view text, size_t first_line, uint32_t last_uid, UidListText* out, size_t base) {
  size_t pos = 0;
  for (size_t line = first_line;; ++line) {
    size_t lf = text.find('\n', pos);
    if (lf == std::string_view::npos) break;  // cut-off last line: ignored
    std::string_view l = text.substr(pos, lf - pos);
    size_t sp = l.find(' ');
    uint32_t uid = 0;
    if (sp == std::string_view::npos || !ParseNumber(l.substr(0, sp), &uid)) return At(line, "bad UID");
    if (uid <= last_uid) return At(line, "UID " + std::to_string(uid) + " does not ascend");
    if (uid > kMaxUid) return At(line, "UID out of range");
    std::string_view name = l.substr(sp + 1);
    if (std::string why = CheckBaseName(name); !why.empty()) return At(line, why);
    out->entries.push_back(UidEntry{uid, name});
    last_uid = uid;
    pos = lf + 1;
    out->complete = base + pos;
  }
  return Status::Ok();
}

}  // namespace

std::string CheckBaseName(std::string_view base) {
  if (base.empty()) return "empty base name";
  if (base.size() > kMaxBaseName) return "base name too long";
  // A table, not four tests a byte: a folder's first look checks 100,000
  // names.
  static constexpr auto kBad = [] {
    std::array<bool, 256> bad{};
    for (int u = 0; u < 256; ++u) bad[u] = u <= 0x20 || u >= 0x7f || u == '/' || u == ':';
    return bad;
  }();
  bool bad = false;
  for (char c : base) bad |= kBad[static_cast<unsigned char>(c)];
  return bad ? "bad character in base name" : "";
}

Result<UidListText> ParseUidList(std::string_view text) {
  size_t lf = text.find('\n');
  if (lf == std::string_view::npos) return Error{"line 1: no complete first line"};
  std::string_view first = text.substr(0, lf);
  if (!first.starts_with(kMagic)) return Error{"line 1: not a posthorn-uidlist 1 file"};
  std::string_view rest = first.substr(kMagic.size());
  size_t sp = rest.find(' ');
  UidListText out;
  if (sp == std::string_view::npos || !ParseNumber(rest.substr(0, sp), &out.uidvalidity) || out.uidvalidity == 0)
    return Error{"line 1: bad UIDVALIDITY"};
  if (!ParseNumber(rest.substr(sp + 1), &out.next_uid) || out.next_uid == 0 || out.next_uid > kMaxUid + 1)
    return Error{"line 1: bad next UID"};
  out.complete = lf + 1;
  if (Status s = ParseEntries(text.substr(lf + 1), 2, 0, &out, lf + 1); !s.ok()) return s.error();
  return out;
}

Result<UidListText> ParseUidListTail(std::string_view text, uint32_t last_uid) {
  UidListText out;
  // Line numbers are relative to the tail: the caller knows where it began.
  if (Status s = ParseEntries(text, 1, last_uid, &out, 0); !s.ok()) return Error{"appended " + s.message()};
  return out;
}

std::string FormatUidListHeader(uint32_t uidvalidity, uint32_t next_uid) {
  return std::string(kMagic) + std::to_string(uidvalidity) + " " + std::to_string(next_uid) + "\n";
}

std::string FormatUidEntry(const UidEntry& entry) {
  std::string out;
  AppendUidEntry(entry, &out);
  return out;
}

void AppendUidEntry(const UidEntry& entry, std::string* out) {
  char digits[12];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, entry.uid);
  out->append(digits, end);
  *out += ' ';
  *out += entry.base;
  *out += '\n';
}

}  // namespace posthorn::maildir
