"""The POP3 dialog of pop3d over raw sockets (RFC 1939, 2449, 2595, 5034),
with the exact reply texts of its contract, the bytes it sends for each
message, what QUIT (and only QUIT) changes on disk, and the limits that keep
a hostile client from costing more than its own session."""
import os
import re
import shutil
import signal
import time
import unittest

from pop3dtest import (ADDRESS_LIMITED, ALICE, AUTH_FAILED, BOB, CAPA_CLEARTEXT, CAPA_LOOPBACK, CAPA_NO_CERT,
                       CAPA_TLS, CAPA_TRANSACTION, FIRST_HEADER, FOLDED_HEADER, GREETING, IN_USE, INVALID,
                       LOGGED_IN, NEED_TLS, NO_SUCH, PASSWORD, SHUTTING_DOWN, TOO_MANY_FAILURES, UNKNOWN,
                       WRONG_STATE, Pop3dTestCase, b64, capa_lines, crlf, large_message, list_lines, make_maildir,
                       plain, read, uidl_lines, wait_for, wire_size)

# Message 1: dot lines of every kind, which RETR and TOP must stuff.
MSG1 = FIRST_HEADER + b".A line that starts with a dot.\n..Two dots.\n.\nLast line.\n"
# Message 2: a folded header field, a body that starts with a dot line.
MSG2 = FOLDED_HEADER + b".first body line\nsecond body line\nthird body line\n"
# Message 3: large (about 300 KB), with a dot line every 97 lines.
MSG3 = large_message(3000, 97, b"x" * 90)

WRONG = "Wr0ng-Pa55word"


class Pop3dSessionTest(Pop3dTestCase):
    """Tests with bob's INBOX holding MSG1 (new/), MSG2 (cur/, flagged) and
    MSG3 (new/), numbered 1, 2, 3."""

    def three(self):
        return self.deliver_three(MSG1, MSG2, MSG3)


# --- greeting, CAPA, STLS --------------------------------------------------------


class GreetingAndCapaTest(Pop3dTestCase):

    def test_greeting_then_quit(self):
        c = self.connect()  # checks GREETING
        c.dialog("""
            C: QUIT
            S: +OK Bye
        """)
        c.assertClosed()
        self.wait_disconnects(1)
        self.assertLogHas([r"listening on 127\.0\.0\.1:%d/pop3" % self.port["pop3"],
                           r"listening on 127\.0\.0\.1:%d/pop3s" % self.port["pop3s"],
                           r"connect from unknown\[127\.0\.0\.1\]",
                           r"disconnect from unknown\[127\.0\.0\.1\]"])

    def test_capa_in_cleartext_offers_stls_and_no_login(self):
        c = self.connect()
        c.capa(CAPA_CLEARTEXT)
        c.capa(CAPA_CLEARTEXT)  # any number of times

    def test_capa_after_stls_and_on_pop3s_offers_user_and_sasl(self):
        c = self.connect()
        c.stls()
        c.capa(CAPA_TLS)
        c = self.connect("pop3s")
        c.capa(CAPA_TLS)

    def test_capa_after_login(self):
        self.deliver(MSG1)
        self.deliver(MSG2)
        for n, kind in enumerate(("pop3", "pop3s")):
            with self.subTest(kind=kind):
                c = self.login(kind=kind)
                c.capa(CAPA_TRANSACTION)
                c.quit()
                self.wait_disconnects(n + 1)

    def test_stls_when_tls_is_on_already(self):
        c = self.connect()
        c.stls()
        c.dialog("""
            C: STLS
            S: -ERR Already using TLS
        """)
        c = self.connect("pop3s")
        c.dialog("""
            C: STLS
            S: -ERR Already using TLS
            C: CAPA
        """)
        c.expect(*capa_lines(CAPA_TLS))

    def test_stls_discards_what_was_pipelined_after_it(self):
        c = self.connect()
        c.send(b"STLS\r\nUSER bob@example.org\r\n")
        c.expect("+OK Begin TLS negotiation")
        # Nothing answers the USER line: not in cleartext, and not after
        # the handshake either.
        self.assertEqual(c.pending(0.3), b"", "a reply to the command after STLS\n" + c.history())
        c.starttls()
        c.assertNothingMore()
        c.dialog("""
            C: PASS %s
            S: -ERR USER first
            C: CAPA
        """ % PASSWORD)
        c.expect(*capa_lines(CAPA_TLS))
        c.user_pass(LOGGED_IN % (0, 0))


class NoCertificateTest(Pop3dTestCase):
    START = False

    def test_without_a_certificate_there_is_no_stls(self):
        self.start("tls_cert = %s/missing-cert.pem" % self.root, "tls_key = %s/missing-key.pem" % self.root,
                   "listen = 127.0.0.1:%d/pop3" % self.port["pop3"])
        c = self.connect()
        c.capa(CAPA_NO_CERT)
        c.dialog("""
            C: STLS
            S: -ERR STLS not available
            C: USER bob@example.org
            S: %s
            C: QUIT
            S: +OK Bye
        """ % NEED_TLS)
        c.assertClosed()


# --- AUTHORIZATION: USER/PASS, AUTH PLAIN ----------------------------------------


class LoginTest(Pop3dTestCase):

    def test_user_and_pass_are_refused_without_tls(self):
        c = self.connect()
        c.dialog("""
            C: USER bob@example.org
            S: %s
        """ % NEED_TLS)
        # PASS has no USER to go with; either way no password is checked.
        c.cmd("PASS " + PASSWORD)
        self.assertIn(c.line(), (NEED_TLS, "-ERR USER first"))
        c.cmd("AUTH PLAIN " + plain(BOB, PASSWORD))
        self.assertIn(c.line(), (NEED_TLS,))
        c.dialog("""
            C: STAT
            S: %s
        """ % WRONG_STATE)
        c.capa(CAPA_CLEARTEXT)
        self.assertFalse([l for l in self.log_lines() if "login" in l], self.log_text())

    def test_stls_then_user_and_pass(self):
        m1, m2 = self.deliver(MSG1), self.deliver(MSG2)
        c = self.connect()
        c.stls()
        c.user_pass(LOGGED_IN % (2, m1.size + m2.size))
        c.quit()
        self.wait_disconnects(1)
        self.assertLogHas([r"connect from unknown\[127\.0\.0\.1\]",
                           r"unknown\[127\.0\.0\.1\]: login: user=<bob@example\.org>, method=PASS, tls=yes",
                           r"bob@example\.org: logout: retr=0/0, del=0/2",
                           r"disconnect from unknown\[127\.0\.0\.1\]"])

    def test_pass_without_user(self):
        c = self.tls_session()
        c.dialog("""
            C: PASS %s
            S: -ERR USER first
            C: USER
            S: %s
            C: PASS %s
            S: -ERR USER first
        """ % (PASSWORD, INVALID, PASSWORD))

    def test_commands_are_case_insensitive(self):
        m1, m2 = self.deliver(MSG1), self.deliver(MSG2)
        c = self.connect()
        c.dialog("""
            C: capa
        """)
        c.expect(*capa_lines(CAPA_CLEARTEXT))
        c.dialog("""
            C: sTlS
            S: +OK Begin TLS negotiation
        """)
        c.starttls()
        c.dialog("""
            C: user bob@example.org
            S: +OK Send PASS
            C: Pass %s
            S: +OK Logged in, 2 messages (%d octets)
            C: stat
            S: +OK 2 %d
            C: list 2
            S: +OK 2 %d
            C: uidl 1
            S: +OK 1 %s
            C: quit
            S: +OK Bye, 0 messages deleted
        """ % (PASSWORD, m1.size + m2.size, m1.size + m2.size, m2.size, m1.uid))

    def test_auth_plain_with_initial_response(self):
        m1, m2 = self.deliver(MSG1), self.deliver(MSG2)
        c = self.connect("pop3s")
        c.dialog("""
            C: AUTH PLAIN %s
            S: +OK Logged in, 2 messages (%d octets)
            C: STAT
            S: +OK 2 %d
        """ % (plain(BOB, PASSWORD), m1.size + m2.size, m1.size + m2.size))
        self.assertIn("unknown[127.0.0.1]: login: user=<bob@example.org>, method=PLAIN, tls=yes", self.log_lines())

    def test_auth_plain_with_continuation(self):
        c = self.connect()
        c.stls()
        c.auth_plain_prompt()
        c.dialog("""
            C: %s
            S: +OK Logged in, 0 messages (0 octets)
            C: STAT
            S: +OK 0 0
        """ % plain(ALICE, PASSWORD))
        self.assertIn("unknown[127.0.0.1]: login: user=<alice@example.org>, method=PLAIN, tls=yes", self.log_lines())

    def test_auth_plain_with_authorization_identity_equal_to_the_user(self):
        c = self.connect("pop3s")
        c.dialog("""
            C: AUTH PLAIN %s
            S: +OK Logged in, 0 messages (0 octets)
        """ % plain(ALICE, PASSWORD, authzid=ALICE))

    def test_auth_cancel_and_invalid_responses(self):
        c = self.connect("pop3s")
        c.auth_plain_prompt()
        c.dialog("""
            C: *
            S: -ERR Authentication cancelled
            C: AUTH PLAIN not!base64
            S: -ERR [AUTH] Invalid SASL response
            C: AUTH PLAIN %s
            S: +OK Logged in, 0 messages (0 octets)
        """ % plain(BOB, PASSWORD))
        c = self.connect("pop3s")
        c.auth_plain_prompt()
        c.dialog("""
            C: %%%%
            S: -ERR [AUTH] Invalid SASL response
            C: AUTH PLAIN %s
            S: -ERR [AUTH] Invalid SASL response
            C: STAT
            S: %s
        """ % (b64("no NUL characters here"), WRONG_STATE))

    def test_auth_mechanism_list_and_unsupported_mechanisms(self):
        c = self.connect("pop3s")
        c.dialog("""
            C: AUTH
            S: +OK
            S: PLAIN
            S: .
            C: AUTH LOGIN
            S: -ERR Unsupported authentication mechanism
            C: AUTH CRAM-MD5
            S: -ERR Unsupported authentication mechanism
            C: auth plain %s
            S: +OK Logged in, 0 messages (0 octets)
        """ % plain(BOB, PASSWORD))

    def test_wrong_password_and_unknown_user_are_answered_slowly(self):
        self.deliver(MSG1)
        self.deliver(MSG2)
        c = self.tls_session()
        c.dialog("C: USER bob@example.org\nS: +OK Send PASS")
        started = time.monotonic()
        c.dialog("C: PASS %s\nS: %s" % (WRONG, AUTH_FAILED))
        first = time.monotonic() - started
        c.dialog("C: USER nobody@example.org\nS: +OK Send PASS")
        started = time.monotonic()
        c.dialog("C: PASS %s\nS: %s" % (PASSWORD, AUTH_FAILED))
        second = time.monotonic() - started
        self.assertGreaterEqual(first, 0.9)
        self.assertGreaterEqual(second, 1.9)  # 1 s + 1 s for the failure before
        # Two failures of three: the third try may still log in.
        c.user_pass(match=r"\+OK Logged in, 2 messages \(\d+ octets\)")
        self.assertLogHas([r"unknown\[127\.0\.0\.1\]: login failed: user=<bob@example\.org>, method=PASS",
                           r"unknown\[127\.0\.0\.1\]: login failed: user=<nobody@example\.org>, method=PASS",
                           r"unknown\[127\.0\.0\.1\]: login: user=<bob@example\.org>, method=PASS, tls=yes"])

    def test_wrong_password_with_auth_plain(self):
        c = self.connect("pop3s")
        c.dialog("""
            C: AUTH PLAIN %s
            S: %s
        """ % (plain(BOB, WRONG), AUTH_FAILED))
        self.assertIn("unknown[127.0.0.1]: login failed: user=<bob@example.org>, method=PLAIN", self.log_lines())

    def test_max_auth_failures_closes_the_session(self):
        self.stop()
        self.start("max_auth_failures = 2")
        c = self.connect("pop3s")
        started = time.monotonic()
        c.user_pass(AUTH_FAILED, password=WRONG)
        c.cmd("AUTH PLAIN " + plain(BOB, WRONG + "2"))
        # The contract: the failure that reaches the limit gets "Too many
        # authentication failures" and the close; whether its own
        # "Authentication failed" comes first it leaves open.
        line = c.line()
        if line == AUTH_FAILED:
            line = c.line()
        self.assertEqual(line, TOO_MANY_FAILURES, c.history())
        c.assertClosed()
        self.assertGreaterEqual(time.monotonic() - started, 2.9)  # 1 s + 2 s

    def test_failures_per_client_address(self):
        self.stop()
        self.start("max_auth_failures_per_client = 2")
        for _ in range(2):  # two sessions, one failure each
            c = self.connect("pop3s")
            c.dialog("""
                C: AUTH PLAIN %s
                S: %s
                C: QUIT
                S: +OK Bye
            """ % (plain(BOB, WRONG), AUTH_FAILED))
        # Now no password is checked from 127.0.0.1, not even a right one,
        # for any user.
        c = self.connect("pop3s")
        c.dialog("""
            C: AUTH PLAIN %s
            S: %s
        """ % (plain(ALICE, PASSWORD), ADDRESS_LIMITED))
        c = self.connect("pop3s")
        c.cmd("USER bob@example.org")
        line = c.line()
        if line == "+OK Send PASS":  # the contract leaves open whether USER or PASS says it
            c.cmd("PASS " + PASSWORD)
            line = c.line()
        self.assertEqual(line, ADDRESS_LIMITED, c.history())
        self.assertFalse([l for l in self.log_lines() if ": login: " in l], self.log_text())

    def test_second_session_of_the_same_user_is_refused(self):
        self.deliver(MSG1)
        self.deliver(MSG2)
        first = self.login()
        second = self.tls_session()
        second.user_pass(IN_USE)
        third = self.connect("pop3s")
        third.dialog("C: AUTH PLAIN %s\nS: %s" % (plain(BOB, PASSWORD), IN_USE))
        # Another user is not locked out.
        self.login(ALICE)
        first.quit()
        self.wait_log(r"bob@example\.org: logout: retr=0/0, del=0/2")
        second.user_pass(match=r"\+OK Logged in, 2 messages \(\d+ octets\)")

    def test_mailbox_that_cannot_be_read(self):
        md = self.maildir(BOB)
        shutil.rmtree(md)
        with open(md, "w") as f:
            f.write("not a directory\n")
        c = self.connect("pop3s")
        c.user_pass("-ERR [SYS/TEMP] Cannot open the mailbox")
        c.dialog("C: STAT\nS: " + WRONG_STATE)

    def test_passwords_never_reach_the_log(self):
        c = self.connect("pop3s")
        c.user_pass(AUTH_FAILED, password=WRONG)
        c.user_pass(match=r"\+OK Logged in, .*")
        c.dialog("C: QUIT\nS: +OK Bye, 0 messages deleted")
        c = self.connect("pop3s")
        c.auth_plain_prompt()
        c.dialog("C: %s\nS: %s" % (plain(ALICE, WRONG + "x"), AUTH_FAILED))
        c.dialog("C: AUTH PLAIN %s\nS~ \\+OK Logged in, .*" % plain(ALICE, PASSWORD))
        c.dialog("C: QUIT\nS: +OK Bye, 0 messages deleted")
        self.wait_disconnects(2)
        log = self.log_text()
        self.assertEqual(len(re.findall(r": login failed: ", log)), 2, log)
        self.assertEqual(len(re.findall(r": login: ", log)), 2, log)
        for secret in (PASSWORD, WRONG, WRONG + "x", b64(PASSWORD), plain(ALICE, PASSWORD), plain(ALICE, WRONG + "x")):
            self.assertNotIn(secret, log)


class CleartextLoopbackTest(Pop3dTestCase):
    CONFIG = ("auth_cleartext_loopback = yes",)

    def test_loopback_may_log_in_without_tls(self):
        m1, m2 = self.deliver(MSG1), self.deliver(MSG2)
        c = self.connect()
        c.capa(CAPA_LOOPBACK)
        c.user_pass(LOGGED_IN % (2, m1.size + m2.size))
        c.dialog("""
            C: STLS
            S: %s
            C: QUIT
            S: +OK Bye, 0 messages deleted
        """ % WRONG_STATE)
        c = self.connect()
        c.dialog("""
            C: AUTH PLAIN %s
            S: +OK Logged in, 0 messages (0 octets)
        """ % plain(ALICE, PASSWORD))
        self.assertLogHas([r"unknown\[127\.0\.0\.1\]: login: user=<bob@example\.org>, method=PASS, tls=no",
                           r"unknown\[127\.0\.0\.1\]: login: user=<alice@example\.org>, method=PLAIN, tls=no"])
        # STLS is still offered and works.
        c = self.connect()
        c.stls()
        c.capa(CAPA_TLS)

    def test_stls_forgets_the_user_given_before_it(self):
        c = self.connect()
        c.dialog("""
            C: USER bob@example.org
            S: +OK Send PASS
        """)
        c.stls()
        c.dialog("""
            C: PASS %s
            S: -ERR USER first
        """ % PASSWORD)


# --- TRANSACTION ---------------------------------------------------------------


class TransactionTest(Pop3dSessionTest):

    def test_stat_and_list(self):
        m1, m2, m3 = self.three()
        c = self.login()
        c.dialog("C: STAT\nS: +OK 3 %d" % self.total)
        c.expect_list(self.m)
        c.dialog("""
            C: LIST 2
            S: +OK 2 {s2}
            C: LIST 3
            S: +OK 3 {s3}
            C: LIST 4
            S: {no}
        """.format(s2=m2.size, s3=m3.size, no=NO_SUCH))
        self.assertEqual((m1.size, m2.size), (len(MSG1) + 9, len(MSG2) + 9))

    def test_retr_sends_crlf_dot_stuffed_bytes(self):
        m = self.three()
        c = self.login()
        for i in (1, 2, 3, 1):
            c.retr(i, m[i - 1])
        # What the stuffing looks like, spelt out once.
        self.assertEqual(m[0].retr(),
                         b"+OK %d octets\r\n" % m[0].size
                         + b"From: Alice <alice@example.org>\r\nTo: Bob <bob@example.org>\r\nSubject: first\r\n\r\n"
                           b"Hello Bob.\r\n..A line that starts with a dot.\r\n...Two dots.\r\n..\r\nLast line.\r\n"
                           b".\r\n")
        c.assertNothingMore()

    def test_retr_of_a_message_without_a_final_line_end(self):
        data = b"Subject: no end\n\nlast line without LF"
        m1, m2 = self.deliver(data), self.deliver(MSG2)
        c = self.login()
        c.cmd("RETR 1")
        self.assertEqual(c.raw_reply(),
                         b"+OK %d octets\r\nSubject: no end\r\n\r\nlast line without LF\r\n.\r\n" % wire_size(data))

    def test_top(self):
        m1, m2, m3 = self.three()
        c = self.login()
        for i, n in ((1, 0), (1, 2), (1, 4), (1, 100), (2, 1), (2, 0), (3, 3)):
            with self.subTest(i=i, n=n):
                c.top(i, n, self.m[i - 1])
        self.assertEqual(m1.top(0), b"+OK\r\nFrom: Alice <alice@example.org>\r\nTo: Bob <bob@example.org>\r\n"
                                    b"Subject: first\r\n\r\n.\r\n")
        self.assertEqual(m1.top(2), b"+OK\r\nFrom: Alice <alice@example.org>\r\nTo: Bob <bob@example.org>\r\n"
                                    b"Subject: first\r\n\r\nHello Bob.\r\n..A line that starts with a dot.\r\n.\r\n")
        self.assertEqual(m2.top(1), b"+OK\r\nFrom: carol@example.net\r\nTo: bob@example.org\r\nSubject: second\r\n"
                                    b"X-Folded: one\r\n\ttwo\r\n\r\n..first body line\r\n.\r\n")

    def test_dele(self):
        m1, m2, m3 = self.three()
        c = self.login()
        c.dele(1)
        c.dialog("""
            C: DELE 1
            S: -ERR Message already deleted
            C: STAT
            S: +OK 2 %d
        """ % (m2.size + m3.size))
        c.expect_list({2: m2, 3: m3})
        c.expect_each(["LIST 1", "RETR 1", "TOP 1 0", "UIDL 1"], NO_SUCH)
        c.expect_uidl({2: m2, 3: m3})
        c.dialog("C: DELE 4\nS: " + NO_SUCH)
        c.retr(2, m2)
        # Marks are nothing on disk until QUIT.
        self.assertEqual(self.contents(), {m.uid: m.data for m in self.m})

    def test_rset(self):
        m1, m2, m3 = self.three()
        before = self.files()
        c = self.login()
        c.dele(1, 3)
        c.dialog("""
            C: STAT
            S: +OK 1 {s2}
            C: RSET
            S: +OK 3 messages ({t} octets)
            C: STAT
            S: +OK 3 {t}
        """.format(t=self.total, s2=m2.size))
        c.expect_list(self.m)
        c.dele(3)
        c.dialog("C: RSET\nS: +OK 3 messages (%d octets)" % self.total)
        c.quit()
        self.wait_disconnects(1)
        self.assertEqual(self.files(), before)

    def test_uidl_is_the_unique_part_of_the_file_name(self):
        m1, m2, m3 = self.three()
        c = self.login()
        c.expect_uidl(self.m)
        c.dialog("""
            C: UIDL 2
            S: +OK 2 {u2}
            C: UIDL 4
            S: {no}
        """.format(u2=m2.uid, no=NO_SUCH))
        self.assertEqual(m2.uid, "1700000002.M2P4002Q2R00000000014be01a.host")

    def test_noop(self):
        self.three()
        c = self.login()
        c.dialog("""
            C: NOOP
            S: +OK
            C: NOOP
            S: +OK
        """)

    def test_empty_mailbox(self):
        c = self.login(ALICE)  # checks "+OK Logged in, 0 messages (0 octets)"
        c.dialog("C: STAT\nS: +OK 0 0")
        c.expect_list([])       # +OK 0 messages (0 octets), then "."
        c.expect_uidl([])       # +OK, then "."
        c.expect_each(["LIST 1", "RETR 1"], NO_SUCH)
        c.dialog("C: RSET\nS: +OK 0 messages (0 octets)")
        c.quit()

    def test_commands_in_the_wrong_state(self):
        self.three()
        c = self.tls_session()
        c.expect_each(["STAT", "LIST", "LIST 1", "RETR 1", "TOP 1 0", "DELE 1", "RSET", "UIDL", "UIDL 1"],
                      WRONG_STATE)
        c.user_pass(match=r"\+OK Logged in, 3 messages \(\d+ octets\)")
        c.expect_each(["USER bob@example.org", "PASS " + PASSWORD, "AUTH PLAIN " + plain(BOB, PASSWORD)],
                      WRONG_STATE)
        c.dialog("C: STAT\nS: +OK 3 %d" % self.total)

    def test_unknown_commands(self):
        self.three()
        c = self.tls_session()
        c.dialog("""
            C: FROB
            S: {u}
            C: RETRIEVE 1
            S: {u}
            C: USER bob@example.org
            S: +OK Send PASS
            C: PASS {pw}
            S~ \\+OK Logged in, 3 messages \\(\\d+ octets\\)
            C: FROB 1 2 3
            S: {u}
            C: LISTX
            S: {u}
            C: STAT
            S: +OK 3 {t}
        """.format(u=UNKNOWN, pw=PASSWORD, t=self.total))

    def test_invalid_arguments(self):
        self.three()
        c = self.login()
        c.expect_each(["RETR x", "RETR", "RETR 0", "RETR -1", "LIST 0", "LIST x", "DELE", "DELE 0", "TOP 1",
                       "TOP 1 x", "TOP x 1", "TOP 1 -1", "UIDL 0"], INVALID)
        c.dialog("C: STAT\nS: +OK 3 %d" % self.total)

    def test_line_too_long(self):
        self.three()
        c = self.tls_session()
        # 255 octets with the CRLF is the longest line.
        c.send(b"USER " + b"a" * 248 + b"\r\n")
        c.expect("+OK Send PASS")
        c.send(b"USER " + b"a" * 249 + b"\r\n")
        c.expect("-ERR Line too long")
        c.send(b"USER " + b"b" * 293 + b"\r\n")  # 300 octets
        c.expect("-ERR Line too long")
        c.user_pass(LOGGED_IN % (3, self.total))
        # 400 octets in two writes, each under the limit.
        c.send_split(b"NOOP " + b"x" * 200, b"x" * 187 + b"DELE 1\r\n")
        c.expect("-ERR Line too long")
        # Over the limit before its end arrives: the end, a command of its
        # own if read alone, is discarded with the rest.
        c.send_split(b"NOOP " + b"x" * 300, b"DELE 1\r\n")
        c.expect("-ERR Line too long")
        c.dialog("""
            C: STAT
            S: +OK 3 %d
            C: LIST 1
            S: +OK 1 %d
        """ % (self.total, self.m[0].size))
        c.assertNothingMore()

    def test_bare_lf_line_ends(self):
        m1, m2, m3 = self.three()
        c = self.connect("pop3s")
        c.send(b"USER bob@example.org\n")
        c.expect("+OK Send PASS")
        c.send(b"PASS %s\n" % PASSWORD.encode())
        c.expect("+OK Logged in, 3 messages (%d octets)" % self.total)
        c.send(b"STAT\nLIST 2\r\nUIDL 3\n")
        c.expect("+OK 3 %d" % self.total, "+OK 2 %d" % m2.size, "+OK 3 %s" % m3.uid)
        c.send(b"RETR 1\n")
        self.assertEqual(c.raw_reply(), m1.retr())
        c.send(b"QUIT\n")
        c.expect("+OK Bye, 0 messages deleted")
        c.assertClosed()

    def test_too_many_errors_end_the_session(self):
        self.three()
        c = self.login()
        c.expect_each(["FROB"] * 19, UNKNOWN)
        c.cmd("FROB")
        # The 20th error: its own reply may come first, then the close.
        line = c.line()
        if line == UNKNOWN:
            line = c.line()
        self.assertEqual(line, "-ERR Too many errors", c.history())
        c.assertClosed()
        self.assertEqual(self.contents(), {m.uid: m.data for m in self.m})

    def session_script(self):
        """A whole session on pop3s: [(command, the exact bytes of its reply)]."""
        m1, m2, m3 = self.m
        t = self.total
        return [
            ("USER bob@example.org", b"+OK Send PASS\r\n"),
            ("PASS " + PASSWORD, b"+OK Logged in, 3 messages (%d octets)\r\n" % t),
            ("CAPA", crlf(capa_lines(CAPA_TRANSACTION))),
            ("STAT", b"+OK 3 %d\r\n" % t),
            ("LIST", crlf(list_lines(self.m))),
            ("LIST 2", b"+OK 2 %d\r\n" % m2.size),
            ("UIDL", crlf(uidl_lines(self.m))),
            ("UIDL 3", ("+OK 3 %s\r\n" % m3.uid).encode()),
            ("TOP 1 2", m1.top(2)),
            ("RETR 1", m1.retr()),
            ("RETR 3", m3.retr()),
            ("DELE 2", b"+OK Marked to be deleted\r\n"),
            ("DELE 2", b"-ERR Message already deleted\r\n"),
            ("LIST 2", b"-ERR No such message\r\n"),
            ("STAT", b"+OK 2 %d\r\n" % (t - m2.size)),
            ("RSET", b"+OK 3 messages (%d octets)\r\n" % t),
            ("NOOP", b"+OK\r\n"),
            ("FROB", b"-ERR Unknown command\r\n"),
            ("QUIT", b"+OK Bye, 0 messages deleted\r\n"),
        ]

    def test_pipelining_gives_the_same_replies_as_one_by_one(self):
        self.three()
        script = self.session_script()
        expected = b"".join(reply for _, reply in script)
        # One command at a time.
        c = self.connect("pop3s")
        for cmd, reply in script:
            c.cmd(cmd)
            self.assertEqual(c.read_exactly(len(reply)), reply, c.history())
        self.assertEqual(c.until_close(), b"")
        self.wait_disconnects(1)
        # The whole session in one write, on pop3s and after STLS.
        for n, kind in enumerate(("pop3s", "pop3")):
            with self.subTest(kind=kind):
                c = self.tls_session(kind)
                c.send("".join(cmd + "\r\n" for cmd, _ in script))
                self.assertEqual(c.until_close(), expected, c.history())
                self.wait_disconnects(n + 2)

    def test_maildir_names_give_order_sizes_and_uids(self):
        a_data = b"Subject: a\n\nno S= or W= in the name\n"
        c_data = b"Subject: c\n\nS= but no W= in the name\n"
        d_data = b"Subject: d\n\na unique part too long for a UID\n"
        # Arrival order is the leading number's (999999999 < 1700000000),
        # then the name's (M10 before M2).
        d = self.deliver(d_data, name="1700000001.M" + "7" * 80 + ".host,S=%d,W=%d"
                         % (len(d_data), wire_size(d_data)))
        c_ = self.deliver(c_data, name="1700000000.M2P9Q1R00000000000000c2.host,S=%d" % len(c_data))
        b = self.deliver(MSG2, name="1700000000.M10P9Q1R00000000000000b1.host,S=%d,W=%d"
                         % (len(MSG2), wire_size(MSG2)))
        a = self.deliver(a_data, sub="cur", flags="S", name="999999999.M1P1Q1R00000000000000a1.host")
        # Not the INBOX: a folder, tmp/, and names starting with a dot.
        sent = os.path.join(self.maildir(BOB), ".Sent")
        make_maildir(sent)
        with open(os.path.join(sent, "cur", "1600000000.M1P1Q1R0000000000000001.host,S=9,W=10:2,S"), "wb") as f:
            f.write(b"Subject:\n")
        with open(os.path.join(self.maildir(BOB), "tmp", "1600000000.M2P2Q2R0000000000000002.host"), "wb") as f:
            f.write(b"Subject: in tmp\n\n")
        conn = self.login()
        conn.expect_list([a, b, c_, d])   # sizes from the data: every LF counted as CRLF
        groups = conn.dialog("""
            C: UIDL
            S: +OK
            S: 1 999999999.M1P1Q1R00000000000000a1.host
            S: 2 1700000000.M10P9Q1R00000000000000b1.host
            S: 3 1700000000.M2P9Q1R00000000000000c2.host
            S~ 4 (?P<hashed>H[0-9a-fA-F]{40})
            S: .
        """)
        conn.retr(4, d)
        conn.retr(1, a)
        conn.quit()
        self.wait_disconnects(1)
        # The hashed UID is the same in the next session.
        self.login().dialog("C: UIDL 4\nS: +OK 4 " + groups["hashed"])


# --- UPDATE: what QUIT changes on disk -------------------------------------------


class UpdateTest(Pop3dSessionTest):

    def test_quit_removes_the_messages_marked_deleted(self):
        m1, m2, m3 = self.three()
        c = self.login()
        c.dele(1, 2)
        c.quit(deleted=2)
        self.assertEqual(self.files(), {"new": [m3.name], "cur": []})
        self.assertEqual(read(m3.path), MSG3)
        self.wait_log(r"bob@example\.org: logout: retr=0/0, del=2/3")
        # The next session numbers what is left.
        self.login().expect_uidl([m3])

    def test_quit_says_when_a_message_could_not_be_removed(self):
        m1, m2, m3 = self.three()
        c = self.login()
        c.dele(1, 3)
        # Message 3 becomes something unlink(2) refuses even to root: a
        # directory that is not empty, under the same name.
        os.unlink(m3.path)
        os.mkdir(m3.path)
        with open(os.path.join(m3.path, "inside"), "w") as f:
            f.write("x")
        c.dialog("""
            C: QUIT
            S: -ERR [SYS/TEMP] Some messages could not be deleted
        """)
        c.assertClosed()
        self.assertTrue(os.path.isdir(m3.path))
        self.assertEqual(read(m2.path), MSG2)

    def test_a_dropped_connection_deletes_nothing(self):
        self.three()
        before = self.contents()
        c = self.login()
        c.dele(1, 2, 3)
        c.dialog("C: STAT\nS: +OK 0 0")
        c.close()
        self.wait_disconnects(1)
        self.assertEqual(self.contents(), before)
        # And the session's lock went with it.
        self.login().dialog("C: STAT\nS: +OK 3 %d" % self.total)

    def test_retrieved_messages_are_marked_seen_at_quit(self):
        m1 = self.deliver(MSG1)                       # RETR: new/ -> cur/ :2,S
        m2 = self.deliver(MSG2, sub="cur", flags="F")  # RETR: :2,F -> :2,FS
        m3 = self.deliver(MSG1)                       # untouched
        m4 = self.deliver(MSG2)                       # only TOP: stays new
        m5 = self.deliver(MSG1)                       # RETR and DELE: removed
        m6 = self.deliver(MSG2, sub="cur", flags="S")  # DELE: removed
        c = self.login()
        c.retr(1, m1)
        c.retr(2, m2)
        c.top(4, 1, m4)
        c.retr(5, m5)
        # Nothing moves before QUIT.
        self.assertEqual(self.files(), {"new": sorted([m1.name, m3.name, m4.name, m5.name]),
                                        "cur": sorted([m2.name, m6.name])})
        c.dele(5, 6)
        c.quit(deleted=2)
        self.assertEqual(self.files(), {"new": sorted([m3.name, m4.name]),
                                        "cur": sorted([m1.name + ":2,S", m2.name[:-len(":2,F")] + ":2,FS"])})
        self.assertEqual(read(os.path.join(self.maildir(BOB), "cur", m1.name + ":2,S")), MSG1)
        self.wait_log(r"bob@example\.org: logout: retr=3/\d+, del=2/6")

    def test_numbering_is_fixed_at_login(self):
        m1, m2 = self.deliver(MSG1), self.deliver(MSG2)
        c = self.login()
        # Mail that arrives during the session, one of them named older.
        early = self.deliver(MSG3, stamp=1600000000)
        late = self.deliver(MSG1)
        c.dialog("C: STAT\nS: +OK 2 %d" % (m1.size + m2.size))
        c.expect_list([m1, m2])
        c.expect_uidl([m1, m2])
        c.expect_each(["LIST 3", "RETR 3"], NO_SUCH)
        c.retr(1, m1)
        c.quit()
        self.wait_disconnects(1)
        c = self.login()  # checks "4 messages"
        c.expect_uidl([early, m1, m2, late])

    def test_uidl_is_stable_when_files_move_to_cur(self):
        m1, m2, m3 = self.three()
        c = self.login()
        c.expect_uidl(self.m)
        # Another reader (an IMAP server) moves message 3 to cur/ with
        # flags during the session: RETR still finds it.
        moved = os.path.join(self.maildir(BOB), "cur", m3.name + ":2,RS")
        os.rename(m3.path, moved)
        c.retr(3, m3)
        c.retr(1, m1)
        c.quit()
        self.wait_disconnects(1)
        self.assertEqual(self.files(), {"new": [], "cur": sorted([m1.name + ":2,S", m2.name, m3.name + ":2,RS"])})
        # m2's flags change too, from F to FRS.
        os.rename(m2.path, m2.path[:-len(":2,F")] + ":2,FRS")
        c = self.login()
        c.expect_uidl(self.m)
        c.expect_list(self.m)


# --- limits and signals ----------------------------------------------------------


class LimitsTest(Pop3dSessionTest):
    START = False

    def first_line(self, kind="pop3"):
        """The first line a new connection gets ('' if it is closed at once)."""
        c = self.connect(kind, greet=False)
        try:
            return c.line(5)
        finally:
            c.close()

    def test_a_client_that_does_not_read_cannot_make_the_server_buffer_without_bound(self):
        # 400 RETRs of a 200 KB message (one read each, no chunking) sent at
        # once, nothing read: without backpressure pop3d would queue 80 MB.
        self.start()
        msg = self.deliver(large_message(2000, 97, b"x" * 90))
        c = self.login()
        c.send(b"RETR 1\r\n" * 400)
        time.sleep(1.5)
        rss_kb = int(re.search(rb"VmRSS:\s+(\d+) kB", read("/proc/%d/status" % self.proc.pid)).group(1))
        self.assertLess(rss_kb, 40 * 1024, "pop3d holds %d KB for a client that reads nothing" % rss_kb)
        for _ in range(400):
            self.assertEqual(c.read_exactly(len(msg.retr()), timeout=30), msg.retr())
        c.dialog("C: NOOP\nS: +OK")

    def test_connections_per_client(self):
        self.start("max_connections_per_client = 1")
        first = self.connect()
        second = self.connect(greet=False)
        second.expect("-ERR [SYS/TEMP] Too many connections from your address")
        second.assertClosed()
        third = self.connect("pop3s", greet=False)
        third.expect("-ERR [SYS/TEMP] Too many connections from your address")
        third.assertClosed()
        first.dialog("C: QUIT\nS: +OK Bye")
        first.assertClosed()
        # Once pop3d has seen the close, a new connection is welcome again.
        wait_for(lambda: self.first_line() == GREETING, 5, "a new connection to be greeted")

    def test_max_connections(self):
        self.start("max_connections = 1")
        first = self.connect("pop3s")
        second = self.connect(greet=False)
        second.expect("-ERR [SYS/TEMP] Too many connections")
        second.assertClosed()
        first.dialog("C: CAPA")
        first.expect(*capa_lines(CAPA_TLS))

    def test_idle_timeout_closes_silently_and_deletes_nothing(self):
        self.start("idle_timeout = 2s")
        self.three()
        before = self.contents()
        c = self.login()
        c.dele(1, 2)
        started = time.monotonic()
        c.assertClosed(timeout=10)  # nothing sent before the close
        elapsed = time.monotonic() - started
        self.assertGreaterEqual(elapsed, 1.5)
        self.assertLess(elapsed, 5.0)
        self.wait_disconnects(1)
        self.assertEqual(self.contents(), before)
        self.login().dialog("C: STAT\nS: +OK 3 %d" % self.total)

    def test_sigterm_ends_sessions_without_deleting(self):
        self.start()
        self.three()
        before = self.contents()
        logged_in = self.login()
        logged_in.dele(1)
        logged_in.cmd("RETR 2")
        logged_in.raw_reply()
        waiting = self.connect()
        self.stop()  # exit status 0
        for c in (logged_in, waiting):
            c.expect(SHUTTING_DOWN)
            c.assertClosed()
        self.assertEqual(self.contents(), before)

    def test_sighup_reloads_passwd_and_keeps_sessions(self):
        self.start()
        self.three()
        c = self.login()
        carol = "carol@example.org"
        make_maildir(self.maildir(carol))
        self.write_passwd(BOB, ALICE, carol)
        self.proc.send_signal(signal.SIGHUP)
        # The contract names no log line for a reload; pop3d's "reload: ..."
        # line, when there is one, saves waiting the whole second.
        try:
            wait_for(lambda: any(l.startswith("reload") for l in self.log_lines()), 1.0, "a reload log line")
        except AssertionError:
            pass
        self.login(carol)
        c.dialog("""
            C: NOOP
            S: +OK
            C: STAT
            S: +OK 3 %d
            C: QUIT
            S: +OK Bye, 0 messages deleted
        """ % self.total)
        self.assertEqual(self.proc.poll(), None)


if __name__ == "__main__":
    unittest.main()
