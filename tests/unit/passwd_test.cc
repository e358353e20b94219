#include "common/auth/passwd.h"
#include "common/auth/password.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <utility>
#include "tests/unit/temp_dir.h"

namespace posthorn::auth {
namespace {

// Hashes made for these tests with the tools admins use (DESIGN.md §2).
// mkpasswd -m yescrypt 'correct horse'
constexpr char kYescrypt[] = "$y$j9T$bPisuX/7UPFtWMeMGweVI.$fTmnuFZ5dy/xcHQ5MmuJ1/ihQLze01xRhjn1PT6x9H/";
// mkpasswd -m sha-512 's3cret!'
constexpr char kSha512[] =
    "$6$TI3a65gGQY0R.Qib$OE66S3IGgIQXvKy8fjAM/pbibUdsOZKKaaWL2J1v2Ewr3B6rscpK..scIRwi/qhAjEPzNjc.DLmfmghmXlkUx0";
// mkpasswd -m bcrypt 'blowfish pw'
constexpr char kBcrypt[] = "$2b$05$4Tm086/gsHh1scSZas05WeYxsvVUd3KKnMb1lnr8uMYo3.ugOIfUi";
// openssl passwd -6 'open sesame'
constexpr char kOpenssl[] =
    "$6$IKiDaJG3wgAjEpk0$7XRlbEy2OZvRkcCOr7exq5Hv4VqTxdafoVdHvaSYS5IdAobk6xS.KGd/RD0JkFSbzZtzbsz4rViUJWtiuqvKW1";
// mkpasswd -m sha-512 'abc'
constexpr char kAbc[] =
    "$6$7D.RikJcoKgG3Cp4$LSE9qBNLymtgQhm5kImUsMygDazOicKEnmtogJ1n9MHEMD8p6JC7hlx8eVHXmotKEz35tY5RQ.I.Tb6YN6Psb0";

using posthorn::testing::TempDir;

PasswdFile OpenOrDie(const std::string& path) {
  Result<PasswdFile> f = PasswdFile::Open(path);
  EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.message());
  return std::move(f).value();
}

TEST(Passwd, FindsAddressCaseInsensitively) {
  TempDir dir;
  PasswdFile f = OpenOrDie(dir.Write("passwd", "Alice@Example.org:$6$aaa\nbob@example.org:$y$bbb\n"));
  auto e = f.Find("alice@EXAMPLE.ORG");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->address, "Alice@Example.org");  // as written in the file
  EXPECT_EQ(e->hash, "$6$aaa");
  ASSERT_TRUE(f.Find("bob@example.org"));
  EXPECT_EQ(f.Find("bob@example.org")->hash, "$y$bbb");
  EXPECT_FALSE(f.Find("carol@example.org"));
  EXPECT_FALSE(f.Find("alice"));
  EXPECT_FALSE(f.Find("lice@example.org"));
  EXPECT_FALSE(f.Find(""));
  EXPECT_EQ(f.path(), dir.path() + "/passwd");
}

TEST(Passwd, SkipsCommentsAndBlankLines) {
  TempDir dir;
  PasswdFile f = OpenOrDie(dir.Write("passwd",
                                     "# users of example.org\n"
                                     "   # indented comment:with colon\n"
                                     "\n"
                                     "  \t \n"
                                     "bob@example.org:$6$bbb\n"
                                     "#carol@example.org:$6$ccc\n"));
  ASSERT_TRUE(f.Find("bob@example.org"));
  EXPECT_FALSE(f.Find("#carol@example.org"));
  EXPECT_FALSE(f.Find("carol@example.org"));
  EXPECT_TRUE(f.Problems().empty());
}

TEST(Passwd, HandlesCrlfAndMissingFinalNewline) {
  TempDir dir;
  PasswdFile f = OpenOrDie(dir.Write("passwd", "a@x.org:$6$one\r\nb@x.org:$6$two\r\nc@x.org:$6$three"));
  EXPECT_EQ(f.Find("a@x.org")->hash, "$6$one");
  EXPECT_EQ(f.Find("b@x.org")->hash, "$6$two");
  EXPECT_EQ(f.Find("c@x.org")->hash, "$6$three");
  EXPECT_TRUE(f.Problems().empty());
}

TEST(Passwd, StripsDovecotSchemePrefix) {
  TempDir dir;
  PasswdFile f = OpenOrDie(dir.Write("passwd",
                                     "a@x.org:{SHA512-CRYPT}$6$one\n"
                                     "b@x.org:{BLF-CRYPT}$2b$05$two\n"
                                     "c@x.org:{CRYPT}$y$three\n"));
  EXPECT_EQ(f.Find("a@x.org")->hash, "$6$one");
  EXPECT_EQ(f.Find("b@x.org")->hash, "$2b$05$two");
  EXPECT_EQ(f.Find("c@x.org")->hash, "$y$three");
  EXPECT_TRUE(f.Problems().empty());
}

TEST(Passwd, IgnoresDovecotExtraFields) {
  TempDir dir;
  PasswdFile f = OpenOrDie(dir.Write(
      "passwd", "bob@x.org:{SHA512-CRYPT}$6$h:1000:1000::/home/bob::userdb_quota_rule=*:storage=1G\n"));
  EXPECT_EQ(f.Find("bob@x.org")->hash, "$6$h");
  EXPECT_TRUE(f.Problems().empty());
}

TEST(Passwd, MissingFileIsAnError) {
  TempDir dir;
  Result<PasswdFile> f = PasswdFile::Open(dir.path() + "/nope");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.message().find(dir.path() + "/nope"), std::string::npos) << f.message();
  EXPECT_FALSE(PasswdFile::Open(dir.path()).ok());  // a directory is no passwd file
}

TEST(Passwd, EmptyFileIsAnEmptyTable) {
  TempDir dir;
  PasswdFile f = OpenOrDie(dir.Write("passwd", ""));
  EXPECT_FALSE(f.Find("bob@x.org"));
  EXPECT_TRUE(f.Problems().empty());
  EXPECT_FALSE(Authenticate(f, "bob@x.org", "pw"));
}

TEST(Passwd, ProblemsCarryLineNumbers) {
  TempDir dir;
  std::string path = dir.Write("passwd",
                               "# comment\n"                 // 1
                               "good@x.org:$6$h\n"           // 2
                               "no-colon-here\n"             // 3
                               ":$6$h\n"                     // 4
                               "empty@x.org:\n"              // 5
                               "GOOD@x.org:$6$other\n"       // 6
                               "plain@x.org:{PLAIN}secret\n"  // 7
                               "scheme@x.org:{CRYPT}\n");    // 8
  PasswdFile f = OpenOrDie(path);
  std::vector<std::string> want = {
      path + ":3: missing ':' between address and hash",
      path + ":4: empty address",
      path + ":5: empty hash",
      path + ":6: duplicate address, line 2 wins",
      path + ":7: scheme {PLAIN} is not a crypt(3) scheme",
      path + ":8: empty hash",
  };
  EXPECT_EQ(f.Problems(), want);
  EXPECT_EQ(f.Find("good@x.org")->hash, "$6$h");  // the first entry wins
}

TEST(Passwd, MovesKeepTheMapping) {
  TempDir dir;
  PasswdFile a = OpenOrDie(dir.Write("a", "a@x.org:$6$a\n"));
  PasswdFile b = OpenOrDie(dir.Write("b", "b@x.org:$6$b\n"));
  PasswdFile c(std::move(a));
  EXPECT_TRUE(c.Find("a@x.org"));
  c = std::move(b);
  EXPECT_FALSE(c.Find("a@x.org"));
  EXPECT_TRUE(c.Find("b@x.org"));
}

TEST(Passwd, FindsLastOfManyLines) {
  TempDir dir;
  std::string content;
  for (int i = 0; i < 100000; ++i) content += "user" + std::to_string(i) + "@example.org:$6$x\n";
  PasswdFile f = OpenOrDie(dir.Write("passwd", content));
  EXPECT_TRUE(f.Find("user99999@example.org"));
  EXPECT_TRUE(f.Find("user0@example.org"));
  EXPECT_FALSE(f.Find("user100000@example.org"));
}

TEST(Passwd, VerifiesYescrypt) {
  EXPECT_TRUE(VerifyPassword(kYescrypt, "correct horse"));
  EXPECT_FALSE(VerifyPassword(kYescrypt, "correct horse "));
  EXPECT_FALSE(VerifyPassword(kYescrypt, ""));
}

TEST(Passwd, VerifiesSha512) {
  EXPECT_TRUE(VerifyPassword(kSha512, "s3cret!"));
  EXPECT_FALSE(VerifyPassword(kSha512, "s3cret"));
  EXPECT_TRUE(VerifyPassword(kOpenssl, "open sesame"));
  EXPECT_FALSE(VerifyPassword(kOpenssl, "Open sesame"));
}

TEST(Passwd, VerifiesBcrypt) {
  EXPECT_TRUE(VerifyPassword(kBcrypt, "blowfish pw"));
  EXPECT_FALSE(VerifyPassword(kBcrypt, "blowfish"));
}

TEST(Passwd, LockedAndEmptyHashesNeverMatch) {
  EXPECT_FALSE(VerifyPassword(std::string("!") + kSha512, "s3cret!"));
  EXPECT_FALSE(VerifyPassword("!", ""));
  EXPECT_FALSE(VerifyPassword("*", ""));
  EXPECT_FALSE(VerifyPassword("*", "*"));
  EXPECT_FALSE(VerifyPassword("", ""));
  EXPECT_FALSE(VerifyPassword("$invalid$setting", "x"));
}

TEST(Passwd, TruncatedHashNeverMatches) {
  std::string h = kSha512;
  EXPECT_FALSE(VerifyPassword(h.substr(0, h.size() - 1), "s3cret!"));
  EXPECT_FALSE(VerifyPassword(h + "x", "s3cret!"));
}

TEST(Passwd, PasswordWithNulNeverMatches) {
  EXPECT_TRUE(VerifyPassword(kAbc, "abc"));
  // crypt(3) would see only "abc"; the NUL must not make that a match.
  EXPECT_FALSE(VerifyPassword(kAbc, std::string_view("abc\0def", 7)));
  EXPECT_FALSE(VerifyPassword(kAbc, std::string_view("abc\0", 4)));
}

TEST(Passwd, Authenticates) {
  TempDir dir;
  PasswdFile f = OpenOrDie(dir.Write("passwd", std::string("Bob@Example.org:{SHA512-CRYPT}") + kSha512 +
                                                   ":1000:1000::/home/bob\n"
                                                   "yes@example.org:" + kYescrypt + "\n"
                                                   "locked@example.org:!" + kAbc + "\n"));
  EXPECT_TRUE(Authenticate(f, "bob@example.org", "s3cret!"));
  EXPECT_FALSE(Authenticate(f, "bob@example.org", "wrong"));
  EXPECT_TRUE(Authenticate(f, "yes@example.org", "correct horse"));
  EXPECT_FALSE(Authenticate(f, "locked@example.org", "abc"));
}

TEST(Passwd, AuthenticateUnknownUserFails) {
  TempDir dir;
  PasswdFile f = OpenOrDie(dir.Write("passwd", std::string("bob@example.org:") + kSha512 + "\n"));
  EXPECT_FALSE(Authenticate(f, "nobody@example.org", "s3cret!"));
  EXPECT_FALSE(Authenticate(f, "nobody@example.org", "x"));  // the dummy hash's own password
  EXPECT_FALSE(Authenticate(f, "", ""));
}

}  // namespace
}  // namespace posthorn::auth
