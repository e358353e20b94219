// SEARCH from a client and a message from anywhere: the first line is a
// command's arguments, the rest a message in wire form. Whatever the
// bytes, the program keeps its limits, evaluating it against the message
// finishes with an answer, and the text helpers it rests on keep their
// promises: folding is idempotent and decoding never grows what it reads;
// and an answer found without the message's text is the one found with it.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/base/base64.h"
#include "common/base/case_fold.h"
#include "common/imap/parser.h"
#include "common/message/date.h"
#include "common/message/transfer_encoding.h"
#include "mra/imapd/search_match.h"
#include "mra/imapd/search_program.h"

namespace {

using namespace posthorn;
using namespace posthorn::imapd;

void Check(bool ok) {
  if (!ok) std::abort();
}

// Keys and the deepest nesting in `k` (depth counts NOT, OR and lists).
void Measure(const SearchKey& k, size_t depth, size_t* keys, size_t* deepest) {
  ++*keys;
  *deepest = std::max(*deepest, depth);
  size_t next = k.kind == SearchKey::Kind::kAnd || k.kind == SearchKey::Kind::kOr ||
                        k.kind == SearchKey::Kind::kNot ? depth + 1 : depth;
  if (k.kind == SearchKey::Kind::kNot) Check(k.children.size() == 1);
  if (k.kind == SearchKey::Kind::kOr) Check(k.children.size() == 2);
  for (const SearchKey& c : k.children) Measure(c, next, keys, deepest);
}

void CheckText(std::string_view s) {
  std::string folded = FoldCase(s);
  Check(FoldCase(folded) == folded);
  Check(message::DecodeQuotedPrintable(s).size() <= s.size());
  Check(Base64DecodeLenient(s).size() <= s.size() * 3 / 4 + 1);
  (void)ParseDateDay(s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t lf = in.find('\n');
  std::string line = "t SEARCH " + std::string(in.substr(0, lf)) + "\r\n";
  std::string_view message = lf == std::string_view::npos ? std::string_view() : in.substr(lf + 1);
  CheckText(message);

  imap::Parser parser;
  imap::Event e = parser.Feed(line);
  if (e.kind != imap::Event::Kind::kCommand) return 0;
  SearchLimits limits;
  limits.max_depth = 5;
  limits.max_keys = 20;
  SearchCommand cmd;
  SearchError error;
  if (!ParseSearchCommand(e.command.args, &cmd, &error, limits)) {
    Check(!error.text.empty() && error.text.find('\n') == std::string::npos);
    return 0;
  }
  size_t keys = 0, deepest = 0;
  Measure(cmd.program, 0, &keys, &deepest);
  Check(keys <= limits.max_keys + 1 && deepest <= limits.max_depth + 1);  // + the program's own AND

  BindToFolder(&cmd.program, 3, 10);
  ViewMessage m;
  m.uid = 5;
  m.modseq = 7;
  std::vector<std::string> keywords = {"Work"};
  SearchText text{std::string(message)};
  SearchSubject s{2, &m, &keywords};
  // What is decided without the file stands once the file is read.
  Match early = Evaluate(cmd.program, s);
  s.size = text.size();
  s.internal_date = 1700000000;
  s.text = &text;
  Match full = Evaluate(cmd.program, s);
  Check(full != Match::kUnknown && (early == Match::kUnknown || early == full));
  return 0;
}
