// The `listen` config value (DESIGN.md contract 1): a space-separated list
// of `ADDR:PORT/KIND`, IPv6 in brackets (`[::1]:25/smtp`). Pure: parsing
// touches no socket, so tests and the config checker call it directly.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"

namespace posthorn::net {

struct ListenSpec {
  std::string address;  // numeric, as written: "0.0.0.0", "::1" (no brackets)
  uint16_t port = 0;    // 1..65535 from the config; tests build 0 by hand
  std::string kind;     // "smtp", "submissions", ...: the caller checks it
  bool ipv6 = false;

  // "127.0.0.1:25/smtp", "[::1]:25/smtp": the form admins wrote, for logs.
  std::string ToString() const;
  // Fills `out` with the socket address; returns its length. The address
  // was checked by ParseListen, so this cannot fail for a parsed spec
  // (a hand-built bad one yields 0).
  socklen_t ToSockaddr(sockaddr_storage* out) const;
};

// Parses the whole value. Addresses only: a host name would make binding
// depend on DNS at start-up, so it is refused. Errors read
// "bad listen entry '<entry>': <why>". An empty value, and the same
// address and port twice, are errors too.
Result<std::vector<ListenSpec>> ParseListen(std::string_view value);

}  // namespace posthorn::net
