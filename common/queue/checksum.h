// The checksum of a queue file (the crc record, posthorn-queue(5)): zlib's
// CRC-32 of the whole file with the digits of the size and crc records
// as zeros, as the writer has them until the message is complete.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace posthorn::queue {

uint32_t ExtendCrc(uint32_t crc, std::string_view bytes);

// kCrcDigits lower-case hex digits, and back (nullopt unless exactly so).
std::string FormatCrc(uint32_t crc);
std::optional<uint32_t> ParseCrc(std::string_view digits);

// Where the value of record `name` starts in a formatted header, or npos.
size_t RecordValueOffset(std::string_view header, std::string_view name);

}  // namespace posthorn::queue
