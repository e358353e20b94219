// Evaluating search programs against one message: flags, keywords, sets,
// sizes, dates, header and body text (encoded words, transfer encodings,
// case), AND/OR/NOT, and deciding without the file when it can.
#include "mra/imapd/search_match.h"

#include <gtest/gtest.h>

#include <memory>

#include "tests/unit/imapd_corpus.h"
#include "tests/unit/imapd_search_helpers.h"
#include "tests/unit/time_zone.h"

namespace posthorn::imapd {
namespace {

// 2023-11-14 22:13:20 UTC, day 19675.
constexpr int64_t kInternal = 1700000000;

class ImapdSearchMatch : public ::testing::Test {
 protected:
  void SetUp() override {
    message_.uid = 7;
    message_.modseq = 500;
    keywords_ = {"Work", "$Forwarded"};
  }
  // The message the program sees: `wire`'s text, or none when empty.
  void Text(const std::string& wire) { text_ = std::make_unique<SearchText>(wire); }

  Match Eval(const std::string& search, bool with_text = true) {
    SearchCommand cmd = testing::ParseSearch(search);
    BindToFolder(&cmd.program, 10, 20);
    SearchSubject s{3, &message_, &keywords_};
    s.recent = subject_recent_;
    s.size = text_ ? text_->size() : 1000;
    s.internal_date = kInternal;
    if (with_text) s.text = text_.get();
    return Evaluate(cmd.program, s);
  }
  bool Matches(const std::string& search) {
    Match m = Eval(search);
    EXPECT_NE(m, Match::kUnknown) << search;
    return m == Match::kYes;
  }

  ViewMessage message_;
  bool subject_recent_ = false;
  std::vector<std::string> keywords_;
  std::unique_ptr<SearchText> text_;
  // BEFORE, ON and SINCE compare days in the server's zone: pin it.
  testing::ScopedTimeZone tz_{"UTC"};
};

TEST_F(ImapdSearchMatch, FlagsAndKeywords) {
  message_.flags.seen = true;
  message_.flags.keywords = 1;  // Work
  EXPECT_TRUE(Matches("SEEN UNANSWERED UNFLAGGED UNDELETED UNDRAFT OLD"));
  EXPECT_FALSE(Matches("UNSEEN"));
  EXPECT_FALSE(Matches("NEW"));
  subject_recent_ = true;
  message_.flags.seen = false;
  EXPECT_TRUE(Matches("NEW RECENT"));
  message_.flags = {.draft = true, .flagged = true, .replied = true, .trashed = true};
  EXPECT_TRUE(Matches("DRAFT FLAGGED ANSWERED DELETED"));
  message_.flags.keywords = 1;
  EXPECT_TRUE(Matches("KEYWORD work UNKEYWORD $Forwarded UNKEYWORD Unknown"));
  EXPECT_FALSE(Matches("KEYWORD Unknown"));
  // Maildir's P is $Forwarded, whether the keyword letter is set or not.
  message_.flags.passed = true;
  EXPECT_TRUE(Matches("KEYWORD $forwarded"));
}

TEST_F(ImapdSearchMatch, SetsModseqAndLogic) {
  EXPECT_TRUE(Matches("1:3 UID 7 UID 5:* 3:*"));  // "*" is message 10, UID 20
  EXPECT_FALSE(Matches("4:*"));
  EXPECT_FALSE(Matches("UID 8:9"));
  EXPECT_TRUE(Matches("UID *:6"));  // 6:20
  EXPECT_TRUE(Matches("MODSEQ 500"));
  EXPECT_FALSE(Matches("MODSEQ 501"));
  EXPECT_TRUE(Matches("OR SEEN 3"));
  EXPECT_FALSE(Matches("OR SEEN 4"));
  EXPECT_TRUE(Matches("NOT (SEEN 3)"));
  EXPECT_FALSE(Matches("NOT OR SEEN 3"));
}

TEST_F(ImapdSearchMatch, Sizes) {
  Text("Subject: x\r\n\r\n12345");  // 19 octets
  EXPECT_TRUE(Matches("LARGER 18 SMALLER 20"));
  EXPECT_FALSE(Matches("LARGER 19"));
  EXPECT_FALSE(Matches("SMALLER 19"));
}

TEST_F(ImapdSearchMatch, InternalDateByDay) {
  EXPECT_TRUE(Matches("ON 14-Nov-2023 SINCE 14-Nov-2023 BEFORE 15-Nov-2023"));
  EXPECT_FALSE(Matches("BEFORE 14-Nov-2023"));
  EXPECT_FALSE(Matches("SINCE 15-Nov-2023"));
  // The day is the server's: 22:13 UTC is the next day in Tokyo.
  tz_.Set("Asia/Tokyo");
  EXPECT_TRUE(Matches("ON 15-Nov-2023"));
}

TEST_F(ImapdSearchMatch, SentDateIgnoresTimeAndZone) {
  Text("Date: Tue, 1 Apr 2025 23:30:00 -1100\r\n\r\nx");
  EXPECT_TRUE(Matches("SENTON 1-Apr-2025 SENTSINCE 1-Apr-2025 SENTBEFORE 2-Apr-2025"));
  EXPECT_FALSE(Matches("SENTON 2-Apr-2025"));
  EXPECT_FALSE(Matches("SENTBEFORE 1-Apr-2025"));
  // No readable Date: no SENT* key matches, NOT of one does.
  Text("Date: someday\r\n\r\nx");
  EXPECT_FALSE(Matches("OR SENTBEFORE 1-Apr-2025 SENTSINCE 1-Apr-2025"));
  EXPECT_TRUE(Matches("NOT SENTON 1-Apr-2025"));
}

TEST_F(ImapdSearchMatch, HeadersWithEncodedWords) {
  Text(*testing::ReadImapCorpusFile("encoded_words", "eml"));
  EXPECT_TRUE(Matches("FROM {13}\r\nandr\xc3\xa9 pirard"));  // =?ISO-8859-1?Q?Andr=E9?=
  EXPECT_TRUE(Matches("FROM {6}\r\nANDR\xc3\x89"));       // É folds to é
  EXPECT_TRUE(Matches("FROM PIRARD@vm1"));
  EXPECT_TRUE(Matches("TO {9}\r\n\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"));  // 日本語, base64 encoded
  EXPECT_TRUE(Matches("TO \"doe, john\" TO roe"));
  // Two encoded words in two charsets make one subject.
  EXPECT_TRUE(Matches("SUBJECT \"read this you understand\""));
  EXPECT_FALSE(Matches("SUBJECT ISO-8859"));
  EXPECT_FALSE(Matches("CC x"));
  EXPECT_TRUE(Matches("NOT BCC \"\""));
  EXPECT_TRUE(Matches("HEADER message-id folded-id HEADER In-Reply-To \"\""));
  EXPECT_FALSE(Matches("HEADER X-Nothing \"\""));
  EXPECT_TRUE(Matches("HEADER Content-Transfer-Encoding QUOTED"));
}

TEST_F(ImapdSearchMatch, BodyDecodedAndText) {
  Text(*testing::ReadImapCorpusFile("encoded_words", "eml"));  // body: Caf=C3=A9, quoted-printable
  EXPECT_TRUE(Matches("BODY {5}\r\nCAF\xc3\x89"));
  EXPECT_FALSE(Matches("BODY =C3"));
  EXPECT_FALSE(Matches("BODY pirard"));  // a header, not the body
  EXPECT_TRUE(Matches("TEXT pirard TEXT caf"));
  EXPECT_TRUE(Matches("TEXT \"subject: if you\""));
  EXPECT_TRUE(Matches("BODY \"\" TEXT \"\""));
  Text("Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: base64\r\n\r\n"
       "R3L832UgYXVzIEv2bG4=\r\n");  // "Grüße aus Köln" in Latin-1
  EXPECT_TRUE(Matches("BODY {9}\r\nAUS K\xc3\x96LN"));
  EXPECT_TRUE(Matches("BODY {4}\r\n\xc3\x9f" "e "));
  EXPECT_FALSE(Matches("BODY R3L8"));
}

TEST_F(ImapdSearchMatch, MultipartBodies) {
  Text(*testing::ReadImapCorpusFile("nested_multipart", "eml"));
  EXPECT_TRUE(Matches("BODY \"<p>hello\""));    // the HTML alternative is text too
  EXPECT_FALSE(Matches("BODY preamble"));      // no part's
  EXPECT_FALSE(Matches("BODY iVBORw0KGgo"));   // the image is no text
  EXPECT_TRUE(Matches("TEXT \"subject: nested\""));
  Text("Content-Type: multipart/mixed; boundary=b\r\n\r\n"
       "--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
       "soft=\r\nbreak\r\n"
       "--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nc2VjcmV0\r\n"
       "--b--\r\n");
  EXPECT_TRUE(Matches("BODY softbreak"));
  EXPECT_FALSE(Matches("BODY secret"));  // not a text part
  EXPECT_FALSE(Matches("BODY c2VjcmV0"));
}

TEST_F(ImapdSearchMatch, DecidesWithoutTheTextWhenItCan) {
  EXPECT_EQ(Eval("BODY x", false), Match::kUnknown);
  EXPECT_EQ(Eval("SEEN BODY x", false), Match::kNo);
  EXPECT_EQ(Eval("OR UNSEEN BODY x", false), Match::kYes);
  EXPECT_EQ(Eval("NOT OR SEEN SUBJECT x", false), Match::kUnknown);
  EXPECT_EQ(Eval("NOT OR UNSEEN SUBJECT x", false), Match::kNo);
  EXPECT_EQ(Eval("SENTON 1-Apr-2025 4", false), Match::kNo);
}

}  // namespace
}  // namespace posthorn::imapd
