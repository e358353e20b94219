// Address ranges such as `mynetworks = 127.0.0.0/8 [::1]/128 192.0.2.7`:
// which clients may relay without authenticating. IPv4-mapped IPv6 peers
// (::ffff:192.0.2.7, what a dual-stack socket reports) match IPv4 ranges.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"

namespace posthorn::net {

class CidrList {
 public:
  // Space/comma separated ranges; a bare address is a single host; IPv6 may
  // be written bare or in brackets. Errors name the bad entry.
  static Result<CidrList> Parse(std::string_view text);
  // `address` as printed by inet_ntop ("192.0.2.7", "::1").
  bool Contains(std::string_view address) const;
  bool empty() const { return ranges_.empty(); }

 private:
  struct Range {
    std::array<uint8_t, 16> bytes;  // IPv4 stored IPv4-mapped
    int prefix;                     // over all 128 bits
  };
  std::vector<Range> ranges_;
};

// True for 127.0.0.0/8 and ::1 (and their IPv4-mapped forms).
bool IsLoopback(std::string_view address);

}  // namespace posthorn::net
