#include "common/base/text_record.h"

namespace posthorn {

namespace {

bool NeedsEncoding(unsigned char c) { return c <= ' ' || c >= 0x7f || c == '%'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;  // lower-case is not canonical
}

}  // namespace

std::string EncodeField(std::string_view raw) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(raw.size());
  for (char ch : raw) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (NeedsEncoding(c)) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

std::optional<std::string> DecodeField(std::string_view encoded) {
  std::string out;
  out.reserve(encoded.size());
  for (size_t i = 0; i < encoded.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(encoded[i]);
    if (c != '%') {
      if (NeedsEncoding(c)) return std::nullopt;
      out += encoded[i];
      continue;
    }
    if (encoded.size() - i < 3) return std::nullopt;
    int hi = HexValue(encoded[i + 1]), lo = HexValue(encoded[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    unsigned char d = static_cast<unsigned char>(hi << 4 | lo);
    if (!NeedsEncoding(d)) return std::nullopt;  // %41 for 'A': not canonical
    out += static_cast<char>(d);
    i += 2;
  }
  return out;
}

bool SplitFields(std::string_view line, std::vector<std::string_view>* fields) {
  fields->clear();
  size_t start = 0;
  while (true) {
    size_t space = line.find(' ', start);
    std::string_view field = line.substr(start, space == std::string_view::npos ? space : space - start);
    if (field.empty()) return false;
    fields->push_back(field);
    if (space == std::string_view::npos) return true;
    start = space + 1;
  }
}

}  // namespace posthorn
