// Every key posthorn.conf(5) knows, its type, default and the programs that
// read it. A key a program does not read is refused in that program's
// section, so a typo never passes silently. Keep man/posthorn.conf.5 in
// step with this table.
#pragma once

#include <span>
#include <string_view>

namespace posthorn::config {

// Sections of the file; a key's `programs` is a mask of these.
enum Program : unsigned {
  kSmtpd = 1u << 0,
  kImapd = 1u << 1,
  kPop3d = 1u << 2,
  kMda = 1u << 3,
  kMua = 1u << 4,
};

enum class Type {
  kString,    // any text
  kList,      // space- or comma-separated words
  kSize,      // bytes: 4096, 10k, 50M, 1G
  kDuration,  // seconds: 90, 30s, 5m, 2h, 5d
  kCount,     // a plain number
  kBool,      // yes/no, true/false, on/off, 1/0
};

struct KeySpec {
  std::string_view name;
  Type type;
  std::string_view default_value;  // written as in the file
  unsigned programs;
};

std::span<const KeySpec> AllKeys();
const KeySpec* FindKey(std::string_view name);
// `[mda]` -> kMda; 0 for an unknown section name.
unsigned ProgramForSection(std::string_view section);

}  // namespace posthorn::config
