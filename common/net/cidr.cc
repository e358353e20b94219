#include "common/net/cidr.h"

#include <arpa/inet.h>

#include <cstring>

#include "common/base/strings.h"

namespace posthorn::net {

namespace {

// Parses an IPv4 or IPv6 address into 16 bytes (IPv4 as ::ffff:a.b.c.d).
bool ToBytes(const std::string& text, std::array<uint8_t, 16>* out, bool* v4) {
  struct in_addr a4;
  if (inet_pton(AF_INET, text.c_str(), &a4) == 1) {
    out->fill(0);
    (*out)[10] = (*out)[11] = 0xff;
    std::memcpy(out->data() + 12, &a4, 4);
    *v4 = true;
    return true;
  }
  struct in6_addr a6;
  if (inet_pton(AF_INET6, text.c_str(), &a6) == 1) {
    std::memcpy(out->data(), &a6, 16);
    *v4 = false;
    return true;
  }
  return false;
}

bool PrefixMatches(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b, int prefix) {
  int full = prefix / 8, rest = prefix % 8;
  if (std::memcmp(a.data(), b.data(), static_cast<size_t>(full)) != 0) return false;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[full] & mask) == (b[full] & mask);
}

}  // namespace

Result<CidrList> CidrList::Parse(std::string_view text) {
  CidrList list;
  for (const std::string& word : SplitWords(text, true)) {
    std::string addr = word, bits;
    size_t slash = word.rfind('/');
    if (slash != std::string::npos) {
      addr = word.substr(0, slash);
      bits = word.substr(slash + 1);
    }
    if (addr.size() >= 2 && addr.front() == '[' && addr.back() == ']') addr = addr.substr(1, addr.size() - 2);
    Range r;
    bool v4 = false;
    if (!ToBytes(addr, &r.bytes, &v4)) return Error{"bad network '" + word + "': not an IP address"};
    int max = v4 ? 32 : 128;
    int prefix = max;
    if (slash != std::string::npos) {
      std::optional<uint64_t> n = ParseUnsigned(bits);
      if (!n || *n > static_cast<uint64_t>(max)) return Error{"bad network '" + word + "': bad prefix length"};
      prefix = static_cast<int>(*n);
    }
    r.prefix = prefix + (v4 ? 96 : 0);
    list.ranges_.push_back(r);
  }
  return list;
}

bool CidrList::Contains(std::string_view address) const {
  std::array<uint8_t, 16> bytes;
  bool v4 = false;
  if (!ToBytes(std::string(address), &bytes, &v4)) return false;
  for (const Range& r : ranges_)
    if (PrefixMatches(bytes, r.bytes, r.prefix)) return true;
  return false;
}

bool IsLoopback(std::string_view address) {
  static const CidrList loopback = *CidrList::Parse("127.0.0.0/8 ::1");
  return loopback.Contains(address);
}

}  // namespace posthorn::net
