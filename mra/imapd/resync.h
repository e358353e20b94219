// Quick resynchronisation on SELECT (RFC 7162 §3.2.5): what a client that
// knew the folder at some modseq missed, as VANISHED (EARLIER) and FETCH
// responses sent before SELECT's tagged OK.
#pragma once

#include <string>

#include "mra/imapd/condstore_args.h"
#include "mra/imapd/selected_folder.h"

namespace posthorn::imapd {

// Nothing when the UIDVALIDITY differs or the folder keeps no modseqs:
// the client then starts over (§3.2.5, §3.2.5.1).
std::string QresyncResponses(const SelectedFolder& folder, const QresyncParams& params);

}  // namespace posthorn::imapd
