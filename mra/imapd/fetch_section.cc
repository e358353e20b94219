#include "mra/imapd/fetch_section.h"

#include <algorithm>

#include "common/base/strings.h"
#include "common/message/header.h"

namespace posthorn::imapd {

namespace {

std::string_view HeaderOf(std::string_view message, const message::MimePart& p) {
  return message.substr(p.header_offset, p.header_size);
}

std::string_view BodyOf(std::string_view message, const message::MimePart& p) {
  return message.substr(p.body_offset, p.body_size);
}

bool Listed(std::string_view name, const std::vector<std::string>& fields) {
  return std::any_of(fields.begin(), fields.end(), [name](const std::string& f) { return EqualsIgnoreCase(name, f); });
}

// HEADER.FIELDS (.NOT): whole fields as written, then the blank line that
// RFC 3501 §6.4.5 keeps even when no field matched.
std::string SelectFields(std::string_view header, const std::vector<std::string>& fields, bool keep_listed) {
  message::Header parsed = message::ParseHeader(header);
  std::string out;
  for (const message::HeaderField& f : parsed.fields) {
    // A line that is no field has no name to be listed under.
    bool listed = !f.name.empty() && Listed(f.name, fields);
    if (listed == keep_listed) out.append(header.substr(f.offset, f.size));
  }
  // A last field without its line end still gets one before the blank line.
  if (!out.empty() && out.back() != '\n') out += "\r\n";
  out += "\r\n";
  return out;
}

}  // namespace

std::optional<std::string> SectionText(std::string_view message, const message::MimeTree& tree,
                                       const Section& section) {
  const message::MimePart* part = message::FindSection(tree.root, section.part);
  if (part == nullptr) return std::nullopt;
  using Kind = Section::Kind;
  if (!section.part.empty()) {
    if (section.kind == Kind::kAll) return std::string(BodyOf(message, *part));
    if (section.kind == Kind::kMime) return std::string(HeaderOf(message, *part));
    // HEADER and TEXT after a part number are of the message it carries
    // (RFC 3501 §6.4.5); a part that carries none has neither: empty, as
    // Dovecot answers, not the part's own MIME header and body.
    part = part->message();
    if (part == nullptr) return std::string();
  }
  switch (section.kind) {
    case Kind::kAll:
      return std::string(message);
    case Kind::kHeader:
      return std::string(HeaderOf(message, *part));
    case Kind::kHeaderFields:
    case Kind::kHeaderFieldsNot:
      return SelectFields(HeaderOf(message, *part), section.fields, section.kind == Kind::kHeaderFields);
    case Kind::kText:
      return std::string(BodyOf(message, *part));
    case Kind::kMime:
      break;  // needs a part number; the item parser refuses it without
  }
  return std::string(HeaderOf(message, *part));
}

std::string_view PartialOf(std::string_view text, uint64_t origin, uint64_t count) {
  if (origin >= text.size()) return {};
  return text.substr(origin, std::min<uint64_t>(count, text.size() - origin));
}

}  // namespace posthorn::imapd
