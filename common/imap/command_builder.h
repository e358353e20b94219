// The grammar of one IMAP command line (RFC 3501 §9 `command`, with the
// non-synchronizing literals of RFC 7888), applied one line at a time: a
// command is its first line, then after each literal the line that follows
// the literal's octets. Parser (parser.h) does the byte framing, the limits
// on sizes and the continuation requests; this class only knows the syntax
// of a complete line, so it can look ahead to the line's end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/imap/arg.h"

namespace posthorn::imap {

class CommandBuilder {
 public:
  // `max_depth`: lists open at once (also parentheses inside a FETCH
  // section); `max_args`: every argument of the command, lists and their
  // elements included.
  CommandBuilder(size_t max_depth, size_t max_args) : max_depth_(max_depth), max_args_(max_args) {}

  struct LineResult {
    enum class Kind {
      kComplete,  // the command is whole: Take() it
      kLiteral,   // the line ended in a literal announcement: pass its octets to AddLiteral()
      kError,     // a syntax error or too many arguments/lists: Reset() before the next command
    };
    Kind kind = Kind::kComplete;
    uint64_t literal_size = 0;   // kLiteral: at most 2^32-1
    bool synchronizing = false;  // kLiteral: {n} (true) or {n+} (false)
    std::string error;           // kError: one short line
  };

  // `line` is without its CRLF and holds no CR or LF (Parser refuses those
  // before a line gets here).
  LineResult AddLine(std::string_view line);
  // The octets of the literal the last AddLine announced.
  void AddLiteral(std::string octets);

  // After kComplete: the command; the builder is then ready for the next one.
  Command Take();
  void Reset();

  // The tag and name as far as read ("" until then), for error replies and
  // continuation requests.
  const std::string& tag() const { return command_.tag; }
  const std::string& name() const { return command_.name; }
  void SetLimits(size_t max_depth, size_t max_args) {
    max_depth_ = max_depth;
    max_args_ = max_args;
  }

 private:
  // What may come next in the command.
  enum class Expect {
    kTag,        // nothing read yet
    kSeparator,  // after an argument or the name: SP, ")" or the line end
    kArgument,   // after SP: an argument
    kFirst,      // after "(": an argument or ")"
  };

  LineResult ParseTagAndName(std::string_view line, size_t* pos);
  LineResult ParseArguments(std::string_view line, size_t pos);
  // Advances `*pos` past the atom and adds it; sets `*error` on failure.
  bool ParseAtom(std::string_view line, size_t* pos, std::string* error);
  size_t SectionEnd(std::string_view line, size_t open) const;
  bool Add(Arg arg, std::string* error);
  std::vector<Arg>& Target() { return open_.empty() ? command_.args : open_.back().list; }

  size_t max_depth_;
  size_t max_args_;
  Command command_;
  std::vector<Arg> open_;  // the lists not yet closed, innermost last
  size_t arg_count_ = 0;
  Expect expect_ = Expect::kTag;
};

}  // namespace posthorn::imap
