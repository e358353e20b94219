// RFC 7162's SELECT parameters, FETCH and STORE modifiers, and their limits.
#include "mra/imapd/condstore_args.h"

#include <gtest/gtest.h>

#include "common/imap/parser.h"

namespace posthorn::imapd {
namespace {

// The argument list of "t X <text>" as the parser gives it.
imap::Arg Args(const std::string& text) {
  imap::Parser parser;
  std::string line = "t X " + text + "\r\n";
  imap::Event e = parser.Feed(line);
  EXPECT_EQ(e.kind, imap::Event::Kind::kCommand) << text;
  return e.command.args.empty() ? imap::Arg{} : e.command.args.at(0);
}

TEST(ImapdCondstoreArgs, Modseq) {
  uint64_t v = 0;
  EXPECT_TRUE(ParseModseq("9223372036854775807", false, &v));
  EXPECT_EQ(v, 9223372036854775807u);
  EXPECT_FALSE(ParseModseq("9223372036854775808", false, &v));
  EXPECT_FALSE(ParseModseq("0", false, &v));
  EXPECT_TRUE(ParseModseq("0", true, &v));
  EXPECT_FALSE(ParseModseq("01", true, &v));
  EXPECT_FALSE(ParseModseq("", true, &v));
  EXPECT_FALSE(ParseModseq("1a", true, &v));
}

TEST(ImapdCondstoreArgs, SelectParams) {
  Result<SelectParams> p = ParseSelectParams(Args("(CONDSTORE)"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->condstore);
  EXPECT_FALSE(p->qresync);
  p = ParseSelectParams(Args("(QRESYNC (67890007 90060115194045000 41:211,214:541 (1,10 5,100)))"));
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(p->qresync->uidvalidity, 67890007u);
  EXPECT_EQ(p->qresync->modseq, 90060115194045000u);
  EXPECT_EQ(p->qresync->known_uids->items().size(), 2u);
  EXPECT_EQ(p->qresync->match_seqs, (std::vector<uint32_t>{1, 10}));
  EXPECT_EQ(p->qresync->match_uids, (std::vector<uint32_t>{5, 100}));
  p = ParseSelectParams(Args("(qresync (1 2))"));
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->qresync->known_uids);
}

TEST(ImapdCondstoreArgs, BadSelectParams) {
  for (const char* bad : {"(FOO)", "(CONDSTORE CONDSTORE)", "(QRESYNC)", "(QRESYNC (1))", "(QRESYNC (0 1))",
                          "(QRESYNC (1 0))", "(QRESYNC (4294967296 1))", "(QRESYNC (1 1 1:*))",
                          "(QRESYNC (1 1 1:5 (1,2 3)))", "(QRESYNC (1 1 1:5 (2,1 3,4)))",
                          "(QRESYNC (1 1 1:5 (1:200000 1:200000)))", "(QRESYNC (1 1 1:5 (1 2) x))"})
    EXPECT_FALSE(ParseSelectParams(Args(bad)).ok()) << bad;
}

TEST(ImapdCondstoreArgs, FetchModifiers) {
  Result<FetchModifiers> m = ParseFetchModifiers(Args("(CHANGEDSINCE 12345 VANISHED)"));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(*m->changed_since, 12345u);
  EXPECT_TRUE(m->vanished);
  EXPECT_EQ(ParseFetchModifiers(Args("(VANISHED)")).message(), "VANISHED needs CHANGEDSINCE");
  EXPECT_FALSE(ParseFetchModifiers(Args("(CHANGEDSINCE)")).ok());
  EXPECT_FALSE(ParseFetchModifiers(Args("(CHANGEDSINCE 1 CHANGEDSINCE 2)")).ok());
  EXPECT_FALSE(ParseFetchModifiers(Args("()")).ok());
}

TEST(ImapdCondstoreArgs, UnchangedSince) {
  EXPECT_EQ(*ParseUnchangedSince(Args("(UNCHANGEDSINCE 0)")), 0u);
  EXPECT_EQ(*ParseUnchangedSince(Args("(unchangedsince 7)")), 7u);
  EXPECT_FALSE(ParseUnchangedSince(Args("(UNCHANGEDSINCE)")).ok());
  EXPECT_FALSE(ParseUnchangedSince(Args("(UNCHANGEDSINCE 1 2)")).ok());
  EXPECT_FALSE(ParseUnchangedSince(Args("(FOO 1)")).ok());
}

}  // namespace
}  // namespace posthorn::imapd
