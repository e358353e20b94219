#include "common/message/address_list.h"

#include "common/message/encoded_word.h"
#include "common/message/lex.h"

namespace posthorn::message {

namespace {

constexpr size_t kNone = std::string_view::npos;

enum class TokenType { kEnd, kAtom, kQuoted, kComment, kLiteral, kSpecial };

struct Token {
  TokenType type = TokenType::kEnd;
  size_t begin = 0;  // quotes, parentheses and brackets included
  size_t end = 0;
  bool space_before = false;
  char special = 0;

  bool Is(char c) const { return type == TokenType::kSpecial && special == c; }
};

// RFC 5322 §3.2.3 specials that end an atom. A backslash outside quotes
// is not one here: it is kept in the atom rather than lost.
bool IsSpecial(char c) { return std::string_view("()<>[]:;@,.\"").find(c) != std::string_view::npos; }

// Splits a value into the tokens of §3.2; whitespace only marks the next
// token. Every call consumes at least one byte until kEnd.
class Lexer {
 public:
  Lexer(std::string_view s, size_t pos) : s_(s), pos_(pos) {}

  Token Next() {
    Token t;
    size_t start = pos_;
    while (pos_ < s_.size() && IsFws(s_[pos_])) ++pos_;
    t.space_before = pos_ > start;
    t.begin = pos_;
    if (pos_ >= s_.size()) {
      t.end = pos_;
      return t;
    }
    char c = s_[pos_];
    if (c == '(') {
      t.type = TokenType::kComment;
      pos_ = SkipComment(s_, pos_);
    } else if (c == '"') {
      t.type = TokenType::kQuoted;
      pos_ = ReadQuotedString(s_, pos_, nullptr);
    } else if (c == '[') {
      t.type = TokenType::kLiteral;
      size_t close = s_.find(']', pos_);
      pos_ = close == kNone ? s_.size() : close + 1;
    } else if (IsSpecial(c)) {
      t.type = TokenType::kSpecial;
      t.special = c;
      ++pos_;
    } else {
      t.type = TokenType::kAtom;
      while (pos_ < s_.size() && !IsFws(s_[pos_]) && !IsSpecial(s_[pos_])) ++pos_;
    }
    t.end = pos_;
    return t;
  }

  // The next token that is not a comment, without consuming anything.
  Token PeekWord() const {
    Lexer copy = *this;
    Token t;
    do {
      t = copy.Next();
    } while (t.type == TokenType::kComment);
    return t;
  }

 private:
  std::string_view s_;
  size_t pos_;
};

class Parser {
 public:
  Parser(std::string_view s, const AddressListLimits& limits) : s_(s), limits_(limits), lexer_(s, 0) {}

  AddressList Run() {
    while (!done_) Entry();
    if (in_group_) out_.entries.push_back(Mailbox{Mailbox::Kind::kGroupEnd});
    return std::move(out_);
  }

 private:
  // One address, or a group's start, up to and including the ',', ';' or
  // ':' after it. No token is stored: the entry is a span of the value,
  // and its pieces are lexed again when the mailbox is built.
  void Entry() {
    size_t span_begin = kNone, span_end = 0;
    size_t run_begin = 0;                                 // the current run of connected tokens
    size_t at = kNone, at_run_begin = 0, at_run_end = 0;  // the last '@' and its run
    bool at_run_closed = false;
    bool separated = false;  // a comment since the last token
    Token prev;
    comment_ = Token{};
    auto restart = [&] {
      span_begin = at = kNone;
      separated = true;
      prev = Token{};
    };
    while (true) {
      Token t = lexer_.Next();
      if (t.type == TokenType::kComment) {
        if (comment_.type == TokenType::kEnd) comment_ = t;
        separated = true;
        continue;
      }
      bool stop = t.type == TokenType::kEnd || t.Is(',') || t.Is(';');
      if (stop || t.Is('<') || (t.Is(':') && !in_group_)) {
        std::string_view phrase =
            span_begin == kNone ? std::string_view() : s_.substr(span_begin, t.begin - span_begin);
        if (t.Is('<')) {
          Angle(phrase);
        } else if (t.Is(':')) {
          StartGroup(phrase);
        } else {
          Plain(span_begin, span_end, at, at_run_begin, at_run_end);
          End(t);
        }
        return;
      }
      if (t.Is('>')) {  // stray
        out_.broken = true;
        separated = true;
        continue;
      }
      if (t.Is(':')) {  // a group inside a group: drop its name
        out_.broken = true;
        restart();
        continue;
      }
      // Tokens are one run while nothing separates them, and across
      // whitespace around '.' and '@' (obs-local-part, obs-domain allow
      // CFWS there): "John Doe jd@x" has the runs "John", "Doe", "jd@x".
      bool dot_or_at = t.Is('.') || t.Is('@') || prev.Is('.') || prev.Is('@');
      if (span_begin == kNone) {
        span_begin = run_begin = t.begin;
      } else if ((t.space_before || separated) && !dot_or_at) {
        run_begin = t.begin;
        at_run_closed = at != kNone;
      }
      if (t.Is('@')) {
        at = t.begin;
        at_run_begin = run_begin;
        at_run_closed = false;
      }
      if (at != kNone && !at_run_closed) at_run_end = t.end;
      span_end = t.end;
      separated = false;
      prev = t;
    }
  }

  // After a ',' or ';' or the end: what the terminator means.
  void End(const Token& t) {
    if (t.type == TokenType::kEnd) done_ = true;
    if (t.Is(';')) {
      if (in_group_) {
        out_.entries.push_back(Mailbox{Mailbox::Kind::kGroupEnd});
        in_group_ = false;
      } else {
        out_.broken = true;
      }
    }
  }

  void StartGroup(std::string_view phrase) {
    if (!Room(2)) return;
    Mailbox m;
    m.kind = Mailbox::Kind::kGroupStart;
    m.name = PhraseText(phrase);
    m.decoded_name = DecodePhrase(phrase);
    out_.entries.push_back(std::move(m));
    in_group_ = true;
  }

  // An addr-spec with no angle brackets: the run holding the last '@' is
  // the address; anything before it is taken as a display name someone
  // forgot the brackets for.
  void Plain(size_t begin, size_t end, size_t at, size_t at_run_begin, size_t at_run_end) {
    if (begin == kNone) return;  // an empty entry (",,"): obs-addr-list allows it
    Mailbox m;
    if (at == kNone) {
      m.local = PhraseText(s_.substr(begin, end - begin));
    } else {
      std::string_view phrase = s_.substr(begin, at_run_begin - begin);
      if (!TrimFws(phrase).empty()) {
        out_.broken = true;
        m.name = PhraseText(phrase);
        m.decoded_name = DecodePhrase(phrase);
      }
      if (at_run_end < end) out_.broken = true;
      m.local = AddrText(at_run_begin, at);
      m.domain = AddrText(at + 1, at_run_end);
    }
    Add(std::move(m));
  }

  // name-addr (§3.4) and obs-angle-addr (§4.4), from just after the '<'.
  // A ',' inside the brackets continues only an obs-route; any other ends
  // an unterminated angle address, as do ';' and the end of the value.
  void Angle(std::string_view phrase) {
    Mailbox m;
    m.name = PhraseText(phrase);
    m.decoded_name = DecodePhrase(phrase);
    Token t = lexer_.Next();
    size_t begin = t.begin, colon = kNone, at = kNone;
    for (;; t = lexer_.Next()) {
      if (t.type == TokenType::kEnd || t.Is('>') || t.Is(';')) break;
      if (t.Is(',') && (colon != kNone || (!lexer_.PeekWord().Is('@') && !lexer_.PeekWord().Is(',')))) break;
      if (t.Is(':') && colon == kNone) {
        colon = t.begin;
        at = kNone;
      } else if (t.Is('@')) {
        at = t.begin;
      } else if (t.Is('<')) {
        out_.broken = true;
      }
    }
    size_t end = t.begin;
    size_t addr = begin;
    if (colon != kNone) {
      m.route = AddrText(begin, colon);
      addr = colon + 1;
    }
    m.local = AddrText(addr, at == kNone ? end : at);
    if (at != kNone) m.domain = AddrText(at + 1, end);
    if (!t.Is('>')) {
      out_.broken = true;
    } else {
      // Only comments may follow, up to the next ',' or ';'.
      for (t = lexer_.Next(); t.type != TokenType::kEnd && !t.Is(',') && !t.Is(';'); t = lexer_.Next()) {
        if (t.type == TokenType::kComment) {
          if (comment_.type == TokenType::kEnd) comment_ = t;
        } else {
          out_.broken = true;
        }
      }
    }
    Add(std::move(m));
    End(t);
  }

  // The pieces of an addr-spec or route between two token boundaries:
  // CFWS dropped, quoted strings unquoted, the rest as written.
  std::string AddrText(size_t begin, size_t end) const {
    std::string out;
    Lexer lexer(s_.substr(0, end), begin);
    for (Token t = lexer.Next(); t.type != TokenType::kEnd; t = lexer.Next()) {
      if (t.type == TokenType::kQuoted) {
        ReadQuotedString(s_.substr(0, end), t.begin, &out);
      } else if (t.type != TokenType::kComment) {
        out.append(s_.substr(t.begin, t.end - t.begin));
      }
    }
    return out;
  }

  void Add(Mailbox m) {
    if (!Room(1)) return;
    // No phrase: the old `address (Full Name)` form names the mailbox by
    // its comment, as UW-IMAP and Dovecot do for ENVELOPE.
    if (m.name.empty() && comment_.type == TokenType::kComment) {
      size_t inner_end =
          comment_.end > comment_.begin + 1 && s_[comment_.end - 1] == ')' ? comment_.end - 1 : comment_.end;
      std::string text;
      AppendUnfolded(s_.substr(comment_.begin + 1, inner_end - comment_.begin - 1), &text);
      m.name = std::string(TrimFws(text));
      m.decoded_name = DecodeUnstructured(m.name);
    }
    out_.entries.push_back(std::move(m));
  }

  // Room for `n` more entries and the end marker of an open group.
  bool Room(size_t n) {
    if (out_.entries.size() + n + (in_group_ ? 1 : 0) <= limits_.max_entries) return true;
    out_.truncated = true;
    done_ = true;
    return false;
  }

  std::string_view s_;
  const AddressListLimits& limits_;
  Lexer lexer_;
  AddressList out_;
  Token comment_;  // the entry's first comment, kEnd if none
  bool in_group_ = false;
  bool done_ = false;
};

}  // namespace

AddressList ParseAddressList(std::string_view value, const AddressListLimits& limits) {
  return Parser(value, limits).Run();
}

}  // namespace posthorn::message
