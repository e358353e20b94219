"""Scaffolding for the smtpd integration tests (tests/integration/test_smtpd_*.py),
over daemontest's (which pop3dtest shares).

Every test gets its own temporary directory with a posthorn.conf, passwd,
aliases, a TLS certificate, a mail root and a queue, and its own smtpd on
three free loopback ports (smtp, submission, submissions), started with -f so
its log lines (DESIGN.md contract 6) go to DIR/smtpd.log. tearDown stops it
with SIGTERM and checks that it exits 0 (contract 7).

Protocol tests are written as dialogs (daemontest's module docstring has
the C:/C>/S:/S~ syntax), the way an RFC shows a session:

    c = self.connect()
    c.dialog('''
        C: EHLO client.example
        S: 250-mx.example.org
        ...
        C: MAIL FROM:<alice@example.net>
        S: 250 2.1.0 Ok
        C: DATA
        S: 354 End data with <CR><LF>.<CR><LF>
        S~ 250 2\\.0\\.0 Ok: queued as (?P<id>[0-9A-F]{16})
    ''')
"""
import base64
import os
import re
import time

# What the test_smtpd_*.py files take from here but daemontest defines.
from daemontest import (BIN, MDA, PASSWORD, Conn, DaemonTestCase, client_tls_context, current_user,  # noqa: F401
                        entries, free_ports, read, tls_material, wait_for)

SMTPD = os.path.join(BIN, "smtpd")

HOSTNAME = "mx.example.org"
GREETING = "220 mx.example.org ESMTP Posthorn"
QUEUE_ID = r"[0-9A-F]{16}"
QUEUED = r"250 2\.0\.0 Ok: queued as (?P<id>[0-9A-F]{16})"

# The EHLO keywords, in the order smtpd sends them (RFC 5321 §4.1.1.1).
EHLO_COMMON = ["PIPELINING", "SIZE 52428800", "8BITMIME", "ENHANCEDSTATUSCODES", "SMTPUTF8", "CHUNKING"]


def ehlo_reply(keywords):
    """The lines of a 250 EHLO reply: the host name, then `keywords`."""
    words = [HOSTNAME] + list(keywords)
    return ["250-" + w for w in words[:-1]] + ["250 " + words[-1]]


EHLO_CLEARTEXT = ehlo_reply(EHLO_COMMON + ["STARTTLS"])      # before TLS
EHLO_TLS = ehlo_reply(EHLO_COMMON + ["AUTH PLAIN LOGIN"])     # after TLS, before AUTH
EHLO_AUTHENTICATED = ehlo_reply(EHLO_COMMON)                  # after TLS and AUTH

# The Received: header's date, replaced by DATE before comparing a stored message.
DATE_RE = re.compile(rb"; [A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}\n")


def without_date(data):
    """The stored message with the Received: date replaced by `; DATE`."""
    return DATE_RE.sub(b"; DATE\n", data, count=1)


class SmtpConn(Conn):
    """daemontest's Conn with SMTP's multi-line replies."""

    def reply(self, timeout=10.0):
        """The lines of one whole (possibly multi-line) reply."""
        lines = [self.line(timeout)]
        while len(lines[-1]) > 3 and lines[-1][3] == "-":
            lines.append(self.line(timeout))
        return lines


class SmtpdTestCase(DaemonTestCase):
    """A temporary mail system with its own smtpd."""

    PROGRAM = "smtpd"
    BINARY = SMTPD
    PORTS = ("smtp", "submission", "submissions")
    IMPLICIT_TLS = ("submissions",)
    GREETING = GREETING
    CONN = SmtpConn

    USERS = ("bob@example.org", "carol@example.org")
    ALIASES = "postmaster: bob\n"
    CONFIG = ()         # more [smtpd] lines for every test of the class

    def prepare(self):
        """The aliases file, and where the queue goes (state_dir)."""
        self.aliases = os.path.join(self.root, "aliases")
        self.spool = os.path.join(self.root, "spool")
        with open(self.aliases, "w") as f:
            f.write(self.ALIASES)

    # --- files ------------------------------------------------------------

    def config_text(self, *extra):
        lines = [
            "hostname = " + HOSTNAME,
            "domains = example.org",
            "passwd = " + self.passwd,
            "aliases = " + self.aliases,
            "maildir = " + self.mail_root + "/%d/%n",
            "user = " + current_user(),
            "state_dir = " + self.spool,
            "tls_cert = " + self.cert,
            "tls_key = " + self.key,
            "[smtpd]",
            "listen = 127.0.0.1:%d/smtp 127.0.0.1:%d/submission 127.0.0.1:%d/submissions"
            % (self.port["smtp"], self.port["submission"], self.port["submissions"]),
            "retry_min = 2s",
        ]
        # A key may be set once per section: the class's and the test's
        # lines replace the defaults above (the test's win over the class's).
        key = lambda l: l.split("=", 1)[0].strip()
        extra = list(self.CONFIG) + list(extra)
        extra = [l for i, l in enumerate(extra) if key(l) not in {key(m) for m in extra[i + 1:]}]
        head, smtpd = lines[:lines.index("[smtpd]") + 1], lines[lines.index("[smtpd]") + 1:]
        smtpd = [l for l in smtpd if key(l) not in {key(m) for m in extra}]
        return "\n".join(head + smtpd + extra) + "\n"

    def fake_mda(self, script, name="fake-mda"):
        """Writes an executable /bin/sh script `name` into the test's
        directory and returns its path. smtpd runs it with only PATH and
        POSTHORN_CONF in the environment; ROOT in `script` is the test's
        directory and MDA the real mda."""
        path = os.path.join(self.root, name)
        with open(path, "w") as f:
            f.write("#!/bin/sh\n" + script.replace("ROOT", self.root).replace("MDA", MDA))
        os.chmod(path, 0o755)
        return path

    # --- the log ----------------------------------------------------------

    def lines_about(self, queue_id):
        """The log lines about one queue ID, without `ID: `."""
        p = queue_id + ": "
        return [l[len(p):] for l in self.log_lines() if l.startswith(p)]

    # --- sessions -------------------------------------------------------

    def ehlo_tls(self, kind="submission"):
        """A connection past EHLO, STARTTLS (unless implicit) and EHLO again."""
        c = self.connect(kind)
        if kind != "submissions":
            c.dialog("C: EHLO client.example")
            c.expect(*EHLO_CLEARTEXT)
            c.dialog("""
                C: STARTTLS
                S: 220 2.0.0 Ready to start TLS
            """)
            c.starttls()
        c.dialog("C: EHLO client.example")
        c.expect(*EHLO_TLS)
        return c

    def authenticated(self, kind="submission", user="bob@example.org"):
        c = self.ehlo_tls(kind)
        token = base64.b64encode(("\0%s\0%s" % (user, PASSWORD)).encode()).decode()
        c.dialog("""
            C: AUTH PLAIN %s
            S: 235 2.7.0 Authentication successful
        """ % token)
        return c

    def send_mail(self, c, sender, recipients, data):
        """One whole transaction on `c` (past EHLO), every recipient
        accepted; returns the queue ID. `data` is the message with CRLF line
        ends, before dot-stuffing."""
        c.dialog("C: MAIL FROM:<%s>\nS: 250 2.1.0 Ok" % sender)
        for r in recipients:
            c.dialog("C: RCPT TO:<%s>\nS: 250 2.1.5 Ok" % r)
        c.dialog("C: DATA\nS: 354 End data with <CR><LF>.<CR><LF>")
        stuffed = re.sub(rb"(?m)^\.", b"..", data)
        c.send(stuffed + b".\r\n")
        return c.dialog("S~ " + QUEUED)["id"]

    def submit(self, sender, recipients, data, kind="smtp"):
        """A connection, EHLO, one transaction, QUIT; returns the queue ID."""
        c = self.connect(kind)
        c.dialog("C: EHLO client.example")
        c.reply()
        qid = self.send_mail(c, sender, recipients, data)
        c.dialog("C: QUIT\nS: 221 2.0.0 Bye")
        c.close()
        return qid

    # --- mail and queue on disk ------------------------------------------

    def new_files(self, address):
        return entries(os.path.join(self.maildir(address), "new"))

    def wait_messages(self, address, count=1, timeout=10.0):
        """Waits until `address`'s Maildir has `count` messages in new/ and
        returns their paths, sorted; more than `count` fails."""
        try:
            wait_for(lambda: len(self.new_files(address)) >= count, timeout,
                     "%d message(s) for %s" % (count, address))
        except AssertionError as e:
            self.fail("%s; log:\n%s" % (e, self.log_text()[-3000:]))
        names = self.new_files(address)
        self.assertEqual(len(names), count, "messages for %s: %r" % (address, names))
        return [os.path.join(self.maildir(address), "new", n) for n in names]

    def queue_ids(self):
        """IDs of the messages in the queue (state_dir/queue/msg)."""
        return [n for n in entries(os.path.join(self.spool, "queue", "msg")) if re.fullmatch(QUEUE_ID, n)]

    def queue_unfinished(self):
        """Messages being written: files in queue/tmp, and spare-N files in
        queue/msg that hold something (the empty ones smtpd makes ahead of
        need do not count)."""
        out = []
        for sub in ("tmp", "msg"):
            d = os.path.join(self.spool, "queue", sub)
            for name in entries(d):
                try:
                    if sub == "tmp" or (name.startswith("spare-") and os.path.getsize(os.path.join(d, name)) > 0):
                        out.append(name)
                except FileNotFoundError:
                    pass
        return out

    def wait_queue_empty(self, timeout=10.0):
        try:
            wait_for(lambda: not self.queue_ids(), timeout, "an empty queue")
        except AssertionError as e:
            self.fail("%s; log:\n%s" % (e, self.log_text()[-3000:]))

    def wait_queue_drains(self, stall=30.0, limit=600.0):
        """Waits until the queue is empty, failing only when it stops
        shrinking for `stall` seconds (or after `limit`): a slow machine, or
        a sanitizer build whose every mda start costs more, still drains."""
        start = last = time.monotonic()
        best = None
        while True:
            n = len(self.queue_ids())
            now = time.monotonic()
            if n == 0:
                return
            if best is None or n < best:
                best, last = n, now
            if now - last > stall or now - start > limit:
                self.fail("%d messages still queued, none delivered for %.0fs; log:\n%s"
                          % (n, now - last, self.log_text()[-3000:]))
            time.sleep(0.1)

    def all_message_files(self):
        """Every file in a new/, cur/ or tmp/ of any Maildir."""
        out = []
        for top, dirs, files in os.walk(self.mail_root):
            if os.path.basename(top) in ("new", "cur", "tmp"):
                out += [os.path.join(top, f) for f in files]
        return sorted(out)

    def assertStored(self, path, expected):
        """The file's bytes, with the Received: date as `; DATE`, are `expected`."""
        self.assertEqual(without_date(read(path)), expected)
