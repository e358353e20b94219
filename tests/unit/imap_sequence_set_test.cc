// RFC 3501 §9 sequence-set: parsing, "*", ranges in either order, and the
// normalised ranges, membership and iteration against a mailbox's highest
// number.
#include "common/imap/sequence_set.h"

#include <gtest/gtest.h>

#include <vector>

namespace posthorn::imap {
namespace {

using Ranges = std::vector<SequenceRange>;
constexpr uint32_t kStar = SequenceSet::kStar;

SequenceSet Parsed(std::string_view text) {
  Result<SequenceSet> set = SequenceSet::Parse(text);
  EXPECT_TRUE(set.ok()) << text << ": " << (set.ok() ? "" : set.message());
  return set.ok() ? *set : SequenceSet();
}

std::vector<uint32_t> Members(const SequenceSet& set, uint32_t max) {
  std::vector<uint32_t> out;
  set.ForEach(max, [&](uint32_t n) {
    out.push_back(n);
    return true;
  });
  return out;
}

TEST(ImapSequenceSet, ItemsAsWritten) {
  EXPECT_EQ(Parsed("1").items(), (Ranges{{1, 1}}));
  EXPECT_EQ(Parsed("*").items(), (Ranges{{kStar, kStar}}));
  EXPECT_EQ(Parsed("5:2,*:4,7:*,9,4294967295").items(),
            (Ranges{{5, 2}, {kStar, 4}, {7, kStar}, {9, 9}, {4294967295u, 4294967295u}}));
}

TEST(ImapSequenceSet, Rfc3501Example) {
  // "2,4:7,9,12:* for a mailbox with 15 messages is equivalent to
  // 2,4,5,6,7,9,12,13,14,15".
  SequenceSet set = Parsed("2,4:7,9,12:*");
  EXPECT_EQ(Members(set, 15), (std::vector<uint32_t>{2, 4, 5, 6, 7, 9, 12, 13, 14, 15}));
  EXPECT_EQ(set.Resolve(15), (Ranges{{2, 2}, {4, 7}, {9, 9}, {12, 15}}));
  EXPECT_EQ(FormatRanges(set.Resolve(15)), "2,4:7,9,12:15");
}

TEST(ImapSequenceSet, RangesInEitherOrder) {
  EXPECT_EQ(Parsed("4:2").Resolve(10), (Ranges{{2, 4}}));
  EXPECT_EQ(Parsed("2:4").Resolve(10), (Ranges{{2, 4}}));
  EXPECT_EQ(Parsed("*:4").Resolve(10), (Ranges{{4, 10}}));
  EXPECT_EQ(Parsed("4:*").Resolve(10), (Ranges{{4, 10}}));
}

TEST(ImapSequenceSet, StarIsTheHighestEvenBelowTheRange) {
  // RFC 3501 §9 seq-range: a UID range "3291:*" includes the last UID even
  // when that is below 3291; nothing above the last exists.
  SequenceSet set = Parsed("3291:*");
  EXPECT_EQ(set.Resolve(100), (Ranges{{100, 100}}));
  EXPECT_TRUE(set.Contains(100, 100));
  EXPECT_FALSE(set.Contains(99, 100));
  EXPECT_FALSE(set.Contains(3291, 100));
  EXPECT_EQ(Members(set, 100), (std::vector<uint32_t>{100}));
  EXPECT_EQ(Parsed("*").Resolve(7), (Ranges{{7, 7}}));
}

TEST(ImapSequenceSet, ResolveSortsMergesAndClips) {
  EXPECT_EQ(Parsed("9,1:3,4,2,7:8,20:30").Resolve(25), (Ranges{{1, 4}, {7, 9}, {20, 25}}));
  EXPECT_EQ(Parsed("1:*,5").Resolve(10), (Ranges{{1, 10}}));
  EXPECT_EQ(Parsed("11:20").Resolve(10), Ranges{});
  EXPECT_EQ(Parsed("1:*").Resolve(0), Ranges{});
  EXPECT_EQ(Parsed("4294967295,1:4294967294").Resolve(4294967295u), (Ranges{{1, 4294967295u}}));
  EXPECT_EQ(FormatRanges({}), "");
}

TEST(ImapSequenceSet, FormatNumbersKeepsTheOrder) {
  EXPECT_EQ(FormatNumbers({4, 5, 6, 9, 2}), "4:6,9,2");
  EXPECT_EQ(FormatNumbers({}), "");
  EXPECT_EQ(FormatNumbers({7}), "7");
  EXPECT_EQ(FormatNumbers({3, 3}), "3,3");
  EXPECT_EQ(FormatNumbers({4294967294u, 4294967295u, 1}), "4294967294:4294967295,1");
}

TEST(ImapSequenceSet, Contains) {
  SequenceSet set = Parsed("2,4:7,12:*");
  std::vector<uint32_t> in;
  for (uint32_t n = 0; n <= 20; ++n) {
    if (set.Contains(n, 15)) in.push_back(n);
  }
  EXPECT_EQ(in, (std::vector<uint32_t>{2, 4, 5, 6, 7, 12, 13, 14, 15}));
  EXPECT_FALSE(Parsed("1:*").Contains(1, 0));
  EXPECT_FALSE(Parsed("1:*").Contains(0, 10));
}

TEST(ImapSequenceSet, ForEachStopsWhenAsked) {
  std::vector<uint32_t> seen;
  Parsed("1:*").ForEach(4294967295u, [&](uint32_t n) {
    seen.push_back(n);
    return n < 3;
  });
  EXPECT_EQ(seen, (std::vector<uint32_t>{1, 2, 3}));
  // The last number of the 32-bit range ends the walk without wrapping.
  EXPECT_EQ(Members(Parsed("4294967294:*"), 4294967295u), (std::vector<uint32_t>{4294967294u, 4294967295u}));
}

TEST(ImapSequenceSet, HighestNumberAndStar) {
  EXPECT_EQ(Parsed("2,9:4,*").HighestNumber(), 9u);
  EXPECT_TRUE(Parsed("2,9:4,*").HasStar());
  EXPECT_EQ(Parsed("*").HighestNumber(), 0u);
  EXPECT_FALSE(Parsed("1:3").HasStar());
  EXPECT_TRUE(Parsed("1:*").HasStar());
}

TEST(ImapSequenceSet, Refusals) {
  const std::pair<const char*, const char*> bad[] = {
      {"", "Empty sequence set"},
      {",", "Empty item in sequence set"},
      {"1,", "Empty item in sequence set"},
      {",1", "Empty item in sequence set"},
      {"1,,2", "Empty item in sequence set"},
      {"0", "0 is not a valid sequence number"},
      {"1:0", "0 is not a valid sequence number"},
      {"00", "0 is not a valid sequence number"},
      {"01", "Leading zero in sequence number"},
      {"1:007", "Leading zero in sequence number"},
      {"4294967296", "Sequence number out of range"},
      {"99999999999999999999999", "Sequence number out of range"},
      {"1:", "Empty number in sequence set"},
      {":1", "Empty number in sequence set"},
      {"1:2:3", "Invalid character in sequence set"},
      {"1 2", "Invalid character in sequence set"},
      {"-1", "Invalid character in sequence set"},
      {"+1", "Invalid character in sequence set"},
      {"**", "Invalid character in sequence set"},
      {"1:**", "Invalid character in sequence set"},
      {"$", "Invalid character in sequence set"},
      {"1.5", "Invalid character in sequence set"},
  };
  for (const auto& [text, message] : bad) {
    Result<SequenceSet> set = SequenceSet::Parse(text);
    ASSERT_FALSE(set.ok()) << text;
    EXPECT_EQ(set.message(), message) << text;
  }
}

TEST(ImapSequenceSet, ItemLimit) {
  EXPECT_EQ(SequenceSet::kDefaultMaxItems, 10000u);
  EXPECT_TRUE(SequenceSet::Parse("1,2,3", 3).ok());
  Result<SequenceSet> set = SequenceSet::Parse("1,2,3,4", 3);
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.message(), "Too many items in sequence set");
  std::string many = "1";
  for (int i = 0; i < 10000; ++i) many += ",1";
  EXPECT_FALSE(SequenceSet::Parse(many).ok());
  many.resize(many.size() - 2);
  EXPECT_TRUE(SequenceSet::Parse(many).ok());
}

}  // namespace
}  // namespace posthorn::imap
