// Finding a message by its delivery tag (unique_name.h), so a delivery
// that is repeated after a crash can tell that it already happened.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace posthorn::maildir {

// The path of a message in `maildir`'s new/ or cur/ whose name carries
// `tag`, or nullopt. A missing Maildir holds nothing. Reads both
// directories whole: for the rare repeated delivery, not the common path.
Result<std::optional<std::string>> FindTagged(const std::string& maildir, std::string_view tag);

}  // namespace posthorn::maildir
