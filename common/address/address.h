// Mail addresses as SMTP carries them (RFC 5321 §4.1.2) and as users type
// them. Domains compare case-insensitively and are stored lower-case; the
// local part keeps its case (RFC 5321 §2.4), and local lookups fold it.
#pragma once

#include <string>
#include <string_view>

#include "common/base/result.h"

namespace posthorn {

struct Address {
  std::string local;   // unquoted form: `"john doe"@x` has local `john doe`
  std::string domain;  // lower-case; `[192.0.2.1]` literals kept as written

  bool null() const { return local.empty() && domain.empty(); }
  // The address as it goes on the wire: local part quoted when it must be
  // (RFC 5321 §4.1.2 Quoted-string), `local@domain`; "" for the null path.
  std::string ToString() const;
  // Lower-cased `local@domain`: the key for passwd and aliases lookups.
  std::string Key() const;
};

struct AddressOptions {
  bool allow_utf8 = false;  // SMTPUTF8 (RFC 6531): UTF-8 in local part and domain
  bool allow_null = false;  // accept `<>` (the reverse-path of a bounce)
};

// RFC 5321 limits (§4.5.3.1).
inline constexpr size_t kMaxLocalPart = 64;
inline constexpr size_t kMaxDomain = 255;
inline constexpr size_t kMaxPath = 256;

// Parses an SMTP path: `<local@domain>`, with an optional source route
// (`<@a,@b:local@domain>`, which is accepted and dropped as §4.1.1.3 says).
// Errors say what is wrong in a phrase fit for a 501 reply.
Result<Address> ParsePath(std::string_view text, const AddressOptions& options = {});

// Parses an address given on a command line or in a file: `local@domain`
// with or without angle brackets.
Result<Address> ParseAddress(std::string_view text, const AddressOptions& options = {});

// True when `domain` is a syntactically valid domain or address literal.
bool IsValidDomain(std::string_view domain, bool allow_utf8 = false);

}  // namespace posthorn
