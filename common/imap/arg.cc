#include "common/imap/arg.h"

#include "common/imap/chars.h"

namespace posthorn::imap {

std::optional<std::string_view> AsAstring(const Arg& arg) {
  switch (arg.kind) {
    case Arg::Kind::kQuoted:
    case Arg::Kind::kLiteral:
      return std::string_view(arg.text);
    case Arg::Kind::kAtom:
    case Arg::Kind::kNil:
      if (arg.text.empty()) return std::nullopt;
      for (char c : arg.text) {
        if (!IsAstringChar(c)) return std::nullopt;
      }
      return std::string_view(arg.text);
    case Arg::Kind::kList:
      break;
  }
  return std::nullopt;
}

}  // namespace posthorn::imap
