"""pop3d with real third-party POP3 clients: Python's poplib, curl and
fetchmail (delivering through mda -m into a second Maildir).

Each test reads bob's INBOX the way the client does and checks the exact
replies the client saw, the exact bytes it handed on, and what is left on
disk afterwards.
"""
import os
import poplib
import shutil
import subprocess
import unittest

from pop3dtest import (BOB, FIRST_HEADER, FOLDED_HEADER, MDA, PASSWORD, Pop3dTestCase, client_tls_context,
                       current_user, entries, large_message, read, wait_for, wire_size)

MSG1 = FIRST_HEADER + b"..Two dots.\n.A line that starts with a dot.\n.\nFrom the start of a line.\n"
MSG2 = FOLDED_HEADER + b"second body\n"
MSG3 = large_message(2000, 50, b"y" * 70)


class ClientTestCase(Pop3dTestCase):
    """bob's INBOX holds MSG1 (new/), MSG2 (cur/, flagged) and MSG3 (new/)."""

    def setUp(self):
        super().setUp()
        self.deliver_three(MSG1, MSG2, MSG3)


def lines_of(data):
    """poplib's view of a message: its lines, without line ends."""
    return data.split(b"\n")[:-1]


class PoplibTest(ClientTestCase):

    def pop(self, kind):
        if kind == "pop3s":
            p = poplib.POP3_SSL("127.0.0.1", self.port["pop3s"], context=client_tls_context(), timeout=10)
        else:
            p = poplib.POP3("127.0.0.1", self.port["pop3"], timeout=10)
        self.addCleanup(p.close)
        self.assertEqual(p.getwelcome(), b"+OK Posthorn POP3 server ready")
        return p

    def assertPopError(self, reply, call, *args):
        """call(*args) raises poplib.error_proto with exactly `reply`."""
        with self.assertRaises(poplib.error_proto) as cm:
            call(*args)
        self.assertEqual(cm.exception.args, (reply,))

    def session(self, p):
        m1, m2, m3 = self.m
        self.assertEqual(p.user(BOB), b"+OK Send PASS")
        self.assertEqual(p.pass_(PASSWORD), b"+OK Logged in, 3 messages (%d octets)" % self.total)
        self.assertEqual(p.stat(), (3, self.total))
        self.assertEqual(p.list(), (b"+OK 3 messages (%d octets)" % self.total,
                                    [b"1 %d" % m1.size, b"2 %d" % m2.size, b"3 %d" % m3.size],
                                    sum(len(b"1 %d\r\n" % m.size) for m in self.m)))
        self.assertEqual(p.list(2), b"+OK 2 %d" % m2.size)
        uids = [b"%d %s" % (i + 1, m.uid.encode()) for i, m in enumerate(self.m)]
        self.assertEqual(p.uidl(), (b"+OK", uids, sum(len(u) + 2 for u in uids)))
        self.assertEqual(p.uidl(3), b"+OK " + uids[2])
        for i, m in enumerate(self.m):
            # poplib undoes the dot-stuffing; octets counts CRLF line ends.
            self.assertEqual(p.retr(i + 1), (b"+OK %d octets" % m.size, lines_of(m.data), m.size))
        top12 = (b"From: Alice <alice@example.org>\nTo: Bob <bob@example.org>\nSubject: first\n\n"
                 b"Hello Bob.\n..Two dots.\n")
        self.assertEqual(p.top(1, 2), (b"+OK", lines_of(top12), wire_size(top12)))
        self.assertEqual(p.top(2, 0), (b"+OK", lines_of(MSG2.split(b"\n\n")[0] + b"\n\n"),
                                       wire_size(MSG2.split(b"\n\n")[0] + b"\n\n")))
        self.assertEqual(p.dele(1), b"+OK Marked to be deleted")
        self.assertEqual(p.dele(3), b"+OK Marked to be deleted")
        self.assertPopError(b"-ERR Message already deleted", p.dele, 1)
        self.assertEqual(p.stat(), (1, m2.size))
        self.assertEqual(p.noop(), b"+OK")
        self.assertEqual(p.quit(), b"+OK Bye, 2 messages deleted")
        # 1 and 3 are gone; 2 was read, so it is marked seen.
        self.assertEqual(self.files(), {"new": [], "cur": [m2.name[:-len(":2,F")] + ":2,FS"]})

    def test_poplib_stls(self):
        p = self.pop("pop3")
        caps = p.capa()
        self.assertEqual(caps, {"TOP": [], "UIDL": [], "RESP-CODES": [], "AUTH-RESP-CODE": [], "PIPELINING": [],
                                "STLS": [], "IMPLEMENTATION": ["Posthorn"]})
        self.assertEqual(p.stls(client_tls_context()), b"+OK Begin TLS negotiation")
        self.assertEqual(p.capa(), {"TOP": [], "UIDL": [], "USER": [], "RESP-CODES": [], "AUTH-RESP-CODE": [],
                                    "PIPELINING": [], "SASL": ["PLAIN"], "IMPLEMENTATION": ["Posthorn"]})
        self.session(p)
        self.wait_log(r"unknown\[127\.0\.0\.1\]: login: user=<bob@example\.org>, method=PASS, tls=yes")

    def test_poplib_pop3_ssl(self):
        p = self.pop("pop3s")
        self.session(p)
        self.wait_log(r"bob@example\.org: logout: retr=3/\d+, del=2/3")

    def test_poplib_wrong_password(self):
        p = self.pop("pop3s")
        p.user(BOB)
        self.assertPopError(b"-ERR [AUTH] Authentication failed", p.pass_, "nope")


@unittest.skipUnless(shutil.which("curl"), "curl is not installed")
class CurlTest(ClientTestCase):

    def curl(self, url, *args):
        r = subprocess.run(["curl", "-sS", "-v", "--max-time", "20", "-u", "%s:%s" % (BOB, PASSWORD)]
                           + list(args) + [url], capture_output=True, timeout=30)
        err = r.stderr.decode("utf-8", "replace")
        self.assertEqual(r.returncode, 0, err)
        return r.stdout, err

    def listing(self):
        return b"".join(b"%d %d\r\n" % (i + 1, m.size) for i, m in enumerate(self.m))

    def test_curl_pop3_with_stls(self):
        url = "pop3://127.0.0.1:%d/" % self.port["pop3"]
        out, err = self.curl(url, "--ssl-reqd", "-k")
        self.assertEqual(out, self.listing())
        self.assertRegex(err, r"SSL connection using TLSv1\.[23]")
        self.assertIn("> STLS", err)
        out, err = self.curl(url + "1", "--ssl-reqd", "-k")
        # The message as sent, CRLF line ends, the dot-stuffing undone.
        self.assertEqual(out, MSG1.replace(b"\n", b"\r\n"))
        out, err = self.curl(url + "3", "--ssl-reqd", "-k")
        self.assertEqual(out, MSG3.replace(b"\n", b"\r\n"))
        out, err = self.curl(url, "--ssl-reqd", "-k", "-X", "UIDL")
        self.assertEqual(out, b"".join(b"%d %s\r\n" % (i + 1, m.uid.encode()) for i, m in enumerate(self.m)))
        self.wait_disconnects(4)
        self.assertRegex(self.log_text(), r"login: user=<bob@example\.org>, method=(PASS|PLAIN), tls=yes")
        self.assertNotRegex(self.log_text(), r"tls=no")
        self.assertNotIn(PASSWORD, self.log_text())
        # Messages 1 and 3 were retrieved: now in cur/ and seen.
        self.assertEqual(self.files(), {"new": [], "cur": sorted([self.m[0].name + ":2,S", self.m[1].name,
                                                                  self.m[2].name + ":2,S"])})

    def test_curl_ssl_reqd_refuses_a_server_without_stls(self):
        self.stop()
        self.start("tls_cert = %s/none.pem" % self.root, "tls_key = %s/none-key.pem" % self.root,
                   "listen = 127.0.0.1:%d/pop3" % self.port["pop3"])
        r = subprocess.run(["curl", "-sS", "--max-time", "20", "--ssl-reqd", "-u", "%s:%s" % (BOB, PASSWORD),
                            "pop3://127.0.0.1:%d/" % self.port["pop3"]], capture_output=True, timeout=30)
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(r.stdout, b"")
        self.assertFalse([l for l in self.log_lines() if ": login" in l])

    def test_curl_pop3s(self):
        url = "pop3s://127.0.0.1:%d/" % self.port["pop3s"]
        out, err = self.curl(url, "-k")
        self.assertEqual(out, self.listing())
        out, err = self.curl(url + "1", "-k")
        self.assertEqual(out, MSG1.replace(b"\n", b"\r\n"))
        out, err = self.curl(url + "2", "-k")
        self.assertEqual(out, MSG2.replace(b"\n", b"\r\n"))
        # DELE through curl (its pop3-dele example): gone after its QUIT.
        out, err = self.curl(url + "2", "-k", "-X", "DELE", "-I")
        self.assertEqual(out, b"")
        wait_for(lambda: len(self.message_paths()) == 2, 5, "message 2 to be removed")
        self.assertEqual(self.contents(), {self.m[0].uid: MSG1, self.m[2].uid: MSG3})
        self.assertFalse(os.path.exists(self.m[1].path))


@unittest.skipUnless(shutil.which("fetchmail"), "fetchmail is not installed")
class FetchmailTest(ClientTestCase):

    def fetchmail(self, server_options):
        """fetchmail with a private rc file: bob's mail, nokeep, delivered by
        `mda -m OTHER`. Returns (other Maildir, fetchmail's output)."""
        home = os.path.join(self.root, "fetchmail-home")
        os.mkdir(home, 0o700)
        other = os.path.join(self.root, "other-maildir")
        rc = os.path.join(home, "fetchmailrc")
        with open(rc, "w") as f:
            f.write('set no bouncemail\n'
                    'set no syslog\n'
                    'set invisible\n'
                    'poll 127.0.0.1 with protocol POP3 and service %s timeout 20:\n'
                    '  user "%s" there with password "%s" is "%s" here\n'
                    '  %s\n'
                    '  nokeep fetchall norewrite\n'
                    '  mda "%s -m %s"\n'
                    % (server_options[0], BOB, PASSWORD, current_user(), server_options[1], MDA, other))
        os.chmod(rc, 0o600)
        # fetchmail has no --fetchmailhome option: FETCHMAILHOME is its
        # environment variable. The pid and id files are named as well,
        # since a root fetchmail keeps its pid file in /var/run otherwise.
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "FETCHMAILHOME": home,
               "POSTHORN_CONF": self.conf, "LC_ALL": "C"}
        r = subprocess.run(["fetchmail", "-f", rc, "--nodetach", "-N", "--nosyslog", "-v",
                            "--pidfile", os.path.join(home, "fetchmail.pid"), "--idfile", os.path.join(home, "fetchids")],
                           stdin=subprocess.DEVNULL, capture_output=True, env=env, timeout=60)
        out = (r.stdout + r.stderr).decode("utf-8", "replace")
        # fetchmail exits 0 after a usage message too: look for its report.
        self.assertEqual(r.returncode, 0, "fetchmail exit status %d:\n%s\npop3d log:\n%s"
                         % (r.returncode, out, self.log_text()))
        self.assertNotIn("usage:", out)
        self.assertIn("3 messages for bob@example.org at 127.0.0.1 (%d octets)." % self.total, out)
        return other, out

    def assertFetchedAll(self, other, out):
        self.assertEqual(entries(os.path.join(other, "tmp")), [])
        names = entries(os.path.join(other, "new"))
        got = sorted(read(os.path.join(other, "new", n)) for n in names)
        self.assertEqual(got, sorted(m.data for m in self.m), out)
        # Nothing is left in bob's INBOX: fetchmail deleted what it fetched.
        self.assertEqual(self.files(), {"new": [], "cur": []})
        self.wait_log(r"bob@example\.org: logout: retr=3/\d+, del=3/3")

    def test_fetchmail_stls_into_mda(self):
        other, out = self.fetchmail((self.port["pop3"], "sslproto 'TLS1.2+' no sslcertck"))
        self.assertFetchedAll(other, out)
        self.assertRegex(self.log_text(), r"login: user=<bob@example\.org>, method=(PASS|PLAIN), tls=yes")
        self.assertIn("STLS", out)

    def test_fetchmail_pop3s_into_mda(self):
        other, out = self.fetchmail((self.port["pop3s"], "ssl no sslcertck"))
        self.assertFetchedAll(other, out)
        self.assertRegex(self.log_text(), r"login: user=<bob@example\.org>, method=(PASS|PLAIN), tls=yes")


if __name__ == "__main__":
    unittest.main()
