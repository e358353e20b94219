// The header of a maildrop file (posthorn-queue(5)), written by
// sendmail(1) for any local user and read by smtpd, which trusts none of
// it: a versioned first line, one sender, the recipients, then `data` and
// the message. Records are encoded as in the queue file (record.h). What
// smtpd knows better (queue ID, arrival time, who the user is) is not in
// it: smtpd takes those from the clock and the file's owner.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/address/address.h"
#include "common/base/result.h"

namespace posthorn::queue {

struct DropEnvelope {
  Address sender;  // may be null (sendmail -f '<>')
  std::vector<Address> recipients;
};

// The header, ending with "data\n"; refuses what ParseDrop would refuse.
Result<std::string> FormatDrop(const DropEnvelope& envelope);

// Parses the header at the start of `text`; `*body_offset` gets the offset
// of the first message byte. Same limits as ParseEnvelope.
Result<DropEnvelope> ParseDrop(std::string_view text, size_t* body_offset);

}  // namespace posthorn::queue
