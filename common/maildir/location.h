// Where a user's Maildir is: the `maildir` template of posthorn.conf with
// %d (domain), %n (local part), %u (whole address) and %% expanded.
#pragma once

#include <string>
#include <string_view>

#include "common/address/address.h"
#include "common/base/result.h"

namespace posthorn::maildir {

// Why `pattern` cannot be a maildir template ("" when it can): it must be
// an absolute path and use only the escapes above.
std::string CheckTemplate(std::string_view pattern);

// Expands `pattern` for `user`, lower-cased so that every spelling of an
// address reaches the same Maildir. An address part that is empty, starts
// with `.`, or holds `/`, a control byte or DEL is refused: an address can
// never name a path outside its own directory (`../x@d`, `a/b@d`).
Result<std::string> ExpandTemplate(std::string_view pattern, const Address& user);

}  // namespace posthorn::maildir
