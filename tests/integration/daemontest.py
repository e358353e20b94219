"""What the integration tests of Posthorn's daemons (smtpd, pop3d) share.

smtpdtest.py and pop3dtest.py are thin layers over this module: each names
its program, its listeners and its greeting, writes its own posthorn.conf,
and adds what only its protocol needs. mdatest.py takes the plain helpers
(read, entries, wait_for, current_user) from here as well.

Every test gets its own temporary directory with a posthorn.conf, a passwd
(every user with the password PASSWORD), a TLS certificate and a mail root,
and its own daemon on free loopback ports, started with -f so its log lines
go to DIR/PROGRAM.log. tearDown stops it with SIGTERM and checks that it
exits 0.

Sessions are written as dialogs, the way an RFC shows them:

    c = self.connect()
    c.dialog('''
        C: NOOP
        S: 250 2.0.0 Ok
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
MDA = os.path.join(BIN, "mda")

PASSWORD = "secret"


def current_user():
    return pwd.getpwuid(os.geteuid()).pw_name


# --- once per process: a certificate and a password hash --------------------

_material = {}


def tls_material():
    """(cert.pem, key.pem, crypt hash of PASSWORD), made once per process:
    the RSA key is the slow part."""
    if not _material:
        d = tempfile.mkdtemp(prefix="posthorn-tls-")
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
    """Names in `directory` (not starting with '.'), sorted; [] if it is missing."""
    try:
        return sorted(n for n in os.listdir(directory) if not n.startswith("."))
    except FileNotFoundError:
        return []


def wait_for(condition, timeout=10.0, what="condition", interval=0.02):
    """condition()'s first true value; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.1fs waiting for %s" % (timeout, what))
        time.sleep(interval)


# --- a raw line-protocol client ------------------------------------------------

class Conn:
    """One client connection to a daemon, read and written byte-exactly.
    `test` is the test case: its assertions report the failures, and its
    PROGRAM names the daemon in them."""

    def __init__(self, test, sock):
        self.test = test
        self.sock = sock
        self.buf = b""
        self.transcript = []
        self.peer = getattr(test, "PROGRAM", None) or "the server"

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        shown = data if len(data) <= 300 else data[:150] + b"[...%d bytes...]" % (len(data) - 300) + data[-150:]
        self.transcript.append("C> %r" % shown)
        self.sock.sendall(data)

    def cmd(self, line):
        self.send(line.encode() + b"\r\n")

    def send_split(self, first, second, pause=0.2):
        """`first` and `second` in two writes, `pause` seconds apart, so
        that the server reads them apart (a line that arrives in pieces)."""
        self.send(first)
        time.sleep(pause)
        self.send(second)

    def _fill(self, timeout):
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            self.test.fail("no reply from %s within %.0fs; have %r\n%s"
                           % (self.peer, timeout, self.buf, self.history()))
        if not data:
            self.test.fail("%s closed the connection; have %r\n%s" % (self.peer, self.buf, self.history()))
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

    def expect(self, *lines, timeout=10.0):
        """Reads len(lines) reply lines; they must be exactly `lines`."""
        got = [self.line(timeout) for _ in lines]
        self.test.assertEqual(got, list(lines), self.history())

    def pending(self, wait=0.3):
        """What the server sent that nobody read yet, after `wait` seconds."""
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
        self.test.assertEqual(self.pending(wait), b"", "%s sent more than expected\n%s" % (self.peer, self.history()))

    def until_close(self, timeout=10.0):
        """Everything not read yet and all the server sends until it closes
        the connection; fails if it does not close within `timeout`."""
        self.sock.settimeout(timeout)
        data, self.buf = self.buf, b""
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        except socket.timeout:
            self.test.fail("%s did not close the connection within %.0fs; got %r\n%s"
                           % (self.peer, timeout, data[-500:], self.history()))
        except OSError:  # a reset, or TLS torn down without close_notify: closed all the same
            pass
        return data

    def assertClosed(self, timeout=10.0):
        """The server closes the connection, sending nothing more first."""
        rest = self.until_close(timeout)
        self.test.assertEqual(rest, b"", "unexpected bytes before the close\n" + self.history())

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
        """TLS handshake on this socket, after the reply to STARTTLS (STLS)
        was read."""
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

class DaemonTestCase(unittest.TestCase):
    """A temporary mail system with its own daemon. A subclass names the
    daemon and its listeners, writes its posthorn.conf (config_text) and
    makes what else it needs on disk (prepare)."""

    PROGRAM = None           # "smtpd": names the log file, the log prefix and failures
    BINARY = None            # the program's path
    PORTS = ()               # the listener kinds, each given a free port in self.port
    IMPLICIT_TLS = ()        # the kinds that speak TLS from the start
    GREETING = None          # the exact greeting line
    CONN = Conn              # the class of connect()'s connections

    USERS = ()
    CONFIG = ()              # more lines for the program's section, for every test of the class
    START = True             # start the daemon in setUp

    def setUp(self):
        if not os.access(self.BINARY, os.X_OK):
            self.fail("%s not built at %s (set POSTHORN_BIN)" % (self.PROGRAM, self.BINARY))
        self.root = os.path.realpath(tempfile.mkdtemp(prefix="%s-test-" % self.PROGRAM))
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)
        cert, key, self.hash = tls_material()
        self.cert = os.path.join(self.root, "cert.pem")
        self.key = os.path.join(self.root, "key.pem")
        shutil.copy(cert, self.cert)
        shutil.copy(key, self.key)
        self.conf = os.path.join(self.root, "posthorn.conf")
        self.passwd = os.path.join(self.root, "passwd")
        self.mail_root = os.path.join(self.root, "mail")
        self.logfile = os.path.join(self.root, "%s.log" % self.PROGRAM)
        self.write_passwd(*self.USERS)
        self.port = dict(zip(self.PORTS, free_ports(len(self.PORTS))))
        self.proc = None
        self.conns = []
        self.addCleanup(self._close_conns)
        self.prepare()
        if self.START:
            self.start()

    def prepare(self):
        """What the subclass's daemon needs besides the common files, made
        before it starts."""

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
        raise NotImplementedError

    def mail_access_config(self, *extra):
        """posthorn.conf for pop3d and imapd: the common keys, then the
        program's section with a listen entry for each of PORTS and the
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
        section = {"listen": " ".join("127.0.0.1:%d/%s" % (self.port[k], k) for k in self.PORTS)}
        for line in list(self.CONFIG) + list(extra):
            key, value = (s.strip() for s in line.split("=", 1))
            (top if key in top else section)[key] = value
        lines = (["%s = %s" % kv for kv in top.items()] + ["[%s]" % self.PROGRAM]
                 + ["%s = %s" % kv for kv in section.items()])
        return "\n".join(lines) + "\n"

    def write_config(self, *extra):
        with open(self.conf, "w") as f:
            f.write(self.config_text(*extra))

    def maildir(self, address):
        """The Maildir of `address` under the mail root (maildir = ROOT/%d/%n)."""
        local, domain = address.lower().rsplit("@", 1)
        return os.path.join(self.mail_root, domain, local)

    # --- running the daemon -------------------------------------------------

    def listeners(self):
        """The listen specs of posthorn.conf as written (its `listen =`
        line), each of which the daemon logs as `listening on SPEC` once it
        is up."""
        with open(self.conf) as f:
            m = re.search(r"^\s*listen\s*=\s*(.*)$", f.read(), re.M)
        return m.group(1).split()

    def start(self, *extra, config=True, new_session=False):
        """Writes posthorn.conf (with `extra` lines in the program's section)
        unless config=False, and starts the program with -f, its output
        appended to the log file; waits until every listener is up. With
        new_session, the daemon gets a session (and process group) of its
        own. Returns the wall clock time (ns) just before the start."""
        if config:
            self.write_config(*extra)
        want = ["listening on " + spec for spec in self.listeners()]
        mark = len(self.log_text())
        env = {k: v for k, v in os.environ.items() if k != "POSTHORN_CONF"}
        started = time.time_ns()
        with open(self.logfile, "ab") as log:
            self.proc = subprocess.Popen([self.BINARY, "-c", self.conf, "-f"], stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=log, env=env, start_new_session=new_session)

        def up():
            if self.proc.poll() is not None:
                self.fail("%s exited with %d at start:\n%s" % (self.PROGRAM, self.proc.returncode,
                                                               self.log_text()[mark:]))
            text = self.log_text()[mark:]
            return all(w in text for w in want)
        wait_for(up, 10, "%s to listen" % self.PROGRAM)
        return started

    def stop(self, timeout=15):
        """SIGTERM; the daemon must exit 0 within `timeout` seconds."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self.fail("%s did not exit within %ds of SIGTERM:\n%s" % (self.PROGRAM, timeout, self.log_text()[-3000:]))
        self.assertEqual(code, 0, "%s exit status after SIGTERM; log:\n%s" % (self.PROGRAM, self.log_text()[-3000:]))

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
        """The log's lines without the `PROGRAM[PID]: ` prefix."""
        prefix = re.compile(r"^%s\[\d+\]: " % re.escape(self.PROGRAM))
        return [prefix.sub("", l) for l in self.log_text().splitlines()]

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

    def assertLinesMatch(self, lines, patterns):
        """`lines` are as many as `patterns` and each regex matches its line in full."""
        ok = len(lines) == len(patterns) and all(re.fullmatch(p, l) for p, l in zip(patterns, lines))
        if not ok:
            self.fail("lines do not match:\n  got:  %s\n  want: %s" % ("\n        ".join(lines), "\n        ".join(patterns)))

    # --- connections ------------------------------------------------------

    def connect(self, kind=None, greet=True):
        """A raw connection to the listener `kind` (the first of PORTS by
        default), TLS from the start on the IMPLICIT_TLS ones. Reads and
        checks the greeting unless greet=False."""
        kind = kind or self.PORTS[0]
        sock = socket.create_connection(("127.0.0.1", self.port[kind]), timeout=10)
        c = self.CONN(self, sock)
        self.conns.append(c)
        if kind in self.IMPLICIT_TLS:
            c.sock = client_tls_context().wrap_socket(sock, server_hostname="localhost")
        if greet:
            c.expect(self.GREETING)
        return c

    def _close_conns(self):
        for c in self.conns:
            c.close()
