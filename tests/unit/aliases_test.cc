#include "common/aliases/aliases.h"

#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/aliases/resolve.h"
#include "tests/unit/temp_dir.h"

namespace posthorn {
namespace {

using Targets = std::vector<std::string>;

using posthorn::testing::TempDir;

AliasFile OpenAliases(const std::string& path) {
  Result<AliasFile> f = AliasFile::Open(path);
  EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.message());
  return f.ok() ? std::move(f).value() : AliasFile::Empty();
}

TEST(Aliases, JoinsContinuationLines) {
  TempDir dir;
  AliasFile f = OpenAliases(dir.Write("aliases",
                                      "sales: alice, bob\n"
                                      "  carol,\n"
                                      "\tdave@example.net\n"
                                      "other: erin\n"));
  EXPECT_EQ(f.Find("sales"), (Targets{"alice", "bob", "carol", "dave@example.net"}));
  EXPECT_EQ(f.Find("other"), (Targets{"erin"}));
  EXPECT_TRUE(f.Problems().empty());
}

TEST(Aliases, NamesCompareCaseInsensitively) {
  TempDir dir;
  AliasFile f = OpenAliases(dir.Write("aliases", "Sales@Example.org: Alice\r\nPostmaster: root\r\n"));
  EXPECT_EQ(f.Find("sales@example.ORG"), (Targets{"Alice"}));  // targets keep their case
  EXPECT_EQ(f.Find("postmaster"), (Targets{"root"}));
  EXPECT_FALSE(f.Find("sales"));
  EXPECT_FALSE(f.Find("nobody"));
}

TEST(Aliases, SkipsCommentsAndBlankLines) {
  TempDir dir;
  AliasFile f = OpenAliases(dir.Write("aliases",
                                      "# the team\n"
                                      "team: a,\n"
                                      "# a comment does not end the entry\n"
                                      "\n"
                                      "  b,,  ,\n"
                                      "  # nor does an indented one\n"
                                      "  c\n"
                                      "#team2: x\n"));
  EXPECT_EQ(f.Find("team"), (Targets{"a", "b", "c"}));
  EXPECT_FALSE(f.Find("#team2"));
  EXPECT_FALSE(f.Find("team2"));
  EXPECT_TRUE(f.Problems().empty());
}

TEST(Aliases, KeepsQuotedTargetsAsWritten) {
  TempDir dir;
  AliasFile f = OpenAliases(dir.Write("aliases", "x: \"john doe\"@example.org, \"doe, jane\"@example.org,bob\n"));
  EXPECT_EQ(f.Find("x"), (Targets{"\"john doe\"@example.org", "\"doe, jane\"@example.org", "bob"}));
}

TEST(Aliases, RefusesPipesFilesAndIncludes) {
  TempDir dir;
  std::string path = dir.Write("aliases",
                               "x: |/bin/prog, /var/mail/x,\n"
                               "   :include:/etc/list, \"|/usr/bin/vacation x\", bob\n"
                               "only-pipe: |/bin/sh\n");
  AliasFile f = OpenAliases(path);
  EXPECT_EQ(f.Find("x"), (Targets{"bob"}));
  EXPECT_EQ(f.Find("only-pipe"), Targets{});  // the entry exists, with nothing usable
  std::vector<std::string> want = {
      path + ":1: |/bin/prog: pipe targets are not supported",
      path + ":1: /var/mail/x: file targets are not supported",
      path + ":2: :include:/etc/list: :include: targets are not supported",
      path + ":2: \"|/usr/bin/vacation x\": pipe targets are not supported",
      path + ":3: |/bin/sh: pipe targets are not supported",
  };
  EXPECT_EQ(f.Problems(), want);
}

TEST(Aliases, ProblemsCarryLineNumbers) {
  TempDir dir;
  std::string path = dir.Write("aliases",
                               "  orphan\n"         // 1
                               "good: a\n"          // 2
                               "no colon here\n"    // 3
                               "  ignored, too\n"   // 4
                               ": nameless\n"       // 5
                               "GOOD: b\n"          // 6
                               "empty:\n"           // 7
                               "# end\n");          // 8
  AliasFile f = OpenAliases(path);
  std::vector<std::string> want = {
      path + ":1: continuation line without an entry",
      path + ":3: missing ':' after the name",
      path + ":5: empty name",
      path + ":6: duplicate name, line 2 wins",
      path + ":7: no targets",
  };
  EXPECT_EQ(f.Problems(), want);
  EXPECT_EQ(f.Find("good"), (Targets{"a"}));
}

TEST(Aliases, EmptyAndMissingFiles) {
  TempDir dir;
  EXPECT_FALSE(AliasFile::Open(dir.path() + "/nope").ok());
  AliasFile empty = OpenAliases(dir.Write("aliases", ""));
  EXPECT_FALSE(empty.Find("x"));
  EXPECT_TRUE(empty.Problems().empty());
  AliasFile none = AliasFile::Empty();
  EXPECT_FALSE(none.Find("x"));
  EXPECT_TRUE(none.Problems().empty());
  none = OpenAliases(dir.Write("other", "x: y\n"));
  EXPECT_EQ(none.Find("x"), (Targets{"y"}));
}

// ---- ResolveRecipient ------------------------------------------------------

// A passwd and an aliases file in a scratch directory.
struct Tables {
  Tables(const std::string& passwd_text, const std::string& aliases_text) {
    Result<auth::PasswdFile> p = auth::PasswdFile::Open(dir.Write("passwd", passwd_text));
    EXPECT_TRUE(p.ok());
    if (p.ok()) passwd.emplace(std::move(p).value());
    aliases = OpenAliases(dir.Write("aliases", aliases_text));
  }

  Resolution Resolve(std::string_view rcpt, LocalDomains domains = {{"example.org"}}) const {
    Result<Address> a = rcpt.front() == '<' ? ParsePath(rcpt) : ParseAddress(rcpt, {.allow_utf8 = true});
    EXPECT_TRUE(a.ok()) << rcpt;
    Result<Resolution> r = ResolveRecipient(*a, domains, aliases, *passwd);
    EXPECT_TRUE(r.ok());
    return std::move(r).value();
  }

  TempDir dir;
  std::optional<auth::PasswdFile> passwd;
  AliasFile aliases = AliasFile::Empty();
};

std::vector<std::string> Spell(const std::vector<Address>& v) {
  std::vector<std::string> out;
  for (const Address& a : v) out.push_back(a.ToString());
  return out;
}

constexpr char kUsers[] =
    "Alice@example.org:$6$a\n"
    "bob@example.org:$6$b\n"
    "carol@EXAMPLE.ORG:$6$c\n"
    "alice@example.net:$6$an\n";

TEST(Resolve, LocalDomainsMembership) {
  EXPECT_TRUE(LocalDomains{}.IsLocal("anything.example"));
  LocalDomains d{{"example.org", "example.net"}};
  EXPECT_TRUE(d.IsLocal("Example.NET"));
  EXPECT_FALSE(d.IsLocal("example.com"));
  EXPECT_FALSE(d.IsLocal(""));
}

TEST(Resolve, PasswdUserSpelledAsInPasswd) {
  Tables t(kUsers, "");
  Resolution r = t.Resolve("ALICE@Example.Org");
  EXPECT_EQ(Spell(r.local), (std::vector<std::string>{"Alice@example.org"}));
  EXPECT_TRUE(r.remote.empty());
  EXPECT_EQ(Spell(t.Resolve("carol@example.org").local), (std::vector<std::string>{"carol@example.org"}));
}

TEST(Resolve, UnknownUser) {
  Tables t(kUsers, "");
  Resolution r = t.Resolve("nobody@example.org");
  EXPECT_TRUE(r.local.empty());
  EXPECT_TRUE(r.remote.empty());
  EXPECT_EQ(r.unknown_reason, "no such user");
}

TEST(Resolve, NonLocalDomain) {
  Tables t(kUsers, "alice@example.net: bob@example.org\n");
  Resolution r = t.Resolve("alice@example.net");  // in passwd and aliases, but not ours
  EXPECT_TRUE(r.local.empty());
  EXPECT_TRUE(r.remote.empty());
  EXPECT_EQ(r.unknown_reason, "domain is not local");
  // Without a domain list every domain is local.
  EXPECT_EQ(Spell(t.Resolve("alice@example.net", {}).local), (std::vector<std::string>{"bob@example.org"}));
}

TEST(Resolve, FollowsChains) {
  Tables t(kUsers, "sales: team\nteam: alice, Bob@Example.org\n");
  Resolution r = t.Resolve("sales@example.org");
  EXPECT_EQ(Spell(r.local), (std::vector<std::string>{"Alice@example.org", "bob@example.org"}));
  EXPECT_TRUE(r.unknown_reason.empty());
}

TEST(Resolve, SelfReferenceMeansTheUser) {
  Tables t(kUsers, "bob: bob, backup@elsewhere.example\n");
  Resolution r = t.Resolve("bob@example.org");
  EXPECT_EQ(Spell(r.local), (std::vector<std::string>{"bob@example.org"}));
  EXPECT_EQ(Spell(r.remote), (std::vector<std::string>{"backup@elsewhere.example"}));
}

TEST(Resolve, LoopEndsWithReason) {
  Tables t(kUsers, "a: b\nb: a\nc: c\n");
  Resolution r = t.Resolve("a@example.org");
  EXPECT_TRUE(r.local.empty());
  EXPECT_TRUE(r.remote.empty());
  EXPECT_EQ(r.unknown_reason, "alias loop");
  EXPECT_EQ(t.Resolve("c@example.org").unknown_reason, "alias loop");
}

TEST(Resolve, LoopStillDeliversToItsUsers) {
  Tables t(kUsers, "a: b, alice\nb: a, carol\n");
  EXPECT_EQ(Spell(t.Resolve("a@example.org").local),
            (std::vector<std::string>{"carol@example.org", "Alice@example.org"}));
}

TEST(Resolve, DepthLimit) {
  // aN: aN+1 ... so a0 reaches alice after `hops` expansions.
  auto chain = [](int hops) {
    std::string s;
    for (int i = 0; i < hops - 1; ++i) s += "a" + std::to_string(i) + ": a" + std::to_string(i + 1) + "\n";
    return s + "a" + std::to_string(hops - 1) + ": alice\n";
  };
  Tables deep_enough(kUsers, chain(kMaxAliasDepth));
  EXPECT_EQ(Spell(deep_enough.Resolve("a0@example.org").local), (std::vector<std::string>{"Alice@example.org"}));
  Tables too_deep(kUsers, chain(kMaxAliasDepth + 1));
  Resolution r = too_deep.Resolve("a0@example.org");
  EXPECT_TRUE(r.local.empty());
  EXPECT_EQ(r.unknown_reason, "alias expansion too deep");
}

TEST(Resolve, WideGraphStaysCheap) {
  // Every level names both nodes of the next: 2^9 paths, 18 aliases.
  std::string s;
  for (int i = 0; i < 9; ++i) {
    std::string next = "l" + std::to_string(i + 1);
    s += "l" + std::to_string(i) + "a: " + next + "a, " + next + "b\n";
    s += "l" + std::to_string(i) + "b: " + next + "a, " + next + "b\n";
  }
  s += "l9a: alice\nl9b: bob\n";
  Tables t(kUsers, s);
  EXPECT_EQ(Spell(t.Resolve("l0a@example.org").local),
            (std::vector<std::string>{"Alice@example.org", "bob@example.org"}));
}

TEST(Resolve, RemoteTargets) {
  Tables t(kUsers, "list: alice, Carol@Remote.Example, nobody\n");
  Resolution r = t.Resolve("list@example.org");
  EXPECT_EQ(Spell(r.local), (std::vector<std::string>{"Alice@example.org"}));
  EXPECT_EQ(Spell(r.remote), (std::vector<std::string>{"Carol@remote.example"}));
}

TEST(Resolve, RemoveDuplicates) {
  Tables t(kUsers,
           "all: alice, team, ALICE@example.org, r@remote.example, R@Remote.Example\n"
           "team: alice, bob, bob\n");
  Resolution r = t.Resolve("all@example.org");
  EXPECT_EQ(Spell(r.local), (std::vector<std::string>{"Alice@example.org", "bob@example.org"}));
  EXPECT_EQ(Spell(r.remote), (std::vector<std::string>{"r@remote.example"}));
}

TEST(Resolve, Postmaster) {
  Tables t(kUsers, "postmaster: root\nroot: carol\n");
  Resolution r = t.Resolve("<postmaster>", {{"example.org", "example.net"}});
  EXPECT_EQ(Spell(r.local), (std::vector<std::string>{"carol@example.org"}));
  // Without an alias, `<postmaster>` is no user: passwd holds addresses.
  Tables bare(kUsers, "");
  EXPECT_EQ(bare.Resolve("<postmaster>").unknown_reason, "no such user");
}

TEST(Resolve, FullAddressKeyBeatsLocalPart) {
  Tables t(kUsers, "sales@example.org: carol\nsales: bob@example.org\n");
  LocalDomains domains{{"example.org", "example.net"}};
  EXPECT_EQ(Spell(t.Resolve("sales@example.org", domains).local), (std::vector<std::string>{"carol@example.org"}));
  EXPECT_EQ(Spell(t.Resolve("Sales@Example.NET", domains).local), (std::vector<std::string>{"bob@example.org"}));
}

TEST(Resolve, BareTargetTakesTheAliasDomain) {
  Tables t(kUsers, "info: alice\n");
  LocalDomains domains{{"example.org", "example.net"}};
  EXPECT_EQ(Spell(t.Resolve("info@example.net", domains).local), (std::vector<std::string>{"alice@example.net"}));
  EXPECT_EQ(Spell(t.Resolve("info@example.org", domains).local), (std::vector<std::string>{"Alice@example.org"}));
}

TEST(Resolve, SkipsBadAndRefusedTargets) {
  Tables t(kUsers, "x: bad@@addr, |/bin/sh, alice\nonly-bad: |/bin/sh, a@@b\n");
  EXPECT_EQ(Spell(t.Resolve("x@example.org").local), (std::vector<std::string>{"Alice@example.org"}));
  Resolution r = t.Resolve("only-bad@example.org");
  EXPECT_TRUE(r.local.empty());
  EXPECT_EQ(r.unknown_reason, "alias has no deliverable targets");
}

}  // namespace
}  // namespace posthorn

namespace posthorn {
namespace {

// Run from the top of the tree, as `make check` does.
TEST(Aliases, ContribExampleHasNoProblems) {
  Result<AliasFile> f = AliasFile::Open("contrib/aliases");
  ASSERT_TRUE(f.ok()) << f.message();
  EXPECT_TRUE(f->Problems().empty());
  EXPECT_EQ(f->Find("sales@example.net"), (std::vector<std::string>{"alice@example.org", "carol@example.org"}));
}

}  // namespace
}  // namespace posthorn
