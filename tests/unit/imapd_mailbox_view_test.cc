// A session's view of its folder: sequence numbers, and the untagged
// responses a fresh snapshot calls for (RFC 3501 §7.4.1, §2.3.1.2).
#include <gtest/gtest.h>

#include "mra/imapd/mailbox_view.h"

namespace posthorn::imapd {
namespace {

ViewMessage M(uint32_t uid, const char* info = "2,") {
  ViewMessage m;
  m.uid = uid;
  m.file = "cur/b" + std::to_string(uid) + ":2,";
  m.flags = maildir::Flags::FromName(std::string("x:") + info);
  return m;
}

std::vector<ViewMessage> Ms(std::initializer_list<uint32_t> uids) {
  std::vector<ViewMessage> out;
  for (uint32_t u : uids) out.push_back(M(u));
  return out;
}

std::vector<uint32_t> Uids(const MailboxView& v) {
  std::vector<uint32_t> out;
  for (const ViewMessage& m : v.messages()) out.push_back(m.uid);
  return out;
}

TEST(ImapdMailboxView, SequenceNumbersFollowUids) {
  MailboxView v(Ms({3, 5, 9}));
  EXPECT_EQ(v.exists(), 3u);
  EXPECT_EQ(v.SeqOf(5), 2u);
  EXPECT_EQ(v.SeqOf(4), 0u);
  EXPECT_EQ(v.SeqOf(10), 0u);
  EXPECT_EQ(v.at(3).uid, 9u);
  EXPECT_EQ(v.max_uid(), 9u);
  EXPECT_EQ(MailboxView().max_uid(), 0u);
}

TEST(ImapdMailboxView, RecentStaysWithTheSessionThatClaimedIt) {
  MailboxView v(Ms({1, 2}), {2});  // this session moved 2 from new/
  EXPECT_TRUE(v.Apply(Ms({1, 2}), true).empty());  // later snapshots claim nothing
  EXPECT_FALSE(v.recent(1));
  EXPECT_TRUE(v.recent(2));
  EXPECT_EQ(v.recent_count(), 1u);
  // One claimed later joins it; an expunged one leaves.
  auto snapshot = std::make_shared<const std::vector<ViewMessage>>(Ms({1, 3}));
  ViewChanges c = v.Apply(snapshot, {3}, true);
  EXPECT_TRUE(c.exists_changed);
  EXPECT_FALSE(v.recent(2));
  EXPECT_TRUE(v.recent(3));
  EXPECT_EQ(v.recent_count(), 1u);
}

TEST(ImapdMailboxView, SharesTheSnapshotUntilItMustDiffer) {
  auto first = std::make_shared<const std::vector<ViewMessage>>(Ms({1, 2}));
  MailboxView v(first, {});
  EXPECT_EQ(&v.messages(), first.get());
  // Growth: the view takes the new snapshot as it is.
  std::vector<ViewMessage> grown = Ms({1, 2, 3});
  grown[0].flags.seen = true;
  auto second = std::make_shared<const std::vector<ViewMessage>>(grown);
  ViewChanges c = v.Apply(second, {}, false);
  EXPECT_EQ(&v.messages(), second.get());
  EXPECT_TRUE(c.exists_changed);
  EXPECT_EQ(c.flags_changed, (std::vector<uint32_t>{1}));
  // A change of its own copies, leaving the shared snapshot as it was.
  v.SetFlags(2, maildir::Flags::FromName("x:2,F"), 7);
  EXPECT_NE(&v.messages(), second.get());
  EXPECT_FALSE((*second)[1].flags.flagged);
  EXPECT_TRUE(v.at(2).flags.flagged);
  // A message gone while expunges must wait: a copy with the ghost.
  auto third = std::make_shared<const std::vector<ViewMessage>>(Ms({1, 3}));
  c = v.Apply(third, {}, false);
  EXPECT_NE(&v.messages(), third.get());
  EXPECT_TRUE(v.at(2).gone);
  // Allowed, the expunge is told and the view shares the snapshot again.
  c = v.Apply(third, {}, true);
  EXPECT_EQ(c.expunged, (std::vector<uint32_t>{2}));
  EXPECT_EQ(&v.messages(), third.get());
}

TEST(ImapdMailboxView, NothingChangedSaysNothing) {
  MailboxView v(Ms({1, 2}));
  EXPECT_TRUE(v.Apply(Ms({1, 2}), true).empty());
}

TEST(ImapdMailboxView, NewMessagesAreAnnouncedWithExists) {
  MailboxView v(Ms({1, 2}));
  ViewChanges c = v.Apply(Ms({1, 2, 7, 8}), false);
  EXPECT_TRUE(c.exists_changed);
  EXPECT_TRUE(c.expunged.empty());
  EXPECT_EQ(Uids(v), (std::vector<uint32_t>{1, 2, 7, 8}));
}

TEST(ImapdMailboxView, ExpungesAreNumberedAsTheClientRenumbers) {
  // RFC 3501 §7.4.1: expunging 3, 4, 7 and 11 of 11 reads 3, 3, 5, 8.
  MailboxView v(Ms({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
  ViewChanges c = v.Apply(Ms({1, 2, 5, 6, 8, 9, 10}), true);
  EXPECT_EQ(c.expunged, (std::vector<uint32_t>{3, 3, 5, 8}));
  EXPECT_EQ(c.expunged_uids, (std::vector<uint32_t>{3, 4, 7, 11}));
  EXPECT_FALSE(c.exists_changed);
  EXPECT_EQ(v.exists(), 7u);
  EXPECT_EQ(v.SeqOf(8), 5u);
}

TEST(ImapdMailboxView, ExpungeWaitsUntilAllowedAndKeepsNumbersMeanwhile) {
  MailboxView v(Ms({1, 2, 3}));
  ViewChanges c = v.Apply(Ms({1, 3, 4}), /*allow_expunge=*/false);
  EXPECT_TRUE(c.expunged.empty());
  EXPECT_TRUE(c.exists_changed);
  EXPECT_EQ(Uids(v), (std::vector<uint32_t>{1, 2, 3, 4}));
  EXPECT_TRUE(v.at(2).gone);
  // Later, when the client may hear it.
  c = v.Apply(Ms({1, 3, 4}), true);
  EXPECT_EQ(c.expunged, (std::vector<uint32_t>{2}));
  EXPECT_FALSE(c.exists_changed);
  EXPECT_EQ(Uids(v), (std::vector<uint32_t>{1, 3, 4}));
}

TEST(ImapdMailboxView, FlagChangesAreReportedAtTheirNewNumbers) {
  MailboxView v(Ms({1, 2, 3}));
  std::vector<ViewMessage> snap = {M(2), M(3, "2,S")};
  ViewChanges c = v.Apply(snap, true);
  EXPECT_EQ(c.expunged, (std::vector<uint32_t>{1}));
  EXPECT_EQ(c.flags_changed, (std::vector<uint32_t>{2}));
  EXPECT_TRUE(v.at(2).flags.seen);
}

TEST(ImapdMailboxView, OwnStoreIsNotReportedBack) {
  MailboxView v(Ms({1}));
  maildir::Flags seen;
  seen.seen = true;
  v.SetFlags(1, seen, 5);
  EXPECT_EQ(v.at(1).modseq, 5u);
  std::vector<ViewMessage> snap = {M(1, "2,S")};
  EXPECT_TRUE(v.Apply(snap, true).flags_changed.empty());
}

TEST(ImapdMailboxView, AMessageMissedByOneScanIsNotExpungedWhenItReturns) {
  MailboxView v(Ms({1, 2}));
  v.Apply(Ms({1}), false);  // renamed while listed: looked gone
  ViewChanges c = v.Apply(Ms({1, 2}), true);
  EXPECT_TRUE(c.empty());
  EXPECT_EQ(Uids(v), (std::vector<uint32_t>{1, 2}));
  EXPECT_FALSE(v.at(2).gone);
}

TEST(ImapdMailboxView, ALowUidFoundLateIsLeftOutToKeepTheOrder) {
  MailboxView v(Ms({1, 3}));
  ViewChanges c = v.Apply(Ms({1, 2, 3, 4}), true);
  EXPECT_TRUE(c.exists_changed);
  EXPECT_EQ(Uids(v), (std::vector<uint32_t>{1, 3, 4}));
}

TEST(ImapdMailboxView, EverythingGoneAtOnce) {
  MailboxView v(Ms({1, 2, 3}));
  ViewChanges c = v.Apply({}, true);
  EXPECT_EQ(c.expunged, (std::vector<uint32_t>{1, 1, 1}));
  EXPECT_EQ(v.exists(), 0u);
}

}  // namespace
}  // namespace posthorn::imapd
