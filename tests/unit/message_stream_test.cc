#include "mda/message_stream.h"

#include <gtest/gtest.h>

namespace posthorn::mda {
namespace {

// Feeds `input` in pieces of `step` bytes and returns what would be stored.
std::string Stream(MessageStream& s, std::string_view input, size_t step) {
  std::string out;
  for (size_t i = 0; i < input.size(); i += step) out += s.Feed(input.substr(i, step));
  out += s.Finish();
  return out;
}

struct Case {
  std::string input;
  std::string stored;
};

// Every packetisation must give the same bytes.
void ExpectStored(std::optional<std::string> sender, const std::string& rcpt, const Case& c) {
  for (size_t step : {1ul, 2ul, 3ul, 5ul, 7ul, 64ul, 100000ul}) {
    MessageStream s(sender, rcpt);
    EXPECT_EQ(Stream(s, c.input, step), c.stored) << "step " << step;
    EXPECT_EQ(s.output_bytes(), c.stored.size());
    EXPECT_EQ(s.wire_bytes(), c.stored.size() + std::count(c.stored.begin(), c.stored.end(), '\n'));
    EXPECT_EQ(s.input_bytes(), c.input.size());
  }
}

TEST(MessageStream, PrependsReturnPathAndDeliveredTo) {
  ExpectStored("a@b.org", "User@Example.org",
               {"Subject: x\n\nbody\n",
                "Return-Path: <a@b.org>\nDelivered-To: user@example.org\nSubject: x\n\nbody\n"});
}

TEST(MessageStream, NullSenderAndNoRecipient) {
  ExpectStored(std::string(), "", {"Subject: x\n\nb\n", "Return-Path: <>\nSubject: x\n\nb\n"});
  ExpectStored(std::nullopt, "", {"Subject: x\n\nb\n", "Subject: x\n\nb\n"});
}

TEST(MessageStream, CrlfBecomesLfButLoneCrStays) {
  ExpectStored(std::nullopt, "", {"Subject: x\r\n\r\na\rb\r\nc\r\r\n", "Subject: x\n\na\rb\nc\r\n"});
  ExpectStored(std::nullopt, "", {"Subject: x\r\n\r\nend\r", "Subject: x\n\nend\r"});
}

TEST(MessageStream, StripsMboxFromLineAndTakesItsSender) {
  ExpectStored(std::nullopt, "",
               {"From bob@example.net Sat Nov 21 10:00:00 2026\nSubject: x\n\nFrom me\n",
                "Return-Path: <bob@example.net>\nSubject: x\n\nFrom me\n"});
  ExpectStored(std::nullopt, "",
               {"From MAILER-DAEMON Sat Nov 21 10:00:00 2026\r\nSubject: x\r\n\r\n", "Return-Path: <>\nSubject: x\n\n"});
  // -f wins over the From line.
  ExpectStored("f@x.org", "", {"From bob@example.net Sat\nSubject: x\n", "Return-Path: <f@x.org>\nSubject: x\n"});
  // A From line with no usable sender adds nothing.
  ExpectStored(std::nullopt, "", {"From \nSubject: x\n", "Subject: x\n"});
}

TEST(MessageStream, ReplacesReturnPathWhenItWritesOne) {
  ExpectStored("real@x.org", "",
               {"Return-Path: <forged@y.org>\nSubject: x\nreturn-path:\n <folded@y.org>\n\tmore\nX-Return-Path: k\n"
                "Return-Path-Like: k\n\nReturn-Path: <in body>\n",
                "Return-Path: <real@x.org>\nSubject: x\nX-Return-Path: k\nReturn-Path-Like: k\n\n"
                "Return-Path: <in body>\n"});
  // With no sender of ours the message's own stays.
  ExpectStored(std::nullopt, "", {"Return-Path: <a@b>\n\n", "Return-Path: <a@b>\n\n"});
  // A Return-Path alone at the end, without a newline.
  ExpectStored("", "", {"Subject: x\nReturn-Path: <a@b>", "Return-Path: <>\nSubject: x\n"});
}

TEST(MessageStream, FromHeaderIsNotAnMboxLine) {
  ExpectStored(std::nullopt, "", {"From: a@b\n\n", "From: a@b\n\n"});
}

TEST(MessageStream, CountsDeliveredToForTheRecipientOnly) {
  MessageStream s(std::nullopt, "bob@example.org");
  Stream(s,
      "Delivered-To: bob@example.org\nDELIVERED-TO:   <Bob@Example.org>  \nDelivered-To: other@example.org\n"
      "Subject: x\n\nDelivered-To: bob@example.org\n",
      3);
  EXPECT_EQ(s.delivered_to_count(), 2);
}

TEST(MessageStream, RecognisesWhatIsNotAMessage) {
  for (const char* bad : {"hello world\n", "\nbody only\n", " folded: first\n", ": no name\n", "\x01\x02\x03", "From x\n"}) {
    MessageStream s(std::nullopt, "");
    Stream(s, bad, 1);
    EXPECT_FALSE(s.starts_with_header()) << bad;
  }
  for (const char* good : {"Subject: x", "X-A:\n", "Subject: x\nno colon line\n"}) {
    MessageStream s(std::nullopt, "");
    Stream(s, good, 2);
    EXPECT_TRUE(s.starts_with_header()) << good;
  }
}

TEST(MessageStream, ShortInputsAreKept) {
  ExpectStored(std::nullopt, "", {"X:", "X:"});
  ExpectStored(std::nullopt, "", {"Fro", "Fro"});
  ExpectStored(std::nullopt, "", {"", ""});
}

TEST(MessageStream, BinaryAndHugeLinesPassThrough) {
  std::string body(3 << 20, 'x');
  body[100] = '\0';
  body[200] = '\xff';
  std::string header = "Subject: " + std::string(1 << 20, 'y') + "\n";
  MessageStream s(std::nullopt, "a@b");
  std::string out = Stream(s, header + "\n" + body, 65536);
  EXPECT_EQ(out, "Delivered-To: a@b\n" + header + "\n" + body);
  EXPECT_TRUE(s.starts_with_header());
}

TEST(MessageStream, ManyHeaderLines) {
  std::string header;
  for (int i = 0; i < 100000; ++i) header += "X-Line: " + std::to_string(i) + "\n";
  MessageStream s(std::nullopt, "");
  EXPECT_EQ(Stream(s, header + "\nb\n", 4096), header + "\nb\n");
}

}  // namespace
}  // namespace posthorn::mda
