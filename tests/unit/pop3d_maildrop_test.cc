// A user's maildrop on disk: listing new/ and cur/, sizes, UIDs, finding
// a message a reader has moved, and QUIT's deletions and seen marks.
#include "mra/pop3d/maildrop.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "tests/unit/temp_dir.h"

namespace posthorn::pop3d {
namespace {

using Names = std::vector<std::string>;

class Pop3Maildrop : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    md_ = dir_.path() + "/Maildir";
    MakeMaildir(md_);
  }

  static void MakeMaildir(const std::string& md) {
    ASSERT_EQ(::mkdir(md.c_str(), 0700), 0);
    for (const char* sub : {"new", "cur", "tmp"}) ASSERT_EQ(::mkdir((md + "/" + sub).c_str(), 0700), 0);
  }
  void Put(const std::string& sub, const std::string& name, const std::string& content) {
    std::ofstream(md_ + "/" + sub + "/" + name, std::ios::binary) << content;
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static std::string ReadFd(int fd) {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }
  Names List(const std::string& sub) const {
    Names out;
    DIR* d = opendir((md_ + "/" + sub).c_str());
    if (d == nullptr) return out;
    while (dirent* e = readdir(d))
      if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") out.push_back(e->d_name);
    closedir(d);
    std::sort(out.begin(), out.end());
    return out;
  }
  static Names NamesOf(const Maildrop& d) {
    Names out;
    for (const DropMessage& m : d.messages()) out.push_back(m.sub + "/" + m.name);
    return out;
  }

  testing::TempDir dir_;
  std::string md_;
};

// QUIT's update as a Result: the count, or the error it reported.
Result<size_t> Apply(const Maildrop& d, const std::vector<bool>& deleted, const std::vector<bool>& retrieved) {
  std::string error;
  size_t removed = d.Update(deleted, retrieved, &error);
  if (!error.empty()) return Error{error};
  return removed;
}

TEST_F(Pop3Maildrop, MissingMaildirIsEmpty) {
  Result<Maildrop> d = Maildrop::Open(dir_.path() + "/nobody/Maildir");
  ASSERT_TRUE(d.ok()) << d.message();
  EXPECT_TRUE(d->messages().empty());
  EXPECT_EQ(d->total_size(), 0u);
  // QUIT on it changes nothing and fails nothing.
  Result<size_t> u = Apply(*d, {}, {});
  ASSERT_TRUE(u.ok()) << u.message();
  EXPECT_EQ(*u, 0u);
}

TEST_F(Pop3Maildrop, EmptyMaildir) {
  Result<Maildrop> d = Maildrop::Open(md_);
  ASSERT_TRUE(d.ok()) << d.message();
  EXPECT_TRUE(d->messages().empty());
}

TEST_F(Pop3Maildrop, MissingCurIsNotAnError) {
  ASSERT_EQ(::rmdir((md_ + "/cur").c_str()), 0);
  Put("new", "1700000000.M1P1.host", "a\n");
  Result<Maildrop> d = Maildrop::Open(md_);
  ASSERT_TRUE(d.ok()) << d.message();
  EXPECT_EQ(NamesOf(*d), Names{"new/1700000000.M1P1.host"});
}

TEST_F(Pop3Maildrop, ListsNewAndCurOldestFirst) {
  Put("cur", "1700000003.M3P3.host,S=2,W=3:2,S", "c\n");
  Put("new", "1700000001.M1P1.host,S=2,W=3", "a\n");
  Put("cur", "1700000002.M2P2.host,S=2,W=3:2,", "b\n");
  Put("new", "1700000004.M4P4.host,S=2,W=3", "d\n");
  Result<Maildrop> d = Maildrop::Open(md_);
  ASSERT_TRUE(d.ok()) << d.message();
  EXPECT_EQ(NamesOf(*d), (Names{"new/1700000001.M1P1.host,S=2,W=3", "cur/1700000002.M2P2.host,S=2,W=3:2,",
                                "cur/1700000003.M3P3.host,S=2,W=3:2,S", "new/1700000004.M4P4.host,S=2,W=3"}));
  EXPECT_EQ(d->messages()[0].sub, "new");
  EXPECT_EQ(d->messages()[1].sub, "cur");
  EXPECT_EQ(d->messages()[2].uid, "1700000003.M3P3.host");
  EXPECT_EQ(d->total_size(), 12u);
}

TEST_F(Pop3Maildrop, OrderIsByTheLeadingNumberThenTheName) {
  // As strings "100..." < "1000..." < "99...": the number decides.
  Put("new", "99.b", "x");
  Put("new", "1000.a", "x");
  Put("cur", "100.b:2,", "x");
  Put("new", "100.a", "x");
  Put("cur", "99.a:2,S", "x");
  Result<Maildrop> d = Maildrop::Open(md_);
  ASSERT_TRUE(d.ok()) << d.message();
  EXPECT_EQ(NamesOf(*d), (Names{"cur/99.a:2,S", "new/99.b", "new/100.a", "cur/100.b:2,", "new/1000.a"}));
}

TEST_F(Pop3Maildrop, DotFilesAndTmpAndFoldersAreSkipped) {
  Put("new", ".hidden", "x\n");
  Put("cur", ".1700000000.M1P1.host:2,S", "x\n");
  Put("tmp", "1700000000.M9P9.host", "x\n");
  MakeMaildir(md_ + "/.Sent");
  std::ofstream(md_ + "/.Sent/cur/1700000000.M8P8.host:2,S") << "x\n";
  Put("new", "1700000005.M5P5.host", "x\n");
  Result<Maildrop> d = Maildrop::Open(md_);
  ASSERT_TRUE(d.ok()) << d.message();
  EXPECT_EQ(NamesOf(*d), Names{"new/1700000005.M5P5.host"});
}

TEST_F(Pop3Maildrop, SizeFromTheWFieldWithoutReading) {
  // The content does not match W: the name is believed, the file not read.
  Put("new", "1700000001.M1P1.host,S=1000,W=1024", "short\n");
  // Even an unreadable "file" (a directory here) is not opened.
  ASSERT_EQ(::mkdir((md_ + "/cur/1700000002.M2P2.host,S=5,W=77:2,S").c_str(), 0700), 0);
  Result<Maildrop> d = Maildrop::Open(md_);
  ASSERT_TRUE(d.ok()) << d.message();
  ASSERT_EQ(d->messages().size(), 2u);
  EXPECT_EQ(d->messages()[0].size, 1024u);
  EXPECT_EQ(d->messages()[1].size, 77u);
  EXPECT_EQ(d->total_size(), 1101u);
}

TEST_F(Pop3Maildrop, SizeCountedForNamesWithoutW) {
  Put("new", "1700000001.M1P1.host", "Subject: a\n\nbody\n");          // 17 bytes, 3 LF
  Put("new", "1700000002.M2P2.host,S=18", "Subject: a\r\n\r\nbody\r\n");  // S is not the wire size
  Put("cur", "1700000003.M3P3.host:2,S", "no newline");
  Put("cur", "1700000004.M4P4.host:2,S", "");
  Put("new", "1700000005.M5P5.host", std::string(200000, 'x') + "\n" + std::string(100000, '\n'));
  Result<Maildrop> d = Maildrop::Open(md_);
  ASSERT_TRUE(d.ok()) << d.message();
  ASSERT_EQ(d->messages().size(), 5u);
  EXPECT_EQ(d->messages()[0].size, 20u);
  EXPECT_EQ(d->messages()[1].size, 20u);
  EXPECT_EQ(d->messages()[2].size, 10u);
  EXPECT_EQ(d->messages()[3].size, 0u);
  EXPECT_EQ(d->messages()[4].size, 200000u + 2u * 100001u);
}

TEST_F(Pop3Maildrop, UidIsTheUniquePart) {
  EXPECT_EQ(UidFor("1700000000.M1P2.host"), "1700000000.M1P2.host");
  EXPECT_EQ(UidFor("1700000000.M1P2.host,S=10,W=12"), "1700000000.M1P2.host");
  EXPECT_EQ(UidFor("1700000000.M1P2.host,S=10,W=12:2,S"), "1700000000.M1P2.host");
  EXPECT_EQ(UidFor("1700000000.M1P2.host:2,FRS"), "1700000000.M1P2.host");
  EXPECT_EQ(UidFor("x"), "x");
  std::string seventy(70, 'a');
  EXPECT_EQ(UidFor(seventy + ":2,S"), seventy);
  std::string printable;
  for (char c = 0x21; c < 0x7f; ++c)
    if (c != ',' && c != ':') printable += c;
  printable.resize(70);
  EXPECT_EQ(UidFor(printable), printable);
}

bool IsHashUid(const std::string& uid) {
  if (uid.size() != 41 || uid[0] != 'H') return false;
  return std::all_of(uid.begin() + 1, uid.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

TEST_F(Pop3Maildrop, LongOrNonPrintableNamesGetAHash) {
  std::string long_name(71, 'x');
  for (const std::string& name :
       {long_name, long_name + ",S=5:2,S", std::string("a b"), std::string("a\tb"), std::string("a\x7f" "b"),
        std::string("caf\xc3\xa9"), std::string(",S=5"), std::string(":2,S"), std::string("a\x01")}) {
    std::string uid = UidFor(name);
    EXPECT_TRUE(IsHashUid(uid)) << name << " -> " << uid;
  }
  // Stable: the same unique part gives the same hash whatever the flags,
  // and it does not depend on the process (SHA-256 of the unique part).
  EXPECT_EQ(UidFor(long_name), UidFor(long_name + ",S=5,W=6"));
  EXPECT_EQ(UidFor(long_name), UidFor(long_name + ":2,S"));
  EXPECT_EQ(UidFor("a b"), "Hc8687a08aa5d6ed2044328fa6a697ab8e96dc342");
  EXPECT_EQ(UidFor("a b:2,S"), "Hc8687a08aa5d6ed2044328fa6a697ab8e96dc342");
  EXPECT_EQ(UidFor(long_name), "H87a1e4c1c92b7b7a7c46433d780de6cc19f9ef34");
  EXPECT_NE(UidFor(long_name), UidFor(std::string(72, 'x')));
}

TEST_F(Pop3Maildrop, UidsInTheListing) {
  std::string long_name = "1700000001." + std::string(70, 'L');
  Put("new", long_name + ",S=2,W=3", "a\n");
  Put("cur", "1700000002.M2P2.host,S=2,W=3:2,S", "b\n");
  Result<Maildrop> d = Maildrop::Open(md_);
  ASSERT_TRUE(d.ok()) << d.message();
  ASSERT_EQ(d->messages().size(), 2u);
  EXPECT_EQ(d->messages()[0].uid, UidFor(long_name));
  EXPECT_TRUE(IsHashUid(d->messages()[0].uid));
  EXPECT_EQ(d->messages()[1].uid, "1700000002.M2P2.host");
  // The next session sees the same UIDs after a reader moved the message.
  ASSERT_EQ(::rename((md_ + "/new/" + long_name + ",S=2,W=3").c_str(),
                     (md_ + "/cur/" + long_name + ",S=2,W=3:2,RS").c_str()),
            0);
  Result<Maildrop> again = Maildrop::Open(md_);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->messages().size(), 2u);
  EXPECT_EQ(again->messages()[0].uid, d->messages()[0].uid);
  EXPECT_EQ(again->messages()[1].uid, d->messages()[1].uid);
}

TEST_F(Pop3Maildrop, OpenMessage) {
  Put("new", "1700000001.M1P1.host,S=6,W=7", "hello\n");
  Result<Maildrop> d = Maildrop::Open(md_);
  ASSERT_TRUE(d.ok());
  Result<UniqueFd> fd = d->OpenMessage(0);
  ASSERT_TRUE(fd.ok()) << fd.message();
  EXPECT_EQ(ReadFd(fd->get()), "hello\n");
}

TEST_F(Pop3Maildrop, OpenMessageAfterAReaderMovedIt) {
  Put("new", "1700000001.M1P1.host,S=6,W=7", "first\n");
  Put("new", "1700000002.M2P2.host", "second\n");
  Result<Maildrop> d = Maildrop::Open(md_);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(::rename((md_ + "/new/1700000001.M1P1.host,S=6,W=7").c_str(),
                     (md_ + "/cur/1700000001.M1P1.host,S=6,W=7:2,S").c_str()),
            0);
  ASSERT_EQ(::rename((md_ + "/new/1700000002.M2P2.host").c_str(), (md_ + "/cur/1700000002.M2P2.host:2,FR").c_str()),
            0);
  Result<UniqueFd> fd = d->OpenMessage(0);
  ASSERT_TRUE(fd.ok()) << fd.message();
  EXPECT_EQ(ReadFd(fd->get()), "first\n");
  fd = d->OpenMessage(1);
  ASSERT_TRUE(fd.ok()) << fd.message();
  EXPECT_EQ(ReadFd(fd->get()), "second\n");
  // And a flag change within cur/.
  ASSERT_EQ(::rename((md_ + "/cur/1700000002.M2P2.host:2,FR").c_str(), (md_ + "/cur/1700000002.M2P2.host:2,FRST").c_str()),
            0);
  fd = d->OpenMessage(1);
  ASSERT_TRUE(fd.ok()) << fd.message();
  EXPECT_EQ(ReadFd(fd->get()), "second\n");
}

TEST_F(Pop3Maildrop, OpenMessageThatIsGone) {
  Put("new", "1700000001.M1P1.host", "x\n");
  Result<Maildrop> d = Maildrop::Open(md_);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(::unlink((md_ + "/new/1700000001.M1P1.host").c_str()), 0);
  Result<UniqueFd> fd = d->OpenMessage(0);
  ASSERT_FALSE(fd.ok());
  EXPECT_EQ(fd.errnum(), ENOENT);
}

TEST_F(Pop3Maildrop, NumberingIsFixedAtOpen) {
  Put("new", "1700000002.M2P2.host", "x\n");
  Result<Maildrop> d = Maildrop::Open(md_);
  ASSERT_TRUE(d.ok());
  Put("new", "1700000001.M1P1.host", "earlier name, later delivery\n");
  ASSERT_EQ(d->messages().size(), 1u);
  Result<UniqueFd> fd = d->OpenMessage(0);
  ASSERT_TRUE(fd.ok());
  EXPECT_EQ(ReadFd(fd->get()), "x\n");
}

TEST_F(Pop3Maildrop, UpdateDeletes) {
  Put("new", "1700000001.M1P1.host,S=2,W=3", "a\n");
  Put("cur", "1700000002.M2P2.host,S=2,W=3:2,S", "b\n");
  Put("new", "1700000003.M3P3.host,S=2,W=3", "c\n");
  Result<Maildrop> d = Maildrop::Open(md_);
  ASSERT_TRUE(d.ok());
  Result<size_t> n = Apply(*d, {true, true, false}, {false, false, false});
  ASSERT_TRUE(n.ok()) << n.message();
  EXPECT_EQ(*n, 2u);
  EXPECT_EQ(List("new"), Names{"1700000003.M3P3.host,S=2,W=3"});
  EXPECT_EQ(List("cur"), Names{});
}

TEST_F(Pop3Maildrop, UpdateDeletesAMessageMovedMeanwhile) {
  Put("new", "1700000001.M1P1.host,S=2,W=3", "a\n");
  Put("new", "1700000002.M2P2.host", "b\n");
  Result<Maildrop> d = Maildrop::Open(md_);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(::rename((md_ + "/new/1700000001.M1P1.host,S=2,W=3").c_str(),
                     (md_ + "/cur/1700000001.M1P1.host,S=2,W=3:2,S").c_str()),
            0);
  Result<size_t> n = Apply(*d, {true, false}, {false, false});
  ASSERT_TRUE(n.ok()) << n.message();
  EXPECT_EQ(*n, 1u);
  EXPECT_EQ(List("cur"), Names{});
  EXPECT_EQ(List("new"), Names{"1700000002.M2P2.host"});
}

TEST_F(Pop3Maildrop, UpdateCountsAMessageAlreadyGone) {
  Put("new", "1700000001.M1P1.host", "a\n");
  Put("new", "1700000002.M2P2.host", "b\n");
  Result<Maildrop> d = Maildrop::Open(md_);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(::unlink((md_ + "/new/1700000001.M1P1.host").c_str()), 0);
  Result<size_t> n = Apply(*d, {true, true}, {false, false});
  ASSERT_TRUE(n.ok()) << n.message();
  EXPECT_EQ(*n, 2u);
  EXPECT_EQ(List("new"), Names{});
}

TEST_F(Pop3Maildrop, UpdateMarksRetrievedMessagesSeen) {
  Put("new", "1700000001.M1P1.host,S=2,W=3", "a\n");
  Put("new", "1700000002.M2P2.host", "b\n");
  Put("new", "1700000003.M3P3.host", "c\n");
  Result<Maildrop> d = Maildrop::Open(md_);
  ASSERT_TRUE(d.ok());
  Result<size_t> n = Apply(*d, {false, false, false}, {true, false, true});
  ASSERT_TRUE(n.ok()) << n.message();
  EXPECT_EQ(*n, 0u);
  EXPECT_EQ(List("new"), Names{"1700000002.M2P2.host"});
  EXPECT_EQ(List("cur"), (Names{"1700000001.M1P1.host,S=2,W=3:2,S", "1700000003.M3P3.host:2,S"}));
  EXPECT_EQ(Read(md_ + "/cur/1700000001.M1P1.host,S=2,W=3:2,S"), "a\n");
}

TEST_F(Pop3Maildrop, UpdateAddsSToOtherFlagsInCur) {
  Put("cur", "1700000001.M1P1.host:2,FR", "a\n");
  Put("cur", "1700000002.M2P2.host:2,S", "b\n");
  Put("cur", "1700000003.M3P3.host", "c\n");  // in cur/ without an info part
  Put("cur", "1700000004.M4P4.host:2,Ta", "d\n");
  Result<Maildrop> d = Maildrop::Open(md_);
  ASSERT_TRUE(d.ok());
  Result<size_t> n = Apply(*d, {false, false, false, false}, {true, true, true, true});
  ASSERT_TRUE(n.ok()) << n.message();
  EXPECT_EQ(List("cur"), (Names{"1700000001.M1P1.host:2,FRS", "1700000002.M2P2.host:2,S",
                                "1700000003.M3P3.host:2,S", "1700000004.M4P4.host:2,STa"}));
  EXPECT_EQ(List("new"), Names{});
}

TEST_F(Pop3Maildrop, UpdateMarksSeenAMessageAReaderMoved) {
  Put("new", "1700000001.M1P1.host", "a\n");
  Result<Maildrop> d = Maildrop::Open(md_);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(::rename((md_ + "/new/1700000001.M1P1.host").c_str(), (md_ + "/cur/1700000001.M1P1.host:2,F").c_str()), 0);
  Result<size_t> n = Apply(*d, {false}, {true});
  ASSERT_TRUE(n.ok()) << n.message();
  EXPECT_EQ(List("cur"), Names{"1700000001.M1P1.host:2,FS"});
}

TEST_F(Pop3Maildrop, DeletedAndRetrievedIsDeleted) {
  Put("new", "1700000001.M1P1.host", "a\n");
  Result<Maildrop> d = Maildrop::Open(md_);
  ASSERT_TRUE(d.ok());
  Result<size_t> n = Apply(*d, {true}, {true});
  ASSERT_TRUE(n.ok()) << n.message();
  EXPECT_EQ(*n, 1u);
  EXPECT_EQ(List("new"), Names{});
  EXPECT_EQ(List("cur"), Names{});
}

TEST_F(Pop3Maildrop, NothingMarkedChangesNothing) {
  Put("new", "1700000001.M1P1.host", "a\n");
  Put("cur", "1700000002.M2P2.host:2,", "b\n");
  Result<Maildrop> d = Maildrop::Open(md_);
  ASSERT_TRUE(d.ok());
  // Shorter vectors than the listing are allowed: the rest is unmarked.
  Result<size_t> n = Apply(*d, {}, {});
  ASSERT_TRUE(n.ok()) << n.message();
  EXPECT_EQ(*n, 0u);
  EXPECT_EQ(List("new"), Names{"1700000001.M1P1.host"});
  EXPECT_EQ(List("cur"), Names{"1700000002.M2P2.host:2,"});
}

TEST_F(Pop3Maildrop, SeenMarkDoesNotDependOnTheMaildirPath) {
  // The Maildir lives under a directory called "cur": a message still in
  // new/ (with an info part naming S) must still move to cur/.
  std::string outer = dir_.path() + "/cur";
  ASSERT_EQ(::mkdir(outer.c_str(), 0700), 0);
  md_ = outer + "/Maildir";
  MakeMaildir(md_);
  Put("new", "1700000001.M1P1.host:2,S", "a\n");
  Result<Maildrop> d = Maildrop::Open(md_);
  ASSERT_TRUE(d.ok());
  Result<size_t> n = Apply(*d, {false}, {true});
  ASSERT_TRUE(n.ok()) << n.message();
  EXPECT_EQ(List("new"), Names{});
  EXPECT_EQ(List("cur"), Names{"1700000001.M1P1.host:2,S"});
}

}  // namespace
}  // namespace posthorn::pop3d
