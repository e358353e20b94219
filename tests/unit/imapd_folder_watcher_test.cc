// inotify-based change notification shared by the sessions of a folder.
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>

#include "mra/imapd/folder_watcher.h"
#include "tests/unit/temp_dir.h"

namespace posthorn::imapd {
namespace {

bool Readable(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, ms) == 1;
}

TEST(ImapdFolderWatcher, ArrivalsRenamesAndRemovalsWakeEveryWatcherOnce) {
  testing::TempDir dir;
  for (const char* d : {"/new", "/cur", "/tmp"}) ::mkdir((dir.path() + d).c_str(), 0700);
  Result<std::unique_ptr<FolderWatcher>> w = FolderWatcher::Create();
  ASSERT_TRUE(w.ok()) << w.message();
  int a = 0, b = 0;
  auto wa = (*w)->Add(dir.path(), [&] { ++a; });
  auto wb = (*w)->Add(dir.path(), [&] { ++b; });
  ASSERT_TRUE(wa.ok() && wb.ok());

  std::ofstream(dir.path() + "/tmp/1.M1.h") << "x";
  EXPECT_FALSE(Readable((*w)->fd(), 50));  // tmp/ is nobody's business
  ASSERT_EQ(::rename((dir.path() + "/tmp/1.M1.h").c_str(), (dir.path() + "/new/1.M1.h").c_str()), 0);
  ASSERT_EQ(::rename((dir.path() + "/new/1.M1.h").c_str(), (dir.path() + "/cur/1.M1.h:2,S").c_str()), 0);
  ASSERT_TRUE(Readable((*w)->fd(), 1000));
  (*w)->OnReadable();
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 1);

  wb->reset();  // b leaves; a still hears the expunge
  ASSERT_EQ(::unlink((dir.path() + "/cur/1.M1.h:2,S").c_str()), 0);
  ASSERT_TRUE(Readable((*w)->fd(), 1000));
  (*w)->OnReadable();
  EXPECT_EQ(a, 2);
  EXPECT_EQ(b, 1);

  wa->reset();  // nobody: the watches go (the kernel says IN_IGNORED)
  (*w)->OnReadable();
  std::ofstream(dir.path() + "/new/2.M1.h") << "y";
  Readable((*w)->fd(), 50);
  (*w)->OnReadable();
  EXPECT_EQ(a, 2);
}

TEST(ImapdFolderWatcher, AMissingFolderIsAnError) {
  testing::TempDir dir;
  auto w = FolderWatcher::Create();
  ASSERT_TRUE(w.ok());
  EXPECT_FALSE((*w)->Add(dir.path() + "/none", [] {}).ok());
}

}  // namespace
}  // namespace posthorn::imapd
