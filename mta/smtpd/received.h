// The Received: header smtpd puts on every message (RFC 5321 §4.4), with
// the protocol keyword of RFC 3848 / RFC 6531 (ESMTP, ESMTPS, ESMTPSA,
// UTF8SMTPS, ...) and the TLS parameters, as admins read them in Postfix's.
#pragma once

#include <ctime>
#include <string>

namespace posthorn::smtpd {

struct ReceivedInfo {
  std::string helo;         // as the client gave it
  std::string client_addr;  // "192.0.2.1" or "2001:db8::1"
  std::string hostname;     // ours
  std::string protocol;     // from ProtocolName()
  std::string queue_id;
  std::string tls_version, tls_cipher;  // empty without TLS
  std::string for_recipient;  // only when there is exactly one recipient
  time_t when = 0;
};

// "SMTP", "ESMTP", "ESMTPS", "ESMTPA", "ESMTPSA", "UTF8SMTPSA", ...
std::string ProtocolName(bool ehlo, bool tls, bool authenticated, bool smtputf8);

// The header field, folded, ending in CR LF.
std::string ReceivedHeader(const ReceivedInfo& info);

}  // namespace posthorn::smtpd
