"""Shared scaffolding for the pop3d integration tests (tests/integration/test_pop3d_*.py).

Every test gets its own temporary directory with a posthorn.conf, a passwd
with bob@example.org and alice@example.org (password PASSWORD), a TLS
certificate and a mail root holding an empty Maildir for each user, and its
own pop3d on two free loopback ports (pop3 with STLS, pop3s), started with -f
so its log lines go to DIR/pop3d.log. tearDown stops it with SIGTERM and
checks that it exits 0.

The raw client is smtpdtest's Conn, so a POP3 session is written as a
dialog the same way (`C:` sends a line + CRLF, `C>` sends bytes, `S:` wants
one reply line exactly, `S~` one line matching a regex):

    c = self.login()
    c.dialog('''
        C: STAT
        S: +OK 2 345
        C: DELE 1
        S: +OK Marked to be deleted
    ''')

Messages are put into a Maildir with deliver(), which writes the file the
way mda does (LF line ends, a Dovecot-style `,S=size,W=wire size` name) and
returns a Msg knowing its unique ID, wire size and the exact bytes RETR and
TOP must send for it.
"""
import base64
import itertools
import os
import re
import signal
import socket
import subprocess
import tempfile
import shutil
import unittest

# The helpers smtpdtest already has: one certificate and password hash per
# process, free ports, the client TLS context, the raw dialog client.
from smtpdtest import (PASSWORD, Conn, SmtpdTestCase, client_tls_context, current_user, entries, free_ports,
                       read, tls_material, wait_for)

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.path.realpath(os.environ.get("POSTHORN_BIN") or os.path.join(HERE, "..", "..", "build", "bin"))
POP3D = os.path.join(BIN, "pop3d")
MDA = os.path.join(BIN, "mda")

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

# CAPA's lines (RFC 2449), in the contract's order, in each situation.
CAPA_CLEARTEXT = ["TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "STLS", "IMPLEMENTATION Posthorn"]
CAPA_TLS = ["TOP", "UIDL", "USER", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "SASL PLAIN",
            "IMPLEMENTATION Posthorn"]
CAPA_LOOPBACK = ["TOP", "UIDL", "USER", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "SASL PLAIN", "STLS",
                 "IMPLEMENTATION Posthorn"]
CAPA_NO_CERT = ["TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "IMPLEMENTATION Posthorn"]
CAPA_TRANSACTION = ["TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "IMPLEMENTATION Posthorn"]


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
    """smtpdtest's Conn with the reads POP3's multi-line replies need."""

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

    def until_close(self, timeout=10.0):
        """Everything sent until the server closes the connection."""
        self.sock.settimeout(timeout)
        data = self.buf
        self.buf = b""
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        except socket.timeout:
            self.test.fail("pop3d did not close the connection within %.0fs; got %r\n%s"
                           % (timeout, data[-500:], self.history()))
        except (ConnectionResetError, OSError):
            pass
        return data


class Pop3dTestCase(unittest.TestCase):
    """A temporary mail system with its own pop3d."""

    USERS = (BOB, ALICE)
    CONFIG = ()    # more [pop3d] lines for every test of the class
    START = True   # start pop3d in setUp

    # Borrowed from SmtpdTestCase, which uses the same attribute names
    # (self.passwd, self.hash, self.logfile, self.mail_root, self.conns).
    write_passwd = SmtpdTestCase.write_passwd
    log_text = SmtpdTestCase.log_text
    wait_log = SmtpdTestCase.wait_log
    maildir = SmtpdTestCase.maildir
    assertLinesMatch = SmtpdTestCase.assertLinesMatch
    _close_conns = SmtpdTestCase._close_conns

    def setUp(self):
        if not os.access(POP3D, os.X_OK):
            self.fail("pop3d not built at %s (set POSTHORN_BIN)" % POP3D)
        self.root = os.path.realpath(tempfile.mkdtemp(prefix="pop3d-test-"))
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)
        cert, key, self.hash = tls_material()
        self.cert = os.path.join(self.root, "cert.pem")
        self.key = os.path.join(self.root, "key.pem")
        shutil.copy(cert, self.cert)
        shutil.copy(key, self.key)
        self.conf = os.path.join(self.root, "posthorn.conf")
        self.passwd = os.path.join(self.root, "passwd")
        self.mail_root = os.path.join(self.root, "mail")
        self.logfile = os.path.join(self.root, "pop3d.log")
        self.write_passwd(*self.USERS)
        for user in self.USERS:
            for sub in ("tmp", "new", "cur"):
                os.makedirs(os.path.join(self.maildir(user), sub))
        p = free_ports(2)
        self.port = {"pop3": p[0], "pop3s": p[1]}
        self.serial = itertools.count(1)
        self.proc = None
        self.conns = []
        self.addCleanup(self._close_conns)
        if self.START:
            self.start()

    def tearDown(self):
        if self.proc is not None and self.proc.poll() is None:
            self.stop()

    # --- configuration -------------------------------------------------------

    def config_text(self, *extra):
        """posthorn.conf: the common keys, then [pop3d] with listen and the
        class's and the test's lines. An extra line whose key is one of the
        common ones replaces it there (tls_cert = ... for a test without a
        certificate); a key given twice takes the last value."""
        top = {
            "hostname": "mail.example.org",
            "passwd": self.passwd,
            "maildir": self.mail_root + "/%d/%n",
            "user": current_user(),
            "tls_cert": self.cert,
            "tls_key": self.key,
        }
        section = {"listen": "127.0.0.1:%d/pop3 127.0.0.1:%d/pop3s" % (self.port["pop3"], self.port["pop3s"])}
        for line in list(self.CONFIG) + list(extra):
            key, value = (s.strip() for s in line.split("=", 1))
            (top if key in top else section)[key] = value
        lines = ["%s = %s" % kv for kv in top.items()] + ["[pop3d]"] + ["%s = %s" % kv for kv in section.items()]
        return "\n".join(lines) + "\n"

    def write_config(self, *extra):
        with open(self.conf, "w") as f:
            f.write(self.config_text(*extra))

    # --- running pop3d --------------------------------------------------------

    def start(self, *extra):
        """Writes posthorn.conf (with `extra` lines) and starts pop3d -f,
        waiting until every listener of `listen` is up."""
        self.write_config(*extra)
        listen = re.search(r"^listen = (.*)$", self.config_text(*extra), re.M).group(1).split()
        mark = len(self.log_text())
        log = open(self.logfile, "ab")
        try:
            env = {k: v for k, v in os.environ.items() if k != "POSTHORN_CONF"}
            self.proc = subprocess.Popen([POP3D, "-c", self.conf, "-f"], stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=log, env=env)
        finally:
            log.close()

        def up():
            if self.proc.poll() is not None:
                self.fail("pop3d exited with %d at start:\n%s" % (self.proc.returncode, self.log_text()[mark:]))
            text = self.log_text()[mark:]
            return all("listening on " + l in text for l in listen)
        wait_for(up, 10, "pop3d to listen")

    def stop(self, timeout=15):
        """SIGTERM; pop3d must exit 0 within `timeout` seconds."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self.fail("pop3d did not exit within %ds of SIGTERM:\n%s" % (timeout, self.log_text()[-3000:]))
        self.assertEqual(code, 0, "pop3d exit status after SIGTERM; log:\n" + self.log_text()[-3000:])

    # --- the log --------------------------------------------------------------

    def log_lines(self):
        """The log's lines without the `pop3d[PID]: ` prefix."""
        return [re.sub(r"^pop3d\[\d+\]: ", "", l) for l in self.log_text().splitlines()]

    def assertLogHas(self, patterns):
        """Lines matching the regexes `patterns` in full appear in the log in
        this order (other lines may come between)."""
        lines = self.log_lines()
        i = 0
        for p in patterns:
            while i < len(lines) and not re.fullmatch(p, lines[i]):
                i += 1
            if i == len(lines):
                self.fail("no log line matching %r (in order after the ones before) in:\n  %s"
                          % (p, "\n  ".join(lines)))
            i += 1

    def wait_disconnects(self, count, timeout=10.0):
        """Waits until the log holds `count` disconnect lines."""
        wait_for(lambda: self.log_lines().count("disconnect from unknown[127.0.0.1]") >= count, timeout,
                 "%d disconnect log lines" % count)

    # --- connections ----------------------------------------------------------

    def connect(self, kind="pop3", greet=True):
        """A raw connection to the listener `kind` (implicit TLS on pop3s);
        reads and checks the greeting unless greet=False."""
        sock = socket.create_connection(("127.0.0.1", self.port[kind]), timeout=10)
        c = Pop3Conn(self, sock)
        self.conns.append(c)
        if kind == "pop3s":
            c.sock = client_tls_context().wrap_socket(sock, server_hostname="localhost")
        if greet:
            c.expect(GREETING)
        return c

    def tls_session(self, kind="pop3"):
        """A connection in AUTHORIZATION state with TLS on: STLS on pop3."""
        c = self.connect(kind)
        if kind == "pop3":
            c.stls()
        return c

    def login(self, user=BOB, kind="pop3s"):
        """A session in TRANSACTION state, logged in with USER/PASS over TLS."""
        c = self.tls_session(kind)
        count, octets = self.mailbox_summary(user)
        c.dialog("""
            C: USER %s
            S: +OK Send PASS
            C: PASS %s
            S: +OK Logged in, %d messages (%d octets)
        """ % (user, PASSWORD, count, octets))
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
