// One message's text as SEARCH compares it (RFC 3501 §6.4.4), each piece
// worked out on first use and kept for the program's other keys: header
// fields unfolded with their encoded words decoded to UTF-8
// (message::DecodeField), the body's text parts with their transfer
// encoding undone and their charset converted (message::BodyText), all
// case-folded (common/base/case_fold.h). Search strings must come folded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/message/header.h"

namespace posthorn::imapd {

class SearchText {
 public:
  // `message` in wire form.
  explicit SearchText(std::string message);
  SearchText(const SearchText&) = delete;
  SearchText& operator=(const SearchText&) = delete;

  // RFC822.SIZE: the octets of the wire form.
  uint64_t size() const { return message_.size(); }

  // Is there a field called `name` (any case) whose value contains
  // `folded`? With "" : is there such a field at all.
  bool HeaderContains(std::string_view name, std::string_view folded);
  bool BodyContains(std::string_view folded);
  // Does the header (its fields as "Name: value" lines) or the body?
  bool TextContains(std::string_view folded);
  // The day the Date: field names as written (message::ParseDateDay);
  // nullopt when there is none or it cannot be read.
  std::optional<int64_t> SentDay();

 private:
  const message::Header& Header();

  std::string message_;
  std::optional<message::Header> header_;  // views into message_
  std::optional<std::string> header_text_;
  std::optional<std::string> body_text_;
  std::optional<std::optional<int64_t>> sent_day_;
};

}  // namespace posthorn::imapd
