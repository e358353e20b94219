// SASL mechanisms the servers offer: PLAIN (RFC 4616) and LOGIN (the
// draft-murchison-sasl-login mechanism Outlook and old clients still use).
// Decoding only; the servers run the exchange and verify the password off
// the event loop.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace posthorn::auth {

struct Credentials {
  std::string authzid;  // PLAIN's authorization identity; "" or == user
  std::string user;
  std::string password;
};

// The client's base64 PLAIN response: `authzid NUL authcid NUL passwd`.
// Refused: bad base64, not exactly two NULs, empty user or password, an
// authzid naming someone else (we do not support proxy authorization).
Result<Credentials> DecodePlain(std::string_view base64);

// The 334 challenges of LOGIN, already base64 ("Username:", "Password:").
inline constexpr std::string_view kLoginUserChallenge = "VXNlcm5hbWU6";
inline constexpr std::string_view kLoginPasswordChallenge = "UGFzc3dvcmQ6";

// One LOGIN response (user or password): base64 of a non-empty string
// without NUL.
Result<std::string> DecodeLoginStep(std::string_view base64);

}  // namespace posthorn::auth
