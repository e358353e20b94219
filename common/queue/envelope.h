// The envelope of a queued message: who sent it, to whom, and how it came
// in. It is the head of every queue file (posthorn-queue(5)): text
// records, one per line, after a versioned first line and up to the line
// `data`, after which the message bytes follow.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/address/address.h"
#include "common/base/result.h"

namespace posthorn::queue {

// Limits of ParseEnvelope (and so of what FormatEnvelope will write).
inline constexpr size_t kMaxEnvelopeLine = 4096;       // bytes, without the LF
inline constexpr size_t kMaxRecipients = 10000;
inline constexpr size_t kMaxEnvelopeBytes = 4 << 20;   // the whole header

// BODY= of MAIL FROM (RFC 6152, RFC 3030); kUnspecified when absent.
enum class BodyType { kUnspecified, k7Bit, k8BitMime, kBinaryMime };
// RET= of MAIL FROM (RFC 3461 §4.3).
enum class DsnRet { kUnspecified, kFull, kHeaders };
// NOTIFY= of RCPT TO (RFC 3461 §4.1), a bit set; 0 when absent.
enum NotifyFlags : unsigned {
  kNotifyNever = 1,
  kNotifySuccess = 2,
  kNotifyFailure = 4,
  kNotifyDelay = 8,
};

struct Recipient {
  Address address;
  std::string original;  // what the client wrote (ORCPT, RFC 3461 §4.2); may be ""
  bool local = false;    // delivered by mda rather than over SMTP
  unsigned notify = 0;   // NotifyFlags

  bool operator==(const Recipient& o) const;
};

// Where the message came from; all optional, "" when unknown.
struct ClientInfo {
  std::string helo;       // EHLO/HELO argument
  std::string address;    // peer IP address
  std::string name;       // verified reverse DNS name
  std::string protocol;   // "ESMTPSA", "SMTP", "LOCAL", ...
  std::string auth_user;  // the AUTH identity; never a password
  int64_t uid = -1;       // the local user who ran sendmail(1), or -1

  bool operator==(const ClientInfo& o) const = default;
};

struct Envelope {
  std::string id;     // a queue ID (queue_id.h)
  time_t arrival = 0;
  uint64_t size = 0;  // bytes of message after the header
  // CRC-32 (zlib's) of the whole file with the digits of the size and
  // crc records as zeros; absent in files written before it existed.
  // Proves a queue file complete when nothing else does (store.h).
  std::optional<uint32_t> crc;
  Address sender;     // null for <>
  std::vector<Recipient> recipients;
  ClientInfo client;
  bool smtputf8 = false;
  BodyType body = BodyType::kUnspecified;
  DsnRet ret = DsnRet::kUnspecified;
  std::string envid;  // ENVID= (RFC 3461 §4.4), decoded; may be ""

  // A message with the null reverse-path is a bounce (or another
  // notification): it is never answered with a bounce (RFC 5321 §6.1).
  bool is_bounce() const { return sender.null(); }
  bool operator==(const Envelope& o) const;
};

// The header for `envelope`, ending with "data\n". The size and crc
// records are zero-padded to kSizeDigits and kCrcDigits so that the
// writer can fill them in when the message is complete. Refuses (with
// ParseEnvelope's message) an envelope that ParseEnvelope would refuse:
// the store never writes a file it could not read back.
inline constexpr size_t kSizeDigits = 20;
inline constexpr size_t kCrcDigits = 8;  // lower-case hex
Result<std::string> FormatEnvelope(const Envelope& envelope);

// Parses the header at the start of `text` (which may go on into the
// message). `*body_offset` gets the offset of the first message byte.
// Strict: unknown records, duplicates, missing required records and
// anything over the limits are refused with the line number.
Result<Envelope> ParseEnvelope(std::string_view text, size_t* body_offset);

}  // namespace posthorn::queue
