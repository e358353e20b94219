#include "mta/smtpd/bounce.h"

#include <sysexits.h>

#include "common/message/date.h"

namespace posthorn::smtpd {

namespace {

// Diagnostics come from other programs and peers: one printable line.
std::string OneLine(const std::string& s) {
  std::string out;
  for (unsigned char c : s) out += (c < 0x20 || c >= 0x7f) ? ' ' : static_cast<char>(c);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out.size() > 900 ? out.substr(0, 900) : out;
}

}  // namespace

std::string StatusForExitCode(int exit_code) {
  switch (exit_code) {
    case EX_NOUSER: return "5.1.1";
    case EX_DATAERR: return "5.6.0";
    case EX_CANTCREAT: return "5.2.0";
    case EX_NOPERM: return "5.7.1";
    case EX_USAGE: return "5.3.0";
    default: return "5.3.0";
  }
}

std::string BuildBounce(const BounceInput& in) {
  std::string boundary = in.queue_id + ".bounce/" + in.hostname;
  bool expired = !in.failed.empty() && in.failed[0].status.rfind("4.", 0) == 0;
  std::string m;
  m += "From: MAILER-DAEMON@" + in.hostname + " (Mail Delivery System)\r\n";
  m += "To: <" + in.sender + ">\r\n";
  m += "Subject: Undelivered Mail Returned to Sender\r\n";
  m += "Date: " + Rfc5322Date(in.now) + "\r\n";
  m += "Message-ID: <" + in.queue_id + ".bounce@" + in.hostname + ">\r\n";
  m += "Auto-Submitted: auto-replied\r\n";  // RFC 3834: no autoresponder answers it
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"" + boundary + "\"\r\n";
  m += "\r\nThis is a MIME-encapsulated message.\r\n\r\n";

  m += "--" + boundary + "\r\nContent-Description: Notification\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n";
  m += "This is the mail system at " + in.hostname + ".\r\n\r\n";
  m += expired ? "Your message could not be delivered in the time the mail system keeps trying,\r\n"
                 "so it has given up on these recipients:\r\n\r\n"
               : "Your message could not be delivered to these recipients:\r\n\r\n";
  for (const FailedRecipient& f : in.failed) m += "<" + f.address + ">: " + OneLine(f.diagnostic) + "\r\n";
  m += "\r\nThe header of your message is attached. Queue ID: " + in.queue_id + "\r\n\r\n";

  m += "--" + boundary + "\r\nContent-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\n";
  m += "Reporting-MTA: dns; " + in.hostname + "\r\n";
  m += "X-Posthorn-Queue-ID: " + in.queue_id + "\r\n";
  m += "Arrival-Date: " + Rfc5322Date(in.arrival) + "\r\n";
  for (const FailedRecipient& f : in.failed) {
    m += "\r\nFinal-Recipient: rfc822; " + f.address + "\r\n";
    m += "Action: failed\r\n";
    m += "Status: " + f.status + "\r\n";
    m += "Diagnostic-Code: X-Posthorn; " + OneLine(f.diagnostic) + "\r\n";
  }
  m += "\r\n--" + boundary + "\r\nContent-Description: Undelivered Message Headers\r\n";
  m += "Content-Type: text/rfc822-headers\r\n\r\n";
  m += in.original_headers;
  if (!in.original_headers.empty() && in.original_headers.back() != '\n') m += "\r\n";
  m += "\r\n--" + boundary + "--\r\n";
  return m;
}

}  // namespace posthorn::smtpd
