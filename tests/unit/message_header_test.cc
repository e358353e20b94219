#include <gtest/gtest.h>

#include <string>

#include "common/message/header.h"

namespace posthorn::message {
namespace {

using namespace std::string_view_literals;

TEST(MessageHeader, SplitsAtFirstEmptyLine) {
  MessageSplit crlf = SplitMessage("Subject: hi\r\nFrom: a@b\r\n\r\nbody\r\n\r\nmore\r\n");
  EXPECT_EQ(crlf.fields_size, 24u);
  EXPECT_EQ(crlf.header_size, 26u);
  EXPECT_TRUE(crlf.has_separator());

  MessageSplit lf = SplitMessage("A: 1\nB: 2\n\nbody");
  EXPECT_EQ(lf.fields_size, 10u);
  EXPECT_EQ(lf.header_size, 11u);
}

TEST(MessageHeader, SplitsMessagesWithoutBodyOrHeader) {
  MessageSplit no_body = SplitMessage("A: 1\r\n");
  EXPECT_EQ(no_body.fields_size, 6u);
  EXPECT_EQ(no_body.header_size, 6u);
  EXPECT_FALSE(no_body.has_separator());
  EXPECT_EQ(SplitMessage("A: 1").header_size, 4u);

  MessageSplit no_header = SplitMessage("\r\nbody\r\n");
  EXPECT_EQ(no_header.fields_size, 0u);
  EXPECT_EQ(no_header.header_size, 2u);
  EXPECT_EQ(SplitMessage("\nbody").header_size, 1u);
  EXPECT_EQ(SplitMessage("").header_size, 0u);
}

TEST(MessageHeader, BlankContinuationLineDoesNotEndTheHeader) {
  // RFC 5322 §4.2 obs-FWS: a line of blanks continues the field before it.
  std::string_view m = "A: 1\r\n \r\nB: 2\r\n\r\nx";
  EXPECT_EQ(SplitMessage(m).fields_size, 15u);
  Header h = ParseHeader(m);
  ASSERT_EQ(h.fields.size(), 2u);
  EXPECT_EQ(h.fields[0].value, "1\r\n ");
  EXPECT_EQ(h.fields[0].size, 9u);
}

TEST(MessageHeader, BareCrIsNotALineEnd) {
  std::string_view m = "A: 1\rB: 2\r\rbody";
  EXPECT_EQ(SplitMessage(m).header_size, m.size());
  Header h = ParseHeader(m);
  ASSERT_EQ(h.fields.size(), 1u);
  EXPECT_EQ(h.fields[0].value, "1\rB: 2\r\rbody");

  // "\r\r\n" is a line holding one CR, not an empty line.
  Header h2 = ParseHeader("A: 1\r\n\r\r\nbody");
  ASSERT_EQ(h2.fields.size(), 3u);
  EXPECT_EQ(h2.fields[1].name, "");
  EXPECT_EQ(h2.fields[1].value, "\r");
  EXPECT_EQ(h2.fields[2].value, "body");
}

constexpr std::string_view kHeader =
    "Received: from a\r\n"
    "\tby b; Sun, 1 Jan 2026\r\n"
    "Subject:  Hello\r\n"
    "subject : second\r\n"
    "X-Empty:\r\n"
    "X-Folded-Empty:\r\n"
    " later\r\n"
    "\r\n"
    "Not-A-Field: body\r\n";

TEST(MessageHeader, ParsesFieldsWithOffsets) {
  Header h = ParseHeader(kHeader);
  ASSERT_EQ(h.fields.size(), 5u);
  EXPECT_EQ(h.dropped, 0u);

  const HeaderField& received = h.fields[0];
  EXPECT_EQ(received.name, "Received");
  EXPECT_EQ(received.value, "from a\r\n\tby b; Sun, 1 Jan 2026");
  EXPECT_EQ(received.offset, 0u);
  EXPECT_EQ(received.size, 42u);
  EXPECT_EQ(Unfold(received.value), "from a\tby b; Sun, 1 Jan 2026");

  EXPECT_EQ(h.fields[1].offset, 42u);
  EXPECT_EQ(h.fields[1].size, 17u);
  EXPECT_EQ(h.fields[1].value, "Hello");
  // obs-optional (RFC 5322 §4.5.8): blanks before the colon.
  EXPECT_EQ(h.fields[2].name, "subject");
  EXPECT_EQ(h.fields[2].offset, 59u);
  EXPECT_EQ(h.fields[2].value, "second");
  EXPECT_EQ(h.fields[3].value, "");
  EXPECT_EQ(h.fields[4].value, "\r\n later");
  EXPECT_EQ(Unfold(h.fields[4].value), "later");
  // Views point into the input.
  EXPECT_EQ(h.fields[4].value.data(), kHeader.data() + kHeader.find("\r\n later"));
}

TEST(MessageHeader, LooksFieldsUpIgnoringCase) {
  Header h = ParseHeader(kHeader);
  const HeaderField* subject = h.Find("SUBJECT");
  ASSERT_NE(subject, nullptr);
  EXPECT_EQ(subject->value, "Hello");
  auto all = h.FindAll("Subject");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1]->value, "second");
  EXPECT_EQ(h.Find("Not-A-Field"), nullptr);  // after the empty line
  EXPECT_EQ(h.Find("x-empty")->value, "");
  EXPECT_EQ(h.Find(""), nullptr);
  EXPECT_TRUE(h.FindAll("Cc").empty());
}

TEST(MessageHeader, KeepsLinesThatAreNotFieldsAsNameless) {
  Header h = ParseHeader(" leading continuation\r\nno colon here\r\nBad Name: x\r\nA\0B: y\r\nGood: z\r\n"sv);
  ASSERT_EQ(h.fields.size(), 5u);
  EXPECT_EQ(h.fields[0].name, "");
  EXPECT_EQ(h.fields[0].value, " leading continuation");
  EXPECT_EQ(h.fields[1].value, "no colon here");
  EXPECT_EQ(h.fields[2].name, "");
  EXPECT_EQ(h.fields[2].value, "Bad Name: x");
  EXPECT_EQ(h.fields[3].name, "");
  EXPECT_EQ(h.fields[4].name, "Good");
  EXPECT_EQ(h.Find("Bad Name"), nullptr);
}

TEST(MessageHeader, KeepsEightBitAndNulBytesInValues) {
  Header h = ParseHeader("Subject: Gr\xfc\xdf\x65\r\nX: a\0b\r\n\r\n"sv);
  ASSERT_EQ(h.fields.size(), 2u);
  EXPECT_EQ(h.fields[0].value, "Gr\xfc\xdf\x65");
  EXPECT_EQ(h.fields[1].value, "a\0b"sv);
}

TEST(MessageHeader, BareLfLineEnds) {
  Header h = ParseHeader("A: 1\n folded\nB: 2\n\nbody");
  ASSERT_EQ(h.fields.size(), 2u);
  EXPECT_EQ(h.fields[0].value, "1\n folded");
  EXPECT_EQ(h.fields[0].size, 13u);
  EXPECT_EQ(Unfold(h.fields[0].value), "1 folded");
  EXPECT_EQ(h.fields[1].offset, 13u);
}

TEST(MessageHeader, FieldLimit) {
  HeaderLimits limits;
  limits.max_fields = 2;
  Header h = ParseHeader(kHeader, limits);
  EXPECT_EQ(h.fields.size(), 2u);
  EXPECT_EQ(h.dropped, 3u);
}

TEST(MessageHeader, ValueLimit) {
  HeaderLimits limits;
  limits.max_value_size = 4;
  Header h = ParseHeader(kHeader, limits);
  EXPECT_EQ(h.fields[0].value, "from");
  EXPECT_TRUE(h.fields[0].truncated);
  EXPECT_EQ(h.fields[0].size, 42u);  // the field still covers all its bytes
  EXPECT_FALSE(h.fields[3].truncated);
}

TEST(MessageHeader, HugeLineIsCutNotCopied) {
  std::string m = "X: " + std::string(10 << 20, 'a') + "\r\nY: 1\r\n\r\nbody";
  Header h = ParseHeader(m);
  ASSERT_EQ(h.fields.size(), 2u);
  EXPECT_TRUE(h.fields[0].truncated);
  EXPECT_EQ(h.fields[0].value.size(), HeaderLimits().max_value_size);
  EXPECT_EQ(h.fields[0].size, 3u + (10 << 20) + 2);
  EXPECT_EQ(SplitMessage(m).header_size, m.size() - 4);
}

TEST(MessageHeader, HundredThousandFieldsAreBounded) {
  std::string m;
  for (int i = 0; i < 100000; ++i) m += "F: v\n";
  m += "\nbody";
  Header h = ParseHeader(m);
  EXPECT_EQ(h.fields.size(), HeaderLimits().max_fields);
  EXPECT_EQ(h.dropped, 100000u - HeaderLimits().max_fields);
  EXPECT_EQ(SplitMessage(m).header_size, 500001u);
}

TEST(MessageHeader, HugeFoldedFieldIsLinear) {
  std::string m = "X: a";
  for (int i = 0; i < 200000; ++i) m += "\r\n b";
  m += "\r\n\r\n";
  Header h = ParseHeader(m);
  ASSERT_EQ(h.fields.size(), 1u);
  EXPECT_EQ(h.fields[0].size, m.size() - 2);
  EXPECT_EQ(Unfold(h.fields[0].value).size(), 1u + 200000 * 2);
}

}  // namespace
}  // namespace posthorn::message
