// Fields of one-line text records, as the queue's files (posthorn-queue(5))
// and imapd's cache keep them: a record is `name field field ...`, fields
// separated by one space. Field values are %-encoded so that a record is
// always one line of printable ASCII without spaces, whatever the peer
// sent: every byte outside '!'..'~', and '%' itself, becomes %HH with
// upper-case hex. Decoding is strict (only the canonical form is
// accepted), so a value has exactly one spelling and Format(Parse(x)) == x.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace posthorn {

std::string EncodeField(std::string_view raw);
std::optional<std::string> DecodeField(std::string_view encoded);

// Splits `line` on single spaces into `fields` (the record name first).
// False on an empty field: a leading, trailing or doubled space.
bool SplitFields(std::string_view line, std::vector<std::string_view>* fields);

}  // namespace posthorn
