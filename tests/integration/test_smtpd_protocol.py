"""The SMTP dialog of smtpd over raw sockets (RFC 5321, 1870, 2920, 3030,
3207, 4954), with the exact reply texts admins and log parsers know from
Postfix, and the limits that keep a hostile client from costing more than
its own session."""
import base64
import random
import re
import socket
import time
import unittest

from smtpdtest import (EHLO_AUTHENTICATED, EHLO_CLEARTEXT, EHLO_COMMON, EHLO_TLS, GREETING, PASSWORD, QUEUED,
                       SmtpdTestCase, ehlo_reply, read, wait_for, without_date)


def plain(user, password):
    return base64.b64encode(("\0%s\0%s" % (user, password)).encode()).decode()


def b64(text):
    return base64.b64encode(text.encode()).decode()


class GreetingAndEhloTest(SmtpdTestCase):

    def test_ehlo_on_port_25_offers_starttls_then_auth_after_tls(self):
        c = self.connect()  # checks GREETING
        c.dialog("C: EHLO client.example")
        c.expect(*EHLO_CLEARTEXT)
        c.dialog("""
            C: STARTTLS
            S: 220 2.0.0 Ready to start TLS
        """)
        c.starttls()
        c.dialog("C: EHLO client.example")
        c.expect(*EHLO_TLS)
        c.dialog("""
            C: STARTTLS
            S: 503 5.5.1 Error: TLS already active
            C: AUTH PLAIN %s
            S: 235 2.7.0 Authentication successful
            C: EHLO client.example
        """ % plain("bob@example.org", PASSWORD))
        c.expect(*EHLO_AUTHENTICATED)
        c.dialog("""
            C: QUIT
            S: 221 2.0.0 Bye
        """)
        c.assertClosed()

    def test_ehlo_on_submission_and_submissions(self):
        c = self.connect("submission")
        c.dialog("C: EHLO client.example")
        c.expect(*EHLO_CLEARTEXT)
        c = self.connect("submissions")
        c.dialog("C: EHLO client.example")
        c.expect(*EHLO_TLS)

    def test_helo_is_one_line(self):
        self.connect().dialog("""
            C: HELO client.example
            S: 250 mx.example.org
            C: EHLO
            S: 501 5.5.4 Syntax: EHLO hostname
        """)

    def test_the_exact_ehlo_keywords(self):
        # Spelled out once, so a change to EHLO_COMMON cannot hide a change here.
        self.assertEqual(EHLO_CLEARTEXT, [
            "250-mx.example.org", "250-PIPELINING", "250-SIZE 52428800", "250-8BITMIME",
            "250-ENHANCEDSTATUSCODES", "250-SMTPUTF8", "250-CHUNKING", "250 STARTTLS"])
        self.assertEqual(EHLO_TLS[-1], "250 AUTH PLAIN LOGIN")
        self.assertEqual(EHLO_AUTHENTICATED[-1], "250 CHUNKING")


class CommandsTest(SmtpdTestCase):

    def test_rset_noop_vrfy_help_quit(self):
        c = self.connect()
        c.dialog("""
            C: MAIL FROM:<alice@example.net>
            S: 503 5.5.1 Error: send HELO/EHLO first
            C: HELO client.example
            S: 250 mx.example.org
            C: NOOP
            S: 250 2.0.0 Ok
            C: NOOP any text at all
            S: 250 2.0.0 Ok
            C: VRFY bob@example.org
            S: 252 2.0.0 Cannot VRFY user, but will accept message and attempt delivery
            C: VRFY nobody@example.org
            S: 252 2.0.0 Cannot VRFY user, but will accept message and attempt delivery
            C: EXPN staff
            S: 502 5.5.1 Error: command not implemented
            C: HELP
            S: 214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH
            C: FROB
            S: 500 5.5.2 Error: command not recognized
            C: MAIL FROM:<alice@example.net>
            S: 250 2.1.0 Ok
            C: MAIL FROM:<alice@example.net>
            S: 503 5.5.1 Error: nested MAIL command
            C: RCPT TO:<bob@example.org>
            S: 250 2.1.5 Ok
            C: RSET
            S: 250 2.0.0 Ok
            C: RCPT TO:<bob@example.org>
            S: 503 5.5.1 Error: need MAIL command
            C: DATA
            S: 503 5.5.1 Error: need RCPT command
            C: MAIL FROM:<alice@example.net>
            S: 250 2.1.0 Ok
            C: DATA
            S: 554 5.5.1 Error: no valid recipients
            C: QUIT
            S: 221 2.0.0 Bye
        """)
        c.assertClosed()
        self.assertEqual(self.queue_ids(), [])

    def test_unknown_user_is_refused_and_postmaster_always_accepted(self):
        c = self.connect()
        c.dialog("C: EHLO client.example")
        c.reply()
        ids = c.dialog("""
            C: MAIL FROM:<alice@example.net>
            S: 250 2.1.0 Ok
            C: RCPT TO:<nobody@example.org>
            S: 550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in local recipient table
            C: RCPT TO:<postmaster>
            S: 250 2.1.5 Ok
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
            C: Subject: to the postmaster
            C:
            C: Hello.
            C: .
            S~ %s
            C: MAIL FROM:<alice@example.net>
            S: 250 2.1.0 Ok
            C: RCPT TO:<PostMaster@Example.ORG>
            S: 250 2.1.5 Ok
            C: QUIT
            S: 221 2.0.0 Bye
        """ % QUEUED)
        self.assertIn("NOQUEUE: reject: RCPT from unknown[127.0.0.1]: 550 5.1.1 <nobody@example.org>: Recipient "
                      "address rejected: User unknown in local recipient table; from=<alice@example.net> "
                      "to=<nobody@example.org> helo=<client.example>", self.log_lines())
        [path] = self.wait_messages("bob@example.org")
        self.assertStored(path, (
            b"Return-Path: <alice@example.net>\n"
            b"Delivered-To: postmaster@example.org\n"
            b"Received: from client.example (unknown [127.0.0.1])\n"
            b"\tby mx.example.org (Posthorn) with ESMTP id %s\n"
            b"\tfor <postmaster@example.org>; DATE\n"
            b"Subject: to the postmaster\n"
            b"\n"
            b"Hello.\n") % ids["id"].encode())
        self.wait_queue_empty()
        self.assertEqual(self.new_files("bob@example.org"), [path.rsplit("/", 1)[1]])

    def test_bdat_chunks_and_bdat_0_last(self):
        c = self.connect()
        c.dialog("C: EHLO client.example")
        c.reply()
        chunk1 = b"Subject: chunked\r\n\r\n"
        chunk2 = b"body\r\n.not stuffed\r\n"
        c.dialog("""
            C: MAIL FROM:<alice@example.net> BODY=8BITMIME
            S: 250 2.1.0 Ok
            C: RCPT TO:<bob@example.org>
            S: 250 2.1.5 Ok
        """)
        c.send(b"BDAT %d\r\n%s" % (len(chunk1), chunk1))
        c.expect("250 2.0.0 Ok: %d octets received" % len(chunk1))
        c.send(b"BDAT %d\r\n%s" % (len(chunk2), chunk2))
        c.expect("250 2.0.0 Ok: %d octets received" % (len(chunk1) + len(chunk2)))
        qid = c.dialog("""
            C: BDAT 0 LAST
            S~ %s
        """ % QUEUED)["id"]
        # A chunk sent outside a transaction is read whole, then refused.
        c.send(b"BDAT 12\r\nMAIL FROM:<>")
        c.expect("503 5.5.1 Error: need RCPT command")
        # One chunk with LAST, a bare LF in it: read, then refused.
        c.dialog("""
            C: MAIL FROM:<alice@example.net>
            S: 250 2.1.0 Ok
            C: RCPT TO:<bob@example.org>
            S: 250 2.1.5 Ok
            C> BDAT 13 LAST\\r\\nSubject: x\\n\\r\\n
            S: 554 5.6.0 Error: bare <CR> or <LF> in message data; lines end with <CR><LF>
            C: NOOP
            S: 250 2.0.0 Ok
        """)
        [path] = self.wait_messages("bob@example.org")
        self.assertStored(path, (
            b"Return-Path: <alice@example.net>\n"
            b"Delivered-To: bob@example.org\n"
            b"Received: from client.example (unknown [127.0.0.1])\n"
            b"\tby mx.example.org (Posthorn) with ESMTP id %s\n"
            b"\tfor <bob@example.org>; DATE\n"
            b"Subject: chunked\n"
            b"\n"
            b"body\n"
            b".not stuffed\n") % qid.encode())
        self.wait_log(r"%s: from=<alice@example\.net>, size=%d, nrcpt=1 \(queue active\)"
                      % (qid, len(chunk1) + len(chunk2)))


class ReceivedTest(SmtpdTestCase):
    """The Received: header names what the client used (RFC 3848)."""

    def test_helo_smtputf8_and_several_recipients(self):
        c = self.connect()
        helo = c.dialog("""
            C: HELO client.example
            S: 250 mx.example.org
            C: MAIL FROM:<alice@example.net>
            S: 250 2.1.0 Ok
            C: RCPT TO:<bob@example.org>
            S: 250 2.1.5 Ok
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
            C: Subject: plain
            C:
            C: .
            S~ %s
            C: MAIL FROM:<alice@example.net> SMTPUTF8
            S: 555 5.5.4 Unsupported option: SMTPUTF8
        """ % QUEUED)["id"]
        c.cmd("EHLO bad(name)")
        c.reply()
        body = b"Subject: Gr\xc3\xbc\xc3\x9fe\r\n\r\n8-bit: \xff\xfe\r\n"
        c.dialog("""
            C: MAIL FROM:<jörg@example.net> SMTPUTF8
            S: 250 2.1.0 Ok
            C: RCPT TO:<bob@example.org>
            S: 250 2.1.5 Ok
            C: RCPT TO:<carol@example.org>
            S: 250 2.1.5 Ok
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
        """)
        c.send(body + b".\r\n")
        utf8 = c.dialog("S~ " + QUEUED)["id"]
        c.dialog("""
            C: MAIL FROM:<jörg@example.net>
            S: 501 5.1.7 Bad sender address syntax: non-ASCII character in local part
        """)
        paths = self.wait_messages("bob@example.org", 2)
        got = sorted(without_date(read(p)) for p in paths)
        self.assertEqual(got, sorted([
            b"Return-Path: <alice@example.net>\n"
            b"Delivered-To: bob@example.org\n"
            b"Received: from client.example (unknown [127.0.0.1])\n"
            b"\tby mx.example.org (Posthorn) with SMTP id %s\n"
            b"\tfor <bob@example.org>; DATE\n"
            b"Subject: plain\n"
            b"\n" % helo.encode(),
            # Two recipients: no `for` clause, which would tell each the other.
            b"Return-Path: <j\xc3\xb6rg@example.net>\n"
            b"Delivered-To: bob@example.org\n"
            b"Received: from bad?name? (unknown [127.0.0.1])\n"
            b"\tby mx.example.org (Posthorn) with UTF8SMTP id %s; DATE\n"
            b"Subject: Gr\xc3\xbc\xc3\x9fe\n"
            b"\n"
            b"8-bit: \xff\xfe\n" % utf8.encode(),
        ]))


# A whole session in one script: two transactions (DATA and BDAT), an
# unknown recipient, NOOP and QUIT. Sent in one write, a byte at a time
# and in random pieces, it must get the same replies.
PIPELINE = (b"EHLO client.example\r\n"
            b"MAIL FROM:<alice@example.net>\r\n"
            b"RCPT TO:<nobody@example.org>\r\n"
            b"RCPT TO:<bob@example.org>\r\n"
            b"DATA\r\n"
            b"Subject: pipelined\r\n"
            b"\r\n"
            b"..one\r\n"
            b"two\r\n"
            b".\r\n"
            b"NOOP\r\n"
            b"MAIL FROM:<alice@example.net>\r\n"
            b"RCPT TO:<carol@example.org>\r\n"
            b"BDAT 20\r\n"
            b"Subject: chunked\r\n\r\n"
            b"BDAT 5 LAST\r\n"
            b"body\n"
            b"RSET\r\n"
            b"QUIT\r\n")
PIPELINE_REPLIES = ([GREETING] + EHLO_CLEARTEXT + [
    "250 2.1.0 Ok",
    "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in local recipient table",
    "250 2.1.5 Ok",
    "354 End data with <CR><LF>.<CR><LF>",
    "250 2.0.0 Ok: queued as ID",
    "250 2.0.0 Ok",
    "250 2.1.0 Ok",
    "250 2.1.5 Ok",
    "250 2.0.0 Ok: 20 octets received",
    "554 5.6.0 Error: bare <CR> or <LF> in message data; lines end with <CR><LF>",
    "250 2.0.0 Ok",
    "221 2.0.0 Bye",
])


class PipeliningTest(SmtpdTestCase):

    def run_pipeline(self, pieces):
        """Sends PIPELINE in `pieces` (each a separate send with a tiny
        pause); returns every reply byte until smtpd closes, IDs as `ID`."""
        self.assertEqual(b"".join(pieces), PIPELINE)
        s = socket.create_connection(("127.0.0.1", self.port["smtp"]), timeout=10)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            for p in pieces:
                s.sendall(p)
                if len(pieces) > 1:
                    time.sleep(0.0005)
            got = b""
            while True:
                data = s.recv(65536)
                if not data:
                    break
                got += data
        finally:
            s.close()
        return re.sub(rb"queued as [0-9A-F]{16}", b"queued as ID", got)

    def test_one_write_one_byte_at_a_time_and_random_splits_agree(self):
        want = "".join(l + "\r\n" for l in PIPELINE_REPLIES).encode()
        rng = random.Random(5321)
        cuts = sorted(rng.sample(range(1, len(PIPELINE)), 40))
        ways = {
            "one write": [PIPELINE],
            "one byte per write": [PIPELINE[i:i + 1] for i in range(len(PIPELINE))],
            "random splits": [PIPELINE[a:b] for a, b in zip([0] + cuts, cuts + [len(PIPELINE)])],
        }
        for name, pieces in ways.items():
            with self.subTest(name):
                self.assertEqual(self.run_pipeline(pieces).decode(), want.decode())
        paths = self.wait_messages("bob@example.org", 3)
        stored = {re.sub(rb"id [0-9A-F]{16}\n", b"id ID\n", without_date(read(p))) for p in paths}
        self.assertEqual(stored, {
            b"Return-Path: <alice@example.net>\n"
            b"Delivered-To: bob@example.org\n"
            b"Received: from client.example (unknown [127.0.0.1])\n"
            b"\tby mx.example.org (Posthorn) with ESMTP id ID\n"
            b"\tfor <bob@example.org>; DATE\n"
            b"Subject: pipelined\n"
            b"\n"
            b".one\n"
            b"two\n"})
        self.assertEqual(self.new_files("carol@example.org"), [])


class LimitsTest(SmtpdTestCase):
    """Each test starts smtpd with the limit it needs."""
    START = False

    def test_size_parameter_over_the_limit(self):
        self.start("max_message_size = 10k")
        c = self.connect()
        c.dialog("C: EHLO client.example")
        c.expect(*ehlo_reply([k.replace("52428800", "10240") for k in EHLO_COMMON] + ["STARTTLS"]))
        c.dialog("""
            C: MAIL FROM:<alice@example.net> SIZE=10241
            S: 552 5.3.4 Message size exceeds fixed maximum message size
            C: MAIL FROM:<alice@example.net> SIZE=10240
            S: 250 2.1.0 Ok
        """)

    def test_message_over_max_message_size(self):
        self.start("max_message_size = 10k")
        c = self.connect()
        c.dialog("C: EHLO client.example")
        c.reply()
        line = b"x" * 1022 + b"\r\n"  # 1024 bytes a line
        exactly = b"Subject: big\r\n\r\n" + line * 9 + b"y" * (1024 - 16 - 2) + b"\r\n"
        self.assertEqual(len(exactly), 10240)
        for data, fits in ((exactly + b"z\r\n", False), (exactly, True)):
            c.dialog("""
                C: MAIL FROM:<alice@example.net>
                S: 250 2.1.0 Ok
                C: RCPT TO:<bob@example.org>
                S: 250 2.1.5 Ok
                C: DATA
                S: 354 End data with <CR><LF>.<CR><LF>
            """)
            c.send(data + b".\r\n")
            if fits:
                qid = c.dialog("S~ " + QUEUED)["id"]
            else:
                c.expect("552 5.3.4 Error: message file too big")
                self.assertEqual(self.queue_ids(), [])
                self.assertEqual(self.queue_unfinished(), [])
        [path] = self.wait_messages("bob@example.org")
        self.assertTrue(read(path).endswith(b"\n" + b"y" * 1006 + b"\n"))
        self.assertIn("%s: from=<alice@example.net>, size=10240, nrcpt=1 (queue active)" % qid, self.log_lines())

    def test_max_recipients(self):
        self.start("max_recipients = 3")
        c = self.connect()
        c.dialog("C: EHLO client.example")
        c.reply()
        qid = c.dialog("""
            C: MAIL FROM:<alice@example.net>
            S: 250 2.1.0 Ok
            C: RCPT TO:<bob@example.org>
            S: 250 2.1.5 Ok
            C: RCPT TO:<carol@example.org>
            S: 250 2.1.5 Ok
            C: RCPT TO:<postmaster@example.org>
            S: 250 2.1.5 Ok
            C: RCPT TO:<bob@example.org>
            S: 452 4.5.3 Error: too many recipients
            C: RCPT TO:<carol@example.org>
            S: 452 4.5.3 Error: too many recipients
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
            C: Subject: three
            C:
            C: .
            S~ %s
        """ % QUEUED)["id"]
        self.wait_log(qid + ": removed")
        self.assertIn("%s: from=<alice@example.net>, size=%d, nrcpt=3 (queue active)"
                      % (qid, len(b"Subject: three\r\n\r\n")), self.log_lines())
        self.assertEqual(len(self.new_files("bob@example.org")), 2)  # bob and postmaster
        self.assertEqual(len(self.new_files("carol@example.org")), 1)

    def test_max_errors_closes_the_session(self):
        self.start("max_errors = 3")
        c = self.connect()
        c.dialog("C: EHLO client.example")
        c.reply()
        c.dialog("""
            C: FROB
            S: 500 5.5.2 Error: command not recognized
            C: RCPT TO:<bob@example.org>
            S: 503 5.5.1 Error: need MAIL command
            C: NOOP
            S: 250 2.0.0 Ok
            C: MAIL FROM:<no-brackets@example.net
            S: 501 5.1.7 Bad sender address syntax: missing '>'
            S: 421 4.7.0 mx.example.org Error: too many errors
        """)
        c.assertClosed()

    def test_max_line_length(self):
        self.start()
        c = self.connect()
        # 2048 octets before CR LF is the longest line (the default).
        c.send(b"NOOP " + b"x" * 2043 + b"\r\n")
        c.expect("250 2.0.0 Ok")
        c.send(b"NOOP " + b"x" * 2044 + b"\r\n")
        c.expect("500 5.5.2 Error: line too long")
        # 3000 bytes in two writes: the tail must not become a command.
        c.send(b"NOOP " + b"x" * 1500)
        time.sleep(0.2)
        c.send(b"x" * 1491 + b"QUIT\r\n")
        c.expect("500 5.5.2 Error: line too long")
        c.dialog("C: EHLO client.example")
        c.expect(*EHLO_CLEARTEXT)
        c.dialog("""
            C: QUIT
            S: 221 2.0.0 Bye
        """)

    def test_connections_per_client(self):
        # mynetworks is exempt from the limit, as in Postfix: take 127/8 out.
        self.start("max_connections_per_client = 2", "mynetworks = 192.0.2.0/24")
        first, second = self.connect(), self.connect()
        third = self.connect(greet=False)
        third.expect("421 4.7.0 mx.example.org Error: too many connections from your address")
        third.assertClosed()
        second.dialog("""
            C: NOOP
            S: 250 2.0.0 Ok
            C: QUIT
            S: 221 2.0.0 Bye
        """)
        second.assertClosed()
        # Once smtpd has seen the close, a new connection is welcome again.
        wait_for(lambda: self.log_lines().count("disconnect from unknown[127.0.0.1]") == 2, 5,
                 "smtpd to see two connections end")
        self.assertIn("warning: refusing unknown[127.0.0.1]: Error: too many connections from your address",
                      self.log_lines())
        self.connect().dialog("""
            C: NOOP
            S: 250 2.0.0 Ok
        """)
        first.dialog("""
            C: NOOP
            S: 250 2.0.0 Ok
        """)

    def test_command_timeout(self):
        self.start("command_timeout = 2s")
        c = self.connect()
        c.dialog("C: EHLO client.example")
        c.reply()
        started = time.monotonic()
        c.send(b"NOO")  # half a command does not reset the clock either
        c.expect("421 4.4.2 mx.example.org Error: timeout exceeded", timeout=10)
        elapsed = time.monotonic() - started
        c.assertClosed()
        self.assertGreaterEqual(elapsed, 1.5)
        self.assertLess(elapsed, 4.5)
        self.assertIn("timeout after ready from unknown[127.0.0.1]", self.log_lines())


class SubmissionAuthTest(SmtpdTestCase):

    def test_auth_needs_tls_on_submission(self):
        self.connect("submission").dialog("""
            C: EHLO client.example
            S: 250-mx.example.org
            S: 250-PIPELINING
            S: 250-SIZE 52428800
            S: 250-8BITMIME
            S: 250-ENHANCEDSTATUSCODES
            S: 250-SMTPUTF8
            S: 250-CHUNKING
            S: 250 STARTTLS
            C: AUTH PLAIN %s
            S: 538 5.7.11 Encryption required for requested authentication mechanism
            C: MAIL FROM:<bob@example.org>
            S: 530 5.7.0 Authentication required
        """ % plain("bob@example.org", PASSWORD))

    def test_mail_needs_auth_on_submission_and_submissions(self):
        for kind in ("submission", "submissions"):
            with self.subTest(kind):
                c = self.ehlo_tls(kind)
                c.dialog("""
                    C: MAIL FROM:<bob@example.org>
                    S: 530 5.7.0 Authentication required
                    C: AUTH LOGIN
                    S: 334 VXNlcm5hbWU6
                    C: %s
                    S: 334 UGFzc3dvcmQ6
                    C: %s
                    S: 235 2.7.0 Authentication successful
                    C: AUTH PLAIN %s
                    S: 503 5.5.1 Error: already authenticated
                    C: MAIL FROM:<bob@example.org>
                    S: 250 2.1.0 Ok
                    C: RCPT TO:<friend@remote.example>
                    S: 250 2.1.5 Ok
                """ % (b64("bob@example.org"), b64(PASSWORD), plain("bob@example.org", PASSWORD)))

    def test_auth_syntax(self):
        c = self.ehlo_tls()
        c.dialog("""
            C: AUTH CRAM-MD5
            S: 504 5.5.4 Error: unsupported authentication mechanism
            C: AUTH PLAIN
            S: 334 
            C: *
            S: 501 5.7.0 Authentication aborted
            C: AUTH PLAIN not!base64
            S: 501 5.5.2 Error: malformed authentication response
            C: AUTH PLAIN =
            S: 501 5.5.2 Error: malformed authentication response
            C: NOOP
            S: 250 2.0.0 Ok
        """)

    def test_failed_logins_are_slow_then_end_the_session(self):
        wrong = "Wr0ng-Pa55word-%d" % random.randrange(10**6)
        c = self.ehlo_tls()
        started = time.monotonic()
        c.dialog("""
            C: AUTH PLAIN %s
            S: 535 5.7.8 Error: authentication failed
        """ % plain("bob@example.org", wrong))
        self.assertGreaterEqual(time.monotonic() - started, 1.0)
        c.dialog("""
            C: AUTH LOGIN %s
            S: 334 UGFzc3dvcmQ6
            C: %s
            S: 535 5.7.8 Error: authentication failed
            C: AUTH PLAIN %s
            S: 421 4.7.0 mx.example.org Error: too many authentication failures
        """ % (b64("bob@example.org"), b64(wrong), plain("nobody@example.org", PASSWORD)))
        c.assertClosed()
        self.assertGreaterEqual(time.monotonic() - started, 6.0)  # 1 + 2 + 3 seconds
        # A good login afterwards, so the log has seen a right password too.
        self.authenticated("submissions").dialog("C: QUIT\nS: 221 2.0.0 Bye")
        self.wait_log(r"disconnect from unknown\[127\.0\.0\.1\]")
        log = self.log_text()
        self.assertEqual(log.count("warning: unknown[127.0.0.1]: SASL PLAIN authentication failed"), 2)
        self.assertEqual(log.count("warning: unknown[127.0.0.1]: SASL LOGIN authentication failed"), 1)
        for secret in (wrong, PASSWORD, b64(wrong), b64(PASSWORD), plain("bob@example.org", wrong),
                       plain("bob@example.org", PASSWORD), plain("nobody@example.org", PASSWORD)):
            self.assertNotIn(secret, log)


if __name__ == "__main__":
    unittest.main()
