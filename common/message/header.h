// The header of an RFC 5322 message (§2.1, §2.2): where it ends, and its
// fields as views into the message.
//
// Messages come from anywhere, so the rules are those of what mail really
// holds rather than of the grammar: lines end in CRLF or a bare LF (a bare
// CR is an ordinary byte), the header ends at the first empty line (or runs
// to the end when there is none), and a line that is not a field is kept
// as a nameless field so that the header's bytes are all accounted for.
// Everything is linear in the input; nothing is copied but the field list.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace posthorn::message {

struct HeaderLimits {
  // Fields past this many are counted in Header::dropped, not kept. Real
  // mail has at most a few hundred; this bounds the list at ~500 KB.
  size_t max_fields = 10000;
  // A value longer than this is cut (HeaderField::truncated); the field's
  // offset and size still cover all of it.
  size_t max_value_size = 1 << 20;
};

struct HeaderField {
  // As written, without the blanks obs-optional allows before the colon
  // (RFC 5322 §4.5.8). Empty for a line that is not a field (no colon, or
  // a name with bytes outside ftext, or a continuation line with no field
  // before it); `value` then holds the whole line, continuations included.
  std::string_view name;
  // From after the colon and the blanks that follow it to the end of the
  // field's last line, that line's end excluded. Folding is kept.
  std::string_view value;
  size_t offset = 0;       // of the field's first byte in the parsed text
  size_t size = 0;         // of the whole field, last line end included
  bool truncated = false;  // value cut at HeaderLimits::max_value_size
};

struct Header {
  std::vector<HeaderField> fields;  // in header order
  size_t dropped = 0;               // fields beyond HeaderLimits::max_fields

  // The first field called `name` (compared ignoring ASCII case), or null.
  const HeaderField* Find(std::string_view name) const;
  // Every field called `name`, in header order.
  std::vector<const HeaderField*> FindAll(std::string_view name) const;
};

// Where the header ends. The header block is [0, header_size), the body
// [header_size, message.size()).
struct MessageSplit {
  size_t fields_size = 0;  // the fields alone, up to the empty line
  size_t header_size = 0;  // the fields and the empty line that ends them
  bool has_separator() const { return header_size > fields_size; }
};

// Splits at the first empty line ("\n" or "\r\n" at a line start). With no
// empty line the whole message is header and the body is empty; a message
// that starts with an empty line has no header fields.
MessageSplit SplitMessage(std::string_view message);

// Parses the fields of `text`, stopping at its first empty line, so the
// whole message or just its header block may be passed. Offsets are
// relative to `text`; views point into it.
Header ParseHeader(std::string_view text, const HeaderLimits& limits = {});

// Unfolds a value (RFC 5322 §2.2.3): every line break goes, the whitespace
// after it stays. Leading and trailing whitespace is trimmed.
std::string Unfold(std::string_view value);

}  // namespace posthorn::message
