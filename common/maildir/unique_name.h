// Unique names for Maildir files (maildir.txt, "How are unique names
// created?"): `<seconds>.M<usec>P<pid>Q<count>R<random>.<host>`. Seconds,
// microseconds, pid and a per-process counter already make a name unique
// on one host; the random part guards against pid reuse within the same
// microsecond (containers, fast forks). Writers append `,S=<size>` and
// `,W=<size with CRLF>` when they know the size, as Dovecot does, so
// readers get sizes without opening files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace posthorn::maildir {

// A fresh unique name (no sizes, no info). A non-empty `tag` (a delivery
// ID, see IsDeliveryTag) is appended to the middle part as `I<tag>`, so a
// later delivery can tell the message is already there.
std::string NewUniqueName(std::string_view tag = {});
// 1-64 characters of [A-Za-z0-9_-]: what may go into a name as a tag.
bool IsDeliveryTag(std::string_view tag);
// The tag of a name NewUniqueName made (with or without sizes and info);
// "" for untagged names and names of other writers.
std::string_view NameTag(std::string_view name);
// gethostname(2) with `/` and `:` escaped as the spec says (also `,`, which
// would confuse the `,S=` fields).
std::string EscapedHostName(std::string_view host);
// `base,S=<size>,W=<wsize>`.
std::string NameWithSizes(std::string_view base, uint64_t size, uint64_t wsize);

}  // namespace posthorn::maildir
