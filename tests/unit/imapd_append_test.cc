// APPEND's storage: bytes, flags, date and UID.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "common/base/io.h"
#include "common/maildir/folder.h"
#include "mra/imapd/append.h"
#include "tests/unit/temp_dir.h"

namespace posthorn::imapd {
namespace {

TEST(ImapdAppend, StoresWithFlagsDateAndTheNextUid) {
  testing::TempDir dir;
  std::string md = dir.path() + "/m";
  ASSERT_TRUE(maildir::CreateMaildirDirs(md, false).ok());
  FolderState state(md);
  ASSERT_TRUE(state.Load().ok());
  maildir::UidList& uids = state.uids();
  ASSERT_TRUE(uids.Assign({"0.M0.h"}).ok());
  maildir::Flags flags;
  flags.seen = true;
  flags.draft = true;
  Result<Appended> a = AppendMessage(state, "Subject: hi\r\n\r\nline\r\nbare\nlast", flags, 1700000000);
  ASSERT_TRUE(a.ok()) << a.message();
  EXPECT_EQ(a->uid, 2u);
  EXPECT_EQ(a->uidvalidity, uids.uidvalidity());
  EXPECT_TRUE(a->file.starts_with("cur/"));
  EXPECT_TRUE(a->file.ends_with(",S=27,W=31:2,DS")) << a->file;
  std::string text;
  ASSERT_TRUE(ReadFile(md + "/" + a->file, &text).ok());
  EXPECT_EQ(text, "Subject: hi\n\nline\nbare\nlast");
  struct stat st;
  ASSERT_EQ(::stat((md + "/" + a->file).c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, 1700000000);
  // \Recent for the first look that claims new mail.
  Result<FolderLook> look = state.Look(/*claim_new=*/true, /*peek_new=*/false);
  ASSERT_TRUE(look.ok()) << look.message();
  EXPECT_EQ(look->recent, std::vector<uint32_t>{2});
}

}  // namespace
}  // namespace posthorn::imapd
