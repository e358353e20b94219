// Listing a folder's messages by base name.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "common/maildir/flags.h"
#include "common/maildir/scan.h"
#include "tests/unit/temp_dir.h"

namespace posthorn::maildir {
namespace {

TEST(MaildirScan, ListsNewAndCurByBaseName) {
  testing::TempDir dir;
  for (const char* d : {"/new", "/cur", "/tmp"}) ::mkdir((dir.path() + d).c_str(), 0700);
  std::ofstream(dir.path() + "/new/300.M1.h,S=5");
  std::ofstream(dir.path() + "/cur/100.M1.h:2,S");
  std::ofstream(dir.path() + "/cur/200.M1.h:2,");
  std::ofstream(dir.path() + "/cur/.hidden");
  std::ofstream(dir.path() + "/tmp/400.M1.h");
  // Seen in both while a reader moved it: the cur/ name counts.
  std::ofstream(dir.path() + "/new/200.M1.h");
  Result<std::vector<FolderFile>> files = ScanFolder(dir.path());
  ASSERT_TRUE(files.ok()) << files.message();
  ASSERT_EQ(files->size(), 3u);
  EXPECT_EQ((*files)[0].file, "cur/100.M1.h:2,S");
  EXPECT_EQ((*files)[1].file, "cur/200.M1.h:2,");
  EXPECT_EQ((*files)[2].file, "new/300.M1.h,S=5");
}

// The sort looks at a base's first eight bytes as a number before the
// rest: names alike there, shorter than that, or prefixes of another must
// still come out in plain byte order.
TEST(MaildirScan, SortsByTheWholeBaseName) {
  testing::TempDir dir;
  for (const char* d : {"/new", "/cur"}) ::mkdir((dir.path() + d).c_str(), 0700);
  std::vector<std::string> bases = {"1700000000.M2.h", "1700000000.M10.h", "17",          "1700000000",
                                    "1700000001.M1.h", "1699999999.M9.h",  "17000000",    "170000000",
                                    "~tilde",          "1700000000.M2.g",  "1700000000.M", "A"};
  for (size_t i = 0; i < bases.size(); ++i) {
    // Half in new/, half in cur/ with flags, to sort by base, not name.
    if (i % 2) std::ofstream(dir.path() + "/cur/" + bases[i] + ":2,S");
    else std::ofstream(dir.path() + "/new/" + bases[i]);
  }
  Result<std::vector<FolderFile>> files = ScanFolder(dir.path());
  ASSERT_TRUE(files.ok()) << files.message();
  std::sort(bases.begin(), bases.end());
  std::vector<std::string> got;
  for (const FolderFile& f : *files) got.emplace_back(BaseName(f.name()));
  EXPECT_EQ(got, bases);
  EXPECT_EQ((*files)[0].sub(), "cur");
  EXPECT_EQ((*files)[0].name(), "1699999999.M9.h:2,S");
}

TEST(MaildirScan, AMissingFolderIsEmpty) {
  testing::TempDir dir;
  Result<std::vector<FolderFile>> files = ScanFolder(dir.path() + "/none");
  ASSERT_TRUE(files.ok());
  EXPECT_TRUE(files->empty());
}

}  // namespace
}  // namespace posthorn::maildir
