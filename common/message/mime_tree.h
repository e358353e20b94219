// The MIME structure of a message (RFC 2045, RFC 2046): a tree of parts
// with the offsets of each part's header and body in the message, what an
// IMAP server needs for BODYSTRUCTURE and BODY[section].
//
// The root is the whole message. A multipart's children are its body
// parts (RFC 2046 §5.1.1: preamble and epilogue belong to no part; the line
// break before a delimiter line belongs to the delimiter; without a
// close-delimiter the last part runs to the end of the body). A
// message/rfc822 or message/global part has one child, the embedded
// message, whose header starts where the part's body does.
//
// Parsing never fails and never loses the message: what the limits stop
// the parser from looking into stays in the tree as an opaque leaf that
// still spans its bytes. The cost is bounded by the depth limit times the
// message size; the stack by the depth limit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/message/header.h"
#include "common/message/mime_params.h"

namespace posthorn::message {

struct MimeLimits {
  // Parts nested deeper than this below the root (each multipart level and
  // each embedded message is one) are not looked into. At most
  // kMaxMimeDepthCap whatever is asked, to bound the stack.
  size_t max_depth = 100;
  // Parts in the whole tree, the root and embedded messages included. The
  // part that takes the last one also takes the rest of its multipart.
  size_t max_parts = 10000;
  HeaderLimits header;  // for each part's header
};

inline constexpr size_t kMaxMimeDepthCap = 1000;
// Content-Language tags kept per part.
inline constexpr size_t kMaxLanguages = 64;

enum class PartKind {
  kLeaf,       // anything not looked into: text, images, and what follows
  kMultipart,  // multipart/* with a boundary parameter; children are its parts
  kMessage,    // message/rfc822 or message/global sent 7bit, 8bit or binary
};

struct MimePart {
  // A multipart/* without a boundary, or one past a limit, is a kLeaf
  // whose content_type still says multipart: a writer of BODYSTRUCTURE
  // must check `kind`, not the type. A kMultipart whose boundary never
  // appears has no children (IMAP's grammar wants one: Dovecot writes an
  // empty text/plain there).
  PartKind kind = PartKind::kLeaf;
  size_t header_offset = 0;  // of the part's header in the whole message
  size_t header_size = 0;    // the fields and the empty line after them, if any
  size_t body_offset = 0;    // header_offset + header_size
  size_t body_size = 0;
  size_t body_lines = 0;  // LFs in the body, plus one for a last line without one

  // Content-Type, or its default (RFC 2045 §5.2; message/rfc822 in a
  // multipart/digest, RFC 2046 §5.1.5).
  ContentType content_type;
  ContentDisposition disposition;  // type "" when absent
  // Content-Transfer-Encoding's token, lower-cased; "7bit" when absent
  // (RFC 2045 §6.1).
  std::string transfer_encoding = "7bit";
  // These are unfolded and trimmed, otherwise as written (encoded words
  // and all); "" when absent.
  std::string id;                      // Content-ID
  std::string description;             // Content-Description (DecodeUnstructured for display)
  std::string md5;                     // Content-MD5
  std::string location;                // Content-Location (RFC 2557)
  std::vector<std::string> languages;  // Content-Language (RFC 3282), as written

  bool opaque = false;  // a limit stopped the parser from looking inside
  std::vector<MimePart> children;

  size_t size() const { return header_size + body_size; }
  // The embedded message of a kMessage part, else null.
  const MimePart* message() const { return kind == PartKind::kMessage && !children.empty() ? &children[0] : nullptr; }
};

struct MimeTree {
  MimePart root;
  size_t part_count = 0;  // parts in the tree, root included
  bool limited = false;   // a limit made some part opaque
};

// Parses the structure of `message`. The tree holds offsets and copies of
// the few MIME fields, no views, so it may outlive `message`.
MimeTree ParseMimeTree(std::string_view message, const MimeLimits& limits = {});

// The part an IMAP section path names (RFC 3501 §6.4.5), or null; an empty
// path is the root. At each step a message/rfc822 part stands for its
// embedded message; then a multipart's number N is its Nth child, and a
// non-multipart message (the root or one just stepped into) has only a
// part 1, itself. So for a simple message {1} is the root, whose body is
// BODY[1]; for the RFC's example {3} is a MESSAGE/RFC822 part (BODY[3.MIME]
// is its header, BODY[3.HEADER] its message()'s header) and {3, 1} the
// first part of the message inside it.
const MimePart* FindSection(const MimePart& root, std::span<const uint32_t> section);
const MimePart* FindSection(const MimePart& root, std::initializer_list<uint32_t> section);

}  // namespace posthorn::message
