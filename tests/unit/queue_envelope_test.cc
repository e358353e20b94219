// The queue file's envelope: round trips and every refusal of the parser.
#include <gtest/gtest.h>

#include <set>

#include "common/queue/envelope.h"
#include "common/queue/queue_id.h"
#include "common/queue/record.h"

namespace posthorn::queue {
namespace {

Address Addr(const char* path) {
  AddressOptions o;
  o.allow_utf8 = true;
  o.allow_null = true;
  Result<Address> a = ParsePath(path, o);
  EXPECT_TRUE(a.ok()) << path << ": " << (a.ok() ? "" : a.message());
  return a.ok() ? *a : Address{};
}

Envelope Full() {
  Envelope e;
  e.id = "6553F1A20C3B79E1";
  e.arrival = 1700000000;
  e.size = 2311;
  e.sender = Addr("<a+tag@x.org>");
  e.recipients.push_back({Addr("<b@y.org>"), "rfc822;B@Y.org", true, kNotifySuccess | kNotifyFailure});
  e.recipients.push_back({Addr("<\"john doe\"@z.org>"), "", false, kNotifyNever});
  e.recipients.push_back({Addr("<用户@例子.广告>"), "utf-8;用户@例子.广告 100%", false, 0});
  e.recipients.push_back({Addr("<postmaster>"), "", true, 0});
  e.client = {"mail.x.org", "2001:db8::1", "mail.x.org", "ESMTPSA", "alice@x.org", -1};
  e.smtputf8 = true;
  e.body = BodyType::k8BitMime;
  e.ret = DsnRet::kHeaders;
  e.envid = "QQ 314159";
  e.crc = 0x0badf00d;
  return e;
}

// A valid header; tests replace or add lines to make it invalid.
std::string Header(const std::string& extra = "", const std::string& first = "posthorn-queue 1") {
  return first + "\nid 6553F1A20C3B79E1\narrival 1700000000\nsize 5\nsender <a@x.org>\n" + extra +
         "rcpt <b@y.org> remote\ndata\n";
}

std::string ParseError(const std::string& text) {
  size_t offset = 0;
  Result<Envelope> e = ParseEnvelope(text, &offset);
  return e.ok() ? "(accepted)" : e.message();
}

TEST(QueueEnvelope, RoundTrip) {
  Envelope e = Full();
  Result<std::string> text = FormatEnvelope(e);
  ASSERT_TRUE(text.ok()) << text.message();
  std::string file = *text + "Subject: hi\r\n\r\nbody\r\ndata\n";
  size_t offset = 0;
  Result<Envelope> back = ParseEnvelope(file, &offset);
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_TRUE(*back == e);
  EXPECT_EQ(offset, text->size());
  EXPECT_EQ(file.substr(offset), "Subject: hi\r\n\r\nbody\r\ndata\n");
  EXPECT_EQ(back->recipients[2].original, "utf-8;用户@例子.广告 100%");
  EXPECT_FALSE(back->is_bounce());
}

TEST(QueueEnvelope, FormatIsReadable) {
  Envelope e;
  e.id = "6553F1A20C3B79E1";
  e.arrival = 1700000000;
  e.size = 42;
  e.recipients.push_back({Addr("<b+x@y.org>"), "rfc822;b+x@y.org", true, 0});
  e.client.uid = 1000;
  e.client.protocol = "local";
  e.crc = 0xa1;
  Result<std::string> text = FormatEnvelope(e);
  ASSERT_TRUE(text.ok()) << text.message();
  EXPECT_EQ(*text,
            "posthorn-queue 2\n"
            "id 6553F1A20C3B79E1\n"
            "arrival 1700000000\n"
            "size 00000000000000000042\n"
            "crc 000000a1\n"
            "sender <>\n"
            "protocol local\n"
            "uid 1000\n"
            "rcpt <b+x@y.org> local orig=rfc822;b+x@y.org\n"
            "data\n");
  EXPECT_TRUE(e.is_bounce());
}

TEST(QueueEnvelope, FormatRefusesWhatItCouldNotRead) {
  Envelope e = Full();
  e.recipients.clear();
  EXPECT_FALSE(FormatEnvelope(e).ok());
  e = Full();
  e.id = "nope";
  EXPECT_FALSE(FormatEnvelope(e).ok());
  e = Full();
  e.client.helo = std::string(5000, 'h');
  EXPECT_NE(FormatEnvelope(e).message().find("line too long"), std::string::npos);
  e = Full();
  e.recipients[0].address.domain = "Y.ORG";  // not as ParsePath makes it
  EXPECT_FALSE(FormatEnvelope(e).ok());
  e = Full();
  e.recipients[0].notify = kNotifyNever | kNotifyDelay;
  EXPECT_FALSE(FormatEnvelope(e).ok());
}

TEST(QueueEnvelope, AcceptsMinimalHeader) {
  size_t offset = 0;
  Result<Envelope> e = ParseEnvelope(Header() + "hello", &offset);
  ASSERT_TRUE(e.ok()) << e.message();
  EXPECT_EQ(e->size, 5u);
  EXPECT_EQ(e->body, BodyType::kUnspecified);
  EXPECT_EQ(e->client.uid, -1);
  EXPECT_EQ(Header().size(), offset);
  EXPECT_FALSE(e->crc.has_value());
  // Version 2: the same and its crc.
  e = ParseEnvelope(Header("crc 0badf00d\n", "posthorn-queue 2"), &offset);
  ASSERT_TRUE(e.ok()) << e.message();
  EXPECT_EQ(e->crc, 0x0badf00du);
}

TEST(QueueEnvelope, Refusals) {
  struct Case {
    std::string text;
    std::string error;
  } cases[] = {
      {"", "line 1: unexpected end of header"},
      {"From: x\n", "line 1: not a queue file"},
      {Header("", "posthorn-queue 3"), "line 1: unsupported version"},
      {Header("", "posthorn-queue 2"), "missing crc record"},
      {Header("", "posthorn-queue 1 "), "line 1: unsupported version"},
      {Header("color blue\n"), "line 6: unknown record 'color'"},
      {Header("id 6553F1A20C3B79E2\n"), "line 6: duplicate id"},
      {Header("helo a\nhelo b\n"), "line 7: duplicate helo"},
      {Header("helo  a\n"), "line 6: empty field"},
      {Header("helo a \n"), "line 6: empty field"},
      {Header("helo a b\n"), "line 6: helo: wrong number of fields"},
      {Header("helo %2a\n"), "line 6: bad helo"},
      {Header("helo %41\n"), "line 6: bad helo"},
      {Header("helo %4\n"), "line 6: bad helo"},
      {Header("helo \x01\n"), "line 6: bad helo"},
      {Header("helo \xc3\xa9\n"), "line 6: bad helo"},
      {Header("smtputf8 yes\n"), "line 6: smtputf8: takes no value"},
      {Header("body 9bit\n"), "line 6: bad body"},
      {Header("ret all\n"), "line 6: bad ret"},
      {Header("crc 0badf00d\n"), "line 6: unknown record 'crc'"},  // version 1 has none
      {Header("crc 1234567\n", "posthorn-queue 2"), "line 6: bad crc"},
      {Header("crc 123456789\n", "posthorn-queue 2"), "line 6: bad crc"},
      {Header("crc 0BADF00D\n", "posthorn-queue 2"), "line 6: bad crc"},
      {Header("crc 0badf00g\n", "posthorn-queue 2"), "line 6: bad crc"},
      {Header("crc 0badf00d\ncrc 0badf00d\n", "posthorn-queue 2"), "line 7: duplicate crc"},
      {Header("uid -1\n"), "line 6: bad uid"},
      {Header("uid 4294967296\n"), "line 6: bad uid"},
      {Header("arrival2 1\n"), "line 6: unknown record 'arrival2'"},
      {Header("rcpt <c@y.org>\n"), "line 6: rcpt: wrong number of fields"},
      {Header("rcpt <c@y.org> nearby\n"), "line 6: rcpt: bad kind"},
      {Header("rcpt <> local\n"), "line 6: rcpt: null path not allowed"},
      {Header("rcpt c@y.org local\n"), "line 6: rcpt: missing '<'"},
      {Header("rcpt <c@y.org> local notify=never,delay\n"), "line 6: rcpt: bad notify"},
      {Header("rcpt <c@y.org> local notify=success,success\n"), "line 6: rcpt: bad notify"},
      {Header("rcpt <c@y.org> local notify=success,\n"), "line 6: rcpt: bad notify"},
      {Header("rcpt <c@y.org> local notify=delay notify=delay\n"), "line 6: rcpt: bad option"},
      {Header("rcpt <c@y.org> local orig=a orig=b\n"), "line 6: rcpt: bad option"},
      {Header("rcpt <c@y.org> local orig=\n"), "line 6: rcpt: bad orig"},
      {Header("rcpt <c@y.org> local x=1\n"), "line 6: rcpt: bad option"},
      {Header("sender <a\x01@x.org>\n"), "line 6: sender: bad encoding"},
      {Header("sender <a%01@x.org>\n"), "line 6: sender: control character in local part"},
      {"posthorn-queue 1\nid 6553F1A20C3B79E1\narrival 1\nsize 1\nsender <x@y.org>\nrcpt <b@y.org> remote\ndata 1\n",
       "line 7: data: takes no value"},
      {"posthorn-queue 1\nid 6553f1a20c3b79e1\n", "line 2: bad id"},
      {"posthorn-queue 1\narrival 1x\n", "line 2: bad arrival"},
      {"posthorn-queue 1\narrival 99999999999999999999\n", "line 2: bad arrival"},
      {"posthorn-queue 1\nsize 123456789012345678901\n", "line 2: bad size"},
      {"posthorn-queue 1\nid 6553F1A20C3B79E1\n", "line 3: unexpected end of header"},
      {"posthorn-queue 1\nid 6553F1A20C3B79E1", "line 2: unexpected end of header"},
      {"posthorn-queue 1\nsender <a@x.org>\nrcpt <b@y.org> remote\ndata\n", "missing id record"},
      {"posthorn-queue 1\nid 6553F1A20C3B79E1\narrival 1\nsize 1\nrcpt <b@y.org> remote\ndata\n",
       "missing sender record"},
      {"posthorn-queue 1\nid 6553F1A20C3B79E1\narrival 1\nsize 1\nsender <>\ndata\n", "no rcpt record"},
      {Header("helo " + std::string(kMaxEnvelopeLine, 'h') + "\n"), "line 6: line too long"},
      {"posthorn-queue 1\n" + std::string(kMaxEnvelopeLine + 10, 'x'), "line 2: line too long"},
  };
  for (const Case& c : cases) EXPECT_EQ(ParseError(c.text), c.error) << c.text;
}

TEST(QueueEnvelope, RecipientLimit) {
  std::string many;
  for (size_t i = 0; i < kMaxRecipients; ++i) many += "rcpt <u" + std::to_string(i) + "@y.org> remote\n";
  EXPECT_EQ(ParseError(Header(many)), "line " + std::to_string(6 + kMaxRecipients) + ": too many recipients");
  many.resize(many.rfind("rcpt"));  // one fewer, plus the header's own
  EXPECT_EQ(ParseError(Header(many)), "(accepted)");
}

TEST(QueueEnvelope, HeaderSizeLimit) {
  std::string pad;
  while (pad.size() < kMaxEnvelopeBytes) pad += "helo x\n";
  EXPECT_NE(ParseError(Header(pad)), "(accepted)");
}

TEST(QueueRecord, FieldEncoding) {
  EXPECT_EQ(EncodeField("a b%c\r\n\xc3\xa9~!"), "a%20b%25c%0D%0A%C3%A9~!");
  EXPECT_EQ(*DecodeField("a%20b%25c%0D%0A%C3%A9~!"), "a b%c\r\n\xc3\xa9~!");
  for (const char* bad : {"%", "%2", "%2g", "%0d", "%41", "a b", "\x7f", "%G0"}) EXPECT_FALSE(DecodeField(bad)) << bad;
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  EXPECT_EQ(*DecodeField(EncodeField(all)), all);
}

TEST(QueueId, FormatAndOrder) {
  std::set<std::string> seen;
  std::string last;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewQueueId();
    EXPECT_TRUE(IsValidQueueId(id)) << id;
    // Time comes first: IDs never go back (bar a clock step).
    EXPECT_GE(id.substr(0, 13), last.substr(0, 13));
    last = id;
    seen.insert(id);
  }
  EXPECT_GT(seen.size(), 990u);  // collisions are rare; the store settles them
  for (const char* bad : {"", "6553F1A20C3B79E", "6553F1A20C3B79E1A", "6553f1a20c3b79e1", "../../etc/passwd",
                          "6553F1A20C3B79G1"})
    EXPECT_FALSE(IsValidQueueId(bad)) << bad;
}

}  // namespace
}  // namespace posthorn::queue
