"""smtpd with real third-party SMTP clients: Python's smtplib, curl and swaks.

Each test sends one message the way the client does and checks the exact
bytes mda stored: Return-Path and Delivered-To from mda, smtpd's Received:
header naming the protocol (ESMTP, ESMTPSA), the TLS version and cipher, and
the queue ID the 250 reply gave; then the message with LF line ends.
"""
import os
import re
import shutil
import smtplib
import subprocess
import unittest

from smtpdtest import PASSWORD, QUEUE_ID, SmtpdTestCase, client_tls_context, read, without_date

MESSAGE = (b"From: Alice <alice@example.net>\r\n"
           b"To: Bob <bob@example.org>\r\n"
           b"Subject: hello\r\n"
           b"\r\n"
           b"Hello Bob.\r\n"
           b".A line that starts with a dot.\r\n")
STORED_BODY = (b"From: Alice <alice@example.net>\n"
               b"To: Bob <bob@example.org>\n"
               b"Subject: hello\n"
               b"\n"
               b"Hello Bob.\n"
               b".A line that starts with a dot.\n")


def received(protocol, qid, rcpt, tls=None):
    """The Received: header smtpd writes for a client that said EHLO client.example."""
    h = (b"Received: from client.example (unknown [127.0.0.1])\n"
         b"\tby mx.example.org (Posthorn) with %s id %s\n" % (protocol.encode(), qid.encode()))
    if tls:
        h += b"\t(using %s with cipher %s)\n" % (tls[0].encode(), tls[1].encode())
    return h + b"\tfor <%s>; DATE\n" % rcpt.encode()


def stored(sender, rcpt, protocol, qid, tls=None, body=STORED_BODY):
    return (b"Return-Path: <%s>\nDelivered-To: %s\n" % (sender.encode(), rcpt.encode())
            + received(protocol, qid, rcpt, tls) + body)


def queue_id_of(reply):
    m = re.fullmatch(r"2\.0\.0 Ok: queued as (%s)" % QUEUE_ID, reply.decode())
    if not m:
        raise AssertionError("not a queued reply: %r" % reply)
    return m.group(1)


class SmtplibTest(SmtpdTestCase):
    # Loopback is not trusted for relaying, so only AUTH opens it.
    CONFIG = ("mynetworks = 192.0.2.0/24",)

    def smtp(self, kind="smtp"):
        if kind == "submissions":
            s = smtplib.SMTP_SSL("127.0.0.1", self.port[kind], local_hostname="client.example",
                                 context=client_tls_context(), timeout=10)
        else:
            s = smtplib.SMTP("127.0.0.1", self.port[kind], local_hostname="client.example", timeout=10)
        self.addCleanup(s.close)
        return s

    def transaction(self, s, sender, rcpt, data=MESSAGE):
        self.assertEqual(s.mail(sender), (250, b"2.1.0 Ok"))
        self.assertEqual(s.rcpt(rcpt), (250, b"2.1.5 Ok"))
        code, reply = s.data(data)
        self.assertEqual(code, 250, reply)
        return queue_id_of(reply)

    def test_plain_smtp_on_port_25_delivers_to_the_maildir(self):
        s = self.smtp()
        self.assertEqual(s.ehlo(), (250, b"mx.example.org\nPIPELINING\nSIZE 52428800\n8BITMIME\n"
                                         b"ENHANCEDSTATUSCODES\nSMTPUTF8\nCHUNKING\nSTARTTLS"))
        qid = self.transaction(s, "alice@example.net", "bob@example.org")
        self.assertEqual(s.quit(), (221, b"2.0.0 Bye"))
        [path] = self.wait_messages("bob@example.org")
        self.assertStored(path, stored("alice@example.net", "bob@example.org", "ESMTP", qid))
        self.wait_log(qid + ": removed")
        self.assertLinesMatch(self.lines_about(qid), [
            r"client=unknown\[127\.0\.0\.1\]",
            r"from=<alice@example\.net>, size=%d, nrcpt=1 \(queue active\)" % len(MESSAGE),
            r"to=<bob@example\.org>, relay=mda, delay=\d+, status=sent \(delivered\)",
            r"removed",
        ])
        self.assertEqual(self.queue_ids(), [])

    def test_starttls_then_auth_plain_or_login_on_submission(self):
        for mechanism in ("PLAIN", "LOGIN"):
            with self.subTest(mechanism=mechanism):
                s = self.smtp("submission")
                s.ehlo()
                self.assertNotIn("auth", s.esmtp_features)
                self.assertEqual(s.starttls(context=client_tls_context()), (220, b"2.0.0 Ready to start TLS"))
                s.ehlo()
                self.assertEqual(s.esmtp_features["auth"].split(), ["PLAIN", "LOGIN"])
                self.assertNotIn("starttls", s.esmtp_features)
                s.user, s.password = "bob@example.org", PASSWORD
                authobject = s.auth_plain if mechanism == "PLAIN" else s.auth_login
                # LOGIN without an initial response: the full 334 exchange.
                self.assertEqual(s.auth(mechanism, authobject, initial_response_ok=mechanism == "PLAIN"),
                                 (235, b"2.7.0 Authentication successful"))
                tls = (s.sock.version(), s.sock.cipher()[0])
                qid = self.transaction(s, "bob@example.org", "carol@example.org")
                s.quit()
                [path] = self.wait_messages("carol@example.org")
                self.assertStored(path, stored("bob@example.org", "carol@example.org", "ESMTPSA", qid, tls))
                self.assertEqual(tls[0], "TLSv1.3")
                self.assertIn("client=unknown[127.0.0.1], sasl_method=%s, sasl_username=bob@example.org" % mechanism,
                              self.log_lines())
                os.unlink(path)

    def send_over_smtp_ssl(self):
        """SMTP_SSL to port 465, login, one message to bob: (queue ID, TLS
        version and cipher, the stored file's path)."""
        s = self.smtp("submissions")
        s.ehlo()
        self.assertEqual(s.esmtp_features["auth"].split(), ["PLAIN", "LOGIN"])
        self.assertNotIn("starttls", s.esmtp_features)
        self.assertEqual(s.login("bob@example.org", PASSWORD), (235, b"2.7.0 Authentication successful"))
        tls = (s.sock.version(), s.sock.cipher()[0])
        qid = self.transaction(s, "bob@example.org", "bob@example.org")
        s.quit()
        [path] = self.wait_messages("bob@example.org")
        return qid, tls, path

    def test_smtp_ssl_on_submissions(self):
        qid, tls, path = self.send_over_smtp_ssl()
        data = read(path)
        # The TLS comment is test_received_names_the_cipher_on_submissions's.
        data = re.sub(rb"\t\(using [^)]*\)\n", b"", data)
        self.assertEqual(without_date(data), stored("bob@example.org", "bob@example.org", "ESMTPSA", qid))

    def test_received_names_the_cipher_on_submissions(self):
        qid, tls, path = self.send_over_smtp_ssl()
        self.assertStored(path, stored("bob@example.org", "bob@example.org", "ESMTPSA", qid, tls))

    def test_relaying_needs_auth_and_the_remote_recipient_stays_queued(self):
        s = self.smtp("smtp")
        s.ehlo()
        self.assertEqual(s.mail("bob@example.org"), (250, b"2.1.0 Ok"))
        self.assertEqual(s.rcpt("friend@remote.example"),
                         (554, b"5.7.1 <friend@remote.example>: Relay access denied"))
        self.assertEqual(s.rset(), (250, b"2.0.0 Ok"))
        s.starttls(context=client_tls_context())
        s.ehlo()
        s.login("bob@example.org", PASSWORD)
        qid = self.transaction(s, "bob@example.org", "friend@remote.example")
        s.quit()
        self.wait_log(qid + r": to=<friend@remote\.example>, relay=none, delay=\d+, "
                            r"status=deferred \(delivery to other domains is not available yet\)")
        self.assertLinesMatch(self.lines_about(qid), [
            r"client=unknown\[127\.0\.0\.1\], sasl_username=bob@example\.org",
            r"from=<bob@example\.org>, size=%d, nrcpt=1 \(queue active\)" % len(MESSAGE),
            r"to=<friend@remote\.example>, relay=none, delay=\d+, "
            r"status=deferred \(delivery to other domains is not available yet\)",
        ])
        self.stop()
        self.assertEqual(self.queue_ids(), [qid])
        self.assertEqual(self.all_message_files(), [])
        self.assertFalse([l for l in self.log_lines() if "error" in l.lower() or "warning" in l.lower()],
                         self.log_text())


@unittest.skipUnless(shutil.which("curl"), "curl is not installed")
class CurlTest(SmtpdTestCase):

    def curl(self, *args):
        path = os.path.join(self.root, "message.eml")
        with open(path, "wb") as f:
            f.write(MESSAGE)
        r = subprocess.run(["curl", "-sS", "-v", "--max-time", "20"] + list(args) + ["-T", path],
                           capture_output=True, timeout=30)
        err = r.stderr.decode("utf-8", "replace")
        self.assertEqual(r.returncode, 0, err)
        m = re.search(r"^< 250 2\.0\.0 Ok: queued as (%s)\r?$" % QUEUE_ID, err, re.M)
        self.assertIsNotNone(m, err)
        return m.group(1), err

    def test_curl_plain_smtp(self):
        qid, _ = self.curl("smtp://127.0.0.1:%d/client.example" % self.port["smtp"],
                           "--mail-from", "alice@example.net", "--mail-rcpt", "bob@example.org")
        [path] = self.wait_messages("bob@example.org")
        self.assertStored(path, stored("alice@example.net", "bob@example.org", "ESMTP", qid))

    def test_curl_starttls_and_auth_on_submission(self):
        qid, err = self.curl("--ssl-reqd", "-k", "smtp://127.0.0.1:%d/client.example" % self.port["submission"],
                             "--user", "bob@example.org:" + PASSWORD,
                             "--mail-from", "bob@example.org", "--mail-rcpt", "carol@example.org")
        m = re.search(r"SSL connection using (TLSv1\.3) / (TLS_\w+)", err)
        self.assertIsNotNone(m, err)
        [path] = self.wait_messages("carol@example.org")
        self.assertStored(path, stored("bob@example.org", "carol@example.org", "ESMTPSA", qid, m.groups()))
        self.assertRegex(self.log_text(), r"sasl_method=(PLAIN|LOGIN), sasl_username=bob@example\.org")
        self.assertNotIn(PASSWORD, self.log_text())


@unittest.skipUnless(shutil.which("swaks"), "swaks is not installed")
class SwaksTest(SmtpdTestCase):

    def test_swaks_starttls_auth_plain(self):
        path = os.path.join(self.root, "message.eml")
        with open(path, "wb") as f:
            # swaks ends the data with CRLF . CRLF itself, and converts LF to CRLF.
            f.write(MESSAGE.replace(b"\r\n", b"\n").rstrip(b"\n"))
        r = subprocess.run(["swaks", "--server", "127.0.0.1:%d" % self.port["submission"], "--tls",
                            "--auth", "PLAIN", "--auth-user", "bob@example.org", "--auth-password", PASSWORD,
                            "--helo", "client.example", "--from", "bob@example.org", "--to", "carol@example.org",
                            "--data", "@" + path, "--timeout", "20"], capture_output=True, timeout=30)
        out = r.stdout.decode("utf-8", "replace")
        self.assertEqual(r.returncode, 0, out + r.stderr.decode())
        m = re.search(r"^<~  250 2\.0\.0 Ok: queued as (%s)$" % QUEUE_ID, out, re.M)
        self.assertIsNotNone(m, out)
        tls = re.search(r"TLS started with cipher (TLSv1\.3):(TLS_\w+)", out)
        self.assertIsNotNone(tls, out)
        self.assertIn("<~  235 2.7.0 Authentication successful", out)
        [stored_path] = self.wait_messages("carol@example.org")
        self.assertStored(stored_path, stored("bob@example.org", "carol@example.org", "ESMTPSA", m.group(1),
                                              tls.groups()))


if __name__ == "__main__":
    unittest.main()
