// One command line in, a Command or the reply that refuses it out. The
// grammar is RFC 5321 §4.1.1 with the leniencies real clients need (a space
// after "FROM:", trailing spaces, runs of spaces between words) and none
// that could make two readers of the same line disagree: no control
// characters anywhere, no 8-bit bytes outside a path.
#include "common/smtp/command.h"

#include <optional>
#include <string>
#include <vector>

#include "common/base/strings.h"

namespace posthorn::smtp {

namespace {

struct VerbInfo {
  std::string_view name;
  Verb verb;
  std::string_view usage;  // the 501 text for a bad argument
};

constexpr VerbInfo kVerbs[] = {
    {"EHLO", Verb::kEhlo, "Syntax: EHLO hostname"},
    {"HELO", Verb::kHelo, "Syntax: HELO hostname"},
    {"MAIL", Verb::kMail, "Syntax: MAIL FROM:<address>"},
    {"RCPT", Verb::kRcpt, "Syntax: RCPT TO:<address>"},
    {"DATA", Verb::kData, "Syntax: DATA"},
    {"BDAT", Verb::kBdat, "Syntax: BDAT size [LAST]"},
    {"RSET", Verb::kRset, "Syntax: RSET"},
    {"NOOP", Verb::kNoop, "Syntax: NOOP [text]"},
    {"QUIT", Verb::kQuit, "Syntax: QUIT"},
    {"VRFY", Verb::kVrfy, "Syntax: VRFY address"},
    {"EXPN", Verb::kExpn, "Syntax: EXPN list"},
    {"HELP", Verb::kHelp, "Syntax: HELP [topic]"},
    {"STARTTLS", Verb::kStartTls, "Syntax: STARTTLS"},
    {"AUTH", Verb::kAuth, "Syntax: AUTH mechanism [initial-response]"},
};

ParseError Fail(int code, std::string_view enhanced, std::string_view text) {
  return ParseError{Reply{code, std::string(enhanced), std::string(text)}};
}

ParseError Usage(const VerbInfo& info) { return Fail(501, "5.5.4", info.usage); }


std::string_view SkipSpaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

// esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")   (RFC 5321 §4.1.2)
bool IsKeyword(std::string_view s) {
  if (s.empty() || !IsAsciiAlnum(s[0])) return false;
  for (char c : s)
    if (!IsAsciiAlnum(c) && c != '-') return false;
  return true;
}

// xtext (RFC 3461 §4): printable ASCII but '+' and '=', and "+XX" with two
// upper-case hex digits. Non-empty, as every esmtp-value is.
bool IsXtext(std::string_view s) {
  if (s.empty()) return false;
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); };
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      if (i + 2 >= s.size() || !hex(s[i + 1]) || !hex(s[i + 2])) return false;
      i += 2;
    } else if (c < '!' || c > '~' || c == '=') {
      return false;
    }
  }
  return true;
}

// Where the path at the start of `s` ends. A path may hold spaces and '>'
// inside a quoted local part, so the scan follows quotes and escapes. What
// is not a well-formed `<...>` followed by a space or the end is taken up
// to the next space, and ParsePath says what is wrong with it.
size_t PathEnd(std::string_view s) {
  size_t space = s.find(' ');
  if (space == std::string_view::npos) space = s.size();
  if (s.empty() || s[0] != '<') return space;
  bool quoted = false;
  for (size_t i = 1; i < s.size(); ++i) {
    if (quoted && s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      quoted = !quoted;
    } else if (!quoted && s[i] == '>') {
      size_t end = i + 1;
      if (end == s.size() || s[end] == ' ') return end;
      space = s.find(' ', end);
      return space == std::string_view::npos ? s.size() : space;
    }
  }
  return s.size();
}

// MAIL parameters (RFC 5321 §4.1.2 Mail-parameters) into `cmd`.
std::optional<ParseError> ParseMailParams(std::string_view params, Command* cmd) {
  constexpr unsigned kSize = 1, kBody = 2, kUtf8 = 4, kAuth = 8;
  unsigned seen = 0;
  for (const std::string& word : SplitWords(params)) {
    std::string_view w = word;
    size_t eq = w.find('=');
    std::string_view key = w.substr(0, eq);
    std::optional<std::string_view> value;
    if (eq != std::string_view::npos) value = w.substr(eq + 1);
    if (!IsKeyword(key) || (value && value->empty())) return Fail(501, "5.5.4", "Syntax error in parameters");
    unsigned which = EqualsIgnoreCase(key, "SIZE")       ? kSize
                     : EqualsIgnoreCase(key, "BODY")     ? kBody
                     : EqualsIgnoreCase(key, "SMTPUTF8") ? kUtf8
                     : EqualsIgnoreCase(key, "AUTH")     ? kAuth
                                                         : 0u;
    if (which == 0) return Fail(555, "5.5.4", "Unsupported parameter");
    if (seen & which) return Fail(501, "5.5.4", "Duplicate parameter");
    seen |= which;
    switch (which) {
      case kSize:  // RFC 1870 §6
        if (value) cmd->size = ParseUnsigned(*value);
        if (!cmd->size) return Fail(501, "5.5.4", "Bad SIZE parameter");
        break;
      case kBody:  // RFC 6152 §2, RFC 3030 §3
        if (value && EqualsIgnoreCase(*value, "7BIT")) {
          cmd->body = BodyType::k7Bit;
        } else if (value && EqualsIgnoreCase(*value, "8BITMIME")) {
          cmd->body = BodyType::k8BitMime;
        } else if (value && EqualsIgnoreCase(*value, "BINARYMIME")) {
          cmd->body = BodyType::kBinaryMime;
        } else {
          return Fail(501, "5.5.4", "Bad BODY parameter");
        }
        break;
      case kUtf8:  // RFC 6531 §3.4: no value
        if (value) return Fail(501, "5.5.4", "Bad SMTPUTF8 parameter");
        cmd->smtputf8 = true;
        break;
      case kAuth:  // RFC 4954 §5: checked for syntax, then ignored
        if (!value || !IsXtext(*value)) return Fail(501, "5.5.4", "Bad AUTH parameter");
        break;
    }
  }
  return std::nullopt;
}

// `rest` is what follows "MAIL " or "RCPT ": "FROM:<path> params".
// RFC 5321 §4.1.1.2 allows no space after the colon; Postfix accepts one
// and some clients depend on it, so spaces there are skipped.
bool SplitPathArgs(std::string_view rest, std::string_view keyword, std::string_view* path,
                   std::string_view* params) {
  if (!StartsWithIgnoreCase(rest, keyword)) return false;
  rest = SkipSpaces(rest.substr(keyword.size()));
  size_t end = PathEnd(rest);
  *path = rest.substr(0, end);
  *params = rest.substr(end);
  return true;
}

std::optional<ParseError> ParseMail(std::string_view rest, const VerbInfo& info, Command* cmd) {
  std::string_view path, params;
  if (!SplitPathArgs(rest, "FROM:", &path, &params)) return Usage(info);
  // Parameters first: whether the path may hold UTF-8 depends on SMTPUTF8.
  if (auto err = ParseMailParams(params, cmd)) return err;
  AddressOptions options;
  options.allow_utf8 = cmd->smtputf8;
  options.allow_null = true;
  Result<Address> a = ParsePath(path, options);
  if (!a.ok()) return Fail(501, "5.1.7", "Bad sender address syntax: " + a.message());
  cmd->path = std::move(*a);
  return std::nullopt;
}

std::optional<ParseError> ParseRcpt(std::string_view rest, bool smtputf8_allowed, const VerbInfo& info,
                                    Command* cmd) {
  std::string_view path, params;
  if (!SplitPathArgs(rest, "TO:", &path, &params)) return Usage(info);
  AddressOptions options;
  options.allow_utf8 = smtputf8_allowed;
  Result<Address> a = ParsePath(path, options);
  if (!a.ok()) return Fail(501, "5.1.3", "Bad recipient address syntax: " + a.message());
  // We offer no extension with RCPT parameters (no DSN, so no NOTIFY/ORCPT).
  if (!SkipSpaces(params).empty()) return Fail(555, "5.5.4", "Unsupported parameter");
  cmd->path = std::move(*a);
  return std::nullopt;
}

// BDAT chunk-size [SP "LAST"] (RFC 3030 §2).
std::optional<ParseError> ParseBdat(std::string_view rest, const VerbInfo& info, Command* cmd) {
  std::vector<std::string> words = SplitWords(rest);
  if (words.empty() || words.size() > 2) return Usage(info);
  std::optional<uint64_t> size = ParseUnsigned(words[0]);
  if (!size) return Usage(info);
  if (words.size() == 2 && !EqualsIgnoreCase(words[1], "LAST")) return Usage(info);
  cmd->chunk_size = *size;
  cmd->last = words.size() == 2;
  return std::nullopt;
}

}  // namespace

std::variant<Command, ParseError> ParseCommand(std::string_view line, bool smtputf8_allowed) {
  while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
  if (line.empty()) return Fail(500, "5.5.2", "Error: bad syntax");
  size_t space = line.find(' ');
  std::string_view verb = line.substr(0, space);
  std::string_view rest = space == std::string_view::npos ? std::string_view() : SkipSpaces(line.substr(space));
  const VerbInfo* info = nullptr;
  for (const VerbInfo& v : kVerbs)
    if (EqualsIgnoreCase(verb, v.name)) info = &v;
  if (info == nullptr) return Fail(500, "5.5.2", "Error: command not recognized");

  // Checked once for every verb, so no handler can pass a NUL, CR or other
  // control byte on to a log line, a file or another server.
  bool is_path_verb = info->verb == Verb::kMail || info->verb == Verb::kRcpt;
  for (char c : rest) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return Fail(501, "5.5.2", "Syntax error: control character in command");
    // 8-bit bytes belong only in SMTPUTF8 paths (RFC 6531 §3.3), which
    // ParsePath judges; EHLO must be ASCII even then (§3.7.1).
    if (u >= 0x80 && !is_path_verb) return Fail(501, "5.5.2", "Syntax error: non-ASCII character in command");
  }

  Command cmd{};
  cmd.verb = info->verb;
  std::optional<ParseError> err;
  switch (info->verb) {
    case Verb::kEhlo:
    case Verb::kHelo:
      // Liberal about the name a client gives itself (many send a bare
      // host name or garbage); it is only logged and put in Received:.
      if (rest.empty() || rest.find(' ') != std::string_view::npos) return Usage(*info);
      cmd.argument = rest;
      break;
    case Verb::kData:
    case Verb::kRset:
    case Verb::kQuit:
    case Verb::kStartTls:
      if (!rest.empty()) return Usage(*info);
      break;
    case Verb::kNoop:
    case Verb::kHelp:
      cmd.argument = rest;
      break;
    case Verb::kVrfy:
    case Verb::kExpn:
    case Verb::kAuth:
      if (rest.empty()) return Usage(*info);
      cmd.argument = rest;
      break;
    case Verb::kMail:
      err = ParseMail(rest, *info, &cmd);
      break;
    case Verb::kRcpt:
      err = ParseRcpt(rest, smtputf8_allowed, *info, &cmd);
      break;
    case Verb::kBdat:
      err = ParseBdat(rest, *info, &cmd);
      break;
  }
  if (err) return std::move(*err);
  return cmd;
}

}  // namespace posthorn::smtp
