"""Hostile clients: SMTP smuggling, bare line ends, STARTTLS command
injection (CVE-2011-0411 and kin) and open-relay probes. A hostile input
gets a protocol error and costs nothing else: no message is delivered or
queued that the client was not told about, and nothing goes to another
domain."""
import os

from smtpdtest import EHLO_CLEARTEXT, EHLO_TLS, QUEUED, SmtpdTestCase

SMUGGLED = (b"MAIL FROM:<evil@x.example>\r\n"
            b"RCPT TO:<bob@example.org>\r\n"
            b"DATA\r\n"
            b"From: ceo@example.org\r\n"
            b"Subject: smuggled\r\n"
            b"\r\n"
            b"Pay the invoice.\r\n")

# Every way a lax reader could take for the end of DATA (SEC Consult, 2023).
FALSE_ENDS = (b"\n.\n", b"\n.\r\n", b"\r.\r", b"\r\n.\n", b"\r\n.\r", b"\r.\r\n")

BAD_DATA = "554 5.6.0 Error: bare <CR> or <LF> in message data; lines end with <CR><LF>"


class SmugglingTest(SmtpdTestCase):

    def test_no_false_end_of_data_ends_the_message(self):
        for false_end in FALSE_ENDS:
            with self.subTest(false_end=false_end):
                c = self.connect()
                c.dialog("C: EHLO client.example")
                c.expect(*EHLO_CLEARTEXT)
                c.dialog("""
                    C: MAIL FROM:<alice@example.net>
                    S: 250 2.1.0 Ok
                    C: RCPT TO:<bob@example.org>
                    S: 250 2.1.5 Ok
                    C: DATA
                    S: 354 End data with <CR><LF>.<CR><LF>
                """)
                c.send(b"Subject: harmless\r\n\r\nHello." + false_end + SMUGGLED)
                # Nothing has ended the message yet: no reply at all.
                c.assertNothingMore(wait=0.3)
                c.send(b".\r\n")
                c.expect(BAD_DATA)
                # One reply for the lot, and the session is in step.
                c.dialog("""
                    C: NOOP
                    S: 250 2.0.0 Ok
                    C: RCPT TO:<bob@example.org>
                    S: 503 5.5.1 Error: need MAIL command
                    C: QUIT
                    S: 221 2.0.0 Bye
                """)
                c.assertClosed()
        self.assertEqual(self.queue_ids(), [])
        self.assertEqual(self.queue_unfinished(), [])
        self.assertEqual(self.all_message_files(), [])
        self.assertFalse([l for l in self.log_lines() if "evil@x.example" in l or "queue active" in l],
                         self.log_text())

    def test_a_smuggled_message_in_a_pipelined_write(self):
        # The whole attack in one write, as a sending MTA would pass it on.
        c = self.connect()
        c.send(b"EHLO client.example\r\n"
               b"MAIL FROM:<alice@example.net>\r\n"
               b"RCPT TO:<bob@example.org>\r\n"
               b"DATA\r\n"
               b"Subject: harmless\r\n\r\nHello.\n.\r\n" + SMUGGLED + b".\r\n"
               b"QUIT\r\n")
        c.expect(*EHLO_CLEARTEXT)
        c.dialog("""
            S: 250 2.1.0 Ok
            S: 250 2.1.5 Ok
            S: 354 End data with <CR><LF>.<CR><LF>
            S: %s
            S: 221 2.0.0 Bye
        """ % BAD_DATA)
        c.assertClosed()
        self.assertEqual(self.queue_ids(), [])
        self.assertEqual(self.all_message_files(), [])

    def test_the_same_lines_with_crlf_are_one_message(self):
        # The control: the same lines, dot-stuffed with CR LF ends, are one
        # message holding the would-be commands as text.
        c = self.connect()
        c.dialog("C: EHLO client.example")
        c.reply()
        qid = self.send_mail(c, "alice@example.net", ["bob@example.org"],
                             b"Subject: harmless\r\n\r\nHello.\r\n.\r\n" + SMUGGLED)
        [path] = self.wait_messages("bob@example.org")
        with open(path, "rb") as f:
            self.assertTrue(f.read().endswith(b"\n\nHello.\n.\nMAIL FROM:<evil@x.example>\nRCPT TO:<bob@example.org>\n"
                                              b"DATA\nFrom: ceo@example.org\nSubject: smuggled\n\nPay the invoice.\n"))
        self.wait_log(qid + ": removed")


class BareLineEndsTest(SmtpdTestCase):

    def test_bare_lf_and_bare_cr_in_commands(self):
        c = self.connect()
        c.dialog(r"""
            C> NOOP\n
            S: 500 5.5.2 Error: bare <LF> received; lines end with <CR><LF>
            C> NOOP\rQUIT\r\n
            S: 500 5.5.2 Error: bare <CR> received; lines end with <CR><LF>
            C> EHLO client.example\r\n
        """)
        c.expect(*EHLO_CLEARTEXT)
        c.dialog(r"""
            C> MAIL FROM:<alice@example.net>\nRCPT TO:<bob@example.org>\r\n
            S: 500 5.5.2 Error: bare <LF> received; lines end with <CR><LF>
            S: 503 5.5.1 Error: need MAIL command
            C> MAIL FROM:<alice@example.net>\r\n
            S: 250 2.1.0 Ok
            C> RCPT TO:<bob@example.org>\r\rDATA\r\n
            S: 500 5.5.2 Error: bare <CR> received; lines end with <CR><LF>
            C> NOOP\r\n
            S: 250 2.0.0 Ok
        """)
        c.assertNothingMore()


class StartTlsInjectionTest(SmtpdTestCase):

    def test_commands_sent_with_starttls_are_discarded(self):
        for kind in ("smtp", "submission"):
            with self.subTest(kind):
                c = self.connect(kind)
                c.dialog("C: EHLO client.example")
                c.expect(*EHLO_CLEARTEXT)
                c.send(b"STARTTLS\r\nEHLO evil.example\r\nMAIL FROM:<x@y.example>\r\n")
                c.expect("220 2.0.0 Ready to start TLS")
                c.assertNothingMore(wait=0.3)  # no cleartext reply to the injected lines
                c.starttls()
                c.dialog("""
                    C: NOOP
                    S: 250 2.0.0 Ok
                """)
                c.assertNothingMore(wait=0.3)  # and no TLS reply to them either
                c.dialog("""
                    C: MAIL FROM:<alice@example.net>
                    S: 503 5.5.1 Error: send HELO/EHLO first
                    C: EHLO client.example
                """)
                c.expect(*EHLO_TLS)
                c.dialog("""
                    C: QUIT
                    S: 221 2.0.0 Bye
                """)
        self.assertFalse([l for l in self.log_lines() if "evil" in l or "x@y.example" in l], self.log_text())

    def test_starttls_in_a_transaction_is_refused(self):
        c = self.connect()
        c.dialog("C: EHLO client.example")
        c.expect(*EHLO_CLEARTEXT)
        c.dialog("""
            C: MAIL FROM:<alice@example.net>
            S: 250 2.1.0 Ok
            C: STARTTLS
            S: 503 5.5.1 Error: MAIL transaction in progress
        """)


# RCPT TO probes an open-relay tester sends, with smtpd's answer to each.
# None may be accepted for a domain that is not local.
RELAY_PROBES = [
    ("<x@remote.example>", "554 5.7.1 <x@remote.example>: Relay access denied"),
    ("<x@REMOTE.EXAMPLE>", "554 5.7.1 <x@remote.example>: Relay access denied"),
    ("<x%remote.example@example.org>",
     "550 5.1.1 <x%remote.example@example.org>: Recipient address rejected: User unknown in local recipient table"),
    ("<remote.example!x@example.org>",
     "550 5.1.1 <remote.example!x@example.org>: Recipient address rejected: User unknown in local recipient table"),
    ("<\"x@remote.example\">", "501 5.1.3 Bad recipient address syntax: missing domain"),
    ("<\"x@remote.example\"@example.org>",
     "550 5.1.1 <\"x@remote.example\"@example.org>: Recipient address rejected: User unknown in local recipient "
     "table"),
    ("<\"bob@example.org\"@remote.example>", "554 5.7.1 <\"bob@example.org\"@remote.example>: Relay access denied"),
    # RFC 5321 §4.1.1.3: a source route is ignored, the mailbox is what counts.
    ("<@example.org:x@remote.example>", "554 5.7.1 <x@remote.example>: Relay access denied"),
    ("<x@remote.example@example.org>", "501 5.1.3 Bad recipient address syntax: bad character in domain"),
    ("<bob@example.org%remote.example>", "501 5.1.3 Bad recipient address syntax: bad character in domain"),
    ("<x@example.org.>", "501 5.1.3 Bad recipient address syntax: empty domain label"),
    ("<x@remote.example.>", "501 5.1.3 Bad recipient address syntax: empty domain label"),
    ("<x@sub.example.org>", "554 5.7.1 <x@sub.example.org>: Relay access denied"),
    ("<x@[127.0.0.1]>", "554 5.7.1 <x@[127.0.0.1]>: Relay access denied"),
    ("<x@remote.example >", "501 5.1.3 Bad recipient address syntax: bad character in domain"),
    ("x@remote.example", "501 5.1.3 Bad recipient address syntax: missing '<'"),
]


class OpenRelayTest(SmtpdTestCase):
    # The test client (127.0.0.1) is not trusted, and errors do not end the probe.
    CONFIG = ("mynetworks = 192.0.2.0/24", "max_errors = 100")

    def test_relay_probes_never_reach_another_domain(self):
        for kind in ("smtp", "submission"):
            c = self.connect(kind)
            c.dialog("C: EHLO client.example")
            c.reply()
            if kind == "submission":
                c.dialog("""
                    C: MAIL FROM:<alice@example.net>
                    S: 530 5.7.0 Authentication required
                    C: RCPT TO:<x@remote.example>
                    S: 503 5.5.1 Error: need MAIL command
                """)
                continue
            c.dialog("""
                C: MAIL FROM:<alice@example.net>
                S: 250 2.1.0 Ok
            """)
            for rcpt, reply in RELAY_PROBES:
                with self.subTest(rcpt):
                    c.cmd("RCPT TO:" + rcpt)
                    self.assertEqual(c.reply(), [reply])
            qid = c.dialog("""
                C: RCPT TO:<@remote.example:BOB@Example.Org>
                S: 250 2.1.5 Ok
                C: DATA
                S: 354 End data with <CR><LF>.<CR><LF>
                C: Subject: probe
                C:
                C: .
                S~ %s
                C: QUIT
                S: 221 2.0.0 Bye
            """ % QUEUED)["id"]
        self.wait_log(qid + ": removed")
        self.assertLinesMatch(self.lines_about(qid)[-2:], [
            r"to=<BOB@example\.org>, relay=mda, delay=\d+, status=sent \(delivered\)", "removed"])
        self.assertFalse([l for l in self.log_lines() if "relay=none" in l], self.log_text())
        self.assertEqual(self.queue_ids(), [])
        self.assertEqual(os.listdir(self.mail_root), ["example.org"])
        self.assertEqual(os.listdir(os.path.join(self.mail_root, "example.org")), ["bob"])
        self.assertEqual(len(self.new_files("bob@example.org")), 1)
