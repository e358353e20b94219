"""Shared scaffolding for the smtpd integration tests (tests/integration/test_smtpd_*.py).

Every test gets its own temporary directory with a posthorn.conf, passwd,
aliases, a TLS certificate, a mail root and a queue, and its own smtpd on
three free loopback ports (smtp, submission, submissions), started with -f so
its log lines (DESIGN.md contract 6) go to DIR/smtpd.log. tearDown stops it
with SIGTERM and checks that it exits 0 (contract 7).

Protocol tests are written as dialogs, the way an RFC shows a session:

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

`C: text` sends text + CRLF; `C> text` sends text as a Python bytes
literal's body (escapes allowed, nothing added); `S: text` reads one reply
line and wants exactly that text; `S~ regex` reads one line and wants the
regex to match all of it. dialog() returns the named groups of the `S~`
lines. A reply line must end with CRLF and nothing else may be read:
replies the script did not expect are caught by the next S line.
"""
import ast
import atexit
import base64
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import textwrap
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.path.realpath(os.environ.get("POSTHORN_BIN") or os.path.join(HERE, "..", "..", "build", "bin"))
SMTPD = os.path.join(BIN, "smtpd")
MDA = os.path.join(BIN, "mda")

HOSTNAME = "mx.example.org"
PASSWORD = "secret"
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


def current_user():
    return pwd.getpwuid(os.geteuid()).pw_name


# --- once per process: a certificate and a password hash --------------------

_material = {}


def tls_material():
    """(cert.pem, key.pem, crypt hash of PASSWORD), made once per process:
    the RSA key is the slow part."""
    if not _material:
        d = tempfile.mkdtemp(prefix="smtpd-tls-")
        atexit.register(shutil.rmtree, d, ignore_errors=True)
        cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                        "-days", "2", "-keyout", key, "-out", cert], check=True, capture_output=True)
        h = subprocess.run(["openssl", "passwd", "-6", PASSWORD], check=True, capture_output=True)
        _material.update(cert=cert, key=key, hash=h.stdout.decode().strip())
    return _material["cert"], _material["key"], _material["hash"]


def free_ports(n):
    """`n` distinct free TCP ports on 127.0.0.1."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def client_tls_context():
    """A client context that accepts the self-signed test certificate."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def read(path):
    with open(path, "rb") as f:
        return f.read()


def entries(directory):
    try:
        return sorted(n for n in os.listdir(directory) if not n.startswith("."))
    except FileNotFoundError:
        return []


def wait_for(condition, timeout=10.0, what="condition", interval=0.02):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.1fs waiting for %s" % (timeout, what))
        time.sleep(interval)


def without_date(data):
    """The stored message with the Received: date replaced by `; DATE`."""
    return DATE_RE.sub(b"; DATE\n", data, count=1)


# --- a raw SMTP client --------------------------------------------------------

class Conn:
    """One client connection to smtpd, read and written byte-exactly."""

    def __init__(self, test, sock):
        self.test = test
        self.sock = sock
        self.buf = b""
        self.transcript = []

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        shown = data if len(data) <= 300 else data[:150] + b"[...%d bytes...]" % (len(data) - 300) + data[-150:]
        self.transcript.append("C> %r" % shown)
        self.sock.sendall(data)

    def cmd(self, line):
        self.send(line.encode() + b"\r\n")

    def _fill(self, timeout):
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            self.test.fail("no reply from smtpd within %.0fs; have %r\n%s" % (timeout, self.buf, self.history()))
        if not data:
            self.test.fail("smtpd closed the connection; have %r\n%s" % (self.buf, self.history()))
        self.buf += data

    def line(self, timeout=10.0):
        """One reply line, without its CRLF (which must be there)."""
        while b"\n" not in self.buf:
            self._fill(timeout)
        raw, self.buf = self.buf.split(b"\n", 1)
        self.test.assertTrue(raw.endswith(b"\r"), "reply line %r does not end with CRLF" % raw)
        text = raw[:-1].decode("utf-8", "replace")
        self.transcript.append("S: " + text)
        return text

    def reply(self, timeout=10.0):
        """The lines of one whole (possibly multi-line) reply."""
        lines = [self.line(timeout)]
        while len(lines[-1]) > 3 and lines[-1][3] == "-":
            lines.append(self.line(timeout))
        return lines

    def expect(self, *lines, timeout=10.0):
        """Reads len(lines) reply lines; they must be exactly `lines`."""
        got = [self.line(timeout) for _ in lines]
        self.test.assertEqual(got, list(lines), self.history())

    def pending(self, wait=0.3):
        """What smtpd sent that nobody read yet, after `wait` seconds."""
        self.sock.settimeout(wait)
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    break
                self.buf += data
        except (socket.timeout, ssl.SSLWantReadError):
            pass
        except ConnectionResetError:
            pass
        return self.buf

    def assertNothingMore(self, wait=0.3):
        self.test.assertEqual(self.pending(wait), b"", "smtpd sent more than expected\n" + self.history())

    def assertClosed(self, timeout=10.0):
        """smtpd closes the connection, sending nothing more first."""
        self.sock.settimeout(timeout)
        rest = b""
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    break
                rest += data
        except socket.timeout:
            self.test.fail("smtpd did not close the connection within %.0fs\n%s" % (timeout, self.history()))
        except (ConnectionResetError, ssl.SSLError):
            pass
        self.test.assertEqual(self.buf + rest, b"", "unexpected bytes before the close\n" + self.history())

    def dialog(self, script, timeout=10.0):
        """Runs a C:/C>/S:/S~ script (see the module docstring); returns the
        named groups of its S~ lines."""
        groups = {}
        for raw in textwrap.dedent(script).splitlines():
            line = raw.strip("\n")
            if not line.strip():
                continue
            line = line.lstrip()
            tag, text = line[:2], line[3:]
            if tag == "C:":
                self.cmd(text)
            elif tag == "C>":
                self.send(ast.literal_eval("b'''" + text + "'''"))
            elif tag == "S:":
                got = self.line(timeout)
                self.test.assertEqual(got, text, "reply line differs\n" + self.history())
            elif tag == "S~":
                got = self.line(timeout)
                m = re.fullmatch(text, got)
                self.test.assertIsNotNone(m, "reply line %r does not match %r\n%s" % (got, text, self.history()))
                groups.update(m.groupdict())
            else:
                raise ValueError("bad dialog line %r" % raw)
        return groups

    def starttls(self):
        """TLS handshake on this socket, after the 220 to STARTTLS was read."""
        self.test.assertEqual(self.buf, b"", "bytes after the STARTTLS reply were not discarded")
        self.sock.settimeout(10)
        self.sock = client_tls_context().wrap_socket(self.sock, server_hostname="localhost")
        self.transcript.append("-- TLS %s %s" % (self.sock.version(), self.sock.cipher()[0]))

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def history(self):
        return "dialog so far:\n  " + "\n  ".join(self.transcript[-40:])


# --- the test case ------------------------------------------------------------

class SmtpdTestCase(unittest.TestCase):
    """A temporary mail system with its own smtpd."""

    USERS = ("bob@example.org", "carol@example.org")
    ALIASES = "postmaster: bob\n"
    CONFIG = ()         # more [smtpd] lines for every test of the class
    START = True        # start smtpd in setUp

    def setUp(self):
        if not os.access(SMTPD, os.X_OK):
            self.fail("smtpd not built at %s (set POSTHORN_BIN)" % SMTPD)
        self.root = os.path.realpath(tempfile.mkdtemp(prefix="smtpd-test-"))
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)
        cert, key, self.hash = tls_material()
        self.cert = os.path.join(self.root, "cert.pem")
        self.key = os.path.join(self.root, "key.pem")
        shutil.copy(cert, self.cert)
        shutil.copy(key, self.key)
        self.conf = os.path.join(self.root, "posthorn.conf")
        self.passwd = os.path.join(self.root, "passwd")
        self.aliases = os.path.join(self.root, "aliases")
        self.mail_root = os.path.join(self.root, "mail")
        self.spool = os.path.join(self.root, "spool")
        self.logfile = os.path.join(self.root, "smtpd.log")
        self.write_passwd(*self.USERS)
        with open(self.aliases, "w") as f:
            f.write(self.ALIASES)
        p = free_ports(3)
        self.port = {"smtp": p[0], "submission": p[1], "submissions": p[2]}
        self.proc = None
        self.conns = []
        self.addCleanup(self._close_conns)
        if self.START:
            self.start()

    def tearDown(self):
        if self.proc is not None and self.proc.poll() is None:
            self.stop()

    # --- files ------------------------------------------------------------

    def write_passwd(self, *addresses):
        """passwd with `addresses`, all with the password PASSWORD; replaced
        by rename, as an admin's editor would."""
        tmp = self.passwd + ".new"
        with open(tmp, "w") as f:
            for a in addresses:
                f.write("%s:%s\n" % (a, self.hash))
        os.rename(tmp, self.passwd)

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

    def write_config(self, *extra):
        with open(self.conf, "w") as f:
            f.write(self.config_text(*extra))

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

    # --- running smtpd ----------------------------------------------------

    def start(self, *extra, config=True):
        """Writes posthorn.conf (with `extra` lines in [smtpd]) and starts
        smtpd -f, waiting until all three listeners are up."""
        if config:
            self.write_config(*extra)
        mark = len(self.log_text())
        log = open(self.logfile, "ab")
        try:
            env = {k: v for k, v in os.environ.items() if k != "POSTHORN_CONF"}
            self.proc = subprocess.Popen([SMTPD, "-c", self.conf, "-f"], stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=log, env=env)
        finally:
            log.close()
        want = "listening on 127.0.0.1:%d/submissions" % self.port["submissions"]

        def up():
            if self.proc.poll() is not None:
                self.fail("smtpd exited with %d at start:\n%s" % (self.proc.returncode, self.log_text()[mark:]))
            return want in self.log_text()[mark:]
        wait_for(up, 10, "smtpd to listen")

    def stop(self, timeout=15):
        """SIGTERM; smtpd must exit 0 within `timeout` seconds."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self.fail("smtpd did not exit within %ds of SIGTERM:\n%s" % (timeout, self.log_text()[-3000:]))
        self.assertEqual(code, 0, "smtpd exit status after SIGTERM; log:\n" + self.log_text()[-3000:])

    def kill(self):
        self.proc.kill()
        self.proc.wait()

    def signal(self, signum):
        self.proc.send_signal(signum)

    # --- the log ----------------------------------------------------------

    def log_text(self):
        try:
            return read(self.logfile).decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def log_lines(self):
        """The log's lines without the `smtpd[PID]: ` prefix."""
        return [re.sub(r"^smtpd\[\d+\]: ", "", l) for l in self.log_text().splitlines()]

    def wait_log(self, line, timeout=10.0):
        """Waits for a log line (without its prefix) matching the regex `line` in full."""
        def found():
            for l in self.log_lines():
                m = re.fullmatch(line, l)
                if m:
                    return m
            return None
        try:
            return wait_for(found, timeout, "log line %r" % line)
        except AssertionError as e:
            self.fail("%s; log:\n%s" % (e, self.log_text()[-4000:]))

    def lines_about(self, queue_id):
        """The log lines about one queue ID, without `ID: `."""
        p = queue_id + ": "
        return [l[len(p):] for l in self.log_lines() if l.startswith(p)]

    # --- connections ------------------------------------------------------

    def connect(self, kind="smtp", greet=True):
        """A raw connection to the listener `kind`; implicit TLS on
        submissions. Reads and checks the greeting unless greet=False."""
        sock = socket.create_connection(("127.0.0.1", self.port[kind]), timeout=10)
        c = Conn(self, sock)
        self.conns.append(c)
        if kind == "submissions":
            c.sock = client_tls_context().wrap_socket(sock, server_hostname="localhost")
        if greet:
            c.expect(GREETING)
        return c

    def _close_conns(self):
        for c in self.conns:
            c.close()

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

    def maildir(self, address):
        local, domain = address.lower().rsplit("@", 1)
        return os.path.join(self.mail_root, domain, local)

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

    def queue_tmp(self):
        """Messages being written in queue/tmp: the empty spare-N files smtpd
        makes ahead of need do not count."""
        d = os.path.join(self.spool, "queue", "tmp")
        out = []
        for name in entries(d):
            try:
                if not name.startswith("spare-") or os.path.getsize(os.path.join(d, name)) > 0:
                    out.append(name)
            except FileNotFoundError:
                pass
        return out

    def wait_queue_empty(self, timeout=10.0):
        try:
            wait_for(lambda: not self.queue_ids(), timeout, "an empty queue")
        except AssertionError as e:
            self.fail("%s; log:\n%s" % (e, self.log_text()[-3000:]))

    def all_message_files(self):
        """Every file in a new/, cur/ or tmp/ of any Maildir."""
        out = []
        for top, dirs, files in os.walk(self.mail_root):
            if os.path.basename(top) in ("new", "cur", "tmp"):
                out += [os.path.join(top, f) for f in files]
        return sorted(out)

    def assertLinesMatch(self, lines, patterns):
        """`lines` are as many as `patterns` and each regex matches its line in full."""
        ok = len(lines) == len(patterns) and all(re.fullmatch(p, l) for p, l in zip(patterns, lines))
        if not ok:
            self.fail("lines do not match:\n  got:  %s\n  want: %s" % ("\n        ".join(lines), "\n        ".join(patterns)))

    def assertStored(self, path, expected):
        """The file's bytes, with the Received: date as `; DATE`, are `expected`."""
        self.assertEqual(without_date(read(path)), expected)
