#include "mta/smtpd/received.h"

#include <cstdio>

#include "common/message/date.h"

namespace posthorn::smtpd {

namespace {

// The HELO name is the client's word: keep it from breaking the header.
std::string Clean(const std::string& s) {
  std::string out;
  for (unsigned char c : s) out += (c < 0x21 || c == 0x7f || c == '(' || c == ')') ? '?' : static_cast<char>(c);
  return out;
}

}  // namespace

std::string ProtocolName(bool ehlo, bool tls, bool authenticated, bool smtputf8) {
  if (!ehlo) return "SMTP";
  std::string p = smtputf8 ? "UTF8SMTP" : "ESMTP";
  if (tls) p += 'S';
  if (authenticated) p += 'A';
  return p;
}

std::string ReceivedHeader(const ReceivedInfo& i) {
  std::string h = "Received: from " + Clean(i.helo) + " (unknown [" + i.client_addr + "])\r\n";
  h += "\tby " + i.hostname + " (Posthorn) with " + i.protocol + " id " + i.queue_id;
  if (!i.tls_version.empty()) h += "\r\n\t(using " + i.tls_version + " with cipher " + i.tls_cipher + ")";
  if (!i.for_recipient.empty()) h += "\r\n\tfor <" + i.for_recipient + ">";
  h += "; " + Rfc5322Date(i.when) + "\r\n";
  return h;
}

}  // namespace posthorn::smtpd
