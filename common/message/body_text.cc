#include "common/message/body_text.h"

#include "common/base/strings.h"
#include "common/message/charset.h"
#include "common/message/encoded_word.h"
#include "common/message/header.h"
#include "common/message/transfer_encoding.h"

namespace posthorn::message {

namespace {

// A text part's body as UTF-8. US-ASCII and UTF-8 are taken as they are:
// raw 8-bit UTF-8 in a part labelled US-ASCII is common, and is text.
std::string PartText(std::string_view message, const MimePart& part) {
  std::string octets = DecodeTransferEncoding(message.substr(part.body_offset, part.body_size), part.transfer_encoding);
  std::string_view charset = part.content_type.params.Get("charset");
  if (charset.empty() || EqualsIgnoreCase(charset, "us-ascii") || EqualsIgnoreCase(charset, "utf-8")) return octets;
  std::optional<std::string> utf8 = ConvertToUtf8(octets, charset);
  return utf8 ? std::move(*utf8) : octets;
}

// Recursion is bounded by the tree's depth (MimeLimits::max_depth).
void AppendPart(std::string_view message, const MimePart& part, std::string* out) {
  switch (part.kind) {
    case PartKind::kMultipart:
      for (const MimePart& child : part.children) AppendPart(message, child, out);
      return;
    case PartKind::kMessage:
      if (const MimePart* embedded = part.message()) {
        *out += HeaderText(message.substr(embedded->header_offset, embedded->header_size));
        AppendPart(message, *embedded, out);
      }
      return;
    case PartKind::kLeaf:
      break;
  }
  if (part.content_type.type != "text") return;
  if (!out->empty()) out->push_back('\n');
  *out += PartText(message, part);
}

}  // namespace

std::string HeaderText(std::string_view header) {
  std::string out;
  for (const HeaderField& f : ParseHeader(header).fields) {
    if (f.name.empty()) continue;  // not a field: nothing a reader sees as one
    out += std::string(f.name) + ": " + DecodeField(f.name, f.value) + "\n";
  }
  return out;
}

std::string BodyText(std::string_view message, const MimeTree& tree) {
  std::string out;
  AppendPart(message, tree.root, &out);
  return out;
}

}  // namespace posthorn::message
