// mda's command line: `mda [-c FILE] (-d ADDRESS | -m MAILDIR) [-f SENDER]
// [-F FOLDER] [-i ID]`, parsed without side effects so tests can call it.
#pragma once

#include <optional>
#include <string>

#include "common/base/result.h"

namespace posthorn::mda {

struct Options {
  std::string config_path;                // -c; "" = $POSTHORN_CONF or default
  std::string address;                    // -d: deliver to this user
  std::string maildir;                    // -m: deliver into this Maildir
  std::optional<std::string> sender;      // -f: "" is the null sender
  std::string folder;                     // -F: Maildir++ folder, "" = INBOX
  std::string delivery_id;                // -i: tags the file names
};

inline constexpr const char* kUsage = "usage: mda [-c FILE] (-d ADDRESS | -m MAILDIR) [-f SENDER] [-F FOLDER] [-i ID]";

Result<Options> ParseOptions(int argc, char** argv);

}  // namespace posthorn::mda
