// Listing a folder's messages by base name.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <fstream>

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
  EXPECT_EQ((*files)[0].sub + "/" + (*files)[0].name, "cur/100.M1.h:2,S");
  EXPECT_EQ((*files)[1].sub + "/" + (*files)[1].name, "cur/200.M1.h:2,");
  EXPECT_EQ((*files)[2].sub + "/" + (*files)[2].name, "new/300.M1.h,S=5");
}

TEST(MaildirScan, AMissingFolderIsEmpty) {
  testing::TempDir dir;
  Result<std::vector<FolderFile>> files = ScanFolder(dir.path() + "/none");
  ASSERT_TRUE(files.ok());
  EXPECT_TRUE(files->empty());
}

}  // namespace
}  // namespace posthorn::maildir
