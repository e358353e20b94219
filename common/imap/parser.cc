#include "common/imap/parser.h"

#include <algorithm>
#include <optional>

#include "common/base/strings.h"
#include "common/imap/chars.h"

namespace posthorn::imap {

namespace {

// Enough of a skipped line's end to hold any sensible "{n+}" and its CR.
constexpr size_t kTail = 64;

std::string Tail(std::string_view s) { return std::string(s.substr(s.size() > kTail ? s.size() - kTail : 0)); }

// RFC 7888 §3: "{" number "+}" just before the CRLF announces octets that
// follow without a continuation request, even on a line being skipped.
std::optional<uint64_t> TrailingNonSyncLiteral(std::string_view line) {
  if (!line.ends_with("+}")) return std::nullopt;
  size_t end = line.size() - 2;
  size_t start = end;
  while (start > 0 && IsAsciiDigit(line[start - 1])) --start;
  if (start == end || start == 0 || line[start - 1] != '{') return std::nullopt;
  uint64_t n = 0;
  for (char c : line.substr(start, end - start)) {
    if (n <= 0xFFFFFFFF) n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

// The tag of a first line not yet parsed, when it is complete and valid.
std::string TagOfLine(std::string_view line) {
  size_t space = line.find(' ');
  if (space == std::string_view::npos || !IsTag(line.substr(0, space))) return "";
  return std::string(line.substr(0, space));
}

}  // namespace

Parser::Parser(const Limits& limits) : limits_(limits), builder_(limits.max_depth, limits.max_args) {}

void Parser::SetLimits(const Limits& limits) {
  limits_ = limits;
  builder_.SetLimits(limits.max_depth, limits.max_args);
}

// APPEND carries a message; every other command's literals are names,
// passwords and search strings.
size_t Parser::LiteralLimit() const {
  return builder_.name() == "APPEND" ? limits_.max_append_literal : limits_.max_literal;
}

size_t Parser::CommandLimit() const {
  return builder_.name() == "APPEND" ? limits_.max_append_command : limits_.max_command;
}

Event Parser::Feed(std::string_view input) {
  Event event;
  size_t pos = 0;
  for (;;) {
    if (state_ == State::kAwaitContinuation || state_ == State::kBroken) {
      event = pending_;
      event.consumed = pos;
      return event;
    }
    // An empty literal completes without input.
    if (pos == input.size() && !(state_ == State::kLiteral && literal_left_ == 0)) break;
    switch (state_) {
      case State::kLine:
        ReadLine(input, &pos, &event);
        break;
      case State::kLiteral:
        ReadLiteral(input, &pos, &event);
        break;
      case State::kSkipLine:
        SkipLine(input, &pos, &event);
        break;
      case State::kSkipLiteral: {
        uint64_t n = std::min<uint64_t>(literal_left_, input.size() - pos);
        pos += static_cast<size_t>(n);
        literal_left_ -= n;
        if (literal_left_ == 0) {
          skip_tail_.clear();
          state_ = State::kSkipLine;
        }
        break;
      }
      case State::kAwaitContinuation:
      case State::kBroken:
        break;
    }
    if (event.kind != Event::Kind::kNeedMore) break;
  }
  event.consumed = pos;
  return event;
}

// One octet at a time: lines are short, and every check (bare CR, bare LF,
// length) then happens at the octet that breaks it, whatever the packets.
void Parser::ReadLine(std::string_view input, size_t* pos, Event* event) {
  while (*pos < input.size()) {
    char c = input[(*pos)++];
    if (!line_.empty() && line_.back() == '\r') {
      if (c == '\n') {
        line_.pop_back();
        EndLine(event);
        return;
      }
      line_.push_back(c);
      return Fail("Bare CR: lines end with CRLF", event);
    }
    if (c == '\n') {
      // The LF ends the bad line, so the next line is a new command.
      Fail("Bare LF: lines end with CRLF", event);
      StartCommand();
      return;
    }
    line_.push_back(c);
    if (c != '\r' && line_.size() > limits_.max_line) return Fail("Line too long", event);
    size_t with_crlf = command_size_ + line_.size() + (c == '\r' ? 1 : 2);
    if (with_crlf > CommandLimit()) return Fail("Command too large", event);
  }
}

void Parser::EndLine(Event* event) {
  std::string line = std::move(line_);
  line_.clear();
  command_size_ += line.size() + 2;
  CommandBuilder::LineResult r = builder_.AddLine(line);
  switch (r.kind) {
    case CommandBuilder::LineResult::Kind::kComplete:
      event->kind = Event::Kind::kCommand;
      event->command = builder_.Take();
      StartCommand();
      return;
    case CommandBuilder::LineResult::Kind::kLiteral:
      first_line_ = false;
      OnLiteral(r, event);
      return;
    case CommandBuilder::LineResult::Kind::kError:
      Fail(r.error, event);
      FinishSkippedLine(line, event);
      return;
  }
}

void Parser::OnLiteral(const CommandBuilder::LineResult& r, Event* event) {
  uint64_t size = r.literal_size;
  const char* refusal = nullptr;
  if (size > LiteralLimit()) {
    refusal = "Literal too large";
  } else if (command_size_ + size > CommandLimit()) {
    refusal = "Command too large";
  }
  if (refusal != nullptr) {
    Fail(refusal, event);
    if (r.synchronizing) {
      // Refused with no "+": the client sends no octets (RFC 3501 §7.5), so
      // the next line is a new command; nothing waits for the data.
      StartCommand();
    } else {
      SkipLiteral(size, event);
    }
    return;
  }
  command_size_ += static_cast<size_t>(size);
  literal_left_ = size;
  literal_.clear();
  if (!r.synchronizing) {
    state_ = State::kLiteral;
    return;
  }
  state_ = State::kAwaitContinuation;
  event->kind = Event::Kind::kContinuation;
  event->command.tag = builder_.tag();
  event->command.name = builder_.name();
  event->literal_size = size;
  pending_ = *event;
}

void Parser::ReadLiteral(std::string_view input, size_t* pos, Event* event) {
  if (literal_left_ > 0) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(literal_left_, input.size() - *pos));
    std::string_view chunk = input.substr(*pos, n);
    // RFC 3501 §9: literal = ... *CHAR8, and CHAR8 is %x01-ff; binary data
    // needs literal8 (RFC 3516), which this parser does not take.
    size_t nul = chunk.find('\0');
    if (nul != std::string_view::npos) {
      *pos += nul + 1;
      literal_left_ -= nul + 1;
      Fail("NUL in literal", event);
      // The rest was accepted (a "+" went out, or it was a {n+} within the
      // limit), so it comes anyway: drop it, however large.
      state_ = State::kSkipLiteral;
      return;
    }
    literal_.append(chunk);
    *pos += n;
    literal_left_ -= n;
  }
  if (literal_left_ == 0) {
    builder_.AddLiteral(std::move(literal_));
    literal_.clear();
    state_ = State::kLine;
  }
}

void Parser::SkipLine(std::string_view input, size_t* pos, Event* event) {
  size_t lf = input.find('\n', *pos);
  size_t end = lf == std::string_view::npos ? input.size() : lf;
  skip_tail_ = Tail(skip_tail_ + Tail(input.substr(*pos, end - *pos)));
  if (lf == std::string_view::npos) {
    *pos = input.size();
    return;
  }
  *pos = lf + 1;
  std::string tail = std::move(skip_tail_);
  skip_tail_.clear();
  if (tail.empty() || tail.back() != '\r') {
    StartCommand();  // a bare LF ends a skipped line too
    return;
  }
  tail.pop_back();
  FinishSkippedLine(tail, event);
}

// Reports `message` for the command being read and drops it; the parser
// then skips to the end of the line.
void Parser::Fail(std::string message, Event* event) {
  error_tag_ = !builder_.tag().empty() ? builder_.tag() : first_line_ ? TagOfLine(line_) : "";
  event->kind = Event::Kind::kError;
  event->error = std::move(message);
  event->recovery = Event::Recovery::kSkipLine;
  event->command = Command();
  event->command.tag = error_tag_;
  event->command.name = builder_.name();
  skip_tail_ = Tail(line_);
  builder_.Reset();
  line_.clear();
  literal_.clear();
  state_ = State::kSkipLine;
}

// A skipped line ended (`line` without CRLF); a {n+} at its end still
// brings octets that belong to the dropped command.
void Parser::FinishSkippedLine(std::string_view line, Event* event) {
  std::optional<uint64_t> size = TrailingNonSyncLiteral(line);
  if (!size) {
    StartCommand();
    return;
  }
  SkipLiteral(*size, event);
}

void Parser::SkipLiteral(uint64_t size, Event* event) {
  if (size <= limits_.max_discard) {
    literal_left_ = size;
    state_ = State::kSkipLiteral;
    return;
  }
  if (event->kind != Event::Kind::kError) {
    event->kind = Event::Kind::kError;
    event->command = Command();
    event->command.tag = error_tag_;
  }
  event->error = "Literal too large";
  event->recovery = Event::Recovery::kClose;
  state_ = State::kBroken;
  pending_ = *event;
}

void Parser::StartCommand() {
  builder_.Reset();
  line_.clear();
  literal_.clear();
  first_line_ = true;
  command_size_ = 0;
  literal_left_ = 0;
  state_ = State::kLine;
}

void Parser::ContinuationSent() {
  if (state_ == State::kAwaitContinuation) state_ = State::kLiteral;
}

void Parser::RefuseLiteral() {
  if (state_ == State::kAwaitContinuation) StartCommand();
}

}  // namespace posthorn::imap
