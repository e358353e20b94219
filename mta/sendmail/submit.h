// sendmail's delivery mode: read the message on standard input and drop
// it into the maildrop, where smtpd picks it up (at once if it runs, when
// it starts if not). Works for any local user without privileges: the
// maildrop is a sticky, write-only directory (posthorn-queue(5)).
#pragma once

#include <cstdio>
#include <string>

#include "common/config/config.h"
#include "mta/sendmail/options.h"

namespace posthorn::sendmail {

// Returns a sysexits(3) code; on failure prints one line on stderr.
int Submit(const Options& options, const config::Config& config, FILE* in);

// Addresses in an RFC 5322 address-list (To:, Cc:, Bcc: values): group
// syntax, display names, comments and quoted strings handled.
std::vector<std::string> AddressesIn(std::string_view value);

}  // namespace posthorn::sendmail
