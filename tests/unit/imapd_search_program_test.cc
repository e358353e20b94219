// SEARCH's arguments into a program: every RFC 3501 key, RETURN, CHARSET,
// MODSEQ, and what is refused.
#include "mra/imapd/search_program.h"

#include <gtest/gtest.h>

#include "tests/unit/imapd_search_helpers.h"

namespace posthorn::imapd {
namespace {

using Kind = SearchKey::Kind;
using testing::ParseSearch;
using testing::SearchArgs;

std::string Ranges(const imap::SequenceSet& set) {
  std::string out;
  auto n = [](uint32_t v) { return v == imap::SequenceSet::kStar ? std::string("*") : std::to_string(v); };
  for (const imap::SequenceRange& r : set.items())
    out += (out.empty() ? "" : ",") + n(r.first) + (r.first == r.last ? "" : ":" + n(r.last));
  return out;
}

// A key as a short s-expression, so a test reads the whole tree at once.
std::string Describe(const SearchKey& k) {
  static const char* kFlags[] = {"seen", "answered", "flagged", "deleted", "draft", "recent"};
  static const char* kOps[] = {"<", "=", ">="};
  std::string children;
  for (const SearchKey& c : k.children) children += " " + Describe(c);
  switch (k.kind) {
    case Kind::kAll:
      return "all";
    case Kind::kAnd:
      return "(and" + children + ")";
    case Kind::kOr:
      return "(or" + children + ")";
    case Kind::kNot:
      return "(not" + children + ")";
    case Kind::kFlag:
      return kFlags[static_cast<int>(k.flag)];
    case Kind::kKeyword:
      return "keyword:" + k.text;
    case Kind::kSequence:
      return "seq:" + Ranges(k.set);
    case Kind::kUid:
      return "uid:" + Ranges(k.set);
    case Kind::kInternalDate:
      return std::string("internal") + kOps[static_cast<int>(k.date_op)] + std::to_string(k.day);
    case Kind::kSentDate:
      return std::string("sent") + kOps[static_cast<int>(k.date_op)] + std::to_string(k.day);
    case Kind::kLarger:
      return "size>" + std::to_string(k.number);
    case Kind::kSmaller:
      return "size<" + std::to_string(k.number);
    case Kind::kHeader:
      return "header:" + k.field + ":" + k.text;
    case Kind::kBody:
      return "body:" + k.text;
    case Kind::kText:
      return "text:" + k.text;
    case Kind::kModseq:
      return "modseq>=" + std::to_string(k.number);
  }
  return "?";
}

// The program for `text`, or "error: ..." / "badcharset: ...".
std::string Program(const std::string& text, const SearchLimits& limits = {}) {
  SearchCommand cmd;
  SearchError error;
  if (!ParseSearchCommand(SearchArgs(text), &cmd, &error, limits))
    return (error.bad_charset ? "badcharset: " : "error: ") + error.text;
  return Describe(cmd.program);
}

TEST(ImapdSearchProgram, FlagKeys) {
  EXPECT_EQ(Program("ALL"), "(and all)");
  EXPECT_EQ(Program("ANSWERED DELETED DRAFT FLAGGED RECENT SEEN"),
            "(and answered deleted draft flagged recent seen)");
  EXPECT_EQ(Program("unanswered undeleted undraft unflagged unseen"),
            "(and (not answered) (not deleted) (not draft) (not flagged) (not seen))");
  // RFC 3501: NEW is RECENT UNSEEN, OLD is NOT RECENT.
  EXPECT_EQ(Program("NEW OLD"), "(and (and recent (not seen)) (not recent))");
  EXPECT_EQ(Program("KEYWORD $Forwarded UNKEYWORD Work"), "(and keyword:$Forwarded (not keyword:Work))");
}

TEST(ImapdSearchProgram, StringKeysAreFolded) {
  EXPECT_EQ(Program("FROM Ann TO \"Bob Smith\" CC x BCC y SUBJECT Hello"),
            "(and header:From:ann header:To:bob smith header:Cc:x header:Bcc:y header:Subject:hello)");
  EXPECT_EQ(Program("BODY {5}\r\nCaf\xc3\x89 TEXT NIL"), "(and body:caf\xc3\xa9 text:nil)");
  EXPECT_EQ(Program("HEADER X-Spam-Flag YES HEADER \"List-Id\" \"\""),
            "(and header:X-Spam-Flag:yes header:List-Id:)");
  EXPECT_EQ(Program("SUBJECT {5}\r\nH\xc3\xa9LO"), "(and header:Subject:h\xc3\xa9lo)");
}

TEST(ImapdSearchProgram, DatesAndSizes) {
  // 1-Feb-1994 is day 8797.
  EXPECT_EQ(Program("BEFORE 1-Feb-1994 ON 01-feb-1994 SINCE \"1-Feb-1994\""),
            "(and internal<8797 internal=8797 internal>=8797)");
  EXPECT_EQ(Program("SENTBEFORE 1-Feb-1994 SENTON 1-Feb-1994 SENTSINCE 1-Feb-1994"),
            "(and sent<8797 sent=8797 sent>=8797)");
  EXPECT_EQ(Program("LARGER 100 SMALLER 4294967295"), "(and size>100 size<4294967295)");
}

TEST(ImapdSearchProgram, SetsAndNesting) {
  EXPECT_EQ(Program("1:3,5,7:* UID 10:*"), "(and seq:1:3,5,7:* uid:10:*)");
  EXPECT_EQ(Program("* UID *"), "(and seq:* uid:*)");
  EXPECT_EQ(Program("OR SEEN NOT FLAGGED"), "(and (or seen (not flagged)))");
  EXPECT_EQ(Program("(SEEN FLAGGED) OR (FROM a) (OR TO b CC c)"),
            "(and (and seen flagged) (or (and header:From:a) (and (or header:To:b header:Cc:c))))");
  EXPECT_EQ(Program("NOT NOT (((DELETED)))"), "(and (not (not (and (and (and deleted))))))");
}

TEST(ImapdSearchProgram, ModseqIsAnEnablingKey) {
  EXPECT_EQ(Program("MODSEQ 620162338"), "(and modseq>=620162338)");
  EXPECT_EQ(Program("MODSEQ \"/flags/\\\\draft\" all 0"), "(and modseq>=0)");
  EXPECT_EQ(Program("OR MODSEQ \"/flags/$Work\" priv 5 MODSEQ \"/flags/x\" SHARED 6"),
            "(and (or modseq>=5 modseq>=6))");
  EXPECT_TRUE(ParseSearch("NOT MODSEQ 5").modseq);
  EXPECT_FALSE(ParseSearch("SEEN").modseq);
}

TEST(ImapdSearchProgram, ReturnAndCharset) {
  EXPECT_FALSE(ParseSearch("SEEN").returns);
  SearchCommand c = ParseSearch("RETURN (MIN max Count) CHARSET utf-8 SEEN");
  ASSERT_TRUE(c.returns);
  EXPECT_TRUE(c.returns->min && c.returns->max && c.returns->count && !c.returns->all);
  // RETURN () is RETURN (ALL) (RFC 4731 §3.1).
  c = ParseSearch("RETURN () ALL");
  ASSERT_TRUE(c.returns);
  EXPECT_TRUE(c.returns->all && !c.returns->min && !c.returns->max && !c.returns->count);
  EXPECT_EQ(Program("CHARSET US-ASCII ALL"), "(and all)");
  EXPECT_EQ(Program("CHARSET \"UTF-8\" ALL"), "(and all)");
  EXPECT_EQ(Program("CHARSET ISO-8859-1 FROM x"), "badcharset: [BADCHARSET (US-ASCII UTF-8)] Cannot search in ISO-8859-1");
  EXPECT_EQ(Program("CHARSET KOI8-R"), "badcharset: [BADCHARSET (US-ASCII UTF-8)] Cannot search in KOI8-R");
}

TEST(ImapdSearchProgram, RefusesWhatIsNoSearch) {
  EXPECT_EQ(Program(""), "error: SEARCH needs a search key");
  EXPECT_EQ(Program("CHARSET UTF-8"), "error: SEARCH needs a search key");
  EXPECT_EQ(Program("CHARSET"), "error: CHARSET needs a charset name");
  EXPECT_EQ(Program("RETURN ALL"), "error: RETURN needs a list of options");
  EXPECT_EQ(Program("RETURN (SAVE) ALL"), "error: Unknown RETURN option SAVE");
  EXPECT_EQ(Program("FOO"), "error: Unknown search key FOO");
  EXPECT_EQ(Program("\"SEEN\""), "error: Search key expected, not a string");
  EXPECT_EQ(Program("()"), "error: Empty parenthesised search key list");
  EXPECT_EQ(Program("FROM"), "error: FROM needs a string");
  EXPECT_EQ(Program("from (a)"), "error: Bad string after FROM");
  EXPECT_EQ(Program("HEADER Subject"), "error: HEADER needs a string");
  EXPECT_EQ(Program("HEADER \"\" x"), "error: HEADER needs a field name");
  EXPECT_EQ(Program("OR SEEN"), "error: OR needs two search keys");
  EXPECT_EQ(Program("NOT"), "error: NOT needs a search key");
  EXPECT_EQ(Program("KEYWORD"), "error: KEYWORD needs a keyword");
  EXPECT_EQ(Program("KEYWORD \\Seen"), "error: Bad keyword \\Seen");
  EXPECT_EQ(Program("SINCE"), "error: SINCE needs a date (d-Mon-yyyy)");
  EXPECT_EQ(Program("SINCE 31-Feb-2025"), "error: Bad date 31-Feb-2025 (d-Mon-yyyy expected)");
  EXPECT_EQ(Program("BEFORE 2025-02-01"), "error: Bad date 2025-02-01 (d-Mon-yyyy expected)");
  EXPECT_EQ(Program("LARGER x"), "error: Bad number x");
  EXPECT_EQ(Program("SMALLER 4294967296"), "error: Bad number 4294967296");
  EXPECT_EQ(Program("1:0"), "error: Bad sequence set 1:0");
  EXPECT_EQ(Program("UID 1,,2"), "error: Bad UID set 1,,2");
  EXPECT_EQ(Program("MODSEQ x"), "error: Bad modseq x");
  EXPECT_EQ(Program("MODSEQ \"/flags/x\" all"), "error: MODSEQ needs a modseq");
  EXPECT_EQ(Program("MODSEQ \"/other\" all 5"), "error: Bad MODSEQ entry name");
  EXPECT_EQ(Program("MODSEQ \"/flags/x\" mine 5"), "error: Bad MODSEQ entry type mine");
}

TEST(ImapdSearchProgram, Limits) {
  SearchLimits limits;
  limits.max_depth = 3;
  limits.max_keys = 5;
  EXPECT_EQ(Program("NOT NOT NOT SEEN", limits), "(and (not (not (not seen))))");
  EXPECT_EQ(Program("NOT NOT NOT NOT SEEN", limits), "error: Search keys nested too deeply");
  EXPECT_EQ(Program("((NOT (SEEN)))", limits), "error: Search keys nested too deeply");
  EXPECT_EQ(Program("SEEN SEEN SEEN SEEN SEEN", limits), "(and seen seen seen seen seen)");
  EXPECT_EQ(Program("SEEN SEEN SEEN SEEN SEEN SEEN", limits), "error: Too many search keys");
  EXPECT_EQ(Program("OR OR SEEN SEEN OR SEEN SEEN", limits), "error: Too many search keys");
  // The defaults hold against a long chain.
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "NOT ";
  EXPECT_EQ(Program(deep + "SEEN"), "error: Search keys nested too deeply");
}

}  // namespace
}  // namespace posthorn::imapd
