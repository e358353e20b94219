// SEARCH and UID SEARCH through the session: the answers byte for byte,
// ESEARCH's RETURN, CONDSTORE's MODSEQ, CHARSET, errors, messages gone
// meanwhile, and a folder searched in several batches.
#include <unistd.h>


#include "tests/unit/imapd_session_harness.h"
#include "tests/unit/time_zone.h"

namespace posthorn::imapd {
namespace {

const char kAnn[] =
    "From: Ann <ann@example.org>\n"
    "To: bob@example.org\n"
    "Subject: Hello\n"
    "Date: Tue, 1 Apr 2025 09:00:00 +0200\n"
    "\n"
    "one two\n";

const char kBjorn[] =
    "From: =?UTF-8?Q?Bj=C3=B6rn?= <bjorn@example.org>\n"
    "Subject: =?UTF-8?B?R3LDvMOfZQ==?=\n"  // Grüße
    "Date: Wed, 2 Apr 2025 10:00:00 +0000\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "S8Okc2UgdW5kIEJyb3Q=\n";  // Käse und Brot

const char kCarol[] =
    "From: Carol <carol@example.org>\n"
    "Subject: Report\n"
    "Date: Thu, 3 Apr 2025 11:00:00 +0000\n"
    "Content-Type: text/plain; charset=iso-8859-1\n"
    "Content-Transfer-Encoding: quoted-printable\n"
    "\n"
    "Les r=E9sultats sont l=E0, longs de deux lignes=\n"
    " seulement.\n";

class ImapdSearch : public ImapdSession {
 protected:
  // A message file whose INTERNALDATE is `when`.
  void Put(const std::string& rel, const std::string& text, time_t when = 1700000000) { PutFile(rel, text, when); }
  // Messages 1-4 (UIDs 1-4): Ann seen, Björn flagged, Carol, and a recent one.
  void PutFour() {
    Put("cur/100.M1.h:2,S", kAnn, 1700000000);   // 14-Nov-2023
    Put("cur/200.M1.h:2,F", kBjorn, 1710000000);  // 9-Mar-2024
    Put("cur/300.M1.h:2,", kCarol, 1720000000);   // 3-Jul-2024
    Put("new/400.M1.h", "Subject: new\n\nfresh\n", 1730000000);
  }
  void Select(const std::string& how = "SELECT INBOX") {
    Open();
    LogIn();
    ASSERT_NE(Talk("s " + how + "\r\n").find("s OK"), std::string::npos);
  }
  // The number after the `nth` "MODSEQ (" in `out`.
  static std::string Modseq(const std::string& out, int nth = 0) { return NumberAfter(out, "MODSEQ (", nth); }
  // BEFORE, ON and SINCE compare days in the server's zone: pin it.
  testing::ScopedTimeZone tz_{"UTC"};
};

TEST_F(ImapdSearch, FlagsAndText) {
  PutFour();
  Select();
  EXPECT_EQ(Talk("a SEARCH ALL\r\n"), "* SEARCH 1 2 3 4\r\na OK SEARCH completed\r\n");
  EXPECT_EQ(Talk("b SEARCH UNSEEN\r\n"), "* SEARCH 2 3 4\r\nb OK SEARCH completed\r\n");
  EXPECT_EQ(Talk("c SEARCH NEW\r\n"), "* SEARCH 4\r\nc OK SEARCH completed\r\n");
  EXPECT_EQ(Talk("d search or flagged seen\r\n"), "* SEARCH 1 2\r\nd OK SEARCH completed\r\n");
  EXPECT_EQ(Talk("e SEARCH FROM {6+}\r\nBJ\xc3\x96RN\r\n"), "* SEARCH 2\r\ne OK SEARCH completed\r\n");
  EXPECT_EQ(Talk("f SEARCH BODY {5+}\r\nk\xc3\xa4se\r\n"), "* SEARCH 2\r\nf OK SEARCH completed\r\n");
  EXPECT_EQ(Talk("g SEARCH BODY \"lignes seulement\"\r\n"), "* SEARCH 3\r\ng OK SEARCH completed\r\n");
  EXPECT_EQ(Talk("h SEARCH TEXT report\r\n"), "* SEARCH 3\r\nh OK SEARCH completed\r\n");
  EXPECT_EQ(Talk("i SEARCH HEADER Content-Transfer-Encoding \"\"\r\n"), "* SEARCH 2 3\r\ni OK SEARCH completed\r\n");
  EXPECT_EQ(Talk("j SEARCH SUBJECT zzz\r\n"), "* SEARCH\r\nj OK SEARCH completed\r\n");
}

TEST_F(ImapdSearch, DatesSizesAndSets) {
  PutFour();
  Select();
  EXPECT_EQ(Talk("a SEARCH SINCE 9-Mar-2024 BEFORE 3-Jul-2024\r\n"), "* SEARCH 2\r\na OK SEARCH completed\r\n");
  EXPECT_EQ(Talk("b SEARCH ON 14-Nov-2023\r\n"), "* SEARCH 1\r\nb OK SEARCH completed\r\n");
  EXPECT_EQ(Talk("c SEARCH SENTSINCE 2-Apr-2025\r\n"), "* SEARCH 2 3\r\nc OK SEARCH completed\r\n");
  EXPECT_EQ(Talk("d SEARCH SENTON 1-Apr-2025\r\n"), "* SEARCH 1\r\nd OK SEARCH completed\r\n");
  // "Subject: new\r\n\r\nfresh\r\n" is 23 octets on the wire.
  EXPECT_EQ(Talk("e SEARCH SMALLER 24 LARGER 22\r\n"), "* SEARCH 4\r\ne OK SEARCH completed\r\n");
  EXPECT_EQ(Talk("f SEARCH 2:* NOT 3\r\n"), "* SEARCH 2 4\r\nf OK SEARCH completed\r\n");
  EXPECT_EQ(Talk("g SEARCH UID 3:*\r\n"), "* SEARCH 3 4\r\ng OK SEARCH completed\r\n");
}

TEST_F(ImapdSearch, UidSearchAnswersUids) {
  PutFour();
  Select();
  ASSERT_EQ(Talk("a STORE 1 +FLAGS.SILENT (\\Deleted)\r\n"), "a OK STORE completed\r\n");
  ASSERT_EQ(Talk("b EXPUNGE\r\n"), "* 1 EXPUNGE\r\nb OK EXPUNGE completed\r\n");
  EXPECT_EQ(Talk("c UID SEARCH ALL\r\n"), "* SEARCH 2 3 4\r\nc OK UID SEARCH completed\r\n");
  EXPECT_EQ(Talk("d UID SEARCH 1\r\n"), "* SEARCH 2\r\nd OK UID SEARCH completed\r\n");
  EXPECT_EQ(Talk("e UID SEARCH UID 3,1\r\n"), "* SEARCH 3\r\ne OK UID SEARCH completed\r\n");
  EXPECT_EQ(Talk("f SEARCH UID 3,1\r\n"), "* SEARCH 2\r\nf OK SEARCH completed\r\n");
  // A message number beyond the folder names no message.
  EXPECT_EQ(Talk("g SEARCH 9\r\n"), "* SEARCH\r\ng OK SEARCH completed\r\n");
}

TEST_F(ImapdSearch, Esearch) {
  PutFour();
  Select();
  EXPECT_EQ(Talk("a SEARCH RETURN (MIN MAX ALL COUNT) NOT 3\r\n"),
            "* ESEARCH (TAG \"a\") MIN 1 MAX 4 ALL 1:2,4 COUNT 3\r\na OK SEARCH completed\r\n");
  EXPECT_EQ(Talk("b SEARCH RETURN () UNSEEN\r\n"), "* ESEARCH (TAG \"b\") ALL 2:4\r\nb OK SEARCH completed\r\n");
  EXPECT_EQ(Talk("c UID SEARCH RETURN (COUNT MIN) CHARSET UTF-8 UNSEEN\r\n"),
            "* ESEARCH (TAG \"c\") UID MIN 2 COUNT 3\r\nc OK UID SEARCH completed\r\n");
  // Nothing found: no MIN, MAX or ALL.
  EXPECT_EQ(Talk("d SEARCH RETURN (MIN MAX ALL COUNT) DRAFT\r\n"),
            "* ESEARCH (TAG \"d\") COUNT 0\r\nd OK SEARCH completed\r\n");
  EXPECT_EQ(Talk("e UID SEARCH RETURN (MIN) DRAFT\r\n"), "* ESEARCH (TAG \"e\") UID\r\ne OK UID SEARCH completed\r\n");
  EXPECT_EQ(Talk("f SEARCH RETURN (SAVE) ALL\r\n"), "f BAD Unknown RETURN option SAVE\r\n");
}

TEST_F(ImapdSearch, ModseqEnablesCondstore) {
  PutFour();
  Select();
  std::string f = Talk("a FETCH 1:4 (MODSEQ)\r\n");
  std::string highest = f.substr(f.find("[HIGHESTMODSEQ ") + 15);
  highest = highest.substr(0, highest.find(']'));
  // Message 2 changes: the only one above the old highest.
  std::string s = Talk("b STORE 2 +FLAGS (\\Seen)\r\n");
  std::string n2 = Modseq(s);
  ASSERT_GT(std::stoull(n2), std::stoull(highest));
  EXPECT_EQ(Talk("c SEARCH MODSEQ " + std::to_string(std::stoull(highest) + 1) + "\r\n"),
            "* SEARCH 2 (MODSEQ " + n2 + ")\r\nc OK SEARCH completed\r\n");
  EXPECT_EQ(Talk("d UID SEARCH MODSEQ \"/flags/\\\\seen\" all 1\r\n"),
            "* SEARCH 1 2 3 4 (MODSEQ " + n2 + ")\r\nd OK UID SEARCH completed\r\n");
  // Nothing found: no MODSEQ.
  EXPECT_EQ(Talk("e SEARCH MODSEQ 1 DRAFT\r\n"), "* SEARCH\r\ne OK SEARCH completed\r\n");
  // ESEARCH: the highest of the messages returned (RFC 4731 §3.2).
  std::string m1 = Modseq(f, 0);
  EXPECT_EQ(Talk("f SEARCH RETURN (MIN) MODSEQ 1\r\n"), "* ESEARCH (TAG \"f\") MIN 1 MODSEQ " + m1 + "\r\nf OK SEARCH completed\r\n");
  EXPECT_EQ(Talk("g SEARCH RETURN (COUNT) MODSEQ 1\r\n"),
            "* ESEARCH (TAG \"g\") COUNT 4 MODSEQ " + n2 + "\r\ng OK SEARCH completed\r\n");
}

TEST_F(ImapdSearch, TheFirstModseqSearchTellsTheHighest) {
  PutFour();
  Open();
  LogIn();
  std::string sel = Talk("s SELECT INBOX\r\n");
  std::string highest = sel.substr(sel.find("[HIGHESTMODSEQ ") + 15);
  highest = highest.substr(0, highest.find(']'));
  EXPECT_EQ(Talk("a SEARCH MODSEQ 99999999999999999 ALL\r\n"),
            "* OK [HIGHESTMODSEQ " + highest + "] Highest\r\n* SEARCH\r\na OK SEARCH completed\r\n");
  // From now on FETCH FLAGS carries MODSEQ.
  EXPECT_NE(Talk("b FETCH 1 FLAGS\r\n").find(" MODSEQ ("), std::string::npos);
}

TEST_F(ImapdSearch, CharsetAndLiteral) {
  PutFour();
  Select();
  EXPECT_EQ(Talk("a SEARCH CHARSET UTF-8 SUBJECT {6}\r\n"), "+ Ready for literal data\r\n");
  EXPECT_EQ(Talk("GR\xc3\x9c\xc3\x9f\r\n"), "* SEARCH 2\r\na OK SEARCH completed\r\n");
  EXPECT_EQ(Talk("b SEARCH CHARSET us-ascii FROM ann\r\n"), "* SEARCH 1\r\nb OK SEARCH completed\r\n");
  EXPECT_EQ(Talk("c SEARCH CHARSET ISO-8859-1 FROM ann\r\n"),
            "c NO [BADCHARSET (US-ASCII UTF-8)] Cannot search in ISO-8859-1\r\n");
}

TEST_F(ImapdSearch, Errors) {
  PutFour();
  Open();
  LogIn();
  EXPECT_EQ(Talk("a SEARCH ALL\r\n"), "a BAD SEARCH is not valid in this state\r\n");
  ASSERT_NE(Talk("s SELECT INBOX\r\n").find("s OK"), std::string::npos);
  EXPECT_EQ(Talk("b SEARCH\r\n"), "b BAD SEARCH needs a search key\r\n");
  EXPECT_EQ(Talk("c SEARCH BOGUS\r\n"), "c BAD Unknown search key BOGUS\r\n");
  EXPECT_EQ(Talk("d SEARCH SINCE yesterday\r\n"), "d BAD Bad date yesterday (d-Mon-yyyy expected)\r\n");
  EXPECT_EQ(Talk("e UID SEARCH OR SEEN\r\n"), "e BAD OR needs two search keys\r\n");
}

TEST_F(ImapdSearch, NoExpungeDuringSearch) {
  PutFour();
  Select();
  ASSERT_EQ(::unlink((host_.maildir + "/cur/300.M1.h:2,").c_str()), 0);
  // Message 3 is gone: it keeps its flags, its text matches nothing, and
  // nothing is told until a command that may tell.
  EXPECT_EQ(Talk("a SEARCH UNSEEN\r\n"), "* SEARCH 2 3 4\r\na OK SEARCH completed\r\n");
  EXPECT_EQ(Talk("b SEARCH NOT BODY zzz\r\n"), "* SEARCH 1 2 4\r\nb OK SEARCH completed\r\n");
  EXPECT_EQ(Talk("c NOOP\r\n"), "* 3 EXPUNGE\r\nc OK NOOP completed\r\n");
  EXPECT_EQ(Talk("d SEARCH UNSEEN\r\n"), "* SEARCH 2 3\r\nd OK SEARCH completed\r\n");
}

TEST_F(ImapdSearch, ALargeFolderInBatches) {
  for (int i = 0; i < 4500; ++i) {
    std::string body = i % 1000 == 999 ? "needle\n" : "hay\n";
    Put("cur/" + std::to_string(100000 + i) + ".M1.h:2," + (i % 2 ? "S" : ""), "Subject: m\n\n" + body);
  }
  Select();
  EXPECT_EQ(Talk("a SEARCH BODY needle\r\n"), "* SEARCH 1000 2000 3000 4000\r\na OK SEARCH completed\r\n");
  EXPECT_EQ(Talk("b SEARCH RETURN (COUNT MIN MAX) SEEN\r\n"),
            "* ESEARCH (TAG \"b\") MIN 2 MAX 4500 COUNT 2250\r\nb OK SEARCH completed\r\n");
}

}  // namespace
}  // namespace posthorn::imapd
