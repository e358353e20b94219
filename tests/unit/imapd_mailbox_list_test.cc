// LIST patterns and attributes (RFC 3501 §6.3.8, RFC 3348, RFC 6154).
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <algorithm>

#include "common/maildir/folder.h"
#include "mra/imapd/mailbox_list.h"
#include "tests/unit/temp_dir.h"

namespace posthorn::imapd {
namespace {

std::string Show(const std::vector<ListEntry>& entries) {
  std::string out;
  for (const ListEntry& e : entries) {
    out += "(";
    for (size_t i = 0; i < e.attributes.size(); ++i) out += (i ? " " : "") + e.attributes[i];
    out += ") " + e.name + "\n";
  }
  return out;
}

TEST(ImapdListPattern, Wildcards) {
  EXPECT_TRUE(MatchListPattern("*", "a.b.c"));
  EXPECT_TRUE(MatchListPattern("%", "a"));
  EXPECT_FALSE(MatchListPattern("%", "a.b"));
  EXPECT_TRUE(MatchListPattern("a.%", "a.b"));
  EXPECT_FALSE(MatchListPattern("a.%", "a.b.c"));
  EXPECT_TRUE(MatchListPattern("a.*", "a.b.c"));
  EXPECT_TRUE(MatchListPattern("a*c", "a.b.c"));
  EXPECT_FALSE(MatchListPattern("a%c", "a.b.c"));
  EXPECT_TRUE(MatchListPattern("a%c", "abc"));
  EXPECT_TRUE(MatchListPattern("%.%", "a.b"));
  EXPECT_FALSE(MatchListPattern("", "a"));
  EXPECT_TRUE(MatchListPattern("", ""));
  EXPECT_FALSE(MatchListPattern("Work", "work"));  // names are case-sensitive
  EXPECT_TRUE(MatchListPattern("inbox", "INBOX"));  // but INBOX is not
  EXPECT_TRUE(MatchListPattern("In%", "INBOX"));
  EXPECT_TRUE(MatchListPattern("**%%**", "a.b"));
  // No blowup on patterns made to backtrack.
  EXPECT_FALSE(MatchListPattern(std::string(200, '*') + "x", std::string(255, 'a')));
}

TEST(ImapdListPattern, ReferenceIsPrefixed) {
  EXPECT_EQ(CombineListPattern("Lists.", "%"), "Lists.%");
  EXPECT_EQ(CombineListPattern("", "*"), "*");
}

TEST(ImapdList, AttributesAndImpliedParents) {
  std::vector<std::string> folders = {"Sent", "Drafts", "Junk", "Trash", "Lists.debian", "Lists.lkml", "a-b", "a",
                                      "a.b", "x.y.z"};
  EXPECT_EQ(Show(ListMatching(folders, "*")),
            "(\\HasNoChildren) INBOX\n"
            "(\\HasNoChildren \\Drafts) Drafts\n"
            "(\\HasNoChildren \\Junk) Junk\n"
            "(\\Noselect \\HasChildren) Lists\n"
            "(\\HasNoChildren) Lists.debian\n"
            "(\\HasNoChildren) Lists.lkml\n"
            "(\\HasNoChildren \\Sent) Sent\n"
            "(\\HasNoChildren \\Trash) Trash\n"
            "(\\HasChildren) a\n"
            "(\\HasNoChildren) a-b\n"
            "(\\HasNoChildren) a.b\n"
            "(\\Noselect \\HasChildren) x\n"
            "(\\Noselect \\HasChildren) x.y\n"
            "(\\HasNoChildren) x.y.z\n");
  EXPECT_EQ(Show(ListMatching(folders, "x.%")), "(\\Noselect \\HasChildren) x.y\n");
  EXPECT_EQ(Show(ListMatching(folders, "Lists.%")), "(\\HasNoChildren) Lists.debian\n(\\HasNoChildren) Lists.lkml\n");
  EXPECT_EQ(Show(ListMatching(folders, "inbox")), "(\\HasNoChildren) INBOX\n");
  EXPECT_EQ(Show(ListMatching(folders, "nothing")), "");
}

TEST(ImapdList, LsubShowsAnUnsubscribedParentWherePercentStops) {
  std::vector<std::string> subs = {"Not.there", "Lists", "Lists.debian", "Sent"};
  EXPECT_EQ(Show(LsubMatching(subs, "%")), "(\\Noselect) Not\n() Lists\n() Sent\n");
  EXPECT_EQ(Show(LsubMatching(subs, "*")), "() Not.there\n() Lists\n() Lists.debian\n() Sent\n");
  EXPECT_EQ(Show(LsubMatching({"a.b", "a"}, "%")), "() a\n");
  EXPECT_EQ(Show(LsubMatching(subs, "Lists.%")), "() Lists.debian\n");
  EXPECT_EQ(Show(LsubMatching(subs, "x%")), "");
}

TEST(ImapdList, InboxHasChildrenWhenFoldersLiveUnderIt) {
  EXPECT_EQ(Show(ListMatching({"Inbox.work", "INBOXES"}, "*")),
            "(\\HasChildren) INBOX\n(\\HasNoChildren) INBOXES\n(\\HasNoChildren) Inbox.work\n");
}

TEST(ImapdList, FolderNamesOnDisk) {
  testing::TempDir dir;
  ASSERT_TRUE(maildir::CreateMaildir(dir.path() + "/m").ok());
  ASSERT_TRUE(maildir::CreateMaildirDirs(dir.path() + "/m/.Lists.debian", true).ok());
  ::mkdir((dir.path() + "/m/.notamaildir").c_str(), 0700);
  Result<std::vector<std::string>> names = ListFolderNames(dir.path() + "/m");
  ASSERT_TRUE(names.ok()) << names.message();
  std::sort(names->begin(), names->end());
  EXPECT_EQ(*names, (std::vector<std::string>{"Drafts", "Junk", "Lists.debian", "Sent", "Trash"}));
}

}  // namespace
}  // namespace posthorn::imapd
