// A client command as the parser hands it over: tag, name and a generic
// argument tree (RFC 3501 §9). The tree is lexical only: whether FETCH got
// a valid fetch-att or SELECT a valid mailbox is for each command's own
// code to decide, so the parser stays one piece shared by every command.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace posthorn::imap {

struct Arg {
  enum class Kind {
    // A run of printable ASCII without SP ( ) { or DQUOTE. Wider than the
    // RFC's atom on purpose: it also holds flags (\Seen), LIST patterns
    // (% *), sequence sets (1:*,5), resp-specials (]) and FETCH sections
    // with their brackets, which may hold spaces, parentheses and quoted
    // strings (BODY[HEADER.FIELDS (FROM TO)]<0.100>), kept as sent.
    kAtom,
    kQuoted,   // `text` without the quotes and escapes
    kLiteral,  // `text` holds the octets; {n} and {n+} alike
    kNil,      // the atom NIL in any case; `text` as sent
    kList,     // `list` holds the elements
  };

  Kind kind = Kind::kAtom;
  std::string text;
  std::vector<Arg> list;

  bool IsString() const { return kind == Kind::kQuoted || kind == Kind::kLiteral; }
};

// RFC 3501 §9 astring = 1*ASTRING-CHAR / string: the string for a quoted or
// literal argument, the atom's text when every character is an ASTRING-CHAR
// (NIL included: it is a valid astring), else nullopt. Points into `arg`.
std::optional<std::string_view> AsAstring(const Arg& arg);

struct Command {
  std::string tag;   // valid per RFC 3501 §9 `tag`
  std::string name;  // upper-cased ASCII
  std::vector<Arg> args;
};

}  // namespace posthorn::imap
