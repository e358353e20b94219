// Where a message goes: from mda's options and config to the list of
// Maildir directories to write. With -d the address is resolved through
// aliases and passwd (an alias may name several local users); with -m it
// is the Maildir given.
#pragma once

#include <string>
#include <vector>

#include "common/config/config.h"
#include "mda/failure.h"
#include "mda/options.h"

namespace posthorn::mda {

struct Target {
  std::string address;  // the local user (passwd spelling); "" with -m
  std::string maildir;  // the user's Maildir
  std::string dir;      // the Maildir or folder to write into
  bool user_maildir;    // created with the special folders (-d)
};

// `recipient` gets the -d address in its canonical form (brackets gone,
// domain lower-cased), for Delivered-To.
MaybeFailure PlanTargets(const Options& options, const config::Config& config, std::vector<Target>* targets,
                         std::string* recipient);

}  // namespace posthorn::mda
