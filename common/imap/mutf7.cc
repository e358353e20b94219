#include "common/imap/mutf7.h"

#include <cstdint>
#include <vector>

#include "common/base/utf8.h"

namespace posthorn::imap {

namespace {

// RFC 3501 §5.1.3: BASE64 with "," in place of "/", and no "=" padding.
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == ',') return 63;
  return -1;
}

constexpr bool IsPrintable(uint32_t c) { return c >= 0x20 && c <= 0x7e; }

// The next code point of `s` from `*i`, or why there is none.
Result<uint32_t> NextCodePoint(std::string_view s, size_t* i) {
  uint32_t cp = 0;
  switch (posthorn::NextCodePoint(s, i, &cp)) {
    case Utf8Status::kOk:
      return cp;
    case Utf8Status::kTruncated:
      return Error{"Truncated UTF-8 in mailbox name"};
    case Utf8Status::kInvalid:
      break;
  }
  return Error{"Invalid UTF-8 in mailbox name"};
}

// "&", the UTF-16 code units in modified BASE64, the last bits padded with
// zeros, "-".
void AppendShifted(const std::vector<uint16_t>& units, std::string* out) {
  out->push_back('&');
  uint32_t bits = 0;
  int count = 0;
  for (uint16_t unit : units) {
    bits = (bits << 16) | unit;
    count += 16;
    while (count >= 6) {
      count -= 6;
      out->push_back(kAlphabet[(bits >> count) & 0x3f]);
    }
    bits &= (1u << count) - 1;
  }
  if (count > 0) out->push_back(kAlphabet[(bits << (6 - count)) & 0x3f]);
  out->push_back('-');
}

// Decodes the BASE64 run `run` (between "&" and "-") into `out`.
Status DecodeShifted(std::string_view run, std::string* out) {
  uint32_t bits = 0;
  int count = 0;
  uint32_t high = 0;  // a high surrogate waiting for its low one
  for (char c : run) {
    int v = Base64Value(c);
    if (v < 0) return Error{"Invalid character in modified BASE64"};
    bits = (bits << 6) | static_cast<uint32_t>(v);
    count += 6;
    if (count < 16) continue;
    count -= 16;
    uint32_t unit = (bits >> count) & 0xffff;
    bits &= (1u << count) - 1;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      if (high != 0) return Error{"Unpaired UTF-16 surrogate in mailbox name"};
      high = unit;
      continue;
    }
    uint32_t cp = unit;
    if (unit >= 0xdc00 && unit <= 0xdfff) {
      if (high == 0) return Error{"Unpaired UTF-16 surrogate in mailbox name"};
      cp = 0x10000 + ((high - 0xd800) << 10) + (unit - 0xdc00);
      high = 0;
    } else if (high != 0) {
      return Error{"Unpaired UTF-16 surrogate in mailbox name"};
    }
    if (cp == 0) return Error{"NUL in mailbox name"};
    if (IsPrintable(cp)) return Error{"Printable ASCII encoded in modified BASE64"};
    AppendUtf8(cp, out);
  }
  if (high != 0) return Error{"Unpaired UTF-16 surrogate in mailbox name"};
  // The shortest encoding leaves fewer than 6 bits over, all zero.
  if (count >= 6) return Error{"Superfluous character in modified BASE64"};
  if (bits != 0) return Error{"Non-zero padding bits in modified BASE64"};
  return Status::Ok();
}

}  // namespace

Result<std::string> Utf8ToMutf7(std::string_view utf8) {
  std::string out;
  std::vector<uint16_t> units;  // the shifted run being collected
  size_t i = 0;
  while (i < utf8.size()) {
    Result<uint32_t> cp = NextCodePoint(utf8, &i);
    if (!cp) return cp.error();
    if (*cp == 0) return Error{"NUL in mailbox name"};
    if (!IsPrintable(*cp)) {
      if (*cp >= 0x10000) {
        units.push_back(static_cast<uint16_t>(0xd800 + ((*cp - 0x10000) >> 10)));
        units.push_back(static_cast<uint16_t>(0xdc00 + ((*cp - 0x10000) & 0x3ff)));
      } else {
        units.push_back(static_cast<uint16_t>(*cp));
      }
      continue;
    }
    if (!units.empty()) {
      AppendShifted(units, &out);
      units.clear();
    }
    out += *cp == '&' ? "&-" : std::string(1, static_cast<char>(*cp));
  }
  if (!units.empty()) AppendShifted(units, &out);
  return out;
}

Result<std::string> Mutf7ToUtf8(std::string_view mutf7) {
  std::string out;
  bool after_run = false;  // the last thing read was a shifted run
  size_t i = 0;
  while (i < mutf7.size()) {
    char c = mutf7[i];
    if (!IsPrintable(static_cast<unsigned char>(c))) return Error{"Octet outside printable ASCII in mailbox name"};
    if (c != '&') {
      out.push_back(c);
      after_run = false;
      ++i;
      continue;
    }
    if (i + 1 == mutf7.size() || (mutf7[i + 1] != '-' && Base64Value(mutf7[i + 1]) < 0)) {
      return Error{"Bare & in mailbox name (\"&\" is written \"&-\")"};
    }
    size_t end = mutf7.find('-', i + 1);
    if (end == std::string_view::npos) return Error{"Unterminated shift in mailbox name"};
    if (end == i + 1) {  // "&-" is "&"
      out.push_back('&');
      after_run = false;
      i = end + 1;
      continue;
    }
    // "&AGE-&AGE-" would spell what "&AGEA4Q-" does.
    if (after_run) return Error{"Shifted runs back to back in mailbox name"};
    Status s = DecodeShifted(mutf7.substr(i + 1, end - i - 1), &out);
    if (!s) return s.error();
    after_run = true;
    i = end + 1;
  }
  return out;
}

}  // namespace posthorn::imap
