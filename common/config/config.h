// posthorn.conf, DESIGN.md contract 1: `key = value` lines, `#` comments,
// `[program]` sections overriding the top of the file for that program.
// The whole file is checked against the key table whichever program reads
// it; every error names `file:line`. A Config holds the values resolved for
// one program, already validated, so the typed getters cannot fail.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"
#include "common/config/keys.h"

namespace posthorn::config {

inline constexpr const char* kDefaultPath = "/etc/posthorn/posthorn.conf";
inline constexpr size_t kMaxFileSize = 1 << 20;
inline constexpr size_t kMaxLineLength = 8192;

class Config {
 public:
  // The built-in defaults, for `program` (a Program bit).
  static Config Defaults(unsigned program);
  // Parses `text` (named `filename` in errors) for `program`.
  static Result<Config> Parse(std::string_view text, const std::string& filename, unsigned program);
  static Result<Config> Load(const std::string& path, unsigned program);
  // Loads the file the program should use: `explicit_path` (from -c) if not
  // empty, else $POSTHORN_CONF, else kDefaultPath. Only the default path may
  // be missing, in which case the defaults apply.
  static Result<Config> LoadFor(const std::string& explicit_path, unsigned program);

  const std::string& String(std::string_view key) const;
  std::vector<std::string> List(std::string_view key) const;
  uint64_t Size(std::string_view key) const;
  uint64_t Duration(std::string_view key) const;
  uint64_t Count(std::string_view key) const;
  bool Bool(std::string_view key) const;
  // "file:line" where the value came from, or "default".
  std::string Where(std::string_view key) const;
  // The file read, or "" when only defaults apply.
  const std::string& path() const { return path_; }

 private:
  struct Value {
    std::string text;
    std::string file;
    int line = 0;
  };
  const Value& Get(std::string_view key, Type type) const;

  std::string path_;
  std::map<std::string, Value, std::less<>> values_;
};

// Checks `value` against `type`; "" when fine, else why not.
std::string CheckValue(Type type, std::string_view value);
// The host name for greetings and headers: `hostname` if set, else
// gethostname(2). Never does DNS, so it costs no startup time. (Maildir
// file names use gethostname(2) always, as maildir.txt says.)
std::string HostName(const Config& config);

}  // namespace posthorn::config
