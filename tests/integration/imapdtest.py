"""Scaffolding for the imapd integration tests (tests/integration/test_imapd_*.py),
over daemontest's (which smtpdtest and pop3dtest share).

Every test gets its own temporary directory with a posthorn.conf, a passwd
with bob@example.org and alice@example.org (password PASSWORD), a TLS
certificate and a mail root, and its own imapd on two free loopback ports
(imap with STARTTLS, imaps), started with -f so its log lines go to
DIR/imapd.log. tearDown stops it with SIGTERM and checks that it exits 0.

Sessions are daemontest dialogs with tagged commands written out:

    c = self.login()
    c.dialog('''
        C: a1 SELECT INBOX
        S: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)
        ...
        S: a1 OK [READ-WRITE] SELECT completed
    ''')

Messages are put into a Maildir with deliver(), which writes the file the
way mda does (LF line ends, `,S=size,W=wire size` in the name).
"""
import itertools
import os
import re

from daemontest import (BIN, MDA, PASSWORD, Conn, DaemonTestCase, client_tls_context, current_user,  # noqa: F401
                        entries, read, wait_for)

IMAPD = os.path.join(BIN, "imapd")

CAPS_PRE_AUTH = "IMAP4rev1 LITERAL+ SASL-IR ID"
CAPS_AUTH = CAPS_PRE_AUTH + " ENABLE NAMESPACE UNSELECT CHILDREN SPECIAL-USE IDLE UIDPLUS MOVE CONDSTORE QRESYNC ESEARCH"
# The greeting on each listener: the capabilities before login.
GREETING = {
    "imap": "* OK [CAPABILITY %s STARTTLS LOGINDISABLED] Posthorn ready" % CAPS_PRE_AUTH,
    "imaps": "* OK [CAPABILITY %s AUTH=PLAIN] Posthorn ready" % CAPS_PRE_AUTH,
}
BOB, ALICE = "bob@example.org", "alice@example.org"
SPECIAL = ("Sent", "Drafts", "Junk", "Trash")


def crlf(data):
    """Stored bytes (LF line ends) as IMAP sends them: CRLF."""
    return data.replace(b"\n", b"\r\n")


def make_maildir(path):
    """An empty Maildir (tmp/, new/, cur/) at `path`."""
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(path, sub), exist_ok=True)


class ImapConn(Conn):
    """daemontest's Conn with IMAP's steps that many tests take the same way."""

    tags = itertools.count(1)

    def tag(self):
        return "t%d" % next(self.tags)

    def starttls_cmd(self):
        self.dialog("""
            C: s1 STARTTLS
            S: s1 OK Begin TLS negotiation now
        """)
        self.starttls()

    def login_cmd(self, user=BOB, password=PASSWORD):
        self.cmd('l1 LOGIN "%s" "%s"' % (user, password))
        self.expect("l1 OK [CAPABILITY %s] Logged in" % CAPS_AUTH)

    def run(self, command, timeout=10.0):
        """Sends `command` with a fresh tag; returns (untagged lines, the
        tagged completion line without its tag)."""
        t = self.tag()
        self.cmd("%s %s" % (t, command))
        untagged = []
        while True:
            line = self.line(timeout)
            if line.startswith(t + " "):
                return untagged, line[len(t) + 1:]
            untagged.append(line)

    def ok(self, command, timeout=10.0):
        """run() that must end in OK; returns the untagged lines."""
        untagged, done = self.run(command, timeout)
        self.test.assertTrue(done.startswith("OK"), "%s -> %s\n%s" % (command, done, self.history()))
        return untagged


class ImapdTestCase(DaemonTestCase):
    """A temporary mail system with its own imapd."""

    PROGRAM = "imapd"
    BINARY = IMAPD
    PORTS = ("imap", "imaps")
    IMPLICIT_TLS = ("imaps",)
    GREETING = None
    CONN = ImapConn

    USERS = (BOB, ALICE)
    CONFIG = ()    # more [imapd] lines for every test of the class

    def prepare(self):
        self.serial = itertools.count(1)

    def config_text(self, *extra):
        return self.mail_access_config(*extra)

    def connect(self, kind="imap", greet=True):
        """A raw connection; checks the listener's greeting unless greet=False."""
        c = super().connect(kind, greet=False)
        if greet:
            c.expect(GREETING[kind])
        return c

    def login(self, user=BOB, kind="imaps"):
        """A session in the authenticated state, over TLS."""
        c = self.connect(kind)
        if kind == "imap":
            c.starttls_cmd()
        c.login_cmd(user)
        return c

    def deliver(self, data, user=BOB, folder="", sub="new", flags=None):
        """Writes a message (bytes, LF line ends) into the user's folder
        (""=INBOX) the way mda names it; returns its path."""
        md = self.maildir(user)
        d = os.path.join(md, "." + folder) if folder else md
        make_maildir(d)
        n = next(self.serial)
        name = "%d.M%dP%dQ%d.host,S=%d,W=%d" % (1700000000 + n, n, 4000 + n, n, len(data), len(data) + data.count(b"\n"))
        if flags is not None:
            name += ":2," + flags
        path = os.path.join(d, sub, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def folder_files(self, user=BOB, folder=""):
        """{"new": [names], "cur": [names]} of a folder."""
        md = self.maildir(user)
        d = os.path.join(md, "." + folder) if folder else md
        return {sub: entries(os.path.join(d, sub)) for sub in ("new", "cur")}
