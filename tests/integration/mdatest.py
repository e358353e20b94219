"""Shared scaffolding for the mda integration tests (tests/integration/test_mda_*.py).

Every test gets its own temporary directory holding a posthorn.conf, a
passwd file, an aliases file and the mail root, so tests never see each
other's mail. The config names the user running the tests (`user = ...`), so
mda -d does not switch users (DESIGN.md contract 1: "When `user` is the user
already running the program, nothing is switched").

The tests are written as "this goes in on stdin, these bytes come out on disk":

    self.assertStores(["-m", self.md],
                      send=b"Subject: hi\\r\\n\\r\\nbody\\r\\n",
                      stored=b"Subject: hi\\n\\nbody\\n")

    self.assertRefuses(["-d", "nobody@example.org"], send=MESSAGE,
                       code=EX_NOUSER, why="unknown user <nobody@example.org>: no such user")
"""
import collections
import os
import pwd
import re
import shutil
import stat
import subprocess
import tempfile
import time
import unittest

import daemontest
# The plain helpers the daemons' tests use too; the test_mda_*.py files take them from here.
from daemontest import current_user, entries, read  # noqa: F401

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("POSTHORN_BIN") or os.path.join(HERE, "..", "..", "build", "bin")
MDA = os.path.join(BIN, "mda")

# sysexits(3), as DESIGN.md contract 4 reads them.
EX_OK = 0
EX_USAGE = 64
EX_DATAERR = 65
EX_NOUSER = 67
EX_CANTCREAT = 73
EX_TEMPFAIL = 75

USAGE = "usage: mda [-c FILE] (-d ADDRESS | -m MAILDIR) [-f SENDER] [-F FOLDER] [-i ID]"

# DESIGN.md contract 3: a unique name (with -i ID, I<ID> at the end of its
# middle part), then ,S=<bytes>,W=<bytes with CRLF>.
NAME_RE = re.compile(r"^\d+\.M\d+P\d+Q\d+R[0-9a-f]{16}(?:I[A-Za-z0-9_-]{1,64})?\.[^/:]+,S=(\d+),W=(\d+)$")

SPECIAL_FOLDERS = (".Sent", ".Drafts", ".Junk", ".Trash")

# A small, ordinary message used wherever the content does not matter.
MESSAGE = b"From: alice@example.net\nTo: bob@example.org\nSubject: hello\n\nHello Bob.\n"

Run = collections.namedtuple("Run", "code out err")


def user_exists(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def new_files(maildir):
    return entries(os.path.join(maildir, "new"))


def tmp_files(maildir):
    return entries(os.path.join(maildir, "tmp"))


def cur_files(maildir):
    return entries(os.path.join(maildir, "cur"))


def wait_for(condition, timeout=10.0, what="condition"):
    """daemontest's wait_for, polling every 5 ms: the mda tests watch
    short-lived files and processes."""
    return daemontest.wait_for(condition, timeout, what, interval=0.005)


class MdaTestCase(unittest.TestCase):
    """A temporary mail system: config, passwd, aliases and a mail root."""

    USERS = ("bob@example.org", "carol@example.org", "dave@example.org")

    def setUp(self):
        if not os.access(MDA, os.X_OK):
            self.fail("mda not built at %s (set POSTHORN_BIN)" % MDA)
        self.root = os.path.realpath(tempfile.mkdtemp(prefix="mda-test-"))
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)
        self.conf = os.path.join(self.root, "posthorn.conf")
        self.passwd = os.path.join(self.root, "passwd")
        self.aliases = os.path.join(self.root, "aliases")
        # Two levels deep, so that an address that climbs out of the mail
        # root with `..` still lands inside self.root, where all_paths() sees it.
        self.mail_root = os.path.join(self.root, "jail", "mail")
        os.makedirs(self.mail_root)
        # The Maildir -m tests deliver into.
        self.md = os.path.join(self.root, "Maildir")
        self.write_passwd(*self.USERS)
        self.write_aliases("")
        self.write_config()

    # --- the mail system's files -------------------------------------------

    def config_text(self, *extra_lines, user=None, maildir=None):
        lines = [
            "passwd = " + self.passwd,
            "aliases = " + self.aliases,
            "maildir = " + (maildir or self.mail_root + "/%d/%n"),
            "user = " + (current_user() if user is None else user),
        ]
        return "\n".join(lines + list(extra_lines)) + "\n"

    def write_config(self, *extra_lines, user=None, maildir=None):
        """Writes posthorn.conf: passwd, aliases, maildir and user on lines
        1-4, then `extra_lines` as given (line 5 on)."""
        with open(self.conf, "w") as f:
            f.write(self.config_text(*extra_lines, user=user, maildir=maildir))

    def write_passwd(self, *addresses):
        # The hashes are never checked by mda; any crypt(3) string will do.
        with open(self.passwd, "w") as f:
            for a in addresses:
                f.write(a + ":$6$salt$notarealhash\n")

    def write_aliases(self, text):
        with open(self.aliases, "w") as f:
            f.write(text)

    def maildir_of(self, address):
        """The Maildir `maildir = MAILROOT/%d/%n` names for `address`."""
        local, domain = address.lower().rsplit("@", 1)
        return os.path.join(self.mail_root, domain, local)

    def mount_tmpfs(self, path, size):
        """Mounts a tmpfs of `size` (mount(8) syntax: 256k) at `path`, made
        here; unmounted at the end of the test. Skips the test when it cannot."""
        if os.geteuid() != 0 or not shutil.which("mount"):
            self.skipTest("mounting a tmpfs needs root")
        os.makedirs(path)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0700" % size, "tmpfs", path],
                           capture_output=True)
        if r.returncode != 0:
            self.skipTest("cannot mount a tmpfs: %s" % r.stderr.decode().strip())
        # Cleanups run last-in first-out: this one before setUp's rmtree.
        self.addCleanup(subprocess.run, ["umount", "-l", path], capture_output=True)

    # --- running mda -----------------------------------------------------------

    def mda(self, *args, stdin=b"", config=True, env=None, umask=None, timeout=60):
        """Runs mda with `args` (after `-c CONF` unless config=False) and
        `stdin` (bytes, or an open file) and returns Run(code, out, err)."""
        argv = [MDA] + (["-c", self.conf] if config else []) + list(args)
        environment = {k: v for k, v in os.environ.items() if k != "POSTHORN_CONF"}
        environment.update(env or {})
        kwargs = {}
        if umask is not None:
            kwargs["umask"] = umask
        if isinstance(stdin, bytes):
            p = subprocess.run(argv, input=stdin, capture_output=True, env=environment, timeout=timeout, **kwargs)
        else:
            p = subprocess.run(argv, stdin=stdin, capture_output=True, env=environment, timeout=timeout, **kwargs)
        return Run(p.returncode, p.stdout, p.stderr)

    def mda_trickle(self, *args, chunks, pause=0.002):
        """Runs mda with `args`, writing `chunks` to its stdin one by one with
        a pause between, so mda sees them in separate reads. Returns Run."""
        p = subprocess.Popen([MDA, "-c", self.conf] + list(args), stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            for chunk in chunks:
                p.stdin.write(chunk)
                p.stdin.flush()
                time.sleep(pause)
            out, err = p.communicate(timeout=60)
        except BrokenPipeError:
            out, err = p.communicate(timeout=60)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        return Run(p.returncode, out, err)

    # --- what is on disk ---------------------------------------------------

    def all_paths(self):
        """Every file and directory under the test's root, relative to it."""
        out = set()
        for top, dirs, files in os.walk(self.root):
            for n in dirs + files:
                out.add(os.path.relpath(os.path.join(top, n), self.root))
        return out

    def message_files(self):
        """Every file in any new/ or tmp/ directory under the test's root."""
        return sorted(p for p in self.all_paths()
                      if os.path.basename(os.path.dirname(p)) in ("new", "tmp")
                      and os.path.isfile(os.path.join(self.root, p)))

    def assertNameFits(self, path):
        """The file's name has the Maildir form, with S= its size and W= its
        size counting every LF as CRLF."""
        name = os.path.basename(path)
        m = NAME_RE.match(name)
        self.assertIsNotNone(m, "file name %r does not have the Maildir form" % name)
        data = read(path)
        self.assertEqual(int(m.group(1)), len(data), "S= of %r is not the file size" % name)
        self.assertEqual(int(m.group(2)), len(data) + data.count(b"\n"),
                         "W= of %r is not size + number of LFs" % name)

    def only_message(self, maildir):
        """The path of the one message in maildir/new; tmp/ must be empty."""
        self.assertEqual(tmp_files(maildir), [], "files left in %s/tmp" % maildir)
        names = new_files(maildir)
        self.assertEqual(len(names), 1, "expected exactly one message in %s/new, found %r" % (maildir, names))
        return os.path.join(maildir, "new", names[0])

    def assertDelivered(self, run):
        self.assertEqual((run.code, run.err, run.out), (EX_OK, b"", b""),
                         "mda did not deliver: exit %d, stderr %r" % (run.code, run.err))

    def assertStores(self, args, send, stored, maildir=None):
        """mda `args` with `send` on stdin exits 0 silently and leaves exactly
        one file, `stored`, in maildir/new (default: -m's self.md). Returns its path."""
        run = self.mda(*args, stdin=send)
        self.assertDelivered(run)
        path = self.only_message(maildir or self.md)
        self.assertEqual(read(path), stored)
        self.assertNameFits(path)
        return path

    def assertFailsWith(self, run, code, why):
        """Exit `code`, nothing on stdout, and exactly the line `mda: <why>` on stderr."""
        self.assertEqual(run.code, code, "exit code; stderr was %r" % run.err)
        self.assertEqual(run.out, b"")
        lines = run.err.decode("utf-8", "replace").split("\n")
        self.assertEqual(lines[-1], "", "stderr does not end with a newline: %r" % run.err)
        self.assertEqual(len(lines) - 1, 1, "expected exactly one stderr line, got %r" % run.err)
        self.assertEqual(lines[0], "mda: " + why)

    def assertFailsLike(self, run, code, pattern):
        """As assertFailsWith, with the reason matched by a regular expression."""
        self.assertEqual(run.code, code, "exit code; stderr was %r" % run.err)
        self.assertEqual(run.out, b"")
        text = run.err.decode("utf-8", "replace")
        self.assertEqual(text.count("\n"), 1, "expected exactly one stderr line, got %r" % run.err)
        self.assertRegex(text, r"\Amda: " + pattern + r"\n\Z")

    def assertNothingDelivered(self):
        self.assertEqual(self.message_files(), [], "a failed delivery left message files behind")

    def assertRefuses(self, args, send, code, why):
        """mda `args` with `send` exits `code` with the one line `mda: <why>`,
        and no message file exists in any new/ or tmp/ afterwards."""
        run = self.mda(*args, stdin=send)
        self.assertFailsWith(run, code, why)
        self.assertNothingDelivered()
        return run

    def assertIsMaildir(self, path, folder=False):
        for sub in ("tmp", "new", "cur"):
            st = os.stat(os.path.join(path, sub))
            self.assertTrue(stat.S_ISDIR(st.st_mode), "%s/%s is not a directory" % (path, sub))
        marker = os.path.join(path, "maildirfolder")
        if folder:
            self.assertTrue(os.path.isfile(marker), "%s has no maildirfolder file" % path)
            self.assertEqual(os.path.getsize(marker), 0)
        else:
            self.assertFalse(os.path.exists(marker), "%s is a Maildir but has a maildirfolder file" % path)
