"""DESIGN.md contract 3: other Maildir readers read what mda writes.
Here mblaze(7): mlist finds the messages, mdirs the folders, mhdr and
mshow give back headers, body and attachments, minc moves new/ to cur/.
"""
import os
import shutil
import subprocess
import unittest

from mdatest import MESSAGE, SPECIAL_FOLDERS, MdaTestCase, cur_files, new_files

MBLAZE_TOOLS = ("mlist", "mdirs", "mhdr", "mshow", "minc")
HAVE_MBLAZE = all(shutil.which(t) for t in MBLAZE_TOOLS)

MIME_CRLF = (
    b"From: Alice <alice@example.net>\r\n"
    b"To: bob@example.org\r\n"
    b"Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: multipart/mixed; boundary=\"XX\"\r\n"
    b"\r\n"
    b"--XX\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: 8bit\r\n"
    b"\r\n"
    b"Hallo Bob, gr\xc3\xbc\xc3\x9fe!\r\n"
    b"--XX\r\n"
    b"Content-Type: application/octet-stream; name=\"a.bin\"\r\n"
    b"Content-Disposition: attachment; filename=\"a.bin\"\r\n"
    b"Content-Transfer-Encoding: base64\r\n"
    b"\r\n"
    b"AAEC/w==\r\n"
    b"--XX--\r\n"
)


@unittest.skipUnless(HAVE_MBLAZE, "mblaze (mlist, mdirs, mhdr, mshow, minc) is not installed")
class Mblaze(MdaTestCase):

    def setUp(self):
        super().setUp()
        home = os.path.join(self.root, "mblaze")
        os.mkdir(home)
        for name in ("profile", "seq"):
            open(os.path.join(home, name), "w").close()
        self.env = dict(os.environ, MBLAZE=home, HOME=self.root, MBLAZE_PAGER="cat", LC_ALL="C.UTF-8")
        self.bob = self.maildir_of("bob@example.org")

    def tool(self, *argv, stdin=b""):
        """Runs an mblaze tool; returns its stdout. It must exit 0."""
        p = subprocess.run(list(argv), input=stdin, capture_output=True, env=self.env, cwd=self.root, timeout=30)
        self.assertEqual(p.returncode, 0, "%s failed: %r" % (" ".join(argv), p.stderr))
        return p.stdout

    def deliver(self, send, *args):
        self.assertDelivered(self.mda(*args, stdin=send))

    def test_mlist_finds_the_delivered_message_and_mhdr_reads_its_header(self):
        self.deliver(MESSAGE, "-d", "bob@example.org", "-f", "alice@example.net")
        path = os.path.join(self.bob, "new", new_files(self.bob)[0])
        self.assertEqual(self.tool("mlist", self.bob), path.encode() + b"\n")
        self.assertEqual(self.tool("mhdr", "-h", "subject", path), b"hello\n")
        self.assertEqual(self.tool("mhdr", "-h", "return-path", path), b"<alice@example.net>\n")
        self.assertEqual(self.tool("mhdr", "-h", "delivered-to", path), b"bob@example.org\n")
        self.assertEqual(self.tool("mhdr", "-h", "from", path), b"alice@example.net\n")

    def test_mshow_gives_back_the_body(self):
        self.deliver(b"Subject: body\r\n\r\nline one\r\nline two\r\n", "-d", "bob@example.org")
        path = self.tool("mlist", self.bob).decode().strip()
        self.assertEqual(self.tool("mshow", "-O", path, "1"), b"line one\nline two\n")

    def test_mshow_decodes_a_crlf_mime_message(self):
        self.deliver(MIME_CRLF, "-d", "bob@example.org")
        path = self.tool("mlist", self.bob).decode().strip()
        self.assertEqual(self.tool("mhdr", "-d", "-h", "subject", path).decode(), "Grüße\n")
        self.assertEqual(self.tool("mshow", "-t", path).decode().splitlines()[1:],
                         ["  1: multipart/mixed size=257",
                          "    2: text/plain size=19",
                          "    3: application/octet-stream size=4 name=\"a.bin\""])
        self.assertEqual(self.tool("mshow", "-O", path, "2").decode(), "Hallo Bob, grüße!")
        self.assertEqual(self.tool("mshow", "-O", path, "3"), b"\x00\x01\x02\xff")

    def test_mlist_reads_many_deliveries(self):
        for n in range(10):
            self.deliver(b"Subject: message %d\n\nbody %d\n" % (n, n), "-d", "bob@example.org")
        listed = self.tool("mlist", self.bob).decode().split()
        self.assertEqual(len(listed), 10)
        subjects = self.tool("mhdr", "-h", "subject", stdin="\n".join(listed).encode() + b"\n").decode()
        self.assertEqual(sorted(subjects.splitlines()), ["message %d" % n for n in range(10)])

    def test_mdirs_sees_the_special_folders_and_a_delivered_folder(self):
        self.deliver(MESSAGE, "-d", "bob@example.org", "-F", "Lists.debian")
        dirs = self.tool("mdirs", self.bob).decode().splitlines()
        expected = [self.bob] + [os.path.join(self.bob, f) for f in SPECIAL_FOLDERS + (".Lists.debian",)]
        self.assertEqual(sorted(dirs), sorted(expected))
        folder = os.path.join(self.bob, ".Lists.debian")
        path = self.tool("mlist", folder).decode().strip()
        self.assertEqual(self.tool("mhdr", "-h", "subject", path), b"hello\n")
        self.assertEqual(self.tool("mlist", self.bob), b"")

    def test_minc_moves_new_mail_to_cur_with_info(self):
        self.deliver(MESSAGE, "-d", "bob@example.org")
        name = new_files(self.bob)[0]
        moved = self.tool("minc", self.bob).decode().strip()
        self.assertEqual(moved, os.path.join(self.bob, "cur", name + ":2,"))
        self.assertEqual(new_files(self.bob), [])
        self.assertEqual(cur_files(self.bob), [name + ":2,"])
        self.assertEqual(self.tool("mhdr", "-h", "subject", moved), b"hello\n")
        # mda keeps delivering next to what a reader moved.
        self.deliver(b"Subject: second\n\nagain\n", "-d", "bob@example.org")
        self.assertEqual(len(self.tool("mlist", self.bob).split()), 2)


if __name__ == "__main__":
    unittest.main()
