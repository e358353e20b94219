#include "common/queue/drop_format.h"

#include "common/queue/envelope.h"
#include "common/queue/record.h"

namespace posthorn::queue {

namespace {

constexpr std::string_view kFirstLine = "posthorn-drop 1";

bool SameAddress(const Address& a, const Address& b) { return a.local == b.local && a.domain == b.domain; }

}  // namespace

Result<std::string> FormatDrop(const DropEnvelope& e) {
  std::string out = std::string(kFirstLine) + "\nsender " + EncodePath(e.sender) + "\n";
  for (const Address& r : e.recipients) out += "rcpt " + EncodePath(r) + "\n";
  out += "data\n";
  size_t offset = 0;
  Result<DropEnvelope> check = ParseDrop(out, &offset);
  if (!check.ok()) return Error{"drop refused: " + check.message()};
  bool same = SameAddress(check->sender, e.sender) && check->recipients.size() == e.recipients.size();
  for (size_t i = 0; same && i < e.recipients.size(); ++i) same = SameAddress(check->recipients[i], e.recipients[i]);
  if (!same) return Error{"drop refused: it does not read back as written"};
  return out;
}

Result<DropEnvelope> ParseDrop(std::string_view text, size_t* body_offset) {
  if (text.size() > kMaxEnvelopeBytes) text = text.substr(0, kMaxEnvelopeBytes);
  LineCursor cursor(text, kMaxEnvelopeLine);
  Result<std::string_view> first = cursor.Next();
  if (!first.ok()) return first.error();
  if (*first != kFirstLine) {
    if (first->starts_with("posthorn-drop ")) return cursor.At("unsupported version");
    return cursor.At("not a maildrop file");
  }
  DropEnvelope env;
  bool have_sender = false;
  std::vector<std::string_view> f;
  while (true) {
    Result<std::string_view> line = cursor.Next();
    if (!line.ok()) return line.error();
    if (!SplitFields(*line, &f)) return cursor.At("empty field");
    if (f[0] == "data") {
      if (f.size() != 1) return cursor.At("data: takes no value");
      break;
    }
    if (f[0] != "sender" && f[0] != "rcpt") return cursor.At("unknown record '" + std::string(f[0]) + "'");
    if (f.size() != 2) return cursor.At(std::string(f[0]) + ": wrong number of fields");
    bool sender = f[0] == "sender";
    if (sender && have_sender) return cursor.At("duplicate sender");
    if (!sender && env.recipients.size() == kMaxRecipients) return cursor.At("too many recipients");
    Result<Address> a = DecodePath(f[1], /*allow_null=*/sender);
    if (!a.ok()) return cursor.At(std::string(f[0]) + ": " + a.message());
    if (sender) {
      env.sender = std::move(*a);
      have_sender = true;
    } else {
      env.recipients.push_back(std::move(*a));
    }
  }
  if (!have_sender) return Error{"missing sender record"};
  if (env.recipients.empty()) return Error{"no rcpt record"};
  *body_offset = cursor.offset();
  return env;
}

}  // namespace posthorn::queue
