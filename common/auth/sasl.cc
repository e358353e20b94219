#include "common/auth/sasl.h"

#include "common/base/base64.h"

namespace posthorn::auth {

Result<Credentials> DecodePlain(std::string_view base64) {
  std::optional<std::string> raw = Base64Decode(base64);
  if (!raw) return Error{"bad base64"};
  size_t first = raw->find('\0');
  if (first == std::string::npos) return Error{"bad PLAIN response"};
  size_t second = raw->find('\0', first + 1);
  if (second == std::string::npos || raw->find('\0', second + 1) != std::string::npos)
    return Error{"bad PLAIN response"};
  Credentials c{raw->substr(0, first), raw->substr(first + 1, second - first - 1), raw->substr(second + 1)};
  if (c.user.empty() || c.password.empty()) return Error{"empty user or password"};
  if (!c.authzid.empty() && c.authzid != c.user) return Error{"proxy authorization is not supported"};
  return c;
}

Result<std::string> DecodeLoginStep(std::string_view base64) {
  std::optional<std::string> raw = Base64Decode(base64);
  if (!raw) return Error{"bad base64"};
  if (raw->empty() || raw->find('\0') != std::string::npos) return Error{"bad LOGIN response"};
  return *raw;
}

}  // namespace posthorn::auth
