// Content-Type (RFC 2045 §5) and Content-Disposition (RFC 2183) values and
// their parameter lists, with RFC 2231 extended parameters.
//
// Parsing never fails. Comments are skipped wherever CFWS may stand; a
// broken parameter is skipped up to the next ';' and the rest still count;
// an unquoted value with bytes a token forbids (`name=my file.pdf`, common
// in real mail) is taken up to the next ';'. A Content-Type that is not
// `type/subtype` becomes the RFC 2045 §5.2 default.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace posthorn::message {

struct MimeParam {
  std::string name;  // lower-cased, without RFC 2231's "*N" and '*' suffixes
  // As written, for a client that decodes it itself (what IMAP's
  // BODYSTRUCTURE carries): quoted strings unquoted, RFC 2231 sections
  // joined in order and, when `encoded`, in the `charset'language'%XX` form.
  std::string raw;
  // UTF-8: percent-escapes and charset undone for an RFC 2231 value; for
  // a plain one, RFC 2047 encoded words decoded (not standard, but
  // `filename="=?UTF-8?B?...?="` is what many mailers send). With an
  // unknown charset the bytes are kept as they are.
  std::string value;
  std::string charset;    // RFC 2231 charset as written, "" if none
  std::string language;   // RFC 2231 language as written, "" if none
  bool extended = false;  // written in RFC 2231 form: `name*=` and/or `name*N=`
  bool encoded = false;   // some section had the `*=` form; the IMAP name is name + "*"
};

struct MimeParams {
  // One entry per name and form, in the order each first appears: a plain
  // `name=` and an RFC 2231 `name*=`/`name*0=` are two entries (senders
  // write both for old readers); a repeated name in the same form keeps
  // its first value.
  std::vector<MimeParam> entries;

  // The parameter `name` (any case), preferring the RFC 2231 form, or null.
  const MimeParam* Find(std::string_view name) const;
  // Find(name)->value, or "" when there is no such parameter.
  std::string_view Get(std::string_view name) const;
};

// Parameters written one to a header: beyond this many the rest are
// ignored (RFC 2231 sections count one each).
inline constexpr size_t kMaxMimeParams = 256;
// RFC 2231 section numbers above this are ignored.
inline constexpr unsigned kMaxParamSection = 9999;

// Parses `*(";" parameter)`, the tail of a Content-Type or
// Content-Disposition value. Leading CFWS and junk before the first ';'
// are skipped.
MimeParams ParseParams(std::string_view text);

struct ContentType {
  std::string type = "text";      // lower-cased
  std::string subtype = "plain";  // lower-cased
  MimeParams params;
  // The header was absent or not `type/subtype`: the default was used.
  bool defaulted = false;

  // Case-insensitive.
  bool Is(std::string_view type, std::string_view subtype) const;
  bool IsMultipart() const { return type == "multipart"; }
};

// The RFC 2045 §5.2 default, `text/plain; charset=us-ascii`, or in a
// multipart/digest `message/rfc822` (RFC 2046 §5.1.5). Both `defaulted`.
ContentType DefaultContentType(bool in_digest = false);

// Parses a Content-Type value. Anything that is not `type "/" subtype` with
// RFC 2045 tokens gives DefaultContentType(false), in a digest too: §5.1.5
// changes the default for a missing header, not for a broken one.
ContentType ParseContentType(std::string_view value);

struct ContentDisposition {
  std::string type;   // lower-cased ("inline", "attachment", ...); "" if absent or broken
  MimeParams params;  // kept even when `type` is broken: they still name the file
};

ContentDisposition ParseContentDisposition(std::string_view value);

}  // namespace posthorn::message
