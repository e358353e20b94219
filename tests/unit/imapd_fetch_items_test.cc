// FETCH data items (RFC 3501 §6.4.5, §9).
#include <gtest/gtest.h>

#include "mra/imapd/fetch_items.h"

namespace posthorn::imapd {
namespace {

imap::Arg Atom(std::string text) { return imap::Arg{imap::Arg::Kind::kAtom, std::move(text), {}}; }
imap::Arg List(std::vector<imap::Arg> list) { return imap::Arg{imap::Arg::Kind::kList, "", std::move(list)}; }

std::vector<std::string> Labels(const imap::Arg& arg) {
  Result<std::vector<FetchItem>> items = ParseFetchItems(arg);
  if (!items.ok()) return {"error: " + items.message()};
  std::vector<std::string> out;
  for (const FetchItem& i : *items) out.push_back(i.label + (i.peek ? " peek" : ""));
  return out;
}

TEST(ImapdFetchItems, MacrosAndSimpleItems) {
  EXPECT_EQ(Labels(Atom("fast")), (std::vector<std::string>{"FLAGS", "INTERNALDATE", "RFC822.SIZE"}));
  EXPECT_EQ(Labels(Atom("ALL")), (std::vector<std::string>{"FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"}));
  EXPECT_EQ(Labels(Atom("FULL")).back(), "BODY");
  EXPECT_EQ(Labels(List({Atom("uid"), Atom("Flags"), Atom("BODYSTRUCTURE")})),
            (std::vector<std::string>{"UID", "FLAGS", "BODYSTRUCTURE"}));
  EXPECT_EQ(Labels(List({Atom("RFC822.HEADER"), Atom("RFC822")})),
            (std::vector<std::string>{"RFC822.HEADER peek", "RFC822"}));
}

TEST(ImapdFetchItems, Sections) {
  EXPECT_EQ(Labels(Atom("BODY[]")), std::vector<std::string>{"BODY[]"});
  EXPECT_EQ(Labels(Atom("body.peek[header]")), std::vector<std::string>{"BODY[HEADER] peek"});
  EXPECT_EQ(Labels(Atom("BODY[1.2.MIME]")), std::vector<std::string>{"BODY[1.2.MIME]"});
  EXPECT_EQ(Labels(Atom("BODY[3]<0.100>")), std::vector<std::string>{"BODY[3]<0>"});
  EXPECT_EQ(Labels(Atom("BODY[2.TEXT]<10.5>")), std::vector<std::string>{"BODY[2.TEXT]<10>"});
  EXPECT_EQ(Labels(Atom("BODY.PEEK[HEADER.FIELDS (From \"To\" x-Spam)]")),
            std::vector<std::string>{"BODY[HEADER.FIELDS (FROM TO X-SPAM)] peek"});
  EXPECT_EQ(Labels(Atom("BODY[1.HEADER.FIELDS.NOT (Received)]")),
            std::vector<std::string>{"BODY[1.HEADER.FIELDS.NOT (RECEIVED)]"});
  Result<std::vector<FetchItem>> r = ParseFetchItems(Atom("BODY[1.2.HEADER.FIELDS (A B)]<5.6>"));
  ASSERT_TRUE(r.ok());
  const FetchItem& i = r->front();
  EXPECT_EQ(i.section.part, (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(i.section.kind, Section::Kind::kHeaderFields);
  EXPECT_EQ(i.section.fields, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(i.origin, 5u);
  EXPECT_EQ(i.count, 6u);
  EXPECT_TRUE(i.sets_seen());
}

TEST(ImapdFetchItems, Refusals) {
  for (std::string bad : {"BODY[MIME]", "BODY[0]", "BODY[1.]", "BODY[01]", "BODY[HEADER.FIELDS ()]",
                          "BODY[HEADER.FIELDS]", "BODY[TEXTS]", "BODY[]<0>", "BODY[]<0.0>", "BODY[]<a.1>",
                          "BODY[]<1.2", "BODY[HEADER.FIELDS (A  B)]", "BOD[]", "BODY[", "BODY[1.2.3.4.HEADER.FIELDS (\"A)]"})
    EXPECT_EQ(Labels(Atom(bad)).front().substr(0, 7), "error: ") << bad;
  EXPECT_EQ(Labels(Atom("FROB")), std::vector<std::string>{"error: Unknown FETCH item FROB"});
  EXPECT_EQ(Labels(List({})), std::vector<std::string>{"error: FETCH takes items"});
  EXPECT_EQ(Labels(List({Atom("FLAGS"), List({})})), std::vector<std::string>{"error: FETCH items are atoms"});
}

}  // namespace
}  // namespace posthorn::imapd
