#include "common/queue/envelope.h"

#include <cstdio>
#include <limits>
#include <set>

#include "common/base/strings.h"
#include "common/queue/checksum.h"
#include "common/queue/queue_id.h"
#include "common/queue/record.h"

namespace posthorn::queue {

namespace {

// Version 2 added the crc record, which it requires; version 1 (files
// from before it) knows no such record.
constexpr std::string_view kFirstLine1 = "posthorn-queue 1";
constexpr std::string_view kFirstLine2 = "posthorn-queue 2";

struct Word {
  const char* name;
  int value;
};
constexpr Word kBodyWords[] = {{"7bit", int(BodyType::k7Bit)},
                               {"8bitmime", int(BodyType::k8BitMime)},
                               {"binarymime", int(BodyType::kBinaryMime)}};
constexpr Word kRetWords[] = {{"full", int(DsnRet::kFull)}, {"hdrs", int(DsnRet::kHeaders)}};
constexpr Word kNotifyWords[] = {
    {"never", kNotifyNever}, {"success", kNotifySuccess}, {"failure", kNotifyFailure}, {"delay", kNotifyDelay}};

template <size_t N>
const char* WordFor(const Word (&words)[N], int value) {
  for (const Word& w : words)
    if (w.value == value) return w.name;
  return nullptr;
}
template <size_t N>
std::optional<int> ValueFor(const Word (&words)[N], std::string_view name) {
  for (const Word& w : words)
    if (name == w.name) return w.value;
  return std::nullopt;
}

std::string FormatNotify(unsigned notify) {
  std::string out;
  for (const Word& w : kNotifyWords) {
    if (!(notify & static_cast<unsigned>(w.value))) continue;
    out += out.empty() ? "" : ",";
    out += w.name;
  }
  return out;
}

std::optional<unsigned> ParseNotify(std::string_view list) {
  unsigned flags = 0;
  for (const std::string& word : SplitWords(list, /*commas=*/true)) {
    std::optional<int> f = ValueFor(kNotifyWords, word);
    if (!f || (flags & static_cast<unsigned>(*f))) return std::nullopt;
    flags |= static_cast<unsigned>(*f);
  }
  // RFC 3461 §4.1: NEVER stands alone; an empty list is no list.
  if (flags == 0 || ((flags & kNotifyNever) && flags != kNotifyNever)) return std::nullopt;
  if (list.empty() || list.front() == ',' || list.back() == ',' || list.find(",,") != std::string_view::npos)
    return std::nullopt;
  return flags;
}

void AddText(std::string* out, const char* name, const std::string& value) {
  if (!value.empty()) *out += std::string(name) + " " + EncodeField(value) + "\n";
}

// Parses a `rcpt PATH local|remote [notify=LIST] [orig=TEXT]` record.
Result<Recipient> ParseRecipient(const std::vector<std::string_view>& f) {
  if (f.size() < 3 || f.size() > 5) return Error{"rcpt: wrong number of fields"};
  Recipient r;
  Result<Address> a = DecodePath(f[1], /*allow_null=*/false);
  if (!a.ok()) return Error{"rcpt: " + a.message()};
  r.address = std::move(*a);
  if (f[2] != "local" && f[2] != "remote") return Error{"rcpt: bad kind"};
  r.local = f[2] == "local";
  bool seen_orig = false;
  for (size_t i = 3; i < f.size(); ++i) {
    if (f[i].starts_with("notify=") && r.notify == 0) {
      std::optional<unsigned> n = ParseNotify(f[i].substr(7));
      if (!n) return Error{"rcpt: bad notify"};
      r.notify = *n;
    } else if (f[i].starts_with("orig=") && !seen_orig) {
      std::optional<std::string> o = DecodeField(f[i].substr(5));
      if (!o || o->empty()) return Error{"rcpt: bad orig"};
      r.original = std::move(*o);
      seen_orig = true;
    } else {
      return Error{"rcpt: bad option"};
    }
  }
  return r;
}

// One record (other than rcpt and data) into `env`.
Status ParseRecord(const std::vector<std::string_view>& f, Envelope* env) {
  std::string_view name = f[0];
  if (name == "smtputf8") {
    if (f.size() != 1) return Error{"smtputf8: takes no value"};
    env->smtputf8 = true;
    return Status::Ok();
  }
  if (f.size() != 2) return Error{std::string(name) + ": wrong number of fields"};
  std::string_view v = f[1];
  auto bad = [&] { return Error{"bad " + std::string(name)}; };
  if (name == "id") {
    if (!IsValidQueueId(v)) return bad();
    env->id = v;
  } else if (name == "arrival" || name == "size" || name == "uid") {
    std::optional<uint64_t> n = ParseUnsigned(v);
    if (!n) return bad();
    if (name == "size") env->size = *n;
    if (name == "arrival" && *n > uint64_t(std::numeric_limits<int64_t>::max())) return bad();
    if (name == "arrival") env->arrival = static_cast<time_t>(*n);
    if (name == "uid" && *n > std::numeric_limits<uint32_t>::max()) return bad();
    if (name == "uid") env->client.uid = static_cast<int64_t>(*n);
  } else if (name == "crc") {
    std::optional<uint32_t> crc = ParseCrc(v);
    if (!crc) return bad();
    env->crc = *crc;
  } else if (name == "sender") {
    Result<Address> a = DecodePath(v, /*allow_null=*/true);
    if (!a.ok()) return Error{"sender: " + a.message()};
    env->sender = std::move(*a);
  } else if (name == "body" || name == "ret") {
    std::optional<int> w = name == "body" ? ValueFor(kBodyWords, v) : ValueFor(kRetWords, v);
    if (!w) return bad();
    if (name == "body") env->body = static_cast<BodyType>(*w);
    else env->ret = static_cast<DsnRet>(*w);
  } else {
    std::string* text = name == "helo"          ? &env->client.helo
                        : name == "client-addr" ? &env->client.address
                        : name == "client-name" ? &env->client.name
                        : name == "protocol"    ? &env->client.protocol
                        : name == "auth-user"   ? &env->client.auth_user
                        : name == "envid"       ? &env->envid
                                                : nullptr;
    if (text == nullptr) return Error{"unknown record '" + std::string(name) + "'"};
    std::optional<std::string> decoded = DecodeField(v);
    if (!decoded) return bad();
    *text = std::move(*decoded);
  }
  return Status::Ok();
}

}  // namespace

bool Recipient::operator==(const Recipient& o) const {
  return address.local == o.address.local && address.domain == o.address.domain && original == o.original &&
         local == o.local && notify == o.notify;
}

bool Envelope::operator==(const Envelope& o) const {
  return id == o.id && arrival == o.arrival && size == o.size && crc == o.crc && sender.local == o.sender.local &&
         sender.domain == o.sender.domain && recipients == o.recipients && client == o.client &&
         smtputf8 == o.smtputf8 && body == o.body && ret == o.ret && envid == o.envid;
}

Result<std::string> FormatEnvelope(const Envelope& e) {
  char size[32];
  std::snprintf(size, sizeof size, "%0*llu", int(kSizeDigits), static_cast<unsigned long long>(e.size));
  std::string out = std::string(e.crc ? kFirstLine2 : kFirstLine1) + "\n";
  out += "id " + e.id + "\n";
  out += "arrival " + std::to_string(e.arrival < 0 ? 0 : e.arrival) + "\n";
  out += "size " + std::string(size) + "\n";
  if (e.crc) out += "crc " + FormatCrc(*e.crc) + "\n";
  out += "sender " + EncodePath(e.sender) + "\n";
  AddText(&out, "helo", e.client.helo);
  AddText(&out, "client-addr", e.client.address);
  AddText(&out, "client-name", e.client.name);
  AddText(&out, "protocol", e.client.protocol);
  AddText(&out, "auth-user", e.client.auth_user);
  if (e.client.uid >= 0) out += "uid " + std::to_string(e.client.uid) + "\n";
  if (e.smtputf8) out += "smtputf8\n";
  if (const char* w = WordFor(kBodyWords, int(e.body))) out += std::string("body ") + w + "\n";
  if (const char* w = WordFor(kRetWords, int(e.ret))) out += std::string("ret ") + w + "\n";
  AddText(&out, "envid", e.envid);
  // Recipients last: a reader that wants only the sender stops early.
  for (const Recipient& r : e.recipients) {
    out += "rcpt " + EncodePath(r.address) + (r.local ? " local" : " remote");
    if (r.notify != 0) out += " notify=" + FormatNotify(r.notify);
    if (!r.original.empty()) out += " orig=" + EncodeField(r.original);
    out += "\n";
  }
  out += "data\n";
  size_t offset = 0;
  Result<Envelope> check = ParseEnvelope(out, &offset);
  if (!check.ok()) return Error{"envelope refused: " + check.message()};
  if (!(*check == e)) return Error{"envelope refused: it does not read back as written"};
  return out;
}

Result<Envelope> ParseEnvelope(std::string_view text, size_t* body_offset) {
  if (text.size() > kMaxEnvelopeBytes) {
    // Only the header has to fit; cut where the message may begin.
    text = text.substr(0, kMaxEnvelopeBytes);
  }
  LineCursor cursor(text, kMaxEnvelopeLine);
  Result<std::string_view> first = cursor.Next();
  if (!first.ok()) return first.error();
  if (*first != kFirstLine1 && *first != kFirstLine2) {
    if (first->starts_with("posthorn-queue ")) return cursor.At("unsupported version");
    return cursor.At("not a queue file");
  }
  bool version2 = *first == kFirstLine2;
  Envelope env;
  std::set<std::string, std::less<>> seen;
  std::vector<std::string_view> fields;
  while (true) {
    Result<std::string_view> line = cursor.Next();
    if (!line.ok()) return line.error();
    if (!SplitFields(*line, &fields)) return cursor.At("empty field");
    if (fields[0] == "data") {
      if (fields.size() != 1) return cursor.At("data: takes no value");
      break;
    }
    if (fields[0] == "rcpt") {
      if (env.recipients.size() == kMaxRecipients) return cursor.At("too many recipients");
      Result<Recipient> r = ParseRecipient(fields);
      if (!r.ok()) return cursor.At(r.message());
      env.recipients.push_back(std::move(*r));
      continue;
    }
    if (fields[0] == "crc" && !version2) return cursor.At("unknown record 'crc'");
    if (Status s = ParseRecord(fields, &env); !s.ok()) return cursor.At(s.message());
    if (!seen.emplace(fields[0]).second) return cursor.At("duplicate " + std::string(fields[0]));
  }
  for (const char* required : {"id", "arrival", "size", "sender", "crc"}) {
    if (!seen.count(required) && (version2 || std::string_view(required) != "crc"))
      return Error{std::string("missing ") + required + " record"};
  }
  if (env.recipients.empty()) return Error{"no rcpt record"};
  *body_offset = cursor.offset();
  return env;
}

}  // namespace posthorn::queue
