// IMAP flag names and the Maildir flags behind them: the system flags map
// to the standard info letters (\Seen S, \Answered R, \Flagged F, \Deleted
// T, \Draft D), keywords to the folder's letters a-z (maildir/keywords.h).
// \Recent is the server's alone (RFC 3501 §2.3.2): shown, never stored.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"
#include "common/maildir/flags.h"

namespace posthorn::imapd {

// "(\Seen \Flagged $Forwarded)" for FETCH FLAGS; `keywords` names the
// letters (index i for 'a' + i); letters without a name are left out.
std::string FormatFlags(const maildir::Flags& flags, const std::vector<std::string>& keywords, bool recent);

// The FLAGS and PERMANENTFLAGS lists of SELECT: the system flags and every
// keyword the folder knows; PERMANENTFLAGS adds \* while there is room for
// new keywords.
std::string FlagsList(const std::vector<std::string>& keywords);
std::string PermanentFlagsList(const std::vector<std::string>& keywords);

// Flag names as a client gives them (STORE, APPEND): the system flags set
// into `*system`, the keywords (any case, as written) into `*keywords`.
// Refuses \Recent and unknown system flags, naming them.
Status ParseFlagNames(const std::vector<std::string>& names, maildir::Flags* system, std::vector<std::string>* keywords);

}  // namespace posthorn::imapd
