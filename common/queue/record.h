// The text records shared by the queue's files (posthorn-queue(5)): the
// envelope at the head of a queue file, the per-recipient state log and
// the maildrop header. A record is one line, `name field field ...`,
// fields separated by one space. Field values are %-encoded so that a
// record is always one line of printable ASCII without spaces, whatever
// the peer sent: every byte outside '!'..'~', and '%' itself, becomes
// %HH with upper-case hex. Decoding is strict (only the canonical form is
// accepted), so a value has exactly one spelling and Format(Parse(x)) == x.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/address/address.h"
#include "common/base/result.h"

namespace posthorn::queue {

std::string EncodeField(std::string_view raw);
std::optional<std::string> DecodeField(std::string_view encoded);

// Splits `line` on single spaces into `fields` (the record name first).
// False on an empty field: a leading, trailing or doubled space.
bool SplitFields(std::string_view line, std::vector<std::string_view>* fields);

// A path as a field: `<local@domain>` as on the wire, then encoded.
// Decoding admits UTF-8 always: whether it was allowed was smtpd's
// decision when the message came in.
std::string EncodePath(const Address& address);
Result<Address> DecodePath(std::string_view field, bool allow_null);

// Walks the lines of a header. Next() gives the next line without its LF;
// a line longer than `max_line`, or text that ends without LF, is an error
// naming the line number.
class LineCursor {
 public:
  LineCursor(std::string_view text, size_t max_line) : text_(text), max_line_(max_line) {}
  Result<std::string_view> Next();
  size_t line_number() const { return line_; }
  size_t offset() const { return pos_; }  // just past the last line returned
  // "line N: what" for errors about the last line returned.
  Error At(const std::string& what) const;

 private:
  std::string_view text_;
  size_t max_line_;
  size_t pos_ = 0;
  size_t line_ = 0;
};

// Reads from `fd` (at its current offset) until the bytes read contain
// the line "data" that ends every header (the first LF "data" LF), or up
// to `max` bytes or the end of the file, whichever comes first. Only a
// read error is an error: what is wrong with the bytes is the parser's
// to say. The result may run past the header into the message.
Result<std::string> ReadHeader(int fd, size_t max, const std::string& what);

}  // namespace posthorn::queue
