// The text records shared by the queue's files (posthorn-queue(5)): the
// envelope at the head of a queue file, the per-recipient state log and
// the maildrop header; fields encoded as common/base/text_record.h says.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/address/address.h"
#include "common/base/result.h"
#include "common/base/text_record.h"

namespace posthorn::queue {

using posthorn::DecodeField;
using posthorn::EncodeField;
using posthorn::SplitFields;

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
