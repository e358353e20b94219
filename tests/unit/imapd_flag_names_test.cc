// IMAP flag names <-> Maildir flags.
#include <gtest/gtest.h>

#include "mra/imapd/flag_names.h"

namespace posthorn::imapd {
namespace {

TEST(ImapdFlagNames, Format) {
  maildir::Flags f = maildir::Flags::FromName("x:2,DFRSTac");
  EXPECT_EQ(FormatFlags(f, {"Work", "Home", "$Junk"}, true),
            "(\\Seen \\Answered \\Flagged \\Deleted \\Draft Work $Junk \\Recent)");
  EXPECT_EQ(FormatFlags(maildir::Flags{}, {}, false), "()");
  EXPECT_EQ(FormatFlags(maildir::Flags::FromName("x:2,Pb"), {"a"}, false), "($Forwarded)");
  EXPECT_EQ(FormatFlags(maildir::Flags::FromName("x:2,Pa"), {"$forwarded"}, false), "($forwarded)");
}

TEST(ImapdFlagNames, Lists) {
  EXPECT_EQ(FlagsList({"Work"}), "(\\Answered \\Flagged \\Deleted \\Seen \\Draft Work)");
  EXPECT_EQ(PermanentFlagsList({"Work"}), "(\\Answered \\Flagged \\Deleted \\Seen \\Draft Work \\*)");
  std::vector<std::string> full(26, "k");
  EXPECT_EQ(PermanentFlagsList(full).find("\\*"), std::string::npos);
}

TEST(ImapdFlagNames, Parse) {
  maildir::Flags f;
  std::vector<std::string> k;
  ASSERT_TRUE(ParseFlagNames({"\\seen", "\\DELETED", "$Junk", "Work"}, &f, &k).ok());
  EXPECT_TRUE(f.seen && f.trashed && !f.flagged);
  EXPECT_EQ(k, (std::vector<std::string>{"$Junk", "Work"}));
  EXPECT_EQ(ParseFlagNames({"\\Recent"}, &f, &k).message(), "cannot set flag \\Recent");
  EXPECT_EQ(ParseFlagNames({"\\Bogus"}, &f, &k).message(), "cannot set flag \\Bogus");
  EXPECT_EQ(ParseFlagNames({"a]b"}, &f, &k).message(), "bad character in keyword: a]b");
}

}  // namespace
}  // namespace posthorn::imapd
