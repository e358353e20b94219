// The IMAP message corpus in tests/data/imap: NAME.eml in wire form (CRLF)
// beside the responses expected for it, NAME.envelope, NAME.bodystructure
// and NAME.body, each hand-checked against the message and RFC 3501.
// Tests run from the repository root (`make check`); from elsewhere the
// directory is looked for in the parents of the working directory.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace posthorn::testing {

inline std::filesystem::path ImapCorpusDir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (fs::path dir = fs::current_path(ec); !dir.empty(); dir = dir.parent_path()) {
    fs::path candidate = dir / "tests/data/imap";
    if (fs::is_directory(candidate, ec)) return candidate;
    if (dir == dir.parent_path()) break;
  }
  return {};
}

// The names of the corpus messages, sorted.
inline std::vector<std::string> ImapCorpusNames() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(ImapCorpusDir(), ec)) {
    if (entry.path().extension() == ".eml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// NAME.EXT's bytes, without the one LF an editor may add at the end of an
// expected response (none ends in a line break); nullopt if missing.
inline std::optional<std::string> ReadImapCorpusFile(const std::string& name, const std::string& ext) {
  std::ifstream in(ImapCorpusDir() / (name + "." + ext), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream data;
  data << in.rdbuf();
  std::string s = data.str();
  if (ext != "eml" && !s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

}  // namespace posthorn::testing
