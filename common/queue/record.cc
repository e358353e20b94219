#include "common/queue/record.h"

#include <cerrno>

#include "common/base/io.h"

namespace posthorn::queue {

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

std::string EncodePath(const Address& a) { return EncodeField("<" + a.ToString() + ">"); }

Result<Address> DecodePath(std::string_view field, bool allow_null) {
  std::optional<std::string> text = DecodeField(field);
  if (!text) return Error{"bad encoding"};
  AddressOptions options;
  options.allow_utf8 = true;
  options.allow_null = allow_null;
  return ParsePath(*text, options);
}

Result<std::string_view> LineCursor::Next() {
  ++line_;
  if (pos_ >= text_.size()) return At("unexpected end of header");
  size_t lf = text_.find('\n', pos_);
  size_t limit = pos_ + max_line_;
  if ((lf == std::string_view::npos && text_.size() - pos_ > max_line_) || (lf != std::string_view::npos && lf > limit))
    return At("line too long");
  if (lf == std::string_view::npos) return At("unexpected end of header");
  std::string_view line = text_.substr(pos_, lf - pos_);
  pos_ = lf + 1;
  return line;
}

Error LineCursor::At(const std::string& what) const { return Error{"line " + std::to_string(line_) + ": " + what}; }

Result<std::string> ReadHeader(int fd, size_t max, const std::string& what) {
  static constexpr std::string_view kEnd = "\ndata\n";
  std::string buf;
  char chunk[16384];
  while (true) {
    size_t room = max - buf.size();
    ssize_t n = ReadSome(fd, chunk, room < sizeof chunk ? room : sizeof chunk);
    if (n < 0) return SysError("cannot read " + what, errno);
    size_t from = buf.size() < kEnd.size() ? 0 : buf.size() - kEnd.size() + 1;
    buf.append(chunk, static_cast<size_t>(n));
    if (n == 0 || buf.size() >= max || buf.find(kEnd, from) != std::string::npos) return buf;
  }
}

}  // namespace posthorn::queue
