// SMTP commands (RFC 5321 §4.1.1) parsed from one line, without a socket in
// sight. Parameters of MAIL and RCPT follow RFC 5321 §4.1.2
// (esmtp-keyword[=esmtp-value]) with the extensions smtpd offers: SIZE
// (RFC 1870), BODY (RFC 6152, RFC 3030), SMTPUTF8 (RFC 6531), AUTH=
// (RFC 4954, accepted and ignored). A parse failure is the Reply to send.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/address/address.h"
#include "common/base/result.h"
#include "common/smtp/reply.h"

namespace posthorn::smtp {

enum class Verb {
  kEhlo, kHelo, kMail, kRcpt, kData, kBdat, kRset, kNoop, kQuit, kVrfy, kExpn, kHelp, kStartTls, kAuth,
};

enum class BodyType { kUnspecified, k7Bit, k8BitMime, kBinaryMime };

struct Command {
  Verb verb;
  std::string argument;  // EHLO/HELO domain, VRFY/EXPN/HELP/NOOP text, AUTH mechanism + initial response
  // MAIL and RCPT:
  Address path;                 // null for MAIL FROM:<>
  std::optional<uint64_t> size; // MAIL SIZE=
  BodyType body = BodyType::kUnspecified;
  bool smtputf8 = false;        // MAIL SMTPUTF8
  // BDAT:
  uint64_t chunk_size = 0;
  bool last = false;
};

struct ParseError {
  Reply reply;
};

// Parses `line` (no CR LF). `smtputf8_allowed`: UTF-8 in paths is valid only
// when MAIL carried SMTPUTF8, so RCPT passes the transaction's flag; MAIL
// itself decides from its own parameters.
std::variant<Command, ParseError> ParseCommand(std::string_view line, bool smtputf8_allowed = false);

}  // namespace posthorn::smtp
