// Delivery status notifications (RFC 3464): the one message a sender gets
// when recipients failed for good or the queue lifetime ran out. Sent from
// MAILER-DAEMON with the null sender, so it can never bounce itself; the
// caller never bounces a message whose sender is already null.
#pragma once

#include <ctime>
#include <string>
#include <vector>

namespace posthorn::smtpd {

struct FailedRecipient {
  std::string address;     // as queued, without brackets
  std::string status;      // RFC 3463 code, e.g. "5.1.1"; "4.4.7" on expiry
  std::string diagnostic;  // why, one line (mda's stderr, an SMTP reply)
};

struct BounceInput {
  std::string hostname;
  std::string queue_id;
  time_t arrival = 0;
  time_t now = 0;
  std::string sender;            // the original sender: the bounce's To
  std::string original_headers;  // the failed message's header, CR LF
  std::vector<FailedRecipient> failed;
};

// The whole message, CR LF line ends, ready to queue.
std::string BuildBounce(const BounceInput& in);

// The status code for an mda exit code (contract 4).
std::string StatusForExitCode(int exit_code);

}  // namespace posthorn::smtpd
