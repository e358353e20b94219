#include "common/imap/command_builder.h"

#include "common/base/strings.h"
#include "common/imap/chars.h"

namespace posthorn::imap {

namespace {

using LineResult = CommandBuilder::LineResult;

constexpr uint64_t kMaxNumber = 0xFFFFFFFF;  // RFC 3501 §9: number is an unsigned 32-bit integer

LineResult Fail(std::string message) {
  LineResult r;
  r.kind = LineResult::Kind::kError;
  r.error = std::move(message);
  return r;
}

// The error for a character that may not stand where `c` does; `otherwise`
// when it is an ordinary character in the wrong place.
std::string Unexpected(char c, std::string_view otherwise) {
  if (c == '\0') return "NUL outside a literal";
  if (Is8Bit(c)) return "8-bit character outside a literal";
  if (IsCtl(c)) return "Control character outside a literal";
  return std::string(otherwise);
}

// What an atom-like token may hold outside FETCH section brackets (see
// Arg::Kind::kAtom): printable ASCII except SP and the characters that start
// or end another kind of argument.
bool IsTokenChar(char c) { return !IsCtl(c) && !Is8Bit(c) && c != ' ' && c != '(' && c != ')' && c != '{' && c != '"'; }

// RFC 3501 §9 quoted: DQUOTE *QUOTED-CHAR DQUOTE, where the only escapes are
// \" and \\. `*pos` is at the opening quote; on success it is past the
// closing one and `*out` (if not null) holds the unescaped text.
bool ScanQuoted(std::string_view line, size_t* pos, std::string* out, std::string* error) {
  for (size_t i = *pos + 1; i < line.size(); ++i) {
    char c = line[i];
    if (c == '"') {
      *pos = i + 1;
      return true;
    }
    if (c == '\\') {
      if (i + 1 == line.size()) break;
      c = line[++i];
      if (c != '"' && c != '\\') {
        *error = "Invalid escape in quoted string";
        return false;
      }
    } else if (c == '\0') {
      *error = "NUL in quoted string";
      return false;
    } else if (Is8Bit(c)) {
      *error = "8-bit character in quoted string";
      return false;
    } else if (c == '\r' || c == '\n') {
      *error = "CR or LF in quoted string";
      return false;
    }
    if (out != nullptr) out->push_back(c);
  }
  *error = "Unterminated quoted string";
  return false;
}

}  // namespace

LineResult CommandBuilder::AddLine(std::string_view line) {
  size_t pos = 0;
  if (expect_ == Expect::kTag) {
    LineResult r = ParseTagAndName(line, &pos);
    if (r.kind == LineResult::Kind::kError) return r;
  }
  return ParseArguments(line, pos);
}

// RFC 3501 §9: command = tag SP (command-any / command-auth / ...) CRLF;
// every command name is an atom.
LineResult CommandBuilder::ParseTagAndName(std::string_view line, size_t* pos) {
  if (line.empty()) return Fail("Empty command line");
  size_t space = line.find(' ');
  std::string_view tag = line.substr(0, space);
  if (tag.empty()) return Fail("Missing tag");
  if (!IsTag(tag)) return Fail("Invalid character in tag");
  command_.tag = std::string(tag);
  if (space == std::string_view::npos || space + 1 == line.size()) return Fail("Missing command name");
  size_t end = space + 1;
  while (end < line.size() && IsAtomChar(line[end])) ++end;
  if (end == space + 1) return Fail(line[end] == ' ' ? "Extra space" : "Invalid command name");
  if (end < line.size() && line[end] != ' ') return Fail(Unexpected(line[end], "Invalid command name"));
  for (char c : line.substr(space + 1, end - space - 1)) {
    command_.name.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  expect_ = Expect::kSeparator;
  *pos = end;
  return LineResult();
}

LineResult CommandBuilder::ParseArguments(std::string_view line, size_t pos) {
  std::string error;
  while (pos < line.size()) {
    char c = line[pos];
    if (expect_ == Expect::kSeparator || (expect_ == Expect::kFirst && c == ')')) {
      if (c == ' ') {
        expect_ = Expect::kArgument;
        ++pos;
        continue;
      }
      if (c != ')') return Fail(Unexpected(c, "Expected space between arguments"));
      if (open_.empty()) return Fail("Unexpected )");
      Arg list = std::move(open_.back());
      open_.pop_back();
      Target().push_back(std::move(list));  // counted when it opened
      expect_ = Expect::kSeparator;
      ++pos;
      continue;
    }
    // An argument must start here (RFC 3501 §9: SP separates, never ends).
    if (c == ')') return Fail("Space before )");
    if (c == ' ') return Fail("Extra space");
    if (c == '(') {
      if (open_.size() >= max_depth_) return Fail("Too deeply nested");
      if (++arg_count_ > max_args_) return Fail("Too many arguments");
      Arg list;
      list.kind = Arg::Kind::kList;
      open_.push_back(std::move(list));
      expect_ = Expect::kFirst;
      ++pos;
      continue;
    }
    if (c == '"') {
      Arg quoted;
      quoted.kind = Arg::Kind::kQuoted;
      if (!ScanQuoted(line, &pos, &quoted.text, &error) || !Add(std::move(quoted), &error)) return Fail(error);
      expect_ = Expect::kSeparator;
      continue;
    }
    if (c == '{') {
      // RFC 3501 §9 literal = "{" number "}" CRLF *CHAR8, RFC 7888 §3 adds
      // "{" number "+}": the announcement is always the end of its line.
      size_t i = pos + 1;
      uint64_t size = 0;
      while (i < line.size() && IsAsciiDigit(line[i])) {
        if (size <= kMaxNumber) size = size * 10 + static_cast<uint64_t>(line[i] - '0');
        ++i;
      }
      bool digits = i > pos + 1;
      LineResult r;
      r.kind = LineResult::Kind::kLiteral;
      r.synchronizing = !(i < line.size() && line[i] == '+');
      if (!r.synchronizing) ++i;
      if (!digits || i >= line.size() || line[i] != '}') return Fail("Invalid literal announcement");
      if (i + 1 != line.size()) return Fail("Literal announcement not at the end of the line");
      if (size > kMaxNumber) return Fail("Literal size out of range");
      if (++arg_count_ > max_args_) return Fail("Too many arguments");
      r.literal_size = size;
      expect_ = Expect::kSeparator;  // what follows the octets
      return r;
    }
    if (!ParseAtom(line, &pos, &error)) return Fail(error);
    expect_ = Expect::kSeparator;
  }
  if (expect_ == Expect::kArgument) return Fail("Space at the end of the line");
  if (!open_.empty()) return Fail("Missing )");
  return LineResult();
}

bool CommandBuilder::ParseAtom(std::string_view line, size_t* pos, std::string* error) {
  size_t start = *pos;
  size_t i = start;
  while (i < line.size()) {
    if (line[i] == '[') {
      // A FETCH section (RFC 3501 §9 section, e.g. BODY[HEADER.FIELDS (A
      // B)]) belongs to its atom. When no valid section closes it, "[" is
      // an ordinary character: it is an ATOM-CHAR, so "a[b" is a mailbox.
      size_t end = SectionEnd(line, i);
      i = end == std::string_view::npos ? i + 1 : end;
      continue;
    }
    if (!IsTokenChar(line[i])) break;
    ++i;
  }
  if (i == start) {
    *error = Unexpected(line[start], "Invalid character");
    return false;
  }
  *pos = i;
  Arg atom;
  atom.text = std::string(line.substr(start, i - start));
  atom.kind = EqualsIgnoreCase(atom.text, "NIL") ? Arg::Kind::kNil : Arg::Kind::kAtom;
  return Add(std::move(atom), error);
}

// Where the section opened by the "[" at `open` ends (past its "]"), or npos
// when there is no valid one: inside, printable ASCII and SP, balanced
// parentheses, quoted strings of printable ASCII (whose "]" and ")" do not
// count), and no "[", "{" or literal (a header-list of astrings is written
// with quoted strings in practice; a literal there would be a line break
// inside one token).
size_t CommandBuilder::SectionEnd(std::string_view line, size_t open) const {
  size_t depth = 0;
  std::string ignored;
  size_t i = open + 1;
  while (i < line.size()) {
    char c = line[i];
    if (c == ']' && depth == 0) return i + 1;
    if (c == '"') {
      // Kept raw inside the atom, so no control octets (TAB is TEXT-CHAR).
      size_t start = i;
      if (!ScanQuoted(line, &i, nullptr, &ignored)) return std::string_view::npos;
      for (char q : line.substr(start, i - start)) {
        if (IsCtl(q)) return std::string_view::npos;
      }
      continue;
    }
    if (c == '(') {
      if (++depth > max_depth_) return std::string_view::npos;
    } else if (c == ')') {
      if (depth == 0) return std::string_view::npos;
      --depth;
    } else if (c == '[' || c == '{' || IsCtl(c) || Is8Bit(c)) {
      return std::string_view::npos;
    }
    ++i;
  }
  return std::string_view::npos;
}

bool CommandBuilder::Add(Arg arg, std::string* error) {
  if (++arg_count_ > max_args_) {
    *error = "Too many arguments";
    return false;
  }
  Target().push_back(std::move(arg));
  return true;
}

void CommandBuilder::AddLiteral(std::string octets) {
  Arg literal;
  literal.kind = Arg::Kind::kLiteral;
  literal.text = std::move(octets);
  Target().push_back(std::move(literal));  // counted when announced
}

Command CommandBuilder::Take() {
  Command done = std::move(command_);
  Reset();
  return done;
}

void CommandBuilder::Reset() {
  command_ = Command();
  open_.clear();
  arg_count_ = 0;
  expect_ = Expect::kTag;
}

}  // namespace posthorn::imap
