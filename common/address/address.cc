// Mailbox and path grammar of RFC 5321 §4.1.2, with the RFC 6531 (SMTPUTF8)
// extension that admits UTF-8 in atext, qtextSMTP and sub-domains.
//
// The parser is strict on purpose: whatever it accepts is later used as a
// lookup key and pieces of it may name files, so it refuses every control
// character, every stray space and every malformed UTF-8 sequence, and it
// never unquotes into something it could not quote back.
#include "common/address/address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "common/base/strings.h"

namespace posthorn {

namespace {

inline constexpr size_t kMaxLabel = 63;  // RFC 1035 §2.3.4

bool IsAlnum(unsigned char c) { return IsAsciiAlnum(static_cast<char>(c)); }

// RFC 5322 §3.2.3 atext, which RFC 5321 §4.1.2 uses for Atom.
bool IsAtext(unsigned char c) {
  return IsAlnum(c) || std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7f; }

// Length of the well-formed UTF-8 sequence (RFC 3629 §4) at the start of
// `s`, or 0. The tight second-byte ranges are what rule out overlong forms
// (C0, C1, E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and code points
// above U+10FFFF (F4 90.., F5..FF).
size_t Utf8SequenceLength(std::string_view s) {
  auto byte = [s](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = byte(0);
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
  } else {
    return 0;
  }
  if (s.size() < n || byte(1) < lo || byte(1) > hi) return 0;
  for (size_t i = 2; i < n; ++i)
    if (byte(i) < 0x80 || byte(i) > 0xbf) return 0;
  return n;
}

// The one phrase for a byte that is not allowed where it stands.
Error BadByte(unsigned char c, std::string_view where, bool utf8) {
  std::string w(where);
  if (IsControl(c)) return Error{"control character in " + w};
  if (c >= 0x80) return Error{(utf8 ? "invalid UTF-8 in " : "non-ASCII character in ") + w};
  return Error{"bad character in " + w};
}

// Length of the UTF-8 character at the start of `s` when `utf8` allows it,
// or 0 (the caller then reports BadByte).
size_t Utf8Char(std::string_view s, bool utf8) { return utf8 ? Utf8SequenceLength(s) : 0; }

// Domain = sub-domain *("." sub-domain), sub-domain = Let-dig [Ldh-str]
// (RFC 5321 §4.1.2), or a U-label with SMTPUTF8 (RFC 6531 §3.3). U-labels
// are only checked to be UTF-8; IDNA rules are the resolver's business.
Status CheckDomainName(std::string_view d, bool utf8) {
  size_t label_start = 0;
  size_t i = 0;
  while (true) {
    if (i == d.size() || d[i] == '.') {
      std::string_view label = d.substr(label_start, i - label_start);
      if (label.empty()) return Error{"empty domain label"};
      if (label.size() > kMaxLabel) return Error{"domain label too long"};
      if (label.front() == '-' || label.back() == '-') return Error{"domain label starts or ends with '-'"};
      if (i == d.size()) return Status::Ok();
      label_start = ++i;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(d[i]);
    if (c >= 0x80) {
      size_t n = Utf8Char(d.substr(i), utf8);
      if (n == 0) return BadByte(c, "domain", utf8);
      i += n;
      continue;
    }
    if (!IsAlnum(c) && c != '-') return BadByte(c, "domain", utf8);
    ++i;
  }
}

// address-literal (RFC 5321 §4.1.3): only the IPv4 and IPv6 forms; a
// General-address-literal names no protocol we could deliver over.
Status CheckAddressLiteral(std::string_view d) {
  if (d.size() < 2 || d.back() != ']') return Error{"bad address literal"};
  std::string_view inner = d.substr(1, d.size() - 2);
  // Checked before inet_pton, which would stop at an embedded NUL.
  for (unsigned char c : inner)
    if (c <= ' ' || c >= 0x7f || c == '[' || c == ']' || c == '\\') return Error{"bad character in address literal"};
  if (StartsWithIgnoreCase(inner, "IPv6:")) {
    in6_addr a6;
    if (inet_pton(AF_INET6, std::string(inner.substr(5)).c_str(), &a6) != 1) return Error{"bad IPv6 address literal"};
    return Status::Ok();
  }
  if (inner.find(':') != std::string_view::npos) return Error{"unsupported address literal"};
  in_addr a4;
  if (inet_pton(AF_INET, std::string(inner).c_str(), &a4) != 1) return Error{"bad IPv4 address literal"};
  return Status::Ok();
}

Status CheckDomain(std::string_view d, bool utf8) {
  if (d.empty()) return Error{"missing domain"};
  if (d.size() > kMaxDomain) return Error{"domain too long"};
  if (d.front() == '[') return CheckAddressLiteral(d);
  return CheckDomainName(d, utf8);
}

// A cursor over one path or address. Each method consumes one piece of the
// grammar or returns the error for it.
class Parser {
 public:
  Parser(std::string_view s, size_t pos, bool utf8) : s_(s), pos_(pos), utf8_(utf8) {}

  bool AtEnd() const { return pos_ >= s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[pos_]; }
  size_t pos() const { return pos_; }

  // Mailbox = Local-part "@" ( Domain / address-literal ). The domain runs
  // to the end or to the next '>', which the caller then deals with.
  Status Mailbox(Address* out) {
    if (Status st = LocalPart(&out->local); !st) return st;
    if (Peek() != '@') {
      if (AtEnd() || Peek() == '>') return Error{"missing domain"};
      return Error{"bad character in local part"};
    }
    ++pos_;
    size_t end = s_.find('>', pos_);
    if (end == std::string_view::npos) end = s_.size();
    std::string_view domain = s_.substr(pos_, end - pos_);
    if (Status st = CheckDomain(domain, utf8_); !st) return st;
    out->domain = AsciiLower(domain);
    pos_ = end;
    return Status::Ok();
  }

  // A-d-l ":" (RFC 5321 §4.1.2). Accepted and dropped: §4.1.1.3 says
  // servers SHOULD ignore source routes. Domains there hold no ':'.
  Status SourceRoute() {
    size_t colon = s_.find(':', pos_);
    if (colon == std::string_view::npos) return Error{"bad source route"};
    std::string_view route = s_.substr(pos_, colon - pos_);
    while (true) {
      size_t comma = route.find(',');
      std::string_view hop = route.substr(0, comma);
      if (hop.size() < 2 || hop[0] != '@' || hop.size() - 1 > kMaxDomain || !CheckDomainName(hop.substr(1), utf8_))
        return Error{"bad source route"};
      if (comma == std::string_view::npos) break;
      route.remove_prefix(comma + 1);
    }
    pos_ = colon + 1;
    return Status::Ok();
  }

 private:
  // Local-part = Dot-string / Quoted-string; `out` gets the unquoted form.
  // The length limit of §4.5.3.1.1 counts octets as sent, quotes included.
  Status LocalPart(std::string* out) {
    size_t start = pos_;
    Status st = Peek() == '"' ? QuotedString(out) : DotString(out);
    if (!st) return st;
    if (out->empty()) return Error{"empty local part"};
    if (pos_ - start > kMaxLocalPart) return Error{"local part too long"};
    return Status::Ok();
  }

  // Dot-string = Atom *("." Atom): no empty atom anywhere, which is also
  // what keeps `..` and a leading '.' out of unquoted local parts.
  Status DotString(std::string* out) {
    size_t start = pos_;
    while (!AtEnd() && Peek() != '@' && Peek() != '>') {
      unsigned char c = static_cast<unsigned char>(Peek());
      if (c == '.') {
        if (pos_ == start) return Error{"local part starts with '.'"};
        if (s_[pos_ - 1] == '.') return Error{"'..' in local part"};
        ++pos_;
      } else if (c >= 0x80) {
        size_t n = Utf8Char(s_.substr(pos_), utf8_);
        if (n == 0) return BadByte(c, "local part", utf8_);
        pos_ += n;
      } else if (IsAtext(c)) {
        ++pos_;
      } else {
        return BadByte(c, "local part", utf8_);
      }
    }
    if (pos_ > start && s_[pos_ - 1] == '.') return Error{"local part ends with '.'"};
    out->assign(s_.substr(start, pos_ - start));
    return Status::Ok();
  }

  // Quoted-string = DQUOTE *QcontentSMTP DQUOTE; qtextSMTP is printable
  // ASCII but '"' and '\', quoted-pairSMTP is '\' and printable ASCII.
  // Tabs are not allowed in either.
  Status QuotedString(std::string* out) {
    ++pos_;
    while (true) {
      if (AtEnd()) return Error{"unterminated quoted string"};
      unsigned char c = static_cast<unsigned char>(Peek());
      if (c == '"') {
        ++pos_;
        return Status::Ok();
      }
      if (c == '\\') {
        if (pos_ + 1 >= s_.size()) return Error{"unterminated quoted string"};
        unsigned char q = static_cast<unsigned char>(s_[pos_ + 1]);
        if (q < ' ' || q > '~') return Error{"bad quoted pair in local part"};
        out->push_back(static_cast<char>(q));
        pos_ += 2;
      } else if (c >= 0x80) {
        size_t n = Utf8Char(s_.substr(pos_), utf8_);
        if (n == 0) return BadByte(c, "local part", utf8_);
        out->append(s_.substr(pos_, n));
        pos_ += n;
      } else if (IsControl(c)) {
        return BadByte(c, "local part", utf8_);
      } else {
        out->push_back(static_cast<char>(c));
        ++pos_;
      }
    }
  }

  std::string_view s_;
  size_t pos_;
  bool utf8_;
};

// True when `local` can go on the wire unquoted. Bytes >= 0x80 count as
// atext: they came from an SMTPUTF8 parse and need SMTPUTF8 either way.
bool IsDotString(std::string_view local) {
  if (local.empty() || local.front() == '.' || local.back() == '.') return false;
  for (size_t i = 0; i < local.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(local[i]);
    if (c == '.' ? local[i - 1] == '.' : !(IsAtext(c) || c >= 0x80)) return false;
  }
  return true;
}

}  // namespace

std::string Address::ToString() const {
  if (null()) return "";
  std::string out;
  if (IsDotString(local)) {
    out = local;
  } else {
    out = "\"";
    for (char c : local) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  if (domain.empty()) return out;  // RCPT TO:<Postmaster>
  return out + "@" + domain;
}

std::string Address::Key() const {
  if (null()) return "";
  if (domain.empty()) return AsciiLower(local);
  return AsciiLower(local) + "@" + AsciiLower(domain);
}

Result<Address> ParsePath(std::string_view text, const AddressOptions& options) {
  if (text.size() > kMaxPath) return Error{"path too long"};
  if (text.empty() || text.front() != '<') return Error{"missing '<'"};
  // RFC 5321 §4.1.1.3: "RCPT TO:<Postmaster>" is the one path without a
  // domain. Only that exact spelling: no source route, no quotes.
  if (EqualsIgnoreCase(text, "<postmaster>")) return Address{"postmaster", ""};
  if (text.size() >= 2 && text[1] == '>') {
    if (text.size() > 2) return Error{"garbage after '>'"};
    if (!options.allow_null) return Error{"null path not allowed"};
    return Address{};
  }
  Parser p(text, 1, options.allow_utf8);
  if (p.Peek() == '@') {
    if (Status st = p.SourceRoute(); !st) return st.error();
  }
  Address a;
  if (Status st = p.Mailbox(&a); !st) return st.error();
  if (p.AtEnd()) return Error{"missing '>'"};
  if (p.pos() + 1 != text.size()) return Error{"garbage after '>'"};
  return a;
}

Result<Address> ParseAddress(std::string_view text, const AddressOptions& options) {
  std::string_view t = Trim(text);
  if (t.empty()) return Error{"empty address"};
  bool bracketed = t.front() == '<';
  // Whatever is accepted here must fit in a path later (§4.5.3.1.3).
  if (t.size() + (bracketed ? 0 : 2) > kMaxPath) return Error{"address too long"};
  if (t == "<>") {
    if (!options.allow_null) return Error{"null address not allowed"};
    return Address{};
  }
  Parser p(t, bracketed ? 1 : 0, options.allow_utf8);
  if (bracketed && p.Peek() == '@') return Error{"source route not allowed"};
  Address a;
  if (Status st = p.Mailbox(&a); !st) return st.error();
  if (bracketed) {
    if (p.AtEnd()) return Error{"missing '>'"};
    if (p.pos() + 1 != t.size()) return Error{"garbage after '>'"};
  } else if (!p.AtEnd()) {
    return Error{"unexpected '>'"};
  }
  return a;
}

bool IsValidDomain(std::string_view domain, bool allow_utf8) { return CheckDomain(domain, allow_utf8).ok(); }

}  // namespace posthorn
