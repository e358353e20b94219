// The server's reader of client commands (RFC 3501 §2.2.1, §7.5, RFC 7888):
// bytes in, as they arrive and in any pieces; commands, continuation
// requests and errors out. It never touches a socket and never reads past
// a synchronizing literal's announcement until the session says it sent
// "+", so the client's octets after it stay in the session's input buffer.
//
// Only CRLF ends a line. Every size is bounded (Limits) and checked before
// the bytes are kept; nothing is allocated in proportion to a size the
// client announced, only to bytes that arrived.
//
// After a command the parser holds none of the input that follows it: the
// session may read the next line itself (an AUTHENTICATE response, IDLE's
// DONE) or start TLS knowing no plaintext was buffered past STARTTLS.
//
// Typical use by a session:
//
//   size_t used = 0;
//   for (;;) {
//     Event e = parser.Feed(input.substr(used));
//     used += e.consumed;
//     if (e.kind == Event::Kind::kNeedMore) break;
//     ... kCommand: run it; kContinuation: send "+ ..." then ContinuationSent()
//     (or refuse with "tag NO ..." then RefuseLiteral()); kError: "tag BAD ..."
//     (or "* BYE ..." and close when recovery is kClose).
//   }
//   drain `used` bytes from the input buffer
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/imap/arg.h"
#include "common/imap/command_builder.h"

namespace posthorn::imap {

struct Limits {
  // Octets of one line outside literals, CRLF not counted.
  size_t max_line = 64 * 1024;
  // Octets of one literal, in any command but APPEND.
  size_t max_literal = 64 * 1024;
  // Octets of one literal in APPEND (the message, RFC 3501 §6.3.11).
  size_t max_append_literal = 64 * 1024 * 1024;
  // Octets of a whole command, lines with their CRLFs and literals, in any
  // command but APPEND; and in APPEND.
  size_t max_command = 1024 * 1024;
  size_t max_append_command = 65 * 1024 * 1024;
  // Lists open at once, e.g. 32 for "((((...".
  size_t max_depth = 32;
  // Arguments of a command, every list and list element included.
  size_t max_args = 10000;
  // A non-synchronizing literal over its limit arrives anyway (RFC 7888
  // §4). Up to this size it is read and thrown away, counted but never
  // kept, so the session can answer BAD and go on; beyond it, reading on
  // would let a client keep the session busy for gigabytes, so the parser
  // gives up and the session closes.
  size_t max_discard = 1024 * 1024;
};

struct Event {
  enum class Kind {
    kNeedMore,      // all the input was used; Feed more when it arrives
    kCommand,       // `command` is complete
    kContinuation,  // a synchronizing literal of `literal_size` octets was announced
    kError,         // `error` says what was wrong; see `recovery`
  };
  enum class Recovery {
    // The parser skips the rest of the line (and the literals a skipped
    // line announces with {n+}, RFC 7888 §3) and reads the next line as a
    // new command: answer "tag BAD error" and go on.
    kSkipLine,
    // The parser cannot tell where the next command starts: answer
    // "* BYE error" and close. Feed repeats this error from now on.
    kClose,
  };

  Kind kind = Kind::kNeedMore;
  // Octets of Feed's input that were used, up to and including what this
  // event reports (for kContinuation, the CRLF after the announcement).
  size_t consumed = 0;
  // kCommand: the command. kContinuation and kError: its tag and name as far
  // as they were read ("" when not; answer an untagged "* BAD" then), and no
  // arguments.
  Command command;
  uint64_t literal_size = 0;  // kContinuation
  std::string error;          // kError: one short line
  Recovery recovery = Recovery::kSkipLine;
};

class Parser {
 public:
  explicit Parser(const Limits& limits = Limits());

  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  // Reads `input` up to the first event and returns it. kNeedMore consumes
  // all of `input` (what the parser keeps is bounded by the limits); other
  // events consume up to the end of what they report. While a continuation
  // is pending, Feed consumes nothing and returns kContinuation again.
  Event Feed(std::string_view input);

  // After kContinuation, exactly one of these: the session sent "+ ..." and
  // the literal's octets follow; or it refused the literal with a tagged NO
  // or BAD (RFC 3501 §7.5: the client then sends no octets), which ends the
  // command, and the next line is a new command.
  void ContinuationSent();
  void RefuseLiteral();
  bool waiting_for_continuation() const { return state_ == State::kAwaitContinuation; }

  // New limits, e.g. larger ones after login; they apply from the next
  // line or literal on.
  void SetLimits(const Limits& limits);
  const Limits& limits() const { return limits_; }

 private:
  enum class State {
    kLine,               // collecting a line of the command up to CRLF
    kAwaitContinuation,  // a synchronizing literal waits for "+"
    kLiteral,            // collecting a literal's octets
    kSkipLine,           // after an error: dropping octets up to LF
    kSkipLiteral,        // after an error: dropping a {n+} literal's octets
    kBroken,             // after a kClose error
  };

  void ReadLine(std::string_view input, size_t* pos, Event* event);
  void EndLine(Event* event);
  void OnLiteral(const CommandBuilder::LineResult& r, Event* event);
  void ReadLiteral(std::string_view input, size_t* pos, Event* event);
  void SkipLine(std::string_view input, size_t* pos, Event* event);
  void Fail(std::string message, Event* event);
  void FinishSkippedLine(std::string_view line, Event* event);
  void SkipLiteral(uint64_t size, Event* event);
  void StartCommand();
  size_t LiteralLimit() const;
  size_t CommandLimit() const;

  Limits limits_;
  State state_ = State::kLine;
  CommandBuilder builder_;
  std::string line_;           // the line being collected, CR included when it came
  bool first_line_ = true;     // line_ is the command's first line
  size_t command_size_ = 0;    // octets of the command before line_
  uint64_t literal_left_ = 0;  // kLiteral, kSkipLiteral, kAwaitContinuation
  std::string literal_;        // kLiteral: the octets so far
  std::string skip_tail_;      // kSkipLine: the last octets dropped, to spot {n+}
  std::string error_tag_;      // the tag of the command being dropped
  Event pending_;              // kAwaitContinuation, kBroken: the event Feed repeats
};

}  // namespace posthorn::imap
