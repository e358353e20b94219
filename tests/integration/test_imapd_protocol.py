"""imapd over raw sockets: the protocol's corner cases (literals,
pipelining, bad syntax, limits), the security rules (no passwords before
TLS, STARTTLS discarding pipelined cleartext, failed logins limited),
several sessions and mda on one folder (RFC 3501 §7.4.1, IDLE),
CONDSTORE/QRESYNC, and the daemon's own behaviour (idle timeout, SIGHUP,
SIGTERM, a client that vanishes mid-APPEND).
"""
import os
import re
import signal
import subprocess
import time

from imapdtest import (ALICE, BOB, CAPS_AUTH, GREETING, MDA, PASSWORD, ImapdTestCase, crlf, entries, read,
                       wait_for)

MSG1 = b"From: Alice <alice@example.org>\nTo: bob@example.org\nSubject: first\n\nHello Bob.\n"
MSG2 = b"From: carol@example.net\nSubject: second\n\nsecond body\n"

FLAGS_LINE = "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)"
PERMANENT = "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Limited"


def select_lines(exists, recent):
    """The untagged lines of SELECT up to UIDVALIDITY, as regexes."""
    return [re.escape(FLAGS_LINE), r"\* %d EXISTS" % exists, r"\* %d RECENT" % recent, re.escape(PERMANENT),
            r"\* OK \[UIDVALIDITY \d+\] UIDs valid"]


class ProtocolTestCase(ImapdTestCase):

    def select(self, c, exists, recent, uidnext, tag="sel", what="SELECT INBOX", unseen=None):
        """SELECT (or `what`) and its exact answer (UNSEEN only when
        `unseen` is given); returns UIDVALIDITY."""
        c.cmd("%s %s" % (tag, what))
        got = []
        while not got or not got[-1].startswith(tag + " "):
            got.append(c.line())
        want = select_lines(exists, recent)
        if unseen is not None:
            want.insert(3, re.escape("* OK [UNSEEN %d] First unseen" % unseen))
        mode = "READ-ONLY" if what.startswith("EXAMINE") else "READ-WRITE"
        want += [re.escape("* OK [UIDNEXT %d] Predicted next UID" % uidnext), r"\* OK \[HIGHESTMODSEQ \d+\] Highest",
                 re.escape("%s OK [%s] %s completed" % (tag, mode, what.split()[0]))]
        self.assertEqual(len(got), len(want), c.history())
        for pattern, line in zip(want, got):
            self.assertRegex(line, "^%s$" % pattern, c.history())
        return int(re.search(r"UIDVALIDITY (\d+)", "\n".join(got)).group(1))

    def mda(self, data, user=BOB):
        """Delivers `data` with the real mda, as smtpd would."""
        r = subprocess.run([MDA, "-m", self.maildir(user)], input=data, capture_output=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)


class SecurityTest(ProtocolTestCase):

    def test_no_password_before_tls_on_the_cleartext_port(self):
        c = self.connect("imap")
        c.dialog("""
            C: a1 LOGIN bob@example.org secret
            S: a1 NO [PRIVACYREQUIRED] Use STARTTLS first
            C: a2 AUTHENTICATE PLAIN AGJvYkBleGFtcGxlLm9yZwBzZWNyZXQ=
            S: a2 NO [PRIVACYREQUIRED] Use STARTTLS first
            C: a3 CAPABILITY
            S: * CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID STARTTLS LOGINDISABLED
            S: a3 OK Capability completed
        """)
        self.assertNotIn("secret", self.log_text())

    def test_starttls_discards_pipelined_cleartext(self):
        c = self.connect("imap")
        # The LOGIN rides in the same packet as STARTTLS: it must never run.
        c.send(b'a1 STARTTLS\r\na2 LOGIN bob@example.org secret\r\n')
        c.expect("a1 OK Begin TLS negotiation now")
        c.starttls()
        c.assertNothingMore()
        c.dialog("""
            C: a3 CAPABILITY
            S: * CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID AUTH=PLAIN
            S: a3 OK Capability completed
        """)
        self.assertNotIn("login", self.log_text())

    def test_failed_logins_are_slowed_then_the_session_ends(self):
        c = self.connect("imaps")
        started = time.monotonic()
        c.dialog("""
            C: a1 LOGIN bob@example.org wrong
            S: a1 NO [AUTHENTICATIONFAILED] Authentication failed
            C: a2 LOGIN bob@example.org wrong
            S: a2 NO [AUTHENTICATIONFAILED] Authentication failed
            C: a3 LOGIN nobody@example.org wrong
            S: a3 NO [AUTHENTICATIONFAILED] Authentication failed
            S: * BYE Too many failed logins
        """)
        c.assertClosed()
        # 1 s, 2 s and 3 s: the delays grow with each failure.
        self.assertGreaterEqual(time.monotonic() - started, 6.0)
        log = self.log_text()
        self.assertIn("unknown[127.0.0.1]: login failed: user=<bob@example.org>, method=LOGIN", log)
        self.assertNotIn("wrong", log)

    def test_an_address_over_its_failure_limit_is_not_checked(self):
        self.stop()
        self.start("max_auth_failures_per_client = 2", "max_auth_failures = 5")
        c = self.connect("imaps")
        for tag in ("a1", "a2"):
            c.dialog("C: %s LOGIN bob@example.org wrong\nS: %s NO [AUTHENTICATIONFAILED] Authentication failed"
                     % (tag, tag))
        # Even the right password is not looked at now, on any connection.
        d = self.connect("imaps")
        d.dialog("""
            C: b1 LOGIN bob@example.org %s
            S: b1 NO [UNAVAILABLE] Too many failed logins from your address; try again later
            S: * BYE Too many failed logins from your address
        """ % PASSWORD)
        d.assertClosed()
        self.assertIn("login refused: user=<bob@example.org>, method=LOGIN, too many failures from this address",
                      self.log_text())

    def test_loopback_may_log_in_without_tls_when_configured(self):
        self.stop()
        self.start("auth_cleartext_loopback = yes")
        c = self.connect("imap", greet=False)
        c.expect("* OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID STARTTLS AUTH=PLAIN] Posthorn ready")
        c.login_cmd()
        self.assertIn("login: user=<bob@example.org>, method=LOGIN, tls=no", self.log_text())

    def test_mailbox_names_never_leave_the_maildir(self):
        c = self.login()
        c.dialog("""
            C: a1 CREATE "../escape"
            S: a1 NO [CANNOT] folder name starts or ends with '.'
            C: a2 CREATE "a/b"
            S: a2 NO [CANNOT] folder name contains '/'
            C: a3 CREATE "/etc"
            S: a3 NO [CANNOT] folder name contains '/'
            C: a4 CREATE "~root"
            S: a4 NO [CANNOT] folder name component starts with '~'
            C: a5 CREATE "&Jjo"
            S: a5 BAD Bad mailbox name: Unterminated shift in mailbox name
            C: a6 CREATE {3}
            S: + Ready for literal data
            C> a\\x00b\\r\\n
            S: a6 BAD NUL in literal
            C: a7 SELECT ".."
            S: a7 NO [NONEXISTENT] No such mailbox
            C: a8 RENAME Sent "../../x"
            S: a8 NO [CANNOT] folder name starts or ends with '.'
        """)
        self.assertEqual(sorted(os.listdir(self.maildir(BOB))), [".Drafts", ".Junk", ".Sent", ".Trash", "cur", "new", "tmp"])
        self.assertEqual(sorted(os.listdir(self.mail_root)), ["example.org"])
        self.assertEqual(sorted(os.listdir(os.path.join(self.mail_root, "example.org"))), ["alice", "bob"]
                         if os.path.exists(self.maildir(ALICE)) else ["bob"])

    def test_users_see_only_their_own_maildir(self):
        self.deliver(MSG1, user=ALICE)
        c = self.login(BOB)
        self.select(c, 0, 0, 1)
        c.dialog("""
            C: a1 STATUS "../alice" (MESSAGES)
            S: a1 NO [NONEXISTENT] No such mailbox
            C: a2 STATUS "..alice" (MESSAGES)
            S: a2 NO [NONEXISTENT] No such mailbox
            C: a3 LIST "" "../*"
            S: a3 OK LIST completed
            C: a4 LIST "" "/*"
            S: a4 OK LIST completed
        """)


class SyntaxTest(ProtocolTestCase):

    def test_pipelined_commands_are_answered_in_order(self):
        self.deliver(MSG1)
        c = self.login()
        c.send(b"p1 NOOP\r\np2 EXAMINE INBOX\r\np3 FETCH 1 (UID RFC822.SIZE)\r\np4 NOOP\r\n")
        c.expect("p1 OK NOOP completed")
        lines = [c.line() for _ in range(9)]
        self.assertEqual(lines[3], "* OK [UNSEEN 1] First unseen")
        self.assertEqual(lines[-1], "p2 OK [READ-ONLY] EXAMINE completed")
        c.expect("* 1 FETCH (UID 1 RFC822.SIZE %d)" % len(crlf(MSG1)), "p3 OK FETCH completed", "p4 OK NOOP completed")

    def test_literals_synchronising_and_not(self):
        c = self.login()
        c.dialog("""
            C: a1 CREATE {4}
            S: + Ready for literal data
            C: Work
            S: a1 OK CREATE completed
            C> a2 CREATE {5+}\\r\\nPlays\\r\\n
            S: a2 OK CREATE completed
            C> a3 APPEND Work (\\\\Flagged) {8+}\\r\\nx: y\\r\\n\\r\\n\\r\\n
            S~ a3 OK \\[APPENDUID \\d+ 1\\] APPEND completed
        """)
        self.assertTrue(os.path.isdir(os.path.join(self.maildir(BOB), ".Plays", "cur")))
        names = entries(os.path.join(self.maildir(BOB), ".Work", "cur"))
        self.assertEqual(len(names), 1)
        self.assertTrue(names[0].endswith(":2,F"), names)
        self.assertEqual(read(os.path.join(self.maildir(BOB), ".Work", "cur", names[0])), b"x: y\n\n")

    def test_a_command_arriving_a_byte_at_a_time(self):
        c = self.login()
        for b in b"s1 LIST \"\" \"Se*\"\r\n":
            c.send(bytes([b]))
            time.sleep(0.01)
        c.expect('* LIST (\\HasNoChildren \\Sent) "." Sent', "s1 OK LIST completed")

    def test_limits_refuse_without_allocating(self):
        c = self.login()
        c.dialog("""
            C: a1 APPEND INBOX {4294967295}
            S: a1 BAD Literal too large
            C: a2 LIST "" ((((((((((((((((((((((((((((((((((((((x
            S: a2 BAD Too deeply nested
            C: a3 FETCH 1 FLAGS
            S: a3 BAD FETCH is not valid in this state
            C: a4 FOO
            S: a4 BAD Unknown command FOO
        """)
        c.send(b"a5 NOOP " + b"x" * 70000 + b"\r\n")
        c.expect("a5 BAD Line too long")
        c.dialog("C: a6 NOOP\nS: a6 OK NOOP completed")

    def test_repeated_bad_commands_end_the_session(self):
        c = self.login()
        for i in range(19):
            c.dialog("C: b%d FOO\nS: b%d BAD Unknown command FOO" % (i, i))
        c.cmd("b19 FOO")
        c.expect("b19 BAD Unknown command FOO", "* BYE Too many invalid commands")
        c.assertClosed()

    def test_commands_of_the_wrong_state(self):
        c = self.connect("imaps")
        c.dialog("""
            C: a1 SELECT INBOX
            S: a1 BAD Log in first
            C: a2 LOGOUT
            S: * BYE Logging out
            S: a2 OK Logout completed
        """)
        c.assertClosed()


class ConcurrencyTest(ProtocolTestCase):

    def test_other_sessions_and_mda_are_reported_at_noop(self):
        self.deliver(MSG1, sub="cur", flags="S")
        self.deliver(MSG2, sub="cur", flags="S")
        a, b = self.login(), self.login()
        self.select(a, 2, 0, 3, tag="sa")
        self.select(b, 2, 0, 3, tag="sb")
        b.dialog("""
            C: b1 STORE 1 +FLAGS (\\Flagged)
            S: * 1 FETCH (FLAGS (\\Seen \\Flagged))
            S: b1 OK STORE completed
        """)
        self.mda(b"Subject: third\n\nthree\n")
        # New mail first, then the flags (any order is the RFC's).
        a.dialog("""
            C: a1 NOOP
            S: * 3 EXISTS
            S: * 1 RECENT
            S: * 1 FETCH (UID 1 FLAGS (\\Seen \\Flagged))
            S: a1 OK NOOP completed
        """)
        b.dialog("""
            C: b2 STORE 1 +FLAGS.SILENT (\\Deleted)
            S: b2 OK STORE completed
            C: b3 EXPUNGE
            S: * 3 EXISTS
            S: * 0 RECENT
            S: * 1 EXPUNGE
            S: b3 OK EXPUNGE completed
        """)
        # RFC 3501 §7.4.1: no EXPUNGE during FETCH; it waits for the NOOP.
        a.dialog("""
            C: a2 FETCH 2 (UID)
            S: * 2 FETCH (UID 2)
            S: a2 OK FETCH completed
            C: a3 NOOP
            S: * 1 EXPUNGE
            S: a3 OK NOOP completed
            C: a4 FETCH 1:* (UID)
            S: * 1 FETCH (UID 2)
            S: * 2 FETCH (UID 3)
            S: a4 OK FETCH completed
        """)

    def test_idle_pushes_new_mail_flag_changes_and_expunges(self):
        self.deliver(MSG1, sub="cur", flags="S")
        a, b = self.login(), self.login()
        self.select(a, 1, 0, 2, tag="sa")
        self.select(b, 1, 0, 2, tag="sb")
        a.dialog("C: i1 IDLE\nS: + idling")
        self.mda(MSG2)
        a.expect("* 2 EXISTS", "* 1 RECENT", timeout=5)
        b.dialog("""
            C: b1 STORE 1 FLAGS (\\Answered)
            S: * 1 FETCH (FLAGS (\\Answered))
            S: b1 OK STORE completed
        """)
        a.expect("* 1 FETCH (UID 1 FLAGS (\\Answered))", timeout=5)
        b.dialog("""
            C: b2 STORE 1 +FLAGS.SILENT (\\Deleted)
            S: b2 OK STORE completed
            C: b3 EXPUNGE
            S: * 2 EXISTS
            S: * 0 RECENT
            S: * 1 EXPUNGE
            S: b3 OK EXPUNGE completed
        """)
        # The \\Deleted may show before the expunge, if a looked in between.
        line = a.line(timeout=5)
        if line.startswith("* 1 FETCH"):
            self.assertEqual(line, "* 1 FETCH (UID 1 FLAGS (\\Answered \\Deleted))")
            line = a.line(timeout=5)
        self.assertEqual(line, "* 1 EXPUNGE")
        a.dialog("C: DONE\nS: i1 OK IDLE terminated")

    def test_mutt_style_rename_by_another_program_is_not_an_expunge(self):
        path = self.deliver(MSG1)
        a = self.login()
        self.select(a, 1, 1, 2, unseen=1)
        # SELECT claimed it as \\Recent, moving it to cur/ (as Dovecot does);
        # then another program (mutt, mblaze) marks it read.
        cur = os.path.join(self.maildir(BOB), "cur")
        self.assertEqual(entries(cur), [os.path.basename(path) + ":2,"])
        os.rename(os.path.join(cur, os.path.basename(path) + ":2,"), os.path.join(cur, os.path.basename(path) + ":2,S"))
        a.dialog("""
            C: a1 NOOP
            S: * 1 FETCH (UID 1 FLAGS (\\Seen \\Recent))
            S: a1 OK NOOP completed
            C: a2 FETCH 1 (UID)
            S: * 1 FETCH (UID 1)
            S: a2 OK FETCH completed
        """)


class CondstoreTest(ProtocolTestCase):

    def test_qresync_tells_a_returning_client_what_vanished(self):
        for _ in range(3):
            self.deliver(MSG1, sub="cur", flags="S")
        a = self.login()
        a.dialog("C: e1 ENABLE QRESYNC\nS: * ENABLED CONDSTORE QRESYNC\nS: e1 OK ENABLE completed")
        validity = self.select(a, 3, 0, 4)
        modseq = int(re.search(r"HIGHESTMODSEQ (\d+)", a.history()).group(1))
        a.dialog("C: l1 LOGOUT\nS: * BYE Logging out\nS: l1 OK Logout completed")
        b = self.login()
        b.ok("SELECT INBOX")
        b.dialog("""
            C: b2 UID STORE 2 +FLAGS.SILENT (\\Deleted)
            S: b2 OK UID STORE completed
            C: b3 UID EXPUNGE 2
            S: * 2 EXPUNGE
            S: b3 OK UID EXPUNGE completed
        """)
        c = self.login()
        c.dialog("C: e2 ENABLE QRESYNC\nS: * ENABLED CONDSTORE QRESYNC\nS: e2 OK ENABLE completed")
        untagged = c.ok("SELECT INBOX (QRESYNC (%d %d))" % (validity, modseq))
        self.assertIn("* VANISHED (EARLIER) 2", untagged)
        self.assertIn("* 2 EXISTS", untagged)


class DaemonTest(ProtocolTestCase):

    def test_idle_timeout_says_bye(self):
        self.stop()
        self.start("idle_timeout = 2s")
        c = self.login()
        c.expect("* BYE Autologout; idle for too long", timeout=6)
        c.assertClosed()
        self.assertIn("unknown[127.0.0.1]: idle timeout", self.log_text())

    def test_idle_is_not_timed_out(self):
        self.stop()
        self.start("idle_timeout = 2s")
        c = self.login()
        self.select(c, 0, 0, 1)
        c.dialog("C: i1 IDLE\nS: + idling")
        time.sleep(4)
        c.assertNothingMore()
        c.dialog("C: DONE\nS: i1 OK IDLE terminated")

    def test_sighup_rereads_passwd_without_dropping_sessions(self):
        c = self.login()
        self.write_passwd(BOB, ALICE, "carol@example.org")
        self.signal(signal.SIGHUP)
        wait_for(lambda: "re-read" in self.log_text(), 10, "the reload")
        self.login("carol@example.org")
        c.dialog("C: n1 NOOP\nS: n1 OK NOOP completed")

    def test_sigterm_says_bye_and_exits_zero(self):
        c = self.login()
        self.signal(signal.SIGTERM)
        c.expect("* BYE Server shutting down")
        c.assertClosed()
        self.assertEqual(self.proc.wait(15), 0)

    def test_a_client_vanishing_mid_append_leaves_nothing(self):
        c = self.login()
        c.send(b"a1 APPEND INBOX {100000+}\r\n" + b"x" * 50000)
        time.sleep(0.3)
        c.close()
        d = self.login()
        self.select(d, 0, 0, 1)
        md = self.maildir(BOB)
        self.assertEqual(self.folder_files(), {"new": [], "cur": []})
        wait_for(lambda: entries(os.path.join(md, "tmp")) == [], 5, "tmp/ to be empty")
