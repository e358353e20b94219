#include "mra/imapd/body_structure.h"

#include <utility>

#include "mra/imapd/envelope.h"

namespace posthorn::imapd {

namespace {

using message::MimeParams;
using message::MimePart;
using message::PartKind;

// What stands for a multipart that has no parts, and for the unreadable
// message inside a message/rfc822 part that is not looked into: an empty
// text/plain, its fields without the parentheses.
constexpr std::string_view kEmptyBodyFields = R"("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0)";
constexpr std::string_view kEmptyBodyExtension = " NIL NIL NIL NIL";
constexpr std::string_view kEmptyEnvelope = "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)";

// A message whose body is the 7bit/8bit/binary bytes of a message, so its
// header can be read where it lies (RFC 2046 §5.2.1 allows nothing else;
// a base64 one is sent anyway by some).
bool IsIdentityEncoding(std::string_view cte) { return cte == "7bit" || cte == "8bit" || cte == "binary"; }

std::string NilIfEmpty(std::string_view s) { return s.empty() ? "NIL" : FormatHeaderString(s); }

class Writer {
 public:
  Writer(std::string_view message, bool extensible) : message_(message), extensible_(extensible) {}

  std::string Take() { return std::move(out_); }

  // §9 body: "(" (body-type-1part / body-type-mpart) ")". Recursion
  // follows the tree, whose depth the parser bounds (kMaxMimeDepthCap).
  void Body(const MimePart& part) {
    out_ += '(';
    if (part.kind == PartKind::kMultipart) {
      Multipart(part);
    } else {
      SinglePart(part);
    }
    out_ += ')';
  }

 private:
  // body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]; the
  // bodies follow each other without a space.
  void Multipart(const MimePart& part) {
    for (const MimePart& child : part.children) Body(child);
    if (part.children.empty()) EmptyBody();
    out_ += ' ' + FormatHeaderString(part.content_type.subtype);
    if (!extensible_) return;
    out_ += ' ';
    Params(part.content_type.params, false);
    Extension(part);
  }

  // body-type-basic, body-type-text or body-type-msg, then body-ext-1part.
  void SinglePart(const MimePart& part) {
    const message::ContentType& ct = part.content_type;
    out_ += FormatHeaderString(ct.type) + ' ' + FormatHeaderString(ct.subtype) + ' ';
    bool text = ct.type == "text";
    Params(ct.params, text);
    out_ += ' ' + NilIfEmpty(part.id) + ' ' + NilIfEmpty(part.description) + ' ' +
            FormatHeaderString(part.transfer_encoding) + ' ' + std::to_string(part.body_size);
    if (text) {
      out_ += ' ' + std::to_string(part.body_lines);
    } else if (ct.Is("message", "rfc822")) {
      // Not message/global: RFC 3501 gives only MESSAGE/RFC822 the
      // envelope and body (RFC 9051 adds GLOBAL), and an IMAP4rev1 client
      // would read that envelope as the MD5.
      EmbeddedMessage(part);
      out_ += ' ' + std::to_string(part.body_lines);
    }
    if (!extensible_) return;
    out_ += ' ' + NilIfEmpty(part.md5);
    Extension(part);
  }

  // body-type-msg's envelope SP body. A message/rfc822 part the parser did
  // not look into (encoded, or past a limit) still needs both, since the
  // grammar forbids MESSAGE/RFC822 as a basic part: its header is read
  // where it is readable, and its body is the empty placeholder.
  void EmbeddedMessage(const MimePart& part) {
    out_ += ' ';
    if (const MimePart* inner = part.message()) {
      out_ += FormatEnvelope(message_.substr(inner->header_offset, inner->header_size));
      out_ += ' ';
      Body(*inner);
      return;
    }
    if (IsIdentityEncoding(part.transfer_encoding)) {
      out_ += FormatEnvelope(message_.substr(part.body_offset, part.body_size));
    } else {
      out_ += kEmptyEnvelope;
    }
    out_ += ' ';
    EmptyBody();
  }

  void EmptyBody() {
    out_ += '(';
    out_ += kEmptyBodyFields;
    if (extensible_) out_ += kEmptyBodyExtension;
    out_ += ')';
  }

  // body-fld-param: "(" string SP string *(SP string SP string) ")" / nil.
  void Params(const MimeParams& params, bool default_charset) {
    bool charset = false;
    std::string list;
    for (const message::MimeParam& p : params.entries) {
      if (!list.empty()) list += ' ';
      list += FormatHeaderString(p.encoded ? p.name + "*" : p.name) + ' ' + FormatHeaderString(p.raw);
      charset = charset || p.name == "charset";
    }
    if (default_charset && !charset) list += std::string(list.empty() ? "" : " ") + R"("charset" "us-ascii")";
    out_ += list.empty() ? "NIL" : "(" + list + ")";
  }

  // What body-ext-1part and body-ext-mpart share after their first
  // field: SP body-fld-dsp SP body-fld-lang SP body-fld-loc.
  void Extension(const MimePart& part) {
    out_ += ' ';
    if (part.disposition.type.empty()) {
      out_ += "NIL";
    } else {
      out_ += '(' + FormatHeaderString(part.disposition.type) + ' ';
      Params(part.disposition.params, false);
      out_ += ')';
    }
    out_ += ' ';
    if (part.languages.empty()) {
      out_ += "NIL";
    } else {
      out_ += '(';
      for (size_t i = 0; i < part.languages.size(); ++i) {
        if (i > 0) out_ += ' ';
        out_ += FormatHeaderString(part.languages[i]);
      }
      out_ += ')';
    }
    out_ += ' ' + NilIfEmpty(part.location);
  }

  std::string_view message_;
  bool extensible_;
  std::string out_;
};

}  // namespace

std::string FormatBodyStructure(const MimePart& root, std::string_view message, bool extensible) {
  Writer writer(message, extensible);
  writer.Body(root);
  return writer.Take();
}

}  // namespace posthorn::imapd
