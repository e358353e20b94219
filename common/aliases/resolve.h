// From a recipient address to the local users who receive it: aliases are
// expanded (recursively, loops and depth limited), then each local result
// must be a passwd user. Targets outside the local domains are returned
// apart, for smtpd to relay.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/address/address.h"
#include "common/aliases/aliases.h"
#include "common/auth/passwd.h"
#include "common/base/result.h"

namespace posthorn {

struct LocalDomains {
  // Lower-case domain names. Empty means "every domain is local": the
  // passwd and aliases files alone decide (mda without a `domains` key).
  std::vector<std::string> domains;
  bool IsLocal(std::string_view domain) const;
};

struct Resolution {
  std::vector<Address> local;   // passwd users, spelled as in passwd, no duplicates
  std::vector<Address> remote;  // non-local alias targets
  // Why nothing local was found, when `local` and `remote` are both empty
  // (e.g. "no such user", "alias loop").
  std::string unknown_reason;
};

inline constexpr int kMaxAliasDepth = 10;

// Errors are temporary failures only (the files could not be read); an
// unknown user is a Resolution with nothing in it and a reason.
Result<Resolution> ResolveRecipient(const Address& recipient, const LocalDomains& domains,
                                    const AliasFile& aliases, const auth::PasswdFile& passwd);

}  // namespace posthorn
