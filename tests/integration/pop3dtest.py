"""Scaffolding for the pop3d integration tests (tests/integration/test_pop3d_*.py),
over daemontest's (which smtpdtest shares).

Every test gets its own temporary directory with a posthorn.conf, a passwd
with bob@example.org and alice@example.org (password PASSWORD), a TLS
certificate and a mail root holding an empty Maildir for each user, and its
own pop3d on two free loopback ports (pop3 with STLS, pop3s), started with -f
so its log lines go to DIR/pop3d.log. tearDown stops it with SIGTERM and
checks that it exits 0.

A POP3 session is written as a dialog (daemontest's module docstring has
the C:/C>/S:/S~ syntax), with Pop3Conn's helpers for the steps that recur:

    c = self.login()
    c.dialog('''
        C: STAT
        S: +OK 2 345
    ''')
    c.dele(1)                # C: DELE 1 / S: +OK Marked to be deleted
    c.retr(2, m2)            # the exact bytes of m2's RETR reply
    c.quit(deleted=1)        # C: QUIT / S: +OK Bye, 1 messages deleted, and the close

Messages are put into a Maildir with deliver(), which writes the file the
way mda does (LF line ends, a Dovecot-style `,S=size,W=wire size` name) and
returns a Msg knowing its unique ID, wire size and the exact bytes RETR and
TOP must send for it.
"""
import base64
import itertools
import os
import re

# What the test_pop3d_*.py files take from here but daemontest defines.
from daemontest import (BIN, MDA, PASSWORD, Conn, DaemonTestCase, client_tls_context, current_user,  # noqa: F401
                        entries, read, wait_for)

POP3D = os.path.join(BIN, "pop3d")

GREETING = "+OK Posthorn POP3 server ready"
BOB, ALICE = "bob@example.org", "alice@example.org"

# Replies of the contract (the spec's exact texts).
NEED_TLS = "-ERR [AUTH] Passwords only over TLS: use STLS first"
AUTH_FAILED = "-ERR [AUTH] Authentication failed"
IN_USE = "-ERR [IN-USE] Mailbox is locked by another session"
TOO_MANY_FAILURES = "-ERR [AUTH] Too many authentication failures"
ADDRESS_LIMITED = "-ERR [AUTH] Too many failed logins from your address; try again later"
WRONG_STATE = "-ERR Command not valid in this state"
UNKNOWN = "-ERR Unknown command"
INVALID = "-ERR Invalid arguments"
NO_SUCH = "-ERR No such message"
SHUTTING_DOWN = "-ERR [SYS/TEMP] Server shutting down"
LOGGED_IN = "+OK Logged in, %d messages (%d octets)"   # % (messages, octets)

# CAPA's lines (RFC 2449), in the contract's order, in each situation.
CAPA_CLEARTEXT = ["TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "STLS", "IMPLEMENTATION Posthorn"]
CAPA_TLS = ["TOP", "UIDL", "USER", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "SASL PLAIN",
            "IMPLEMENTATION Posthorn"]
CAPA_LOOPBACK = ["TOP", "UIDL", "USER", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "SASL PLAIN", "STLS",
                 "IMPLEMENTATION Posthorn"]
CAPA_NO_CERT = ["TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "IMPLEMENTATION Posthorn"]
CAPA_TRANSACTION = ["TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "IMPLEMENTATION Posthorn"]

# Parts of the test messages, shared by the test files so that each spells
# out only what its messages are there to show. All stored bytes: LF line ends.
FIRST_HEADER = (b"From: Alice <alice@example.org>\n"      # a plain header, then the body's first line
                b"To: Bob <bob@example.org>\n"
                b"Subject: first\n"
                b"\n"
                b"Hello Bob.\n")
FOLDED_HEADER = (b"From: carol@example.net\n"             # a header with a folded field
                 b"To: bob@example.org\n"
                 b"Subject: second\n"
                 b"X-Folded: one\n"
                 b"\ttwo\n"
                 b"\n")


def large_message(lines, dot_every, filler):
    """A long message: `lines` numbered body lines ending in `filler`, every
    `dot_every`th starting with a dot (which RETR must stuff)."""
    return b"Subject: third\nFrom: dave@example.net\n\n" + b"".join(
        b"%sline %05d %s\n" % (b"." if i % dot_every == 0 else b"", i, filler) for i in range(lines))


def b64(text):
    return base64.b64encode(text.encode()).decode()


def plain(user, password, authzid=""):
    """An AUTH PLAIN response (RFC 4616), base64."""
    return b64("%s\0%s\0%s" % (authzid, user, password))


def wire(data):
    """Stored bytes (LF line ends) as POP3 sends them: CRLF, dot-stuffed."""
    return re.sub(rb"(?m)^\.", b"..", data.replace(b"\n", b"\r\n"))


def wire_size(data):
    """The size POP3 reports: every LF counted as CRLF (no stuffing)."""
    return len(data) + data.count(b"\n")


def capa_lines(lines):
    return ["+OK Capability list follows"] + list(lines) + ["."]


def crlf(lines):
    """`lines` as the bytes on the wire, each ended with CRLF."""
    return "".join(l + "\r\n" for l in lines).encode()


def numbered(msgs):
    """[(message number, Msg)]: `msgs` is a list numbered from 1, or a
    {number: Msg} dict for a listing with gaps (messages marked deleted)."""
    return sorted(msgs.items()) if isinstance(msgs, dict) else list(enumerate(msgs, 1))


def list_lines(msgs):
    """The lines of the reply to LIST when the session holds `msgs`."""
    pairs = numbered(msgs)
    return (["+OK %d messages (%d octets)" % (len(pairs), sum(m.size for _, m in pairs))]
            + ["%d %d" % (n, m.size) for n, m in pairs] + ["."])


def uidl_lines(msgs):
    """The lines of the reply to UIDL when the session holds `msgs`."""
    return ["+OK"] + ["%d %s" % (n, m.uid) for n, m in numbered(msgs)] + ["."]


def make_maildir(path):
    """An empty Maildir (tmp/, new/, cur/) at `path`."""
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(path, sub))


class Msg:
    """One message file put into a Maildir by Pop3dTestCase.deliver()."""

    def __init__(self, path, data):
        self.path = path
        self.data = data
        self.name = os.path.basename(path)
        self.uid = re.split(r"[,:]", self.name, maxsplit=1)[0]
        self.size = wire_size(data)

    def retr(self):
        """The exact bytes of the reply to RETR."""
        return b"+OK %d octets\r\n" % self.size + wire(self.data) + b".\r\n"

    def top(self, n):
        """The exact bytes of the reply to TOP i n."""
        header, body = self.data.split(b"\n\n", 1)
        lines = body.split(b"\n")[:-1] if body.endswith(b"\n") else body.split(b"\n")
        kept = b"".join(l + b"\n" for l in lines[:n])
        return b"+OK\r\n" + wire(header + b"\n\n" + kept) + b".\r\n"


class Pop3Conn(Conn):
    """daemontest's Conn with the reads POP3's multi-line replies need, and
    the steps of a session that many tests take the same way."""

    def stls(self):
        """STLS and the TLS handshake."""
        self.dialog("""
            C: STLS
            S: +OK Begin TLS negotiation
        """)
        self.starttls()

    def capa(self, lines):
        """CAPA; the reply must list exactly `lines`."""
        self.cmd("CAPA")
        self.expect(*capa_lines(lines))

    def user_pass(self, reply=None, user=BOB, password=PASSWORD, match=None):
        """USER `user` (answered "+OK Send PASS"), then PASS `password`,
        whose reply must be exactly `reply`, or match the regex `match` in
        full."""
        self.dialog("""
            C: USER %s
            S: +OK Send PASS
            C: PASS %s
            %s
        """ % (user, password, "S: " + reply if match is None else "S~ " + match))

    def auth_plain_prompt(self):
        """AUTH PLAIN without an initial response: the server's empty
        continuation asks for it."""
        self.cmd("AUTH PLAIN")
        self.expect("+ ")

    def dele(self, *numbers):
        """DELE each of `numbers`; every one must be marked."""
        for n in numbers:
            self.dialog("C: DELE %d\nS: +OK Marked to be deleted" % n)

    def quit(self, deleted=0):
        """QUIT in TRANSACTION state: the Bye with the count of messages
        removed, then the close."""
        self.dialog("C: QUIT\nS: +OK Bye, %d messages deleted" % deleted)
        self.assertClosed()

    def retr(self, n, msg):
        """RETR `n`; the reply must be exactly the bytes of `msg`."""
        self.cmd("RETR %d" % n)
        self.test.assertEqual(self.raw_reply(), msg.retr(), self.history())

    def top(self, n, lines, msg):
        """TOP `n` `lines`; the reply must be exactly the bytes of `msg`'s top."""
        self.cmd("TOP %d %d" % (n, lines))
        self.test.assertEqual(self.raw_reply(), msg.top(lines), self.history())

    def expect_each(self, commands, reply):
        """Each of `commands` in turn; every one's reply must be exactly `reply`."""
        for cmd in commands:
            self.dialog("C: %s\nS: %s" % (cmd, reply))

    def expect_list(self, msgs):
        """LIST; the reply must list exactly `msgs` (see numbered())."""
        self.cmd("LIST")
        self.expect(*list_lines(msgs))

    def expect_uidl(self, msgs):
        """UIDL; the reply must list exactly `msgs` (see numbered())."""
        self.cmd("UIDL")
        self.expect(*uidl_lines(msgs))

    def raw_reply(self, timeout=10.0):
        """One whole reply as bytes: a -ERR line alone, or a +OK line and
        everything up to and including the terminating ".CRLF"."""
        while b"\r\n" not in self.buf:
            self._fill(timeout)
        if not self.buf.startswith(b"+OK"):
            end = self.buf.index(b"\r\n") + 2
        else:
            while b"\r\n.\r\n" not in self.buf:
                self._fill(timeout)
            end = self.buf.index(b"\r\n.\r\n") + 5
        data, self.buf = self.buf[:end], self.buf[end:]
        shown = data if len(data) <= 300 else data[:150] + b"[...]" + data[-150:]
        self.transcript.append("S> %r" % shown)
        return data

    def read_exactly(self, n, timeout=10.0):
        """The next `n` bytes (fails if the server closes first)."""
        while len(self.buf) < n:
            self._fill(timeout)
        data, self.buf = self.buf[:n], self.buf[n:]
        self.transcript.append("S> %r" % (data if len(data) <= 300 else data[:300] + b"[...]"))
        return data


class Pop3dTestCase(DaemonTestCase):
    """A temporary mail system with its own pop3d."""

    PROGRAM = "pop3d"
    BINARY = POP3D
    PORTS = ("pop3", "pop3s")
    IMPLICIT_TLS = ("pop3s",)
    GREETING = GREETING
    CONN = Pop3Conn

    USERS = (BOB, ALICE)
    CONFIG = ()    # more [pop3d] lines for every test of the class

    def prepare(self):
        """An empty Maildir for every user; deliver()'s serial numbers."""
        for user in self.USERS:
            make_maildir(self.maildir(user))
        self.serial = itertools.count(1)

    # --- configuration -------------------------------------------------------

    def config_text(self, *extra):
        return self.mail_access_config(*extra)

    # --- the log --------------------------------------------------------------

    def wait_disconnects(self, count, timeout=10.0):
        """Waits until the log holds `count` disconnect lines."""
        wait_for(lambda: self.log_lines().count("disconnect from unknown[127.0.0.1]") >= count, timeout,
                 "%d disconnect log lines" % count)

    # --- sessions -------------------------------------------------------------

    def tls_session(self, kind="pop3"):
        """A connection in AUTHORIZATION state with TLS on: STLS on pop3."""
        c = self.connect(kind)
        if kind == "pop3":
            c.stls()
        return c

    def login(self, user=BOB, kind="pop3s"):
        """A session in TRANSACTION state, logged in with USER/PASS over TLS."""
        c = self.tls_session(kind)
        c.user_pass(LOGGED_IN % self.mailbox_summary(user), user)
        return c

    def mailbox_summary(self, user):
        """(messages, octets) in the user's INBOX on disk now."""
        sizes = [wire_size(read(p)) for p in self.message_paths(user)]
        return len(sizes), sum(sizes)

    # --- Maildirs -------------------------------------------------------------

    def deliver(self, data, user=BOB, sub="new", flags=None, stamp=None, name=None):
        """Writes a message (bytes with LF line ends) into the user's Maildir
        INBOX, in `sub` (new or cur), named like mda names it; in cur/ with
        `flags` as ":2,FLAGS". Returns a Msg."""
        n = next(self.serial)
        if name is None:
            stamp = 1700000000 + n if stamp is None else stamp
            name = "%d.M%dP%dQ%dR%016x.host,S=%d,W=%d" % (stamp, n, 4000 + n, n, 0xa5f00d * n, len(data),
                                                          wire_size(data))
        if flags is not None:
            name += ":2," + flags
        path = os.path.join(self.maildir(user), sub, name)
        with open(path, "wb") as f:
            f.write(data)
        return Msg(path, data)

    def deliver_three(self, first, second, third):
        """bob's INBOX as most session tests want it: `first` in new/,
        `second` in cur/ flagged F, `third` in new/, numbered 1, 2, 3 in a
        session. Sets and returns self.m (the Msgs) and self.total (their
        octets)."""
        self.m = [self.deliver(first), self.deliver(second, sub="cur", flags="F"), self.deliver(third)]
        self.total = sum(m.size for m in self.m)
        return self.m

    def message_paths(self, user=BOB):
        """Paths of the files in new/ and cur/ of the user's INBOX."""
        md = self.maildir(user)
        return [os.path.join(md, sub, n) for sub in ("new", "cur") for n in entries(os.path.join(md, sub))]

    def files(self, user=BOB):
        """{"new": [names], "cur": [names]} of the user's INBOX."""
        md = self.maildir(user)
        return {sub: entries(os.path.join(md, sub)) for sub in ("new", "cur")}

    def contents(self, user=BOB):
        """{unique ID: bytes} of every message in new/ and cur/."""
        return {re.split(r"[,:]", os.path.basename(p), maxsplit=1)[0]: read(p) for p in self.message_paths(user)}
