#include "common/queue/checksum.h"

#include <zlib.h>

#include <cstdio>

#include "common/queue/envelope.h"

namespace posthorn::queue {

uint32_t ExtendCrc(uint32_t crc, std::string_view bytes) {
  return static_cast<uint32_t>(crc32_z(crc, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size()));
}

std::string FormatCrc(uint32_t crc) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%0*x", int(kCrcDigits), crc);
  return digits;
}

std::optional<uint32_t> ParseCrc(std::string_view digits) {
  if (digits.size() != kCrcDigits) return std::nullopt;
  uint32_t crc = 0;
  for (char c : digits) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return std::nullopt;
    crc = crc << 4 | static_cast<uint32_t>(d);
  }
  return crc;
}

size_t RecordValueOffset(std::string_view header, std::string_view name) {
  std::string key = "\n" + std::string(name) + " ";
  size_t at = header.find(key);
  return at == std::string_view::npos ? at : at + key.size();
}

}  // namespace posthorn::queue
