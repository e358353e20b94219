#include "common/base/utf8.h"

namespace posthorn {

Utf8Status NextCodePoint(std::string_view s, size_t* i, uint32_t* cp) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(*i);
  if (b0 < 0x80) {
    ++*i;
    *cp = b0;
    return Utf8Status::kOk;
  }
  size_t len;
  uint32_t value;
  uint32_t min;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    len = 2, value = b0 & 0x1f, min = 0x80;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    len = 3, value = b0 & 0x0f, min = 0x800;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    len = 4, value = b0 & 0x07, min = 0x10000;
  } else {
    return Utf8Status::kInvalid;
  }
  if (s.size() - *i < len) return Utf8Status::kTruncated;
  for (size_t k = 1; k < len; ++k) {
    unsigned char b = byte(*i + k);
    if ((b & 0xc0) != 0x80) return Utf8Status::kInvalid;
    value = (value << 6) | (b & 0x3f);
  }
  if (value < min || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return Utf8Status::kInvalid;
  *i += len;
  *cp = value;
  return Utf8Status::kOk;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

}  // namespace posthorn
