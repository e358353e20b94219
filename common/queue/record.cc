#include "common/queue/record.h"

#include <cerrno>

#include "common/base/io.h"

namespace posthorn::queue {

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
