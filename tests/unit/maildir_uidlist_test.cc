// The uidlist of a Maildir folder: its text format and the file shared by
// several processes (UIDs ascend, are never reused, survive compaction).
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <ctime>
#include <fstream>
#include <set>

#include "common/base/io.h"
#include "common/maildir/uidlist.h"
#include "common/maildir/uidlist_format.h"
#include "tests/unit/temp_dir.h"

namespace posthorn::maildir {
namespace {

std::string ParseError(const std::string& text) {
  Result<UidListText> r = ParseUidList(text);
  return r.ok() ? "(accepted)" : r.message();
}

TEST(MaildirUidListFormat, ParsesAWholeFile) {
  std::string text = "posthorn-uidlist 1 1700000000 9\n3 1700.M1P2.host,S=10\n7 1701.M2P3.host\n";
  Result<UidListText> r = ParseUidList(text);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->uidvalidity, 1700000000u);
  EXPECT_EQ(r->next_uid, 9u);
  EXPECT_EQ(r->entries, (std::vector<UidEntry>{{3, "1700.M1P2.host,S=10"}, {7, "1701.M2P3.host"}}));
  EXPECT_EQ(r->complete, text.size());
}

TEST(MaildirUidListFormat, IgnoresACutOffLastLine) {
  std::string whole = "posthorn-uidlist 1 5 2\n1 a\n";
  Result<UidListText> r = ParseUidList(whole + "2 b");
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->entries.size(), 1u);
  EXPECT_EQ(r->complete, whole.size());
}

TEST(MaildirUidListFormat, Refusals) {
  EXPECT_EQ(ParseError(""), "line 1: no complete first line");
  EXPECT_EQ(ParseError("posthorn-uidlist 1 5 2"), "line 1: no complete first line");
  EXPECT_EQ(ParseError("posthorn-uidlist 2 5 2\n"), "line 1: not a posthorn-uidlist 1 file");
  EXPECT_EQ(ParseError("posthorn-uidlist 1 0 2\n"), "line 1: bad UIDVALIDITY");
  EXPECT_EQ(ParseError("posthorn-uidlist 1 05 2\n"), "line 1: bad UIDVALIDITY");
  EXPECT_EQ(ParseError("posthorn-uidlist 1 5\n"), "line 1: bad UIDVALIDITY");
  EXPECT_EQ(ParseError("posthorn-uidlist 1 5 0\n"), "line 1: bad next UID");
  EXPECT_EQ(ParseError("posthorn-uidlist 1 5 x\n"), "line 1: bad next UID");
  EXPECT_EQ(ParseError("posthorn-uidlist 1 4294967296 2\n"), "line 1: bad UIDVALIDITY");
  std::string head = "posthorn-uidlist 1 5 2\n";
  EXPECT_EQ(ParseError(head + "0 a\n"), "line 2: UID 0 does not ascend");
  EXPECT_EQ(ParseError(head + "01 a\n"), "line 2: bad UID");
  EXPECT_EQ(ParseError(head + "-1 a\n"), "line 2: bad UID");
  EXPECT_EQ(ParseError(head + "a\n"), "line 2: bad UID");
  EXPECT_EQ(ParseError(head + "2 a\n2 b\n"), "line 3: UID 2 does not ascend");
  EXPECT_EQ(ParseError(head + "3 a\n2 b\n"), "line 3: UID 2 does not ascend");
  EXPECT_EQ(ParseError(head + "4294967295 a\n"), "line 2: UID out of range");
  EXPECT_EQ(ParseError(head + "1 \n"), "line 2: empty base name");
  EXPECT_EQ(ParseError(head + "1 a b\n"), "line 2: bad character in base name");
  EXPECT_EQ(ParseError(head + "1 a:2,S\n"), "line 2: bad character in base name");
  EXPECT_EQ(ParseError(head + "1 ../a\n"), "line 2: bad character in base name");
  EXPECT_EQ(ParseError(head + "1 a\r\n"), "line 2: bad character in base name");
  EXPECT_EQ(ParseError(head + "1 " + std::string(256, 'a') + "\n"), "line 2: base name too long");
  EXPECT_EQ(ParseError(head + "1 caf\xc3\xa9\n"), "line 2: bad character in base name");
}

TEST(MaildirUidListFormat, TailGoesOnFromTheLastUid) {
  Result<UidListText> r = ParseUidListTail("8 c\n9 d\n10 e", 7);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->entries, (std::vector<UidEntry>{{8, "c"}, {9, "d"}}));
  EXPECT_EQ(r->complete, 8u);
  EXPECT_EQ(ParseUidListTail("7 c\n", 7).message(), "appended line 1: UID 7 does not ascend");
}

TEST(MaildirUidListFormat, FormatsWhatItParses) {
  EXPECT_EQ(FormatUidListHeader(1700000000, 12), "posthorn-uidlist 1 1700000000 12\n");
  EXPECT_EQ(FormatUidEntry({12, "1.M2.h"}), "12 1.M2.h\n");
}

class MaildirUidList : public ::testing::Test {
 protected:
  std::string File() {
    std::string text;
    EXPECT_TRUE(ReadFile(dir_.path() + "/posthorn-uidlist", &text).ok());
    return text;
  }
  UidList OpenList() {
    Result<UidList> l = UidList::Open(dir_.path());
    EXPECT_TRUE(l.ok()) << l.message();
    return std::move(*l);
  }
  testing::TempDir dir_;
};

TEST_F(MaildirUidList, OpenMakesAnEmptyList) {
  uint32_t before = static_cast<uint32_t>(::time(nullptr));
  UidList l = OpenList();
  EXPECT_GE(l.uidvalidity(), before);
  EXPECT_LE(l.uidvalidity(), before + 2);
  EXPECT_EQ(l.next_uid(), 1u);
  EXPECT_TRUE(l.entries().empty());
  EXPECT_EQ(File(), "posthorn-uidlist 1 " + std::to_string(l.uidvalidity()) + " 1\n");
}

// The names are views of the list's own text: they must outlive the
// strings they were given in, short appends read from another process,
// a move of the list and a compaction (ASan reads every one).
TEST_F(MaildirUidList, NamesOutliveTheirSourcesMovesAndCompaction) {
  UidList l = OpenList();
  {
    std::string given = "a";
    ASSERT_TRUE(l.Assign({given}).ok());
    given = "z";
  }
  UidList other = OpenList();
  ASSERT_TRUE(other.Assign({std::string("b")}).ok());
  ASSERT_TRUE(l.Refresh().ok());
  UidList moved = std::move(l);
  EXPECT_EQ(moved.entries(), (std::vector<UidEntry>{{1, "a"}, {2, "b"}}));
  EXPECT_EQ(moved.Find("a"), 1u);
  EXPECT_EQ(moved.Find("z"), std::nullopt);
  ASSERT_TRUE(moved.Compact([](const UidEntry& e) { return e.base != "a"; }).ok());
  EXPECT_EQ(moved.entries(), (std::vector<UidEntry>{{2, "b"}}));
  EXPECT_EQ(moved.Find("a"), std::nullopt);
  EXPECT_EQ(moved.Find("b"), 2u);
  EXPECT_EQ(*moved.Assign({"c"}), (std::vector<UidEntry>{{3, "c"}}));
  EXPECT_EQ(File(), "posthorn-uidlist 1 " + std::to_string(moved.uidvalidity()) + " 3\n2 b\n3 c\n");
}

TEST_F(MaildirUidList, AssignNumbersNewNamesInOrderAndOnlyOnce) {
  UidList l = OpenList();
  Result<std::vector<UidEntry>> a = l.Assign({"b", "a", "b", "c"});
  ASSERT_TRUE(a.ok()) << a.message();
  EXPECT_EQ(*a, (std::vector<UidEntry>{{1, "b"}, {2, "a"}, {3, "c"}}));
  a = l.Assign({"a", "d"});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, (std::vector<UidEntry>{{4, "d"}}));
  // Sorted, as a listing gives them: a repeat is found next to its twin.
  a = l.Assign({"e", "e", "f", "f", "f"});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, (std::vector<UidEntry>{{5, "e"}, {6, "f"}}));
  EXPECT_EQ(l.Find("c"), 3u);
  EXPECT_EQ(l.Find("x"), std::nullopt);
  EXPECT_EQ(File(), "posthorn-uidlist 1 " + std::to_string(l.uidvalidity()) + " 1\n1 b\n2 a\n3 c\n4 d\n5 e\n6 f\n");
  EXPECT_FALSE(l.Assign({"ok", "bad/name"}).ok());
  EXPECT_EQ(l.next_uid(), 7u);
}

TEST_F(MaildirUidList, AnotherProcessSeesAndContinuesTheNumbering) {
  UidList one = OpenList();
  UidList two = OpenList();
  ASSERT_TRUE(one.Assign({"a", "b"}).ok());
  // `two` has not refreshed, yet Assign reads under the lock first.
  Result<std::vector<UidEntry>> a = two.Assign({"b", "c"});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, (std::vector<UidEntry>{{3, "c"}}));
  EXPECT_EQ(two.Find("b"), 2u);
  Result<bool> changed = one.Refresh();
  ASSERT_TRUE(changed.ok());
  EXPECT_FALSE(*changed);
  EXPECT_EQ(one.Find("c"), 3u);
  EXPECT_EQ(one.next_uid(), 4u);
}

TEST_F(MaildirUidList, UidsOfExpungedMessagesAreNeverReused) {
  UidList l = OpenList();
  ASSERT_TRUE(l.Assign({"a", "b", "c"}).ok());
  UidList other = OpenList();
  ASSERT_TRUE(l.Compact([](const UidEntry& e) { return e.base == "a"; }).ok());
  EXPECT_EQ(File(), "posthorn-uidlist 1 " + std::to_string(l.uidvalidity()) + " 4\n1 a\n");
  EXPECT_EQ(l.next_uid(), 4u);
  // The other process notices the new file and reads it whole.
  ASSERT_FALSE(*other.Refresh());
  EXPECT_EQ(other.entries(), (std::vector<UidEntry>{{1, "a"}}));
  EXPECT_EQ(other.next_uid(), 4u);
  EXPECT_EQ(*other.Assign({"c"}), (std::vector<UidEntry>{{4, "c"}}));
  // And a fresh reader too.
  EXPECT_EQ(OpenList().next_uid(), 5u);
}

TEST_F(MaildirUidList, AnAppendCutShortIsIgnoredThenOverwritten) {
  UidList l = OpenList();
  ASSERT_TRUE(l.Assign({"a"}).ok());
  std::ofstream(dir_.path() + "/posthorn-uidlist", std::ios::app) << "2 half";
  // Read again at every look until mended; nothing of it is kept.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(l.Refresh().ok());
  EXPECT_EQ(l.entries().size(), 1u);
  EXPECT_EQ(l.Find("a"), 1u);
  EXPECT_EQ(OpenList().entries().size(), 1u);
  ASSERT_TRUE(l.Assign({"b"}).ok());
  EXPECT_EQ(File(), "posthorn-uidlist 1 " + std::to_string(l.uidvalidity()) + " 1\n1 a\n2 b\n");
}

TEST_F(MaildirUidList, ABrokenFileIsMadeAnewWithAGreaterUidValidity) {
  UidList l = OpenList();
  ASSERT_TRUE(l.Assign({"a", "b"}).ok());
  uint32_t old = l.uidvalidity();
  std::ofstream(dir_.path() + "/posthorn-uidlist", std::ios::app) << "1 again\n";
  UidList fresh = OpenList();
  EXPECT_GT(fresh.uidvalidity(), old);
  EXPECT_TRUE(fresh.entries().empty());
  // A process that had the old file learns that every UID it knew is void.
  Result<bool> changed = l.Refresh();
  ASSERT_TRUE(changed.ok());
  EXPECT_TRUE(*changed);
  EXPECT_EQ(l.uidvalidity(), fresh.uidvalidity());
  EXPECT_TRUE(l.entries().empty());
}

TEST_F(MaildirUidList, ConcurrentProcessesNeverNumberAMessageTwice) {
  constexpr int kProcs = 6, kNames = 60;
  ASSERT_TRUE(UidList::Open(dir_.path()).ok());
  std::vector<pid_t> pids;
  for (int p = 0; p < kProcs; ++p) {
    pid_t pid = fork();
    if (pid == 0) {
      Result<UidList> l = UidList::Open(dir_.path());
      if (!l.ok()) _exit(1);
      // Overlapping sets, in different orders, a few at a time.
      for (int i = 0; i < kNames; i += 3) {
        std::vector<std::string> names;
        for (int k = 0; k < 3; ++k) names.push_back("m" + std::to_string((i + k + p * 7) % kNames));
        if (!l->Assign(std::vector<std::string_view>(names.begin(), names.end())).ok()) _exit(2);
      }
      _exit(0);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  UidList l = OpenList();
  ASSERT_EQ(l.entries().size(), size_t(kNames));
  std::set<std::string> bases;
  for (size_t i = 0; i < l.entries().size(); ++i) {
    EXPECT_EQ(l.entries()[i].uid, i + 1);
    bases.insert(std::string(l.entries()[i].base));
  }
  EXPECT_EQ(bases.size(), size_t(kNames));
}

}  // namespace
}  // namespace posthorn::maildir
