#include "mra/imapd/envelope.h"

#include <algorithm>

#include "common/imap/wire.h"
#include "common/message/address_list.h"
#include "common/message/header.h"

namespace posthorn::imapd {

namespace {

using message::Header;
using message::HeaderField;
using message::Mailbox;

// date, subject, in-reply-to, message-id: env-* = nstring.
std::string UnstructuredField(const Header& header, std::string_view name) {
  const HeaderField* f = header.Find(name);
  return f ? FormatHeaderString(message::Unfold(f->value)) : "NIL";
}

// addr-name and addr-adl: NIL when there is nothing to say.
std::string NilIfEmpty(std::string_view s) { return s.empty() ? "NIL" : FormatHeaderString(s); }

// One address structure (§9 address). Group markers are the special
// forms of §7.4.2: (NIL NIL "name" NIL) opens a group, all NIL closes it.
void AppendAddress(const Mailbox& m, std::string* out) {
  switch (m.kind) {
    case Mailbox::Kind::kGroupStart:
      *out += "(NIL NIL " + FormatHeaderString(m.name) + " NIL)";
      return;
    case Mailbox::Kind::kGroupEnd:
      *out += "(NIL NIL NIL NIL)";
      return;
    case Mailbox::Kind::kMailbox:
      break;
  }
  // The mailbox is a string even when empty (`<>`): NIL there would read
  // as the end of a group.
  std::string_view host = m.domain.empty() ? kMissingHost : std::string_view(m.domain);
  *out += "(" + NilIfEmpty(m.name) + " " + NilIfEmpty(m.route) + " " + FormatHeaderString(m.local) + " " +
          FormatHeaderString(host) + ")";
}

// env-from and the rest: "(" 1*address ")" or NIL. Empty (NIL) also for
// a field that is present but holds no address, which is what lets
// Sender and Reply-To fall back to From.
std::string AddressField(const Header& header, std::string_view name) {
  const HeaderField* f = header.Find(name);
  if (!f) return "NIL";
  message::AddressList list = message::ParseAddressList(f->value);
  if (list.entries.empty()) return "NIL";
  std::string out = "(";
  for (const Mailbox& m : list.entries) AppendAddress(m, &out);
  out += ")";
  return out;
}

}  // namespace

std::string FormatHeaderString(std::string_view s) {
  if (s.find('\0') == std::string_view::npos) return imap::FormatString(s);
  std::string copy(s);
  std::replace(copy.begin(), copy.end(), '\0', ' ');
  return imap::FormatString(copy);
}

std::string FormatEnvelope(std::string_view message) {
  Header header = message::ParseHeader(message);
  std::string from = AddressField(header, "From");
  std::string sender = AddressField(header, "Sender");
  std::string reply_to = AddressField(header, "Reply-To");
  // RFC 3501 §7.4.2: the server fills these in, "the client is not
  // expected to know to do this".
  if (sender == "NIL") sender = from;
  if (reply_to == "NIL") reply_to = from;
  std::string out = "(";
  out += UnstructuredField(header, "Date") + " ";
  out += UnstructuredField(header, "Subject") + " ";
  out += from + " " + sender + " " + reply_to + " ";
  out += AddressField(header, "To") + " ";
  out += AddressField(header, "Cc") + " ";
  out += AddressField(header, "Bcc") + " ";
  out += UnstructuredField(header, "In-Reply-To") + " ";
  out += UnstructuredField(header, "Message-ID") + ")";
  return out;
}

}  // namespace posthorn::imapd
