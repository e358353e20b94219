#include "common/net/listen_spec.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>
#include <optional>

#include "common/base/strings.h"

namespace posthorn::net {

namespace {

Error Bad(const std::string& entry, const std::string& why) {
  return Error{"bad listen entry '" + entry + "': " + why};
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<ListenSpec> ParseEntry(const std::string& entry) {
  size_t slash = entry.rfind('/');
  if (slash == std::string::npos) return Bad(entry, "missing /KIND");
  ListenSpec spec;
  spec.kind = entry.substr(slash + 1);
  if (!IsIdentifier(spec.kind)) return Bad(entry, "kind must be a name like smtp or imaps");

  std::string_view hostport(entry.data(), slash);
  std::string_view port;
  if (!hostport.empty() && hostport[0] == '[') {
    size_t close = hostport.find(']');
    if (close == std::string_view::npos) return Bad(entry, "missing ']' after IPv6 address");
    if (close + 1 >= hostport.size() || hostport[close + 1] != ':') return Bad(entry, "missing :PORT");
    spec.address = std::string(hostport.substr(1, close - 1));
    port = hostport.substr(close + 2);
    in6_addr a6;
    if (inet_pton(AF_INET6, spec.address.c_str(), &a6) != 1) return Bad(entry, "not an IPv6 address");
    spec.ipv6 = true;
  } else {
    size_t colon = hostport.find(':');
    if (colon == std::string_view::npos) return Bad(entry, "missing :PORT");
    if (hostport.find(':', colon + 1) != std::string_view::npos)
      return Bad(entry, "IPv6 addresses go in brackets, as [::1]:25/smtp");
    spec.address = std::string(hostport.substr(0, colon));
    port = hostport.substr(colon + 1);
    in_addr a4;
    if (spec.address.empty()) return Bad(entry, "missing address (use 0.0.0.0 for all)");
    // inet_pton, not inet_aton: "127.1" and "0x7f.1" are not addresses an
    // admin means, and a host name must not reach the resolver.
    if (inet_pton(AF_INET, spec.address.c_str(), &a4) != 1)
      return Bad(entry, "not an IP address (host names are not accepted)");
  }
  std::optional<uint64_t> n = port.size() <= 5 ? ParseUnsigned(port) : std::nullopt;
  if (!n || *n < 1 || *n > 65535) return Bad(entry, "port must be a number from 1 to 65535");
  spec.port = static_cast<uint16_t>(*n);
  return spec;
}

}  // namespace

std::string ListenSpec::ToString() const {
  std::string host = ipv6 ? "[" + address + "]" : address;
  return host + ":" + std::to_string(port) + "/" + kind;
}

socklen_t ListenSpec::ToSockaddr(sockaddr_storage* out) const {
  std::memset(out, 0, sizeof *out);
  if (ipv6) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(out);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    if (inet_pton(AF_INET6, address.c_str(), &sin6->sin6_addr) != 1) return 0;
    return sizeof *sin6;
  }
  auto* sin = reinterpret_cast<sockaddr_in*>(out);
  sin->sin_family = AF_INET;
  sin->sin_port = htons(port);
  if (inet_pton(AF_INET, address.c_str(), &sin->sin_addr) != 1) return 0;
  return sizeof *sin;
}

Result<std::vector<ListenSpec>> ParseListen(std::string_view value) {
  std::vector<ListenSpec> specs;
  for (const std::string& entry : SplitWords(value)) {
    Result<ListenSpec> spec = ParseEntry(entry);
    if (!spec.ok()) return spec.error();
    for (const ListenSpec& seen : specs) {
      if (seen.ipv6 == spec->ipv6 && seen.address == spec->address && seen.port == spec->port)
        return Bad(entry, "address and port already listed");
    }
    specs.push_back(std::move(spec).value());
  }
  if (specs.empty()) return Error{"listen: no addresses given"};
  return specs;
}

}  // namespace posthorn::net
