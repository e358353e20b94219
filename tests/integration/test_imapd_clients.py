"""imapd with real third-party IMAP clients: Python's imaplib (over
STARTTLS and over IMAPS), curl, mutt driven in batch mode on a
pseudo-terminal, and fetchmail delivering through mda -m.

Each test works on bob's Maildir the way the client does and checks the
exact bytes the server sent (imaplib's connection is recorded byte for
byte, the tags replaced by TAG), what the client made of them, and the
exact files left on disk afterwards: names with their `:2,` flags, and
contents (LF line ends on disk, CRLF on the wire).

SEARCH is checked too; while imapd answers it `BAD Unknown command`, those
tests skip, saying so.
"""
import imaplib
import os
import re
import shutil
import subprocess
import time
import unittest

from imapdtest import (BOB, CAPS_AUTH, CAPS_PRE_AUTH, GREETING, MDA, PASSWORD, ImapdTestCase, client_tls_context,
                       crlf, entries, read, wait_for)

# imaplib (before 3.14) knows neither ID nor IDLE; ID goes through its
# generic command path once it is told the states it is valid in.
imaplib.Commands.setdefault("ID", ("NONAUTH", "AUTH", "SELECTED"))

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# --- the messages in bob's INBOX -------------------------------------------------

# 1: a plain message, delivered (new/).
MSG1 = (b"Return-Path: <alice@example.org>\n"
        b"Date: Mon, 15 Jan 2024 10:00:00 +0100\n"
        b"From: Alice Example <alice@example.org>\n"
        b"To: Bob <bob@example.org>\n"
        b"Cc: carol@example.net\n"
        b"Subject: Lunch on Friday\n"
        b"Message-ID: <lunch-1@example.org>\n"
        b"\n"
        b"Hi Bob,\n"
        b"\n"
        b"shall we meet at noon?\n"
        b"Alice\n")
# 2: multipart with an attachment, already seen (cur/, :2,S).
MSG2 = (b"Date: Tue, 16 Jan 2024 11:30:00 +0000\n"
        b"From: \"Carol Q. Public\" <carol@example.net>\n"
        b"Reply-To: list@example.net\n"
        b"To: bob@example.org, Alice <alice@example.org>\n"
        b"Subject: Report attached\n"
        b"Message-ID: <report-2@example.net>\n"
        b"In-Reply-To: <lunch-1@example.org>\n"
        b"MIME-Version: 1.0\n"
        b"Content-Type: multipart/mixed; boundary=\"XYZ\"\n"
        b"\n"
        b"This is a multi-part message in MIME format.\n"
        b"--XYZ\n"
        b"Content-Type: text/plain; charset=us-ascii\n"
        b"\n"
        b"See the report.\n"
        b"--XYZ\n"
        b"Content-Type: application/pdf; name=\"report.pdf\"\n"
        b"Content-Disposition: attachment; filename=\"report.pdf\"\n"
        b"Content-Transfer-Encoding: base64\n"
        b"\n"
        b"JVBERi0xLjQKJcTl8uXrCg==\n"
        b"--XYZ--\n")
# 3: RFC 2047 encoded words in From and Subject, an 8bit UTF-8 body (new/).
MSG3 = ("Date: Wed, 17 Jan 2024 08:15:00 +0100\n"
        "From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.de>\n"
        "To: bob@example.org\n"
        "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_M=C3=BCnchen?=\n"
        "Message-ID: <gruesse-3@example.de>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=UTF-8\n"
        "Content-Transfer-Encoding: 8bit\n"
        "\n"
        "Servus Bob, sch\u00f6ne Gr\u00fc\u00dfe!\n").encode()
MESSAGES = (MSG1, MSG2, MSG3)
# Their modification times, so INTERNALDATE: noon UTC on the 15th, 16th
# and 17th of January 2024 (the same dates in any zone within +-11 hours).
MTIMES = (1705320000, 1705406400, 1705492800)

# The wire sizes (RFC822.SIZE, CRLF line ends): 269, 627 and 340.
SIZES = tuple(len(crlf(m)) for m in MESSAGES)

ENVELOPE1 = ('("Mon, 15 Jan 2024 10:00:00 +0100" "Lunch on Friday" '
             '(("Alice Example" NIL "alice" "example.org")) (("Alice Example" NIL "alice" "example.org")) '
             '(("Alice Example" NIL "alice" "example.org")) (("Bob" NIL "bob" "example.org")) '
             '((NIL NIL "carol" "example.net")) NIL NIL "<lunch-1@example.org>")')
ENVELOPE2 = ('("Tue, 16 Jan 2024 11:30:00 +0000" "Report attached" '
             '(("Carol Q. Public" NIL "carol" "example.net")) (("Carol Q. Public" NIL "carol" "example.net")) '
             '((NIL NIL "list" "example.net")) '
             '((NIL NIL "bob" "example.org")("Alice" NIL "alice" "example.org")) '
             'NIL NIL "<lunch-1@example.org>" "<report-2@example.net>")')
ENVELOPE3 = ('("Wed, 17 Jan 2024 08:15:00 +0100" "=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_M=C3=BCnchen?=" '
             '(("=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?=" NIL "juergen" "example.de")) '
             '(("=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?=" NIL "juergen" "example.de")) '
             '(("=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?=" NIL "juergen" "example.de")) '
             '((NIL NIL "bob" "example.org")) NIL NIL NIL "<gruesse-3@example.de>")')
# The body of 1 is 42 octets in 4 lines; of 3, 30 octets in 1 line.
BODYSTRUCTURE1 = '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 42 4 NIL NIL NIL NIL)'
BODY1 = '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 42 4)'
BODYSTRUCTURE2 = ('(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 15 1 NIL NIL NIL NIL)'
                  '("application" "pdf" ("name" "report.pdf") NIL NIL "base64" 24 NIL '
                  '("attachment" ("filename" "report.pdf")) NIL NIL) '
                  '"mixed" ("boundary" "XYZ") NIL NIL NIL)')
BODY2 = ('(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 15 1)'
         '("application" "pdf" ("name" "report.pdf") NIL NIL "base64" 24) "mixed")')
BODYSTRUCTURE3 = '("text" "plain" ("charset" "UTF-8") NIL NIL "8bit" 30 1 NIL NIL NIL NIL)'

FLAGS = r"* FLAGS (\Answered \Flagged \Deleted \Seen \Draft)"
PERMANENTFLAGS = r"* OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Limited"


def internaldate(when):
    """INTERNALDATE as imapd writes it: the server's zone (the same TZ as
    this process), the day padded with a space."""
    t = time.localtime(when)
    off = t.tm_gmtoff // 60
    return '"%2d-%s-%04d %02d:%02d:%02d %s%02d%02d"' % (t.tm_mday, MONTHS[t.tm_mon - 1], t.tm_year, t.tm_hour,
                                                       t.tm_min, t.tm_sec, "-" if off < 0 else "+",
                                                       abs(off) // 60, abs(off) % 60)


class Re(str):
    """A reply line given as a regex (for the numbers a test cannot know,
    such as UIDVALIDITY), matched in full."""


def wire(*lines):
    """Reply lines (str or bytes) as they travel: each ended by CRLF."""
    return b"".join((l.encode() if isinstance(l, str) else l) + b"\r\n" for l in lines)


def literal(data):
    """`data` as an IMAP literal within a line: {n} CRLF data."""
    return b"{%d}\r\n" % len(data) + data


def header_of(msg):
    return crlf(msg).split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"


def text_of(msg):
    return crlf(msg).split(b"\r\n\r\n", 1)[1]


# --- an imaplib connection that records what the server sent ----------------------

class Recording:
    """Keeps every byte imaplib reads from the server, so a test can compare
    whole replies; take() hands them over with imaplib's tags as TAG."""

    def _wire(self):
        return self.__dict__.setdefault("wire", bytearray())

    def readline(self):
        line = super().readline()
        self._wire().extend(line)
        return line

    def read(self, size):
        data = super().read(size)
        self._wire().extend(data)
        return data

    def take(self):
        data = bytes(self._wire())
        self._wire().clear()
        return re.sub(rb"(?m)^" + re.escape(self.tagpre) + rb"\d+ ", b"TAG ", data)

    def raw(self, line):
        """Sends `line` with a fresh tag, bypassing imaplib's parser; returns the tag."""
        tag = self._new_tag()
        self.send(tag + b" " + line + b"\r\n")
        return tag

    def raw_line(self):
        line = self.readline()
        if not line:
            raise imaplib.IMAP4.abort("EOF")
        return line


class IMAP(Recording, imaplib.IMAP4):
    pass


class IMAPS(Recording, imaplib.IMAP4_SSL):
    pass


class ClientTestCase(ImapdTestCase):
    """bob's INBOX holds MSG1 (new/), MSG2 (cur/, seen) and MSG3 (new/), with
    the modification times MTIMES; his Maildir was made by imapd (with Sent,
    Drafts, Junk and Trash) at the first login."""

    def setUp(self):
        super().setUp()
        self.paths = [self.deliver(MSG1), self.deliver(MSG2, sub="cur", flags="S"), self.deliver(MSG3)]
        for path, when in zip(self.paths, MTIMES):
            os.utime(path, (when, when))
        self.bases = [os.path.basename(p).split(":")[0] for p in self.paths]

    # --- imaplib -----------------------------------------------------------

    def imap(self, kind="imaps", login=True):
        """An imaplib connection: IMAP4_SSL on imaps, IMAP4 + starttls() on
        imap; logged in as bob unless login=False. The bytes of the greeting,
        CAPABILITY and login exchange are checked and dropped."""
        if kind == "imaps":
            m = IMAPS("127.0.0.1", self.port["imaps"], ssl_context=client_tls_context(), timeout=10)
        else:
            m = IMAP("127.0.0.1", self.port["imap"], timeout=10)
        self.addCleanup(self.close_imap, m)
        caps = CAPS_PRE_AUTH + (" STARTTLS LOGINDISABLED" if kind == "imap" else " AUTH=PLAIN")
        self.assertEqual(m.welcome, GREETING[kind].encode())
        # imaplib asks for CAPABILITY itself at the start.
        self.assertEqual(m.take(), wire(GREETING[kind], "* CAPABILITY " + caps, "TAG OK Capability completed"))
        if kind == "imap":
            self.assertEqual(m.starttls(client_tls_context()), ("OK", [None]))
            self.assertEqual(m.take(), wire("TAG OK Begin TLS negotiation now",
                                            "* CAPABILITY %s AUTH=PLAIN" % CAPS_PRE_AUTH, "TAG OK Capability completed"))
        if login:
            self.assertEqual(m.login(BOB, PASSWORD), ("OK", [b"[CAPABILITY " + CAPS_AUTH.encode() + b"] Logged in"]))
            self.assertEqual(m.take(), wire("TAG OK [CAPABILITY %s] Logged in" % CAPS_AUTH))
        return m

    @staticmethod
    def close_imap(m):
        try:
            m.shutdown()
        except OSError:
            pass

    def assertReply(self, m, *lines):
        """The server sent exactly `lines` on `m` since the last take() (Re
        lines are regexes); returns the Re lines' named groups."""
        got = m.take()
        if not any(isinstance(l, Re) for l in lines):
            self.assertEqual(got, wire(*lines), "\n".join(got.decode("utf-8", "replace").split("\r\n")))
            return {}
        pattern = b"".join((l.encode() if isinstance(l, Re) else re.escape(l if isinstance(l, bytes) else l.encode()))
                           + b"\r\n" for l in lines)
        match = re.fullmatch(pattern, got)
        self.assertIsNotNone(match, "reply differs:\n%s\nwanted:\n%s" % (got.decode("utf-8", "replace"),
                                                                         "\n".join(map(str, lines))))
        return {k: v.decode() for k, v in match.groupdict().items()}

    def assertBad(self, text, call, *args):
        """imaplib raises on a BAD answer: it must be exactly `text`."""
        with self.assertRaises(imaplib.IMAP4.error) as cm:
            call(*args)
        self.assertRegex(str(cm.exception), r"\A[A-Z]+ command error: BAD " + re.escape(repr([text.encode()])) + r"\Z")

    def select_inbox(self, m):
        """SELECT INBOX (UIDs 1-3, 1 and 3 claimed from new/ as \\Recent);
        returns the UIDVALIDITY."""
        self.assertEqual(m.select("INBOX"), ("OK", [b"3"]))
        got = m.take().decode()
        g = re.fullmatch(r"\* FLAGS \(\\Answered \\Flagged \\Deleted \\Seen \\Draft\)\r\n"
                         r"\* 3 EXISTS\r\n\* 2 RECENT\r\n\* OK \[UNSEEN 1\] First unseen\r\n"
                         + re.escape(PERMANENTFLAGS) + r"\r\n"
                         r"\* OK \[UIDVALIDITY (?P<v>[1-9]\d*)\] UIDs valid\r\n"
                         r"\* OK \[UIDNEXT 4\] Predicted next UID\r\n"
                         r"\* OK \[HIGHESTMODSEQ [1-9]\d*\] Highest\r\n"
                         r"TAG OK \[READ-WRITE\] SELECT completed\r\n", got)
        self.assertIsNotNone(g, got)
        return int(g.group("v"))

    def uidvalidity_on_disk(self, folder=""):
        """The UIDVALIDITY in the folder's posthorn-uidlist (first line
        `posthorn-uidlist 1 UIDVALIDITY NEXTUID`)."""
        d = self.folder_dir(folder)
        first = read(os.path.join(d, "posthorn-uidlist")).split(b"\n", 1)[0].decode()
        m = re.fullmatch(r"posthorn-uidlist 1 ([1-9]\d*) ([1-9]\d*)", first)
        self.assertIsNotNone(m, first)
        return int(m.group(1))

    def folder_dir(self, folder=""):
        md = self.maildir(BOB)
        return os.path.join(md, "." + folder) if folder else md

    def cur(self, folder=""):
        """The names in a folder's cur/."""
        return entries(os.path.join(self.folder_dir(folder), "cur"))

    def cur_file(self, i, info, folder=""):
        """The path of INBOX message i (1-3) in cur/ with `info` after :2,"""
        return os.path.join(self.folder_dir(folder), "cur", self.bases[i - 1] + ":2," + info)


class ImaplibTest(ClientTestCase):

    def test_starttls_session_and_commands_of_any_state(self):
        m = self.imap("imap", login=False)
        self.assertEqual(m.capability(), ("OK", [("%s AUTH=PLAIN" % CAPS_PRE_AUTH).encode()]))
        self.assertReply(m, "* CAPABILITY %s AUTH=PLAIN" % CAPS_PRE_AUTH, "TAG OK Capability completed")
        self.assertEqual(m.noop(), ("OK", [b"NOOP completed"]))
        self.assertReply(m, "TAG OK NOOP completed")
        self.assertEqual(m.xatom("ID", '("name" "imaplib")'), ("OK", [b"ID completed"]))
        self.assertReply(m, '* ID ("name" "Posthorn" "vendor" "Posthorn")', "TAG OK ID completed")
        self.assertEqual(m.login(BOB, PASSWORD), ("OK", [b"[CAPABILITY " + CAPS_AUTH.encode() + b"] Logged in"]))
        self.assertReply(m, "TAG OK [CAPABILITY %s] Logged in" % CAPS_AUTH)
        self.wait_log(r"unknown\[127\.0\.0\.1\]: login: user=<bob@example\.org>, method=LOGIN, tls=yes")
        typ, data = m.capability()
        self.assertEqual((typ, data[-1]), ("OK", CAPS_AUTH.encode()))
        self.assertReply(m, "* CAPABILITY " + CAPS_AUTH, "TAG OK Capability completed")
        self.assertEqual(m.xatom("ID", "NIL"), ("OK", [b"ID completed"]))
        self.assertReply(m, '* ID ("name" "Posthorn" "vendor" "Posthorn")', "TAG OK ID completed")
        self.assertEqual(m.namespace(), ("OK", [b'(("" ".")) NIL NIL']))
        self.assertReply(m, '* NAMESPACE (("" ".")) NIL NIL', "TAG OK NAMESPACE completed")
        m._get_capabilities()  # what a client does after login, for ENABLE
        self.assertReply(m, "* CAPABILITY " + CAPS_AUTH, "TAG OK Capability completed")
        self.assertEqual(m.enable("CONDSTORE"), ("OK", [b"ENABLE completed"]))
        self.assertReply(m, "* ENABLED CONDSTORE", "TAG OK ENABLE completed")
        # QRESYNC turns on only itself now; unknown names are ignored.
        self.assertEqual(m.enable("QRESYNC X-UNKNOWN"), ("OK", [b"ENABLE completed"]))
        self.assertReply(m, "* ENABLED QRESYNC", "TAG OK ENABLE completed")
        self.assertEqual(m.noop(), ("OK", [b"NOOP completed"]))
        self.assertReply(m, "TAG OK NOOP completed")
        # imaplib's logout() stops reading at the BYE: the rest by hand.
        tag = m.raw(b"LOGOUT")
        self.assertEqual(m.raw_line(), b"* BYE Logging out\r\n")
        self.assertEqual(m.raw_line(), tag + b" OK Logout completed\r\n")
        self.assertEqual(m.readline(), b"")  # closed
        # Nothing was touched: the messages are where they were delivered.
        self.assertEqual(self.folder_files(), {"new": [os.path.basename(self.paths[0]), os.path.basename(self.paths[2])],
                                               "cur": [os.path.basename(self.paths[1])]})

    def test_imaps_authenticate_plain(self):
        m = self.imap("imaps", login=False)
        # A wrong password first: imaplib raises with the server's text.
        with self.assertRaises(imaplib.IMAP4.error) as cm:
            m.authenticate("PLAIN", lambda challenge: b"\0" + BOB.encode() + b"\0wrong")
        self.assertEqual(str(cm.exception), "[AUTHENTICATIONFAILED] Authentication failed")
        self.assertReply(m, "+ ", "TAG NO [AUTHENTICATIONFAILED] Authentication failed")
        challenges = []

        def plain(challenge):
            challenges.append(challenge)
            return b"\0" + BOB.encode() + b"\0" + PASSWORD.encode()
        self.assertEqual(m.authenticate("PLAIN", plain),
                         ("OK", [b"[CAPABILITY " + CAPS_AUTH.encode() + b"] Logged in"]))
        self.assertEqual(challenges, [b""])
        self.assertReply(m, "+ ", "TAG OK [CAPABILITY %s] Logged in" % CAPS_AUTH)
        self.assertEqual(m.state, "AUTH")
        self.assertLogHas([r"unknown\[127\.0\.0\.1\]: login failed: user=<bob@example\.org>, method=PLAIN",
                           r"unknown\[127\.0\.0\.1\]: login: user=<bob@example\.org>, method=PLAIN, tls=yes"])
        self.assertNotIn(PASSWORD, self.log_text())
        self.assertEqual(m.logout(), ("BYE", [b"Logging out"]))

    def test_select_examine_unselect(self):
        m = self.imap("imap")
        v = self.select_inbox(m)
        self.assertEqual(v, self.uidvalidity_on_disk())
        # SELECT claimed 1 and 3 from new/: cur/, no flags yet.
        self.assertEqual(self.folder_files(), {"new": [], "cur": sorted([
            self.bases[0] + ":2,", os.path.basename(self.paths[1]), self.bases[2] + ":2,"])})
        self.assertEqual(m.fetch("1:3", "(UID FLAGS)"),
                         ("OK", [b"1 (UID 1 FLAGS (\\Recent))", b"2 (UID 2 FLAGS (\\Seen))", b"3 (UID 3 FLAGS (\\Recent))"]))
        self.assertReply(m, r"* 1 FETCH (UID 1 FLAGS (\Recent))", r"* 2 FETCH (UID 2 FLAGS (\Seen))",
                         r"* 3 FETCH (UID 3 FLAGS (\Recent))", "TAG OK FETCH completed")
        # EXAMINE closes INBOX first; read-only, nothing recent any more
        # (this session was told already).
        self.assertEqual(m.select("INBOX", readonly=True), ("OK", [b"3"]))
        self.assertReply(m, "* OK [CLOSED] Previous mailbox closed", FLAGS, "* 3 EXISTS", "* 0 RECENT",
                         "* OK [UNSEEN 1] First unseen", "* OK [PERMANENTFLAGS ()] Limited",
                         "* OK [UIDVALIDITY %d] UIDs valid" % v, "* OK [UIDNEXT 4] Predicted next UID",
                         Re(r"\* OK \[HIGHESTMODSEQ [1-9]\d*\] Highest"), "TAG OK [READ-ONLY] EXAMINE completed")
        self.assertEqual(m.store("1", "+FLAGS", r"(\Deleted)"), ("NO", [b"[READ-ONLY] The mailbox is read-only"]))
        self.assertReply(m, "TAG NO [READ-ONLY] The mailbox is read-only")
        self.assertEqual(m.expunge(), ("NO", [b"[READ-ONLY] The mailbox is read-only"]))
        self.assertReply(m, "TAG NO [READ-ONLY] The mailbox is read-only")
        # A body fetched after EXAMINE does not set \Seen.
        typ, data = m.fetch("1", "(BODY[TEXT])")
        self.assertEqual((typ, data), ("OK", [(b"1 (BODY[TEXT] {42}", text_of(MSG1)), b")"]))
        self.assertReply(m, b"* 1 FETCH (BODY[TEXT] " + literal(text_of(MSG1)) + b")", "TAG OK FETCH completed")
        self.assertEqual(self.cur()[0], self.bases[0] + ":2,")
        self.assertEqual(m.unselect(), ("OK", [b"UNSELECT completed"]))
        self.assertReply(m, "TAG OK UNSELECT completed")
        self.assertEqual(m.noop(), ("OK", [b"NOOP completed"]))
        # A folder that does not exist.
        self.assertEqual(m.select("Nowhere"), ("NO", [b"[NONEXISTENT] No such mailbox"]))
        self.assertReply(m, "TAG OK NOOP completed", "TAG NO [NONEXISTENT] No such mailbox")

    def test_select_empty_folder(self):
        m = self.imap("imaps")
        self.assertEqual(m.select("Trash"), ("OK", [b"0"]))
        # No UNSEEN line, UIDNEXT 1.
        # RFC 7162 section 7 makes the code's value a mod-sequence-value,
        # 1 or more (0, mod-sequence-valzer, is for STATUS only).
        self.assertReply(m, FLAGS, "* 0 EXISTS", "* 0 RECENT", PERMANENTFLAGS,
                         Re(r"\* OK \[UIDVALIDITY [1-9]\d*\] UIDs valid"), "* OK [UIDNEXT 1] Predicted next UID",
                         Re(r"\* OK \[HIGHESTMODSEQ [1-9]\d*\] Highest"), "TAG OK [READ-WRITE] SELECT completed")

    def test_list_inbox_with_children(self):
        m = self.imap("imaps")
        self.assertEqual(m.create("INBOX.Lists"), ("OK", [b"CREATE completed"]))
        self.assertReply(m, "TAG OK CREATE completed")
        self.assertTrue(os.path.isdir(os.path.join(self.maildir(BOB), ".INBOX.Lists", "cur")))
        self.assertEqual(m.list('""', "INBOX*")[0], "OK")
        # With INBOX.Lists there INBOX has a child (RFC 3348 section 4).
        self.assertReply(m, r'* LIST (\HasChildren) "." INBOX', r'* LIST (\HasNoChildren) "." INBOX.Lists',
                         "TAG OK LIST completed")

    def test_examine_first_shows_new_mail_as_recent(self):
        # RFC 3501 section 2.3.2: \Recent means "this session is the first
        # session to have been notified about this message; if the session
        # is read-only, subsequent sessions will not see \Recent set" - the
        # read-only session still sees it. STATUS of the same folder says
        # RECENT 2 right before.
        m = self.imap("imaps")
        self.assertEqual(m.status("INBOX", "(RECENT)"), ("OK", [b"INBOX (RECENT 2)"]))
        m.take()
        self.assertEqual(m.select("INBOX", readonly=True), ("OK", [b"3"]))
        got = m.take().decode()
        # The two messages in new/ that no session has seen are recent to
        # the EXAMINE session too (RFC 3501 section 6.3.2).
        self.assertIn("\r\n* 2 RECENT\r\n", got)
        # EXAMINE moves nothing out of new/ (man/imapd.8).
        self.assertEqual(self.folder_files()["new"], [os.path.basename(self.paths[0]), os.path.basename(self.paths[2])])

    def test_status(self):
        m = self.imap("imaps")
        self.assertEqual(m.status("INBOX", "(MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)"),
                         ("OK", [b"INBOX (MESSAGES 3 RECENT 2 UIDNEXT 4 UIDVALIDITY %d UNSEEN 2)"
                                 % self.uidvalidity_on_disk()]))
        self.assertReply(m, "* STATUS INBOX (MESSAGES 3 RECENT 2 UIDNEXT 4 UIDVALIDITY %d UNSEEN 2)"
                         % self.uidvalidity_on_disk(), "TAG OK STATUS completed")
        # STATUS only looks: the new mail is still in new/.
        self.assertEqual(self.folder_files()["new"], [os.path.basename(self.paths[0]), os.path.basename(self.paths[2])])
        self.assertEqual(m.status("Sent", "(UIDNEXT MESSAGES)"), ("OK", [b"Sent (UIDNEXT 1 MESSAGES 0)"]))
        self.assertReply(m, "* STATUS Sent (UIDNEXT 1 MESSAGES 0)", "TAG OK STATUS completed")
        self.assertEqual(m.status("Nowhere", "(MESSAGES)"), ("NO", [b"[NONEXISTENT] No such mailbox"]))
        self.assertReply(m, "TAG NO [NONEXISTENT] No such mailbox")
        self.assertBad("Unknown STATUS item SIZE", m.status, "INBOX", "(SIZE)")
        self.assertReply(m, "TAG BAD Unknown STATUS item SIZE")
        # After a SELECT the two are seen by this session, no longer in new/.
        self.select_inbox(m)
        self.assertEqual(m.status("INBOX", "(MESSAGES RECENT UNSEEN)"),
                         ("OK", [b"INBOX (MESSAGES 3 RECENT 0 UNSEEN 2)"]))
        self.assertReply(m, "* STATUS INBOX (MESSAGES 3 RECENT 0 UNSEEN 2)", "TAG OK STATUS completed")

    def test_list_create_delete_rename_subscribe(self):
        m = self.imap("imaps")
        md = self.maildir(BOB)
        self.assertEqual(m.list(), ("OK", [b'(\\HasNoChildren) "." INBOX', b'(\\HasNoChildren \\Drafts) "." Drafts',
                                           b'(\\HasNoChildren \\Junk) "." Junk', b'(\\HasNoChildren \\Sent) "." Sent',
                                           b'(\\HasNoChildren \\Trash) "." Trash']))
        self.assertReply(m, r'* LIST (\HasNoChildren) "." INBOX', r'* LIST (\HasNoChildren \Drafts) "." Drafts',
                         r'* LIST (\HasNoChildren \Junk) "." Junk', r'* LIST (\HasNoChildren \Sent) "." Sent',
                         r'* LIST (\HasNoChildren \Trash) "." Trash', "TAG OK LIST completed")
        self.assertEqual(m.list('""', '""'), ("OK", [b'(\\Noselect) "." ""']))
        self.assertReply(m, r'* LIST (\Noselect) "." ""', "TAG OK LIST completed")
        # CREATE: Maildir++ folders, a non-ASCII name in modified UTF-7 as is.
        self.assertEqual(m.create("Entw&APw-rfe"), ("OK", [b"CREATE completed"]))
        self.assertEqual(m.create("Lists.debian"), ("OK", [b"CREATE completed"]))
        self.assertEqual(m.create("Archive."), ("OK", [b"CREATE completed"]))  # the trailing dot is dropped
        self.assertReply(m, "TAG OK CREATE completed", "TAG OK CREATE completed", "TAG OK CREATE completed")
        for d in (".Entw&APw-rfe", ".Lists.debian", ".Archive"):
            self.assertEqual(sorted(os.listdir(os.path.join(md, d))), ["cur", "maildirfolder", "new", "tmp"], d)
            self.assertEqual(read(os.path.join(md, d, "maildirfolder")), b"")
        self.assertFalse(os.path.exists(os.path.join(md, ".Lists")))
        self.assertFalse(os.path.exists(os.path.join(md, ".Archive.")))
        self.assertEqual(m.create("Lists.debian"), ("NO", [b"[ALREADYEXISTS] mailbox exists"]))
        self.assertEqual(m.create("INBOX"), ("NO", [b"[ALREADYEXISTS] INBOX always exists"]))
        self.assertReply(m, "TAG NO [ALREADYEXISTS] mailbox exists", "TAG NO [ALREADYEXISTS] INBOX always exists")
        # UTF-8 is no mailbox name: not as an atom, not in a literal.
        self.assertBad("8-bit character outside a literal", m.create, "Entw\u00fcrfe".encode("utf-8"))
        self.assertReply(m, "TAG BAD 8-bit character outside a literal")
        m.literal = "Entw\u00fcrfe".encode("utf-8")
        with self.assertRaises(imaplib.IMAP4.error):
            m._simple_command("CREATE")
        self.assertRegex(m.take().decode("utf-8", "replace"), r"\A\+ Ready for literal data\r\nTAG BAD Bad mailbox name: .+\r\n\Z")
        self.assertEqual(m.list('""', "*")[0], "OK")
        self.assertReply(m, r'* LIST (\HasNoChildren) "." INBOX', r'* LIST (\HasNoChildren) "." Archive',
                         r'* LIST (\HasNoChildren \Drafts) "." Drafts', r'* LIST (\HasNoChildren) "." Entw&APw-rfe',
                         r'* LIST (\HasNoChildren \Junk) "." Junk', r'* LIST (\Noselect \HasChildren) "." Lists',
                         r'* LIST (\HasNoChildren) "." Lists.debian', r'* LIST (\HasNoChildren \Sent) "." Sent',
                         r'* LIST (\HasNoChildren \Trash) "." Trash', "TAG OK LIST completed")
        # % stops at the separator; a reference is put before the pattern.
        self.assertEqual(m.list('""', "L%")[0], "OK")
        self.assertReply(m, r'* LIST (\Noselect \HasChildren) "." Lists', "TAG OK LIST completed")
        self.assertEqual(m.list("Lists.", "%")[0], "OK")
        self.assertReply(m, r'* LIST (\HasNoChildren) "." Lists.debian', "TAG OK LIST completed")
        self.assertEqual(m.list('""', "*s*")[0], "OK")
        self.assertReply(m, r'* LIST (\HasNoChildren \Drafts) "." Drafts', r'* LIST (\Noselect \HasChildren) "." Lists', r'* LIST (\HasNoChildren) "." Lists.debian',
                         r'* LIST (\HasNoChildren \Trash) "." Trash', "TAG OK LIST completed")
        self.assertEqual(m.list('""', "inbox")[0], "OK")
        self.assertReply(m, r'* LIST (\HasNoChildren) "." INBOX', "TAG OK LIST completed")
        # The non-ASCII folder works like any other.
        self.assertEqual(m.status("Entw&APw-rfe", "(MESSAGES)"), ("OK", [b"Entw&APw-rfe (MESSAGES 0)"]))
        self.assertReply(m, "* STATUS Entw&APw-rfe (MESSAGES 0)", "TAG OK STATUS completed")
        # RENAME takes the children along.
        self.assertEqual(m.rename("Lists", "Mailing"), ("NO", [b"[NONEXISTENT] no mailbox Lists"]))
        self.assertEqual(m.rename("Lists.debian", "Debian"), ("OK", [b"RENAME completed"]))
        self.assertEqual(m.create("Debian.security"), ("OK", [b"CREATE completed"]))
        self.assertEqual(m.rename("Debian", "Archive.Debian"), ("OK", [b"RENAME completed"]))
        self.assertEqual(m.rename("Archive", "Archive.Old"), ("NO", [b"[CANNOT] cannot move a mailbox into itself"]))
        self.assertEqual(m.rename("Sent", "Junk"), ("NO", [b"[ALREADYEXISTS] mailbox exists"]))
        self.assertReply(m, "TAG NO [NONEXISTENT] no mailbox Lists", "TAG OK RENAME completed",
                         "TAG OK CREATE completed", "TAG OK RENAME completed",
                         "TAG NO [CANNOT] cannot move a mailbox into itself", "TAG NO [ALREADYEXISTS] mailbox exists")
        self.assertEqual(sorted(n for n in os.listdir(md) if n.startswith(".")),
                         [".Archive", ".Archive.Debian", ".Archive.Debian.security", ".Drafts", ".Entw&APw-rfe",
                          ".Junk", ".Sent", ".Trash"])
        self.assertEqual(m.list('""', "Archive*")[0], "OK")
        self.assertReply(m, r'* LIST (\HasChildren) "." Archive', r'* LIST (\HasChildren) "." Archive.Debian',
                         r'* LIST (\HasNoChildren) "." Archive.Debian.security', "TAG OK LIST completed")
        # DELETE: the folder and its messages; children stay.
        self.deliver(b"Subject: old\n\nold\n", folder="Archive.Debian")
        self.assertEqual(m.delete("Archive.Debian"), ("OK", [b"DELETE completed"]))
        self.assertEqual(m.delete("Archive.Debian"), ("NO", [b"[NONEXISTENT] no mailbox Archive.Debian"]))
        self.assertEqual(m.delete("INBOX"), ("NO", [b"[CANNOT] INBOX cannot be deleted"]))
        self.assertReply(m, "TAG OK DELETE completed", "TAG NO [NONEXISTENT] no mailbox Archive.Debian",
                         "TAG NO [CANNOT] INBOX cannot be deleted")
        self.assertEqual(sorted(n for n in os.listdir(md) if n.startswith(".")),
                         [".Archive", ".Archive.Debian.security", ".Drafts", ".Entw&APw-rfe", ".Junk", ".Sent", ".Trash"])
        self.assertEqual(m.list('""', "Archive*")[0], "OK")
        self.assertReply(m, r'* LIST (\HasChildren) "." Archive', r'* LIST (\Noselect \HasChildren) "." Archive.Debian',
                         r'* LIST (\HasNoChildren) "." Archive.Debian.security', "TAG OK LIST completed")
        # SUBSCRIBE / UNSUBSCRIBE / LSUB: posthorn-subscriptions, as written.
        self.assertEqual(m.lsub(), ("OK", [None]))
        self.assertReply(m, "TAG OK LSUB completed")
        for name in ("INBOX", "Entw&APw-rfe", "Sent", "Not.there"):
            self.assertEqual(m.subscribe(name), ("OK", [b"SUBSCRIBE completed"]))
        self.assertEqual(m.unsubscribe("Sent"), ("OK", [b"UNSUBSCRIBE completed"]))
        self.assertReply(m, *["TAG OK SUBSCRIBE completed"] * 4 + ["TAG OK UNSUBSCRIBE completed"])
        self.assertEqual(read(os.path.join(md, "posthorn-subscriptions")), b"INBOX\nEntw&APw-rfe\nNot.there\n")
        self.assertEqual(m.lsub('""', "*"), ("OK", [b'() "." INBOX', b'() "." Entw&APw-rfe', b'() "." Not.there']))
        self.assertReply(m, '* LSUB () "." INBOX', '* LSUB () "." Entw&APw-rfe', '* LSUB () "." Not.there',
                         "TAG OK LSUB completed")
        # "Not.there" is subscribed, "Not" is not; RFC 3501 section 6.3.9
        # says LSUB with % MUST return "Not" flagged \Noselect.
        self.assertEqual(m.lsub('""', "%"), ("OK", [b'() "." INBOX', b'() "." Entw&APw-rfe', b'(\\Noselect) "." Not']))
        self.assertReply(m, '* LSUB () "." INBOX', '* LSUB () "." Entw&APw-rfe', r'* LSUB (\Noselect) "." Not',
                         "TAG OK LSUB completed")

    def test_rename_inbox_moves_its_messages(self):
        m = self.imap("imaps")
        self.assertEqual(m.rename("INBOX", '"Old mail"'), ("OK", [b"RENAME completed"]))
        self.assertReply(m, "TAG OK RENAME completed")
        old = os.path.join(self.maildir(BOB), ".Old mail")
        self.assertEqual(sorted(os.listdir(old)), ["cur", "maildirfolder", "new", "tmp"])
        self.assertEqual(self.folder_files(folder="Old mail"),
                         {"new": [os.path.basename(self.paths[0]), os.path.basename(self.paths[2])],
                          "cur": [os.path.basename(self.paths[1])]})
        self.assertEqual(self.folder_files(), {"new": [], "cur": []})
        for path, msg in zip(self.paths, MESSAGES):
            self.assertEqual(read(os.path.join(old, os.path.basename(os.path.dirname(path)), os.path.basename(path))), msg)
        self.assertEqual(m.list('""', "*")[0], "OK")
        self.assertIn(b'* LIST (\\HasNoChildren) "." "Old mail"\r\n', m.take())
        self.assertEqual(m.select('"Old mail"'), ("OK", [b"3"]))
        self.assertIn(b"* 2 RECENT\r\n", m.take())
        self.assertEqual(m.fetch("1:*", "(UID RFC822.SIZE)"),
                         ("OK", [b"1 (UID 1 RFC822.SIZE %d)" % SIZES[0], b"2 (UID 2 RFC822.SIZE %d)" % SIZES[1],
                                 b"3 (UID 3 RFC822.SIZE %d)" % SIZES[2]]))
        self.assertEqual(m.select("INBOX"), ("OK", [b"0"]))
        self.assertIn(b"* 0 EXISTS\r\n", m.take())
        self.assertEqual(m.rename("INBOX", '"Old mail"'), ("NO", [b"[ALREADYEXISTS] mailbox exists"]))

    def test_append(self):
        m = self.imap("imap")
        v = self.uidvalidity_on_disk("Drafts") if os.path.exists(os.path.join(self.folder_dir("Drafts"),
                                                                              "posthorn-uidlist")) else None
        draft = b"From: Bob <bob@example.org>\nTo: alice@example.org\nSubject: draft\n\nline 1\nline 2\n"
        when = 1706789012  # 2024-02-01 12:03:32 UTC
        typ, data = m.append("Drafts", r"(\Draft \Seen $Work)", internaldate(when), draft)
        self.assertEqual(typ, "OK")
        got = m.take().decode()
        g = re.fullmatch(r"\+ Ready for literal data\r\nTAG OK \[APPENDUID (?P<v>[1-9]\d*) 1\] APPEND completed\r\n", got)
        self.assertIsNotNone(g, got)
        self.assertEqual(data, [("[APPENDUID %s 1] APPEND completed" % g.group("v")).encode()])
        self.assertEqual(int(g.group("v")), self.uidvalidity_on_disk("Drafts"))
        if v is not None:
            self.assertEqual(int(g.group("v")), v)
        # On disk: in cur/ with its flags, LF line ends, both sizes in the
        # name, the date as its modification time; the keyword as letter a.
        d = self.folder_dir("Drafts")
        self.assertEqual(entries(os.path.join(d, "new")), [])
        self.assertEqual(entries(os.path.join(d, "tmp")), [])
        names = entries(os.path.join(d, "cur"))
        self.assertEqual(len(names), 1)
        self.assertRegex(names[0], r"\A\d+\.M\d+P\d+Q\d+R[0-9a-f]{16}\.[^,:/]+,S=%d,W=%d:2,DSa\Z"
                         % (len(draft), len(crlf(draft))))
        path = os.path.join(d, "cur", names[0])
        self.assertEqual(read(path), draft)
        self.assertEqual(int(os.stat(path).st_mtime), when)
        self.assertEqual(read(os.path.join(d, "posthorn-keywords")), b"posthorn-keywords 1\n$Work\n")
        # A message with CRLF line ends (as imaplib sends every one) and no
        # flags or date: now, and no :2, letters.
        before = int(time.time())
        self.assertEqual(m.append("Drafts", None, None, b"Subject: two\r\n\r\nbody\r\n")[0], "OK")
        self.assertEqual(m.take(), wire("+ Ready for literal data", "TAG OK [APPENDUID %s 2] APPEND completed" % g.group("v")))
        names = entries(os.path.join(d, "cur"))
        second = [n for n in names if n.endswith(":2,")]
        self.assertEqual(len(second), 1, names)
        self.assertRegex(second[0], r",S=19,W=22:2,\Z")
        self.assertEqual(read(os.path.join(d, "cur", second[0])), b"Subject: two\n\nbody\n")
        self.assertGreaterEqual(int(os.stat(os.path.join(d, "cur", second[0])).st_mtime), before)
        # What a client sees of the first one. Both are \Recent for the
        # first session to select the folder (RFC 3501 §6.3.11).
        self.assertEqual(m.select("Drafts")[0], "OK")
        self.assertIn(b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work)\r\n* 2 EXISTS\r\n* 2 RECENT\r\n"
                      b"* OK [UNSEEN 2] First unseen\r\n"
                      b"* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work \\*)] Limited\r\n",
                      m.take())
        self.assertEqual(m.fetch("1", "(FLAGS INTERNALDATE RFC822.SIZE RFC822)"),
                         ("OK", [(('1 (FLAGS (\\Seen \\Draft $Work \\Recent) INTERNALDATE %s RFC822.SIZE %d RFC822 {%d}'
                                   % (internaldate(when), len(crlf(draft)), len(crlf(draft)))).encode(), crlf(draft)),
                                 b")"]))
        # Refusals.
        self.assertEqual(m.append("Nowhere", None, None, b"Subject: x\r\n\r\nx\r\n"),
                         ("NO", [b"[TRYCREATE] No such mailbox"]))
        self.assertBad("cannot set flag \\Recent", m.append, "Drafts", r"(\Recent)", None, b"Subject: x\r\n\r\nx\r\n")
        self.assertBad("Bad date-time", m.append, "Drafts", None, '"31-Feb-2024 10:00:00 +0000"', b"Subject: x\r\n\r\nx\r\n")
        m.take()
        self.assertEqual(len(entries(os.path.join(d, "cur"))), 2)

    def test_fetch(self):
        m = self.imap("imaps")
        self.select_inbox(m)
        self.assertEqual(m.fetch("1:3", "(FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)")[0], "OK")
        self.assertReply(m, *["* %d FETCH (FLAGS (%s) INTERNALDATE %s RFC822.SIZE %d ENVELOPE %s)"
                                    % (i + 1, fl, internaldate(MTIMES[i]), SIZES[i], env)
                                    for i, (fl, env) in enumerate([("\\Recent", ENVELOPE1), ("\\Seen", ENVELOPE2),
                                                                   ("\\Recent", ENVELOPE3)])], "TAG OK FETCH completed")
        self.assertEqual(m.fetch("1:3", "ALL")[0], "OK")  # the macro: the same items
        self.assertReply(m, *["* %d FETCH (FLAGS (%s) INTERNALDATE %s RFC822.SIZE %d ENVELOPE %s)"
                                    % (i + 1, fl, internaldate(MTIMES[i]), SIZES[i], env)
                                    for i, (fl, env) in enumerate([("\\Recent", ENVELOPE1), ("\\Seen", ENVELOPE2),
                                                                   ("\\Recent", ENVELOPE3)])], "TAG OK FETCH completed")
        self.assertEqual(m.fetch("1:3", "(BODYSTRUCTURE)")[0], "OK")
        self.assertReply(m, "* 1 FETCH (BODYSTRUCTURE %s)" % BODYSTRUCTURE1, "* 2 FETCH (BODYSTRUCTURE %s)" % BODYSTRUCTURE2,
                         "* 3 FETCH (BODYSTRUCTURE %s)" % BODYSTRUCTURE3, "TAG OK FETCH completed")
        self.assertEqual(m.fetch("1:2", "(BODY)")[0], "OK")
        self.assertReply(m, "* 1 FETCH (BODY %s)" % BODY1, "* 2 FETCH (BODY %s)" % BODY2, "TAG OK FETCH completed")
        # PEEK sections: no \Seen.
        fields = b"From: Alice Example <alice@example.org>\r\nSubject: Lunch on Friday\r\n\r\n"
        self.assertEqual(m.fetch("1", "(BODY.PEEK[HEADER.FIELDS (From Subject)])"),
                         ("OK", [(b"1 (BODY[HEADER.FIELDS (FROM SUBJECT)] {%d}" % len(fields), fields), b")"]))
        self.assertReply(m, b"* 1 FETCH (BODY[HEADER.FIELDS (FROM SUBJECT)] " + literal(fields) + b")",
                         "TAG OK FETCH completed")
        self.assertEqual(m.fetch("1", "(BODY.PEEK[]<0.10>)"),
                         ("OK", [(b"1 (BODY[]<0> {10}", b"Return-Pa"[:9] + b"t"), b")"]))
        self.assertReply(m, b"* 1 FETCH (BODY[]<0> {10}\r\nReturn-Pat)", "TAG OK FETCH completed")
        self.assertEqual(m.fetch("1", "(BODY.PEEK[TEXT]<20.1000>)")[0], "OK")
        self.assertReply(m, b"* 1 FETCH (BODY[TEXT]<20> " + literal(text_of(MSG1)[20:]) + b")", "TAG OK FETCH completed")
        self.assertEqual(m.fetch("1", "(RFC822.HEADER)")[0], "OK")
        self.assertReply(m, b"* 1 FETCH (RFC822.HEADER " + literal(header_of(MSG1)) + b")", "TAG OK FETCH completed")
        part1_mime = b"Content-Type: text/plain; charset=us-ascii\r\n\r\n"
        self.assertEqual(m.fetch("2", "(BODY.PEEK[1.MIME] BODY.PEEK[1] BODY.PEEK[2])")[0], "OK")
        self.assertReply(m, b"* 2 FETCH (BODY[1.MIME] " + literal(part1_mime) + b" BODY[1] "
                         + literal(b"See the report.") + b" BODY[2] " + literal(b"JVBERi0xLjQKJcTl8uXrCg==") + b")",
                         "TAG OK FETCH completed")
        self.assertEqual(m.fetch("2", "(BODY.PEEK[3])")[0], "OK")  # no such part
        self.assertReply(m, "* 2 FETCH (BODY[3] NIL)", "TAG OK FETCH completed")
        self.assertEqual(self.folder_files(), {"new": [], "cur": sorted(
            [self.bases[0] + ":2,", self.bases[1] + ":2,S", self.bases[2] + ":2,"])})
        # Without PEEK, \Seen is set, told as FLAGS, and the file renamed.
        self.assertEqual(m.fetch("1", "(BODY[TEXT])"),
                         ("OK", [(b"1 (BODY[TEXT] {42}", text_of(MSG1)), b" FLAGS (\\Seen \\Recent))"]))
        self.assertReply(m, b"* 1 FETCH (BODY[TEXT] " + literal(text_of(MSG1)) + b" FLAGS (\\Seen \\Recent))",
                         "TAG OK FETCH completed")
        self.assertEqual(self.cur(), sorted([self.bases[0] + ":2,S", self.bases[1] + ":2,S", self.bases[2] + ":2,"]))
        self.assertEqual(read(self.cur_file(1, "S")), MSG1)  # renamed, not rewritten
        # Asked for again: already seen, so no FLAGS.
        self.assertEqual(m.fetch("1", "(UID RFC822.TEXT)")[0], "OK")
        self.assertReply(m, b"* 1 FETCH (UID 1 RFC822.TEXT " + literal(text_of(MSG1)) + b")", "TAG OK FETCH completed")
        self.assertEqual(m.fetch("3", "(RFC822)"),
                         ("OK", [(b"3 (RFC822 {%d}" % SIZES[2], crlf(MSG3)), b" FLAGS (\\Seen \\Recent))"]))
        self.assertReply(m, b"* 3 FETCH (RFC822 " + literal(crlf(MSG3)) + b" FLAGS (\\Seen \\Recent))",
                         "TAG OK FETCH completed")
        self.assertEqual(m.fetch("2", "(BODY[])")[0], "OK")  # seen already: no FLAGS
        self.assertReply(m, b"* 2 FETCH (BODY[] " + literal(crlf(MSG2)) + b")", "TAG OK FETCH completed")
        self.assertEqual(self.cur(), sorted([self.bases[0] + ":2,S", self.bases[1] + ":2,S", self.bases[2] + ":2,S"]))
        # UID FETCH: the UID first; unknown UIDs are ignored.
        self.assertEqual(m.uid("FETCH", "2:9", "(FLAGS RFC822.SIZE)")[0], "OK")
        self.assertReply(m, "* 2 FETCH (UID 2 FLAGS (\\Seen) RFC822.SIZE %d)" % SIZES[1],
                         "* 3 FETCH (UID 3 FLAGS (\\Seen \\Recent) RFC822.SIZE %d)" % SIZES[2], "TAG OK UID FETCH completed")
        self.assertBad("Invalid message number", m.fetch, "4", "(FLAGS)")
        self.assertReply(m, "TAG BAD Invalid message number")
        self.assertBad("Bad section in BODY[TEXTS]", m.fetch, "1", "(BODY[TEXTS])")
        self.assertReply(m, "TAG BAD Bad section in BODY[TEXTS]")

    def test_store(self):
        m = self.imap("imap")
        self.select_inbox(m)
        self.assertEqual(m.store("1", "+FLAGS", r"(\Flagged \Answered)"),
                         ("OK", [b"1 (FLAGS (\\Answered \\Flagged \\Recent))"]))
        self.assertReply(m, r"* 1 FETCH (FLAGS (\Answered \Flagged \Recent))", "TAG OK STORE completed")
        self.assertEqual(self.cur()[0], self.bases[0] + ":2,FR")
        self.assertEqual(m.store("1:2", "+FLAGS", "(Work $Label1)"),
                         ("OK", [b"1 (FLAGS (\\Answered \\Flagged Work $Label1 \\Recent))",
                                 b"2 (FLAGS (\\Seen Work $Label1))"]))
        self.assertReply(m, r"* 1 FETCH (FLAGS (\Answered \Flagged Work $Label1 \Recent))",
                         r"* 2 FETCH (FLAGS (\Seen Work $Label1))", "TAG OK STORE completed")
        self.assertEqual(read(os.path.join(self.maildir(BOB), "posthorn-keywords")), b"posthorn-keywords 1\nWork\n$Label1\n")
        self.assertEqual(self.cur(), sorted([self.bases[0] + ":2,FRab", self.bases[1] + ":2,Sab", self.bases[2] + ":2,"]))
        self.assertEqual(m.store("1", "-FLAGS", r"(\Answered work)"),
                         ("OK", [b"1 (FLAGS (\\Flagged $Label1 \\Recent))"]))
        self.assertReply(m, r"* 1 FETCH (FLAGS (\Flagged $Label1 \Recent))", "TAG OK STORE completed")
        self.assertEqual(self.cur()[0], self.bases[0] + ":2,Fb")
        self.assertEqual(m.store("2", "FLAGS", r"(\Draft \Seen)"), ("OK", [b"2 (FLAGS (\\Seen \\Draft))"]))
        self.assertReply(m, r"* 2 FETCH (FLAGS (\Seen \Draft))", "TAG OK STORE completed")
        self.assertEqual(self.cur()[1], self.bases[1] + ":2,DS")
        self.assertEqual(m.store("1:3", "+FLAGS.SILENT", r"(\Deleted)"), ("OK", [None]))
        self.assertReply(m, "TAG OK STORE completed")
        self.assertEqual(self.cur(), sorted([self.bases[0] + ":2,FTb", self.bases[1] + ":2,DST", self.bases[2] + ":2,T"]))
        self.assertEqual(m.store("3", "FLAGS.SILENT", "()"), ("OK", [None]))
        self.assertEqual(m.uid("STORE", "2", "-FLAGS", r"(\Deleted \Draft)"), ("OK", [b"2 (UID 2 FLAGS (\\Seen))"]))
        self.assertReply(m, "TAG OK STORE completed", r"* 2 FETCH (UID 2 FLAGS (\Seen))", "TAG OK UID STORE completed")
        self.assertEqual(self.cur(), sorted([self.bases[0] + ":2,FTb", self.bases[1] + ":2,S", self.bases[2] + ":2,"]))
        self.assertEqual(m.uid("STORE", "1", "+FLAGS.SILENT", r"(\Seen)"), ("OK", [None]))
        self.assertReply(m, "TAG OK UID STORE completed")
        self.assertEqual(self.cur()[0], self.bases[0] + ":2,FSTb")
        # Refused: \Recent, unknown system flags, bad items.
        self.assertBad("cannot set flag \\Recent", m.store, "1", "+FLAGS", r"(\Recent)")
        self.assertBad("cannot set flag \\Bogus", m.store, "1", "+FLAGS", r"(\Bogus)")
        self.assertBad("Unknown STORE item FLIPS", m.store, "1", "FLIPS", r"(\Seen)")
        self.assertReply(m, r"TAG BAD cannot set flag \Recent", r"TAG BAD cannot set flag \Bogus",
                         "TAG BAD Unknown STORE item FLIPS")
        # Another session sees the flags (and keywords) as stored.
        other = self.imap("imaps")
        self.assertEqual(other.select("INBOX")[0], "OK")
        self.assertIn(b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft Work $Label1)\r\n", other.take())
        self.assertEqual(other.fetch("1:3", "(FLAGS)"),
                         ("OK", [b"1 (FLAGS (\\Seen \\Flagged \\Deleted $Label1))", b"2 (FLAGS (\\Seen))", b"3 (FLAGS ())"]))

    def test_copy_move_expunge_close(self):
        m = self.imap("imaps")
        v = self.select_inbox(m)
        self.assertEqual(m.store("2", "+FLAGS", "(Work)")[0], "OK")
        self.assertEqual(m.create("Archive")[0], "OK")
        m.take()
        # COPY: hard links under new names, flags and keywords kept.
        typ, data = m.copy("1:2", "Trash")
        got = m.take().decode()
        g = re.fullmatch(r"TAG OK \[COPYUID (?P<v>[1-9]\d*) 1:2 1:2\] COPY completed\r\n", got)
        self.assertIsNotNone(g, got)
        self.assertEqual((typ, data), ("OK", [got[len("TAG OK "):-2].encode()]))
        self.assertEqual(int(g.group("v")), self.uidvalidity_on_disk("Trash"))
        trash = self.cur("Trash")
        self.assertEqual(len(trash), 2)
        self.assertRegex(trash[0] + " " + trash[1], r"\A\S+,S=%d,W=%d:2, \S+,S=%d,W=%d:2,Sa\Z"
                         % (len(MSG1), SIZES[0], len(MSG2), SIZES[1]))
        t1 = os.path.join(self.folder_dir("Trash"), "cur", trash[0])
        self.assertEqual(read(t1), MSG1)
        self.assertEqual(os.stat(t1).st_ino, os.stat(self.cur_file(1, "")).st_ino)
        self.assertEqual(read(os.path.join(self.folder_dir("Trash"), "posthorn-keywords")), b"posthorn-keywords 1\nWork\n")
        self.assertEqual(m.copy("1", "Nowhere"), ("NO", [b"[TRYCREATE] No such mailbox"]))
        m.take()
        # UID COPY.
        self.assertEqual(m.uid("COPY", "3", "Trash"), ("OK", [None]))
        self.assertReply(m, "TAG OK [COPYUID %s 3 3] UID COPY completed" % g.group("v"))
        # MOVE: COPYUID in an untagged OK, then the EXPUNGE.
        self.assertEqual(m._simple_command("MOVE", "2", "Archive")[0], "OK")
        got = m.take().decode()
        a = re.fullmatch(r"\* OK \[COPYUID (?P<v>[1-9]\d*) 2 1\] Moved\r\n\* 2 EXPUNGE\r\nTAG OK MOVE completed\r\n", got)
        self.assertIsNotNone(a, got)
        self.assertEqual(self.cur("Archive"), [self.cur("Archive")[0]])
        self.assertRegex(self.cur("Archive")[0], r",S=%d,W=%d:2,Sa\Z" % (len(MSG2), SIZES[1]))
        self.assertEqual(read(os.path.join(self.folder_dir("Archive"), "cur", self.cur("Archive")[0])), MSG2)
        self.assertEqual(self.cur(), sorted([self.bases[0] + ":2,", self.bases[2] + ":2,"]))
        # UID MOVE of UID 3, now message 2.
        self.assertEqual(m.uid("MOVE", "3", "Archive")[0], "OK")
        self.assertReply(m, "* OK [COPYUID %s 3 2] Moved" % a.group("v"), "* 2 EXPUNGE", "TAG OK UID MOVE completed")
        self.assertEqual(self.cur(), [self.bases[0] + ":2,"])
        self.assertEqual(len(self.cur("Archive")), 2)
        # EXPUNGE after CHECK; UID EXPUNGE expunges only the UIDs named.
        self.assertEqual(m.check(), ("OK", [b"CHECK completed"]))
        self.assertReply(m, "TAG OK CHECK completed")
        self.assertEqual(m.select("Trash"), ("OK", [b"3"]))
        m.take()
        self.assertEqual(m.store("1:3", "+FLAGS.SILENT", r"(\Deleted)")[0], "OK")
        self.assertEqual(m.uid("EXPUNGE", "2"), ("OK", [None]))
        self.assertReply(m, "TAG OK STORE completed", "* 2 EXPUNGE", "TAG OK UID EXPUNGE completed")
        self.assertEqual(len(self.cur("Trash")), 2)
        self.assertEqual(m.store("2", "-FLAGS.SILENT", r"(\Deleted)")[0], "OK")
        # imaplib hands over every EXPUNGE since the SELECT: UID EXPUNGE's too.
        self.assertEqual(m.expunge(), ("OK", [b"2", b"1"]))
        self.assertReply(m, "TAG OK STORE completed", "* 1 EXPUNGE", "TAG OK EXPUNGE completed")
        trash = self.cur("Trash")
        self.assertEqual(len(trash), 1)
        self.assertEqual(read(os.path.join(self.folder_dir("Trash"), "cur", trash[0])), MSG3)
        # CLOSE removes \Deleted silently; EXAMINE then CLOSE removes nothing.
        self.assertEqual(m.select("Archive"), ("OK", [b"2"]))
        m.take()
        self.assertEqual(m.store("1", "+FLAGS.SILENT", r"(\Deleted)")[0], "OK")
        self.assertEqual(m.close(), ("OK", [b"CLOSE completed"]))
        self.assertReply(m, "TAG OK STORE completed", "TAG OK CLOSE completed")
        self.assertEqual(len(self.cur("Archive")), 1)
        self.assertEqual(read(os.path.join(self.folder_dir("Archive"), "cur", self.cur("Archive")[0])), MSG3)
        self.assertEqual(m.select("INBOX")[0], "OK")
        self.assertEqual(m.store("1", "+FLAGS.SILENT", r"(\Deleted)")[0], "OK")
        self.assertEqual(m.select("INBOX", readonly=True)[0], "OK")
        self.assertEqual(m.close(), ("OK", [b"CLOSE completed"]))
        self.assertEqual(self.cur(), [self.bases[0] + ":2,T"])
        self.assertEqual(m.noop(), ("OK", [b"NOOP completed"]))
        self.assertEqual(self.uidvalidity_on_disk(), v)

    def test_idle_reports_mda_delivery(self):
        m = self.imap("imap")
        self.select_inbox(m)
        m.sock.settimeout(5)
        tag = m.raw(b"IDLE")
        self.assertEqual(m.raw_line(), b"+ idling\r\n")
        time.sleep(0.2)
        msg = b"From: Carol <carol@example.net>\nSubject: while idling\n\nnews\n"
        r = subprocess.run([MDA, "-c", self.conf, "-m", self.maildir(BOB)], input=msg, capture_output=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        # Within the socket's 5 s: inotify makes it moments, but a loaded
        # test machine must not fail on time.
        self.assertEqual(m.raw_line(), b"* 4 EXISTS\r\n")
        # RFC 3501 section 7.3.2: RECENT follows; 1, 3 and the new one.
        self.assertEqual(m.raw_line(), b"* 3 RECENT\r\n")
        m.send(b"DONE\r\n")
        self.assertEqual(m.raw_line(), tag + b" OK IDLE terminated\r\n")
        m.take()
        # The new message was claimed by this session: in cur/, \Recent.
        self.assertEqual(m.fetch("4", "(UID FLAGS RFC822.SIZE BODY.PEEK[])"),
                         ("OK", [(b"4 (UID 4 FLAGS (\\Recent) RFC822.SIZE %d BODY[] {%d}" % (len(crlf(msg)), len(crlf(msg))),
                                  crlf(msg)), b")"]))
        self.assertEqual(self.folder_files()["new"], [])
        # Another session's flag change and expunge arrive during IDLE too.
        other = self.imap("imaps")
        self.assertEqual(other.select("INBOX")[0], "OK")
        tag = m.raw(b"IDLE")
        self.assertEqual(m.raw_line(), b"+ idling\r\n")
        self.assertEqual(other.store("2", "+FLAGS", r"(\Flagged)")[0], "OK")
        self.assertEqual(m.raw_line(), b"* 2 FETCH (UID 2 FLAGS (\\Seen \\Flagged))\r\n")
        self.assertEqual(other.store("1", "+FLAGS.SILENT", r"(\Deleted)")[0], "OK")
        self.assertEqual(m.raw_line(), b"* 1 FETCH (UID 1 FLAGS (\\Deleted \\Recent))\r\n")
        self.assertEqual(other.expunge()[0], "OK")
        self.assertEqual(m.raw_line(), b"* 1 EXPUNGE\r\n")
        m.send(b"DONE\r\n")
        self.assertEqual(m.raw_line(), tag + b" OK IDLE terminated\r\n")


class SearchTest(ClientTestCase):
    """SEARCH through imaplib; skipped while imapd does not know SEARCH."""

    def setUp(self):
        super().setUp()
        self.m = self.imap("imaps")
        self.select_inbox(self.m)
        try:
            self.m.search(None, "ALL")
        except imaplib.IMAP4.error as e:
            if "BAD [b'Unknown command SEARCH']" not in str(e):
                raise
            self.skipTest("imapd does not support SEARCH yet (BAD Unknown command SEARCH)")

    def search(self, *criteria, charset=None, literal=None, uid=False):
        """The numbers (or UIDs) SEARCH answers; checks the exact reply."""
        m = self.m
        m.take()
        if literal is not None:
            m.literal = literal
        typ, data = m.uid("SEARCH", *(["CHARSET", charset] if charset else []) + list(criteria)) if uid \
            else m.search(charset, *criteria)
        self.assertEqual(typ, "OK", data)
        got = m.take()
        lines = got.split(b"\r\n")
        if literal is not None:
            self.assertEqual(lines[0], b"+ Ready for literal data")
            lines = lines[1:]
        self.assertEqual(len(lines), 3, got)
        self.assertEqual(lines[1], b"TAG OK UID SEARCH completed" if uid else b"TAG OK SEARCH completed")
        self.assertEqual(lines[2], b"")
        self.assertRegex(lines[0], rb"\A\* SEARCH( [1-9]\d*)*\Z")
        numbers = [int(n) for n in lines[0].split()[2:]]
        self.assertEqual(data, [" ".join(map(str, numbers)).encode()])
        return numbers

    def test_search(self):
        self.assertEqual(self.search("ALL"), [1, 2, 3])
        self.assertEqual(self.search("FROM", "alice"), [1])
        self.assertEqual(self.search("FROM", '"Carol Q. Public"'), [2])
        self.assertEqual(self.search("TO", "alice@example.org"), [2])
        self.assertEqual(self.search("SUBJECT", "REPORT"), [2])  # case-insensitive
        self.assertEqual(self.search("BODY", "noon"), [1])
        self.assertEqual(self.search("BODY", "Subject"), [])  # the body only, not the header
        self.assertEqual(self.search("TEXT", "Subject"), [1, 2, 3])
        self.assertEqual(self.search("HEADER", "Message-ID", "report-2"), [2])
        self.assertEqual(self.search("SINCE", "16-Jan-2024"), [2, 3])
        self.assertEqual(self.search("BEFORE", "16-Jan-2024"), [1])
        self.assertEqual(self.search("ON", "16-Jan-2024"), [2])
        self.assertEqual(self.search("SENTBEFORE", "16-Jan-2024"), [1])
        self.assertEqual(self.search("LARGER", str(SIZES[2])), [2])  # strictly larger: 627 > 340
        self.assertEqual(self.search("SMALLER", str(SIZES[2])), [1])
        self.assertEqual(self.search("SEEN"), [2])
        self.assertEqual(self.search("UNSEEN"), [1, 3])
        self.assertEqual(self.search("RECENT"), [1, 3])
        self.assertEqual(self.search("OR", "FROM", "alice", "SUBJECT", "report"), [1, 2])
        self.assertEqual(self.search("NOT", "FROM", "alice"), [2, 3])
        self.assertEqual(self.search("NOT", "SEEN", "SINCE", "16-Jan-2024"), [3])
        self.assertEqual(self.search("2:3", "UNSEEN"), [3])
        self.assertEqual(self.search("UID", "1,3"), [1, 3])

    def test_search_charset_utf8_and_encoded_words(self):
        # The subject is an RFC 2047 encoded word: searched decoded.
        self.assertEqual(self.search("SUBJECT", charset="UTF-8", literal="Gr\u00fc\u00dfe".encode()), [3])
        self.assertEqual(self.search("FROM", charset="UTF-8", literal="M\u00fcller".encode()), [3])
        self.assertEqual(self.search("BODY", charset="UTF-8", literal="sch\u00f6ne".encode()), [3])
        self.assertEqual(self.search("SUBJECT", "aus", charset="US-ASCII"), [3])
        m = self.m
        m.take()
        typ, data = m.search("KOI8-R", "ALL")
        self.assertEqual(typ, "NO")
        # The text after the code is imapd's to choose (man/imapd.8 names the code only).
        self.assertRegex(m.take(), rb"\ATAG NO \[BADCHARSET \(US-ASCII UTF-8\)\] [^\r\n]+\r\n\Z")

    def test_uid_search_after_expunge(self):
        m = self.m
        self.assertEqual(m.store("1", "+FLAGS.SILENT", r"(\Deleted)")[0], "OK")
        self.assertEqual(m.expunge()[0], "OK")
        m.take()
        self.assertEqual(self.search("ALL"), [1, 2])
        self.assertEqual(self.search("ALL", uid=True), [2, 3])
        self.assertEqual(self.search("SUBJECT", "report", uid=True), [2])
        self.assertEqual(self.search("UID", "3", uid=True), [3])
        self.assertEqual(self.search("UID", "3"), [2])
        self.assertEqual(self.search("SUBJECT", charset="UTF-8", literal="Gr\u00fc\u00dfe".encode(), uid=True), [3])


@unittest.skipUnless(shutil.which("curl"), "curl is not installed")
class CurlTest(ClientTestCase):

    def curl(self, url, *args, ok=True):
        r = subprocess.run(["curl", "-sS", "-v", "--max-time", "20", "-u", "%s:%s" % (BOB, PASSWORD)]
                           + list(args) + [url], capture_output=True, timeout=30)
        err = r.stderr.decode("utf-8", "replace")
        if ok:
            self.assertEqual(r.returncode, 0, err + "\nimapd log:\n" + self.log_text())
        return r.stdout, err

    def wait_disconnects(self, n):
        wait_for(lambda: self.log_text().count("disconnect from") >= n, 10, "%d disconnects" % n)

    def test_curl_starttls_lists_folders(self):
        out, err = self.curl("imap://127.0.0.1:%d/" % self.port["imap"], "--ssl-reqd", "-k")
        self.assertEqual(out, wire(r'* LIST (\HasNoChildren) "." INBOX', r'* LIST (\HasNoChildren \Drafts) "." Drafts',
                                   r'* LIST (\HasNoChildren \Junk) "." Junk', r'* LIST (\HasNoChildren \Sent) "." Sent',
                                   r'* LIST (\HasNoChildren \Trash) "." Trash'))
        self.assertIn("> A002 STARTTLS", err)
        self.assertRegex(err, r"SSL connection using TLSv1\.[23]")
        self.wait_disconnects(1)
        self.assertRegex(self.log_text(), r"login: user=<bob@example\.org>, method=(PLAIN|LOGIN), tls=yes")
        self.assertNotIn(PASSWORD, self.log_text())
        # Only listed: nothing moved.
        self.assertEqual(self.folder_files()["new"], [os.path.basename(self.paths[0]), os.path.basename(self.paths[2])])

    def test_curl_imaps_fetch_by_uid(self):
        url = "imaps://127.0.0.1:%d/INBOX" % self.port["imaps"]
        out, err = self.curl(url + ";UID=1", "-k")
        # The message as stored, with CRLF line ends, byte for byte.
        self.assertEqual(out, crlf(MSG1))
        self.assertRegex(err, r"> A\d+ UID FETCH 1 BODY\[\]")
        out, err = self.curl(url + ";UID=2", "-k")
        self.assertEqual(out, crlf(MSG2))
        out, err = self.curl(url + ";UID=3;SECTION=TEXT", "-k")
        self.assertEqual(out, text_of(MSG3))
        out, err = self.curl(url + ";UID=2;SECTION=1.MIME", "-k")
        self.assertEqual(out, b"Content-Type: text/plain; charset=us-ascii\r\n\r\n")
        self.wait_disconnects(4)
        # SELECT claimed the new mail; BODY[] (no PEEK) set \Seen on each.
        self.assertEqual(self.folder_files(), {"new": [], "cur": sorted(
            [self.bases[0] + ":2,S", self.bases[1] + ":2,S", self.bases[2] + ":2,S"])})
        # A UID that names no message: curl fails, and nothing is written.
        r = subprocess.run(["curl", "-sS", "--max-time", "20", "-k", "-u", "%s:%s" % (BOB, PASSWORD), url + ";UID=9"],
                           capture_output=True, timeout=30)
        self.assertEqual(r.returncode, 78, r.stderr)  # CURLE_REMOTE_FILE_NOT_FOUND
        self.assertEqual(r.stdout, b"")

    def test_curl_imaps_search(self):
        url = "imaps://127.0.0.1:%d/INBOX" % self.port["imaps"]
        out, err = self.curl(url + "?ALL", "-k", ok=False)
        if "BAD Unknown command SEARCH" in err:
            self.skipTest("imapd does not support SEARCH yet (BAD Unknown command SEARCH)")
        self.assertEqual(out, b"* SEARCH 1 2 3\r\n", err)
        out, err = self.curl(url + "?UNSEEN", "-k")
        self.assertEqual(out, b"* SEARCH 1 3\r\n")
        out, err = self.curl(url + "?SUBJECT%20report", "-k")
        self.assertEqual(out, b"* SEARCH 2\r\n")

    def test_curl_upload_appends(self):
        upload = os.path.join(self.root, "upload.eml")
        msg = b"From: Bob <bob@example.org>\r\nTo: alice@example.org\r\nSubject: sent by curl\r\n\r\nHello.\r\n"
        with open(upload, "wb") as f:
            f.write(msg)
        out, err = self.curl("imaps://127.0.0.1:%d/Sent" % self.port["imaps"], "-k", "-T", upload)
        self.assertRegex(err, r"> A\d+ APPEND Sent \(\\Seen\) \{%d\}" % len(msg))
        self.assertRegex(err, r"< A\d+ OK \[APPENDUID [1-9]\d* 1\] APPEND completed")
        names = self.cur("Sent")
        self.assertEqual(len(names), 1)
        stored = msg.replace(b"\r\n", b"\n")
        self.assertRegex(names[0], r",S=%d,W=%d:2,S\Z" % (len(stored), len(msg)))
        self.assertEqual(read(os.path.join(self.folder_dir("Sent"), "cur", names[0])), stored)
        # And back, as sent.
        out, err = self.curl("imaps://127.0.0.1:%d/Sent;UID=1" % self.port["imaps"], "-k")
        self.assertEqual(out, msg)

    def test_curl_custom_request_examine(self):
        url = "imaps://127.0.0.1:%d/" % self.port["imaps"]
        out, err = self.curl(url, "-k", "-X", "EXAMINE INBOX")
        v = self.uidvalidity_on_disk()
        got = out.decode()
        self.assertRegex(got, r"\A" + re.escape(wire(FLAGS, "* 3 EXISTS").decode())
                         + r"\* [02] RECENT\r\n"  # 2 by RFC 3501 section 2.3.2; see test_examine_first_shows_new_mail_as_recent
                         + re.escape(wire("* OK [UNSEEN 1] First unseen", "* OK [PERMANENTFLAGS ()] Limited",
                                          "* OK [UIDVALIDITY %d] UIDs valid" % v,
                                          "* OK [UIDNEXT 4] Predicted next UID").decode())
                         + r"\* OK \[HIGHESTMODSEQ [1-9]\d*\] Highest\r\n\Z")
        self.assertIn("OK [READ-ONLY] EXAMINE completed", err)
        # EXAMINE moves nothing out of new/.
        self.assertEqual(self.folder_files()["new"], [os.path.basename(self.paths[0]), os.path.basename(self.paths[2])])
        out, err = self.curl(url, "-k", "-X", "STATUS INBOX (MESSAGES UNSEEN)")
        self.assertEqual(out, b"* STATUS INBOX (MESSAGES 3 UNSEEN 2)\r\n")


@unittest.skipUnless(shutil.which("mutt"), "mutt is not installed (make deps)")
class MuttTest(ClientTestCase):
    """mutt in batch mode over IMAPS: its keystrokes come from `push` in
    the muttrc, it runs on a pseudo-terminal that nobody types into, and
    it ends with <quit>. What it did is read from the Maildir."""

    def mutt(self, keys, mailbox=None, timeout=60):
        """Runs mutt on bob's INBOX (or `mailbox`) with `keys` pushed;
        returns what it wrote to its terminal."""
        import fcntl
        import select
        import struct
        import termios
        home = os.path.join(self.root, "mutt-home")
        os.makedirs(home, exist_ok=True)
        rc = os.path.join(home, "muttrc")
        with open(rc, "w") as f:
            f.write('set imap_user="%s"\n' % BOB
                    + 'set imap_pass="%s"\n' % PASSWORD
                    + 'set folder="imaps://127.0.0.1:%d/"\n' % self.port["imaps"]
                    + 'set spoolfile="+INBOX"\n'
                    + 'set certificate_file="%s"\n' % self.cert    # trust the test's self-signed certificate
                    + 'set ssl_verify_host=no\n'
                    + 'set imap_passive=yes\n'
                    + 'set imap_check_subscribed=no\n'
                    + 'set header_cache=""\nset message_cachedir=""\n'
                    + 'set sort=mailbox-order\n'
                    + 'set delete=yes\nset quit=yes\nset confirmappend=no\nset confirmcreate=no\n'
                    + 'set move=no\nset mark_old=no\nset wait_key=no\nset beep=no\n'
                    + 'set record=""\nset postponed=""\n'
                    + 'push "%s"\n' % keys)
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "TERM": "xterm", "LC_ALL": "C.UTF-8",
               "MAIL": "", "MAILDIR": ""}
        p = subprocess.Popen(["mutt", "-n", "-F", rc] + (["-f", mailbox] if mailbox else []), stdin=slave, stdout=slave, stderr=slave, env=env,
                             start_new_session=True, cwd=home)
        os.close(slave)
        screen = b""
        deadline = time.monotonic() + timeout
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    p.kill()
                    p.wait()
                    self.fail("mutt did not finish within %ds; its screen:\n%s\nimapd log:\n%s"
                              % (timeout, screen[-3000:].decode("utf-8", "replace"), self.log_text()))
                ready, _, _ = select.select([master], [], [], min(left, 0.5))
                if ready:
                    try:
                        chunk = os.read(master, 65536)
                    except OSError:  # EIO: the terminal's other side is closed
                        chunk = b""
                    if not chunk:
                        break
                    screen += chunk
                elif p.poll() is not None:
                    break
        finally:
            os.close(master)
        self.assertEqual(p.wait(10), 0, screen[-3000:].decode("utf-8", "replace"))
        return screen.decode("utf-8", "replace")

    def wait_logout(self, n=1):
        wait_for(lambda: self.log_text().count("disconnect from") >= n, 10, "mutt's session to end")

    def test_mutt_reads_a_message(self):
        # Message 1 (the first in mailbox order, where mutt starts) is shown
        # in the pager, then piped out raw: the bytes mutt got.
        out = os.path.join(self.root, "piped.eml")
        screen = self.mutt("<display-message><exit><pipe-message>cat > %s<enter><sync-mailbox><quit>" % out)
        self.wait_logout()
        self.assertIn("Authenticating (PLAIN)...", screen)
        self.assertIn("Lunch on Friday", screen)
        self.assertEqual(read(out), MSG1)
        self.assertRegex(self.log_text(), r"login: user=<bob@example\.org>, method=PLAIN, tls=yes")
        # Read: \Seen, in the file name.
        self.assertEqual(self.folder_files(), {"new": [], "cur": sorted(
            [self.bases[0] + ":2,S", self.bases[1] + ":2,S", self.bases[2] + ":2,"])})
        self.assertEqual(read(self.cur_file(1, "S")), MSG1)

    def test_mutt_flags_a_message(self):
        self.mutt("<next-entry><flag-message><sync-mailbox><quit>")
        self.wait_logout()
        self.assertEqual(self.folder_files(), {"new": [], "cur": sorted(
            [self.bases[0] + ":2,", self.bases[1] + ":2,FS", self.bases[2] + ":2,"])})
        self.assertEqual(read(self.cur_file(2, "FS")), MSG2)

    def test_mutt_saves_a_message_to_another_folder(self):
        self.mutt("<next-entry><save-message>=Archive<enter><sync-mailbox><quit>")
        self.wait_logout()
        archive = self.folder_dir("Archive")
        self.assertTrue(os.path.isfile(os.path.join(archive, "maildirfolder")))
        names = self.cur("Archive")
        self.assertEqual(len(names), 1, self.folder_files(folder="Archive"))
        self.assertRegex(names[0], r",S=%d,W=%d:2,S\Z" % (len(MSG2), SIZES[1]))
        self.assertEqual(read(os.path.join(archive, "cur", names[0])), MSG2)
        # Gone from INBOX (mutt marks it deleted and expunges it at the sync).
        self.assertEqual(self.folder_files(), {"new": [], "cur": sorted([self.bases[0] + ":2,", self.bases[2] + ":2,"])})

    def test_mutt_deletes_a_message(self):
        self.mutt("<last-entry><delete-message><sync-mailbox><quit>")
        self.wait_logout()
        self.assertEqual(self.folder_files(), {"new": [], "cur": sorted([self.bases[0] + ":2,", self.bases[1] + ":2,S"])})
        self.assertFalse(os.path.exists(self.cur_file(3, "T")))


    def test_mutt_uploads_from_a_local_maildir(self):
        # Saving from a Maildir on the host into an IMAP folder is APPEND,
        # with the message's flags and its date (the file's mtime).
        local = os.path.join(self.root, "local")
        for sub in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(local, sub))
        msg = b"From: Dave <dave@example.com>\nTo: bob@example.org\nSubject: from the old box\nDate: Fri, 05 Jan 2024 09:00:00 +0000\n\nkept\n"
        path = os.path.join(local, "cur", "1704445200.M1P1.oldhost:2,FS")
        with open(path, "wb") as f:
            f.write(msg)
        when = 1704445200  # 2024-01-05 09:00:00 UTC
        os.utime(path, (when, when))
        screen = self.mutt("<save-message>=Archive<enter><sync-mailbox><quit>", mailbox=local)
        self.wait_logout()
        names = self.cur("Archive")
        self.assertEqual(len(names), 1, screen[-2000:])
        stored = os.path.join(self.folder_dir("Archive"), "cur", names[0])
        # mutt sends the message with its own status fields added (as it
        # writes an mbox); imapd stores what came, with LF line ends.
        sent = msg.replace(b"\n\n", b"\nStatus: RO\nX-Status: F\nContent-Length: 5\n\n", 1)
        self.assertEqual(read(stored), sent)
        self.assertRegex(names[0], r",S=%d,W=%d:2,FS\Z" % (len(sent), len(crlf(sent))))
        self.assertEqual(int(os.stat(stored).st_mtime), when)
        # mutt removed it from the local Maildir after the save.
        self.assertEqual(entries(os.path.join(local, "cur")), [])

@unittest.skipUnless(shutil.which("fetchmail"), "fetchmail is not installed")
class FetchmailTest(ClientTestCase):
    """fetchmail over IMAP, handing each message to `mda -m` for a second
    Maildir, and deleting it on the server (nokeep)."""

    def fetchmail_rc(self, server_options, extra=""):
        """A private rc file: bob's mail, nokeep, delivered by `mda -m OTHER`.
        Returns (argv, env, OTHER)."""
        home = os.path.join(self.root, "fetchmail-home")
        os.mkdir(home, 0o700)
        other = os.path.join(self.root, "other-maildir")
        rc = os.path.join(home, "fetchmailrc")
        with open(rc, "w") as f:
            f.write('set no bouncemail\n'
                    'set no syslog\n'
                    'set invisible\n'
                    'poll 127.0.0.1 with protocol IMAP and service %s timeout 20:\n'
                    '  user "%s" there with password "%s" is "root" here\n'
                    '  %s\n'
                    '  nokeep fetchall norewrite %s\n'
                    '  mda "%s -c %s -m %s"\n'
                    % (server_options[0], BOB, PASSWORD, server_options[1], extra, MDA, self.conf, other))
        os.chmod(rc, 0o600)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "FETCHMAILHOME": home, "LC_ALL": "C"}
        argv = ["fetchmail", "-f", rc, "--nodetach", "-N", "--nosyslog", "-v",
                "--pidfile", os.path.join(home, "fetchmail.pid"), "--idfile", os.path.join(home, "fetchids")]
        return argv, env, other

    def fetchmail(self, server_options):
        argv, env, other = self.fetchmail_rc(server_options)
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, env=env, timeout=60)
        out = (r.stdout + r.stderr).decode("utf-8", "replace")
        self.assertEqual(r.returncode, 0, "fetchmail exit status %d:\n%s\nimapd log:\n%s"
                         % (r.returncode, out, self.log_text()))
        self.assertNotIn("usage:", out)
        self.assertIn("3 messages for bob@example.org at 127.0.0.1.", out)
        self.assertEqual(out.count(" flushed"), 3, out)
        return other, out

    def assertFetchedAll(self, other, out):
        self.assertEqual(entries(os.path.join(other, "tmp")), [])
        got = sorted(read(os.path.join(other, "new", n)) for n in entries(os.path.join(other, "new")))
        self.assertEqual(got, sorted(MESSAGES), out)
        # fetchmail flagged each \\Deleted and expunged: nothing is left.
        self.assertEqual(self.folder_files(), {"new": [], "cur": []})

    def test_fetchmail_imap_starttls_into_mda(self):
        other, out = self.fetchmail((self.port["imap"], "sslproto 'TLS1.2+' no sslcertck"))
        self.assertFetchedAll(other, out)
        self.assertIn("STARTTLS", out)
        self.assertRegex(self.log_text(), r"login: user=<bob@example\.org>, method=LOGIN, tls=yes")

    def test_fetchmail_imaps_into_mda(self):
        other, out = self.fetchmail((self.port["imaps"], "ssl no sslcertck"))
        self.assertFetchedAll(other, out)

    def test_fetchmail_idle_picks_up_new_mail(self):
        # fetchmail's `idle`: after the first poll it waits in IMAP IDLE and
        # fetches what mda delivers meanwhile, as the EXISTS arrives.
        argv, env, other = self.fetchmail_rc((self.port["imaps"], "ssl no sslcertck"), "idle")
        log = open(os.path.join(self.root, "fetchmail.out"), "wb")
        self.addCleanup(log.close)
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env)

        def stop():
            if p.poll() is None:
                p.kill()
                p.wait()
        self.addCleanup(stop)
        out = lambda: read(os.path.join(self.root, "fetchmail.out")).decode("utf-8", "replace")  # noqa: E731
        wait_for(lambda: len(entries(os.path.join(other, "new"))) == 3, 20, "the first poll")
        wait_for(lambda: "IMAP< + idling" in out(), 10, "fetchmail to idle")
        msg = b"From: Carol <carol@example.net>\nSubject: while fetchmail idles\n\nnews\n"
        r = subprocess.run([MDA, "-c", self.conf, "-m", self.maildir(BOB)], input=msg, capture_output=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        wait_for(lambda: len(entries(os.path.join(other, "new"))) == 4, 10, "the new message to be fetched")
        # fetchmail deletes what it fetched (nokeep) after delivering it.
        wait_for(lambda: self.folder_files() == {"new": [], "cur": []}, 10, "fetchmail to expunge it")
        stop()
        got = sorted(read(os.path.join(other, "new", n)) for n in entries(os.path.join(other, "new")))
        self.assertEqual(got, sorted(MESSAGES + (msg,)), out())
        self.assertIn("IMAP< * 1 EXISTS", out())
        self.assertEqual(self.folder_files(), {"new": [], "cur": []})


if __name__ == "__main__":
    unittest.main()
