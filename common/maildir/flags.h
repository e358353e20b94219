// Message flags in a Maildir file name: `uniq:2,FLAGS` (maildir.txt, "What
// can I put in info?"). Standard flags are the capital letters D F P R S T
// in ASCII order; lower-case a–z are keywords whose meaning a per-folder
// keyword map gives, as Dovecot does. Sizes come from `,S=` and `,W=`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace posthorn::maildir {

struct Flags {
  bool draft = false;    // D
  bool flagged = false;  // F
  bool passed = false;   // P
  bool replied = false;  // R
  bool seen = false;     // S
  bool trashed = false;  // T
  uint32_t keywords = 0;  // bit i = keyword letter 'a' + i

  // Reads the flags of a file name; unknown letters are ignored, a name
  // without `:2,` has none.
  static Flags FromName(std::string_view name);
  // `2,` followed by the letters in ASCII order.
  std::string Info() const;
  bool operator==(const Flags&) const = default;
};

// The unique part of a file name: everything before `:`.
std::string_view BaseName(std::string_view name);
// `base:2,FLAGS` for a file moving to cur/ or changing flags.
std::string NameWithFlags(std::string_view name, const Flags& flags);
// The number after `,S=` (field 'S') or `,W=` (field 'W') in the base name.
std::optional<uint64_t> SizeFromName(std::string_view name, char field);

}  // namespace posthorn::maildir
