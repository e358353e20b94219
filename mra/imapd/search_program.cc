#include "mra/imapd/search_program.h"

#include <cctype>

#include "common/base/case_fold.h"
#include "common/base/strings.h"
#include "common/imap/date_time.h"
#include "mra/imapd/condstore_args.h"

namespace posthorn::imapd {

namespace {

using ArgKind = imap::Arg::Kind;
using Args = std::span<const imap::Arg>;
using Key = SearchKey;

Key Make(Key::Kind kind) {
  Key k;
  k.kind = kind;
  return k;
}

Key Not(Key child) {
  Key k = Make(Key::Kind::kNot);
  k.children.push_back(std::move(child));
  return k;
}

Key FlagKey(Key::Flag flag) {
  Key k = Make(Key::Kind::kFlag);
  k.flag = flag;
  return k;
}

// The keys that test a system flag, set or (`set` false) unset.
struct FlagSpec {
  const char* name;
  Key::Flag flag;
  bool set;
};

constexpr FlagSpec kFlagKeys[] = {
    {"ANSWERED", Key::Flag::kAnswered, true},    {"DELETED", Key::Flag::kDeleted, true},
    {"DRAFT", Key::Flag::kDraft, true},          {"FLAGGED", Key::Flag::kFlagged, true},
    {"RECENT", Key::Flag::kRecent, true},        {"SEEN", Key::Flag::kSeen, true},
    {"UNANSWERED", Key::Flag::kAnswered, false}, {"UNDELETED", Key::Flag::kDeleted, false},
    {"UNDRAFT", Key::Flag::kDraft, false},       {"UNFLAGGED", Key::Flag::kFlagged, false},
    {"UNSEEN", Key::Flag::kSeen, false},         {"OLD", Key::Flag::kRecent, false},
};

// The keys that take a string to look for, and where.
struct StringSpec {
  const char* name;
  Key::Kind kind;
  const char* field;
};

constexpr StringSpec kStringKeys[] = {
    {"BCC", Key::Kind::kHeader, "Bcc"},         {"CC", Key::Kind::kHeader, "Cc"},
    {"FROM", Key::Kind::kHeader, "From"},       {"SUBJECT", Key::Kind::kHeader, "Subject"},
    {"TO", Key::Kind::kHeader, "To"},           {"BODY", Key::Kind::kBody, ""},
    {"TEXT", Key::Kind::kText, ""},
};

struct DateSpec {
  const char* name;
  Key::Kind kind;
  Key::DateOp op;
};

constexpr DateSpec kDateKeys[] = {
    {"BEFORE", Key::Kind::kInternalDate, Key::DateOp::kBefore},
    {"ON", Key::Kind::kInternalDate, Key::DateOp::kOn},
    {"SINCE", Key::Kind::kInternalDate, Key::DateOp::kSince},
    {"SENTBEFORE", Key::Kind::kSentDate, Key::DateOp::kBefore},
    {"SENTON", Key::Kind::kSentDate, Key::DateOp::kOn},
    {"SENTSINCE", Key::Kind::kSentDate, Key::DateOp::kSince},
};

template <typename Spec, size_t N>
const Spec* Find(const Spec (&specs)[N], std::string_view name) {
  for (const Spec& s : specs)
    if (name == s.name) return &s;
  return nullptr;
}

// The arguments of one level (the command's, or a parenthesised list's)
// and how far they have been read.
struct Cursor {
  Args args;
  size_t i = 0;

  bool done() const { return i >= args.size(); }
};

// Reads keys off the argument tree, counting them and their nesting.
class Reader {
 public:
  explicit Reader(const SearchLimits& limits) : limits_(limits) {}

  // Every key left at `c`, as children of `all` (a kAnd).
  bool Keys(Cursor c, size_t depth, Key* all);

  bool modseq() const { return modseq_; }
  const std::string& error() const { return error_; }

 private:
  // The key at `c`, moving `c` past it and its operands.
  bool Next(Cursor& c, size_t depth, Key* out);
  bool Named(const std::string& name, Cursor& c, size_t depth, Key* out);
  bool NotOr(bool is_not, Cursor& c, size_t depth, Key* out);
  bool WithOperands(const std::string& name, Cursor& c, Key* out);
  bool StringKey(const StringSpec& spec, Cursor& c, Key* out);
  bool DateKey(const DateSpec& spec, Cursor& c, Key* out);
  bool KeywordKey(bool set, Cursor& c, Key* out);
  bool HeaderKey(Cursor& c, Key* out);
  bool UidKey(Cursor& c, Key* out);
  bool ModseqKey(Cursor& c, Key* out);
  // The operand of key `name` (upper-cased) at `c`, moving on; `what`
  // names it for the error.
  const imap::Arg* Operand(Cursor& c, const std::string& name, const char* what);
  bool String(Cursor& c, const std::string& name, std::string* out);
  bool Number(Cursor& c, const std::string& name, uint64_t* out);
  bool Deeper(size_t depth) {
    return depth + 1 <= limits_.max_depth || Fail("Search keys nested too deeply");
  }
  bool Fail(std::string why) {
    error_ = std::move(why);
    return false;
  }

  const SearchLimits& limits_;
  size_t keys_ = 0;
  bool modseq_ = false;
  std::string error_;
};

bool Reader::Keys(Cursor c, size_t depth, Key* all) {
  all->kind = Key::Kind::kAnd;
  while (!c.done()) {
    Key k;
    if (!Next(c, depth, &k)) return false;
    all->children.push_back(std::move(k));
  }
  return true;
}

bool Reader::Next(Cursor& c, size_t depth, Key* out) {
  const imap::Arg& a = c.args[c.i++];
  if (++keys_ > limits_.max_keys) return Fail("Too many search keys");
  if (a.kind == ArgKind::kList) {
    if (!Deeper(depth)) return false;
    if (a.list.empty()) return Fail("Empty parenthesised search key list");
    return Keys(Cursor{a.list}, depth + 1, out);
  }
  if (a.kind != ArgKind::kAtom || a.text.empty()) return Fail("Search key expected, not a string");
  if (IsAsciiDigit(a.text[0]) || a.text[0] == '*') {
    Result<imap::SequenceSet> set = imap::SequenceSet::Parse(a.text);
    if (!set.ok()) return Fail("Bad sequence set " + a.text);
    *out = Make(Key::Kind::kSequence);
    out->set = std::move(*set);
    return true;
  }
  std::string name = a.text;
  for (char& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return Named(name, c, depth, out);
}

bool Reader::Named(const std::string& name, Cursor& c, size_t depth, Key* out) {
  if (const FlagSpec* f = Find(kFlagKeys, name)) {
    *out = f->set ? FlagKey(f->flag) : Not(FlagKey(f->flag));
    return true;
  }
  if (name == "ALL") {
    *out = Make(Key::Kind::kAll);
    return true;
  }
  if (name == "NEW") {  // RFC 3501: RECENT UNSEEN
    *out = Make(Key::Kind::kAnd);
    out->children = {FlagKey(Key::Flag::kRecent), Not(FlagKey(Key::Flag::kSeen))};
    return true;
  }
  if (name == "NOT" || name == "OR") return NotOr(name == "NOT", c, depth, out);
  return WithOperands(name, c, out);
}

bool Reader::NotOr(bool is_not, Cursor& c, size_t depth, Key* out) {
  if (!Deeper(depth)) return false;
  *out = Make(is_not ? Key::Kind::kNot : Key::Kind::kOr);
  out->children.resize(is_not ? 1 : 2);
  for (Key& child : out->children) {
    if (c.done()) return Fail(is_not ? "NOT needs a search key" : "OR needs two search keys");
    if (!Next(c, depth + 1, &child)) return false;
  }
  return true;
}

bool Reader::WithOperands(const std::string& name, Cursor& c, Key* out) {
  if (const StringSpec* s = Find(kStringKeys, name)) return StringKey(*s, c, out);
  if (const DateSpec* d = Find(kDateKeys, name)) return DateKey(*d, c, out);
  if (name == "LARGER" || name == "SMALLER") {
    *out = Make(name == "LARGER" ? Key::Kind::kLarger : Key::Kind::kSmaller);
    return Number(c, name, &out->number);
  }
  if (name == "KEYWORD" || name == "UNKEYWORD") return KeywordKey(name == "KEYWORD", c, out);
  if (name == "HEADER") return HeaderKey(c, out);
  if (name == "UID") return UidKey(c, out);
  if (name == "MODSEQ") return ModseqKey(c, out);
  return Fail("Unknown search key " + name);
}

bool Reader::StringKey(const StringSpec& spec, Cursor& c, Key* out) {
  *out = Make(spec.kind);
  out->field = spec.field;
  if (!String(c, spec.name, &out->text)) return false;
  out->text = FoldCase(out->text);
  return true;
}

bool Reader::DateKey(const DateSpec& spec, Cursor& c, Key* out) {
  const imap::Arg* a = Operand(c, spec.name, "a date (d-Mon-yyyy)");
  if (!a) return false;
  std::optional<std::string_view> text = imap::AsAstring(*a);  // date-text, quoted or not
  std::optional<int64_t> day = text ? imap::ParseDate(*text) : std::nullopt;
  if (!day) return Fail("Bad date " + a->text + " (d-Mon-yyyy expected)");
  *out = Make(spec.kind);
  out->date_op = spec.op;
  out->day = *day;
  return true;
}

bool Reader::KeywordKey(bool set, Cursor& c, Key* out) {
  const imap::Arg* a = Operand(c, set ? "KEYWORD" : "UNKEYWORD", "a keyword");
  if (!a) return false;
  if (a->kind != ArgKind::kAtom || a->text.starts_with("\\")) return Fail("Bad keyword " + a->text);
  Key k = Make(Key::Kind::kKeyword);
  k.text = a->text;
  *out = set ? std::move(k) : Not(std::move(k));
  return true;
}

bool Reader::HeaderKey(Cursor& c, Key* out) {
  *out = Make(Key::Kind::kHeader);
  if (!String(c, "HEADER", &out->field) || !String(c, "HEADER", &out->text)) return false;
  if (out->field.empty()) return Fail("HEADER needs a field name");
  out->text = FoldCase(out->text);
  return true;
}

bool Reader::UidKey(Cursor& c, Key* out) {
  const imap::Arg* a = Operand(c, "UID", "a UID set");
  if (!a) return false;
  Result<imap::SequenceSet> set =
      a->kind == ArgKind::kAtom ? imap::SequenceSet::Parse(a->text) : Result<imap::SequenceSet>(Error{""});
  if (!set.ok()) return Fail("Bad UID set " + a->text);
  *out = Make(Key::Kind::kUid);
  out->set = std::move(*set);
  return true;
}

// MODSEQ [entry-name entry-type-req] mod-sequence-valzer (RFC 7162 §3.1.5).
// Flags here have no modseqs of their own, so the entry is checked and
// then the message's modseq is compared, as §3.1.5 allows.
bool Reader::ModseqKey(Cursor& c, Key* out) {
  const imap::Arg* a = Operand(c, "MODSEQ", "a modseq");
  if (!a) return false;
  if (a->IsString()) {
    if (!StartsWithIgnoreCase(a->text, "/flags/") || a->text.size() == 7) return Fail("Bad MODSEQ entry name");
    const imap::Arg* type = Operand(c, "MODSEQ", "an entry type");
    if (!type) return false;
    if (type->kind != ArgKind::kAtom ||
        (!EqualsIgnoreCase(type->text, "priv") && !EqualsIgnoreCase(type->text, "shared") &&
         !EqualsIgnoreCase(type->text, "all")))
      return Fail("Bad MODSEQ entry type " + type->text);
    a = Operand(c, "MODSEQ", "a modseq");
    if (!a) return false;
  }
  *out = Make(Key::Kind::kModseq);
  if (a->kind != ArgKind::kAtom || !ParseModseq(a->text, /*allow_zero=*/true, &out->number))
    return Fail("Bad modseq " + a->text);
  modseq_ = true;
  return true;
}

const imap::Arg* Reader::Operand(Cursor& c, const std::string& name, const char* what) {
  if (c.done()) {
    Fail(name + " needs " + what);
    return nullptr;
  }
  return &c.args[c.i++];
}

bool Reader::String(Cursor& c, const std::string& name, std::string* out) {
  const imap::Arg* a = Operand(c, name, "a string");
  if (!a) return false;
  std::optional<std::string_view> s = imap::AsAstring(*a);
  if (!s) return Fail("Bad string after " + name);
  *out = std::string(*s);
  return true;
}

bool Reader::Number(Cursor& c, const std::string& name, uint64_t* out) {
  const imap::Arg* a = Operand(c, name, "a number");
  if (!a) return false;
  // RFC 3501 §9 number: 32 bits.
  std::optional<uint64_t> n = a->kind == ArgKind::kAtom ? ParseUnsigned(a->text) : std::nullopt;
  if (!n || *n > 0xffffffffu) return Fail("Bad number " + a->text);
  *out = *n;
  return true;
}

// RETURN (option ...) of RFC 4731 at args[*i], if there.
bool ReadReturn(Args args, size_t* i, std::optional<SearchReturn>* out, std::string* error) {
  if (*i >= args.size() || args[*i].kind != ArgKind::kAtom || !EqualsIgnoreCase(args[*i].text, "RETURN")) return true;
  if (*i + 1 >= args.size() || args[*i + 1].kind != ArgKind::kList) {
    *error = "RETURN needs a list of options";
    return false;
  }
  SearchReturn r;
  for (const imap::Arg& o : args[*i + 1].list) {
    bool* option = o.kind != ArgKind::kAtom             ? nullptr
                   : EqualsIgnoreCase(o.text, "MIN")   ? &r.min
                   : EqualsIgnoreCase(o.text, "MAX")   ? &r.max
                   : EqualsIgnoreCase(o.text, "ALL")   ? &r.all
                   : EqualsIgnoreCase(o.text, "COUNT") ? &r.count
                                                       : nullptr;
    if (!option) {
      *error = "Unknown RETURN option " + o.text;
      return false;
    }
    *option = true;
  }
  if (args[*i + 1].list.empty()) r.all = true;  // RFC 4731 §3.1
  *out = r;
  *i += 2;
  return true;
}

// CHARSET name at args[*i], if there: fine when it is one we search in.
bool ReadCharset(Args args, size_t* i, SearchError* error) {
  if (*i >= args.size() || args[*i].kind != ArgKind::kAtom || !EqualsIgnoreCase(args[*i].text, "CHARSET")) return true;
  std::optional<std::string_view> name = *i + 1 < args.size() ? imap::AsAstring(args[*i + 1]) : std::nullopt;
  if (!name) {
    error->text = "CHARSET needs a charset name";
    return false;
  }
  if (!EqualsIgnoreCase(*name, "US-ASCII") && !EqualsIgnoreCase(*name, "UTF-8")) {
    error->text = "[BADCHARSET (US-ASCII UTF-8)] Cannot search in " + std::string(*name);
    error->bad_charset = true;
    return false;
  }
  *i += 2;
  return true;
}

}  // namespace

bool ParseSearchCommand(Args args, SearchCommand* out, SearchError* error, const SearchLimits& limits) {
  size_t i = 0;
  *out = SearchCommand{};
  if (!ReadReturn(args, &i, &out->returns, &error->text) || !ReadCharset(args, &i, error)) return false;
  if (i >= args.size()) {
    error->text = "SEARCH needs a search key";
    return false;
  }
  Reader reader(limits);
  if (!reader.Keys(Cursor{args, i}, 0, &out->program)) {
    error->text = reader.error();
    return false;
  }
  out->modseq = reader.modseq();
  return true;
}

}  // namespace posthorn::imapd
