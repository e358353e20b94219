// A stored message as POP3 sends it (RFC 1939 §3): CRLF line ends (the
// Maildir holds LF), a line that starts with '.' gets a second one, and
// the multi-line response ends with ".CRLF". TOP sends the header, the
// blank line and only the first N lines of the body. Pure byte work, fed
// in chunks, so a large message never has to be in memory whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace posthorn::pop3d {

class WireEncoder {
 public:
  // `body_lines`: TOP's count; nullopt for the whole message (RETR).
  explicit WireEncoder(std::optional<size_t> body_lines = std::nullopt);

  // Appends the wire form of the next stored bytes to `out`. Returns false
  // once TOP has what it wants: the rest need not be read.
  bool Feed(std::string_view bytes, std::string* out);
  // A CRLF when the last line had none, then the terminating ".CRLF".
  void Finish(std::string* out);

 private:
  void EndLine();

  std::optional<size_t> body_lines_;
  bool line_start_ = true;
  bool prev_cr_ = false;
  size_t line_chars_ = 0;  // on the current line, CR not counted
  bool in_body_ = false;
  bool done_ = false;      // TOP's lines are out
};

}  // namespace posthorn::pop3d
