"""Durability and concurrency: many mda at once, mda killed mid-message,
the tmp/ reaper, and a full disk. DESIGN.md contract 3: unique name in
tmp/, fsync, rename into new/; no half message is ever visible in new/.
"""
import os
import re
import resource
import signal
import subprocess
import time
import unittest

from mdatest import (
    EX_CANTCREAT, EX_TEMPFAIL, MDA, MESSAGE, MdaTestCase, Run, new_files, read, tmp_files, wait_for)


def numbered_message(n):
    # Sizes differ from message to message, so a mix-up shows.
    return b"Subject: %d\nMessage-Id: <%d@example.net>\n\nbody line %d\n%s\n" % (n, n, n, b"z" * (n * 37 % 5000))


class ManyAtOnce(MdaTestCase):

    def setUp(self):
        super().setUp()
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < 1024 and (hard == resource.RLIM_INFINITY or hard >= 1024):
            resource.setrlimit(resource.RLIMIT_NOFILE, (1024, hard))
            self.addCleanup(resource.setrlimit, resource.RLIMIT_NOFILE, (soft, hard))

    def run_all_at_once(self, count, args):
        """Starts `count` mda, then feeds each its numbered message; returns
        [(exit code, stderr)] in order."""
        procs = []
        try:
            for _ in range(count):
                procs.append(subprocess.Popen([MDA, "-c", self.conf] + args, stdin=subprocess.PIPE,
                                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
            for n, p in enumerate(procs):
                p.stdin.write(numbered_message(n))
                p.stdin.close()
            return [(p.wait(timeout=120), p.stderr.read()) for p in procs]
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
                    p.wait()
                p.stderr.close()

    def assertAllStored(self, maildir, count, prefix=b""):
        names = new_files(maildir)
        self.assertEqual(len(names), count)
        self.assertEqual(tmp_files(maildir), [])
        by_subject = {}
        for name in names:
            path = os.path.join(maildir, "new", name)
            self.assertNameFits(path)
            data = read(path)
            m = re.search(rb"^Subject: (\d+)$", data, re.M)
            self.assertIsNotNone(m, "a stored file has no Subject: %r" % data[:200])
            n = int(m.group(1))
            self.assertNotIn(n, by_subject, "message %d stored twice" % n)
            by_subject[n] = data
        self.assertEqual(sorted(by_subject), list(range(count)))
        for n, data in by_subject.items():
            self.assertEqual(data, prefix + numbered_message(n), "message %d is not what was sent" % n)

    def test_200_concurrent_deliveries_into_a_new_user_maildir(self):
        # The Maildir does not exist yet: 200 processes race to create it.
        results = self.run_all_at_once(200, ["-d", "bob@example.org"])
        self.assertEqual(results, [(0, b"")] * 200)
        md = self.maildir_of("bob@example.org")
        self.assertAllStored(md, 200, prefix=b"Delivered-To: bob@example.org\n")
        for folder in (".Sent", ".Drafts", ".Junk", ".Trash"):
            self.assertIsMaildir(os.path.join(md, folder), folder=True)

    def test_50_concurrent_deliveries_into_a_new_folder_with_m(self):
        results = self.run_all_at_once(50, ["-m", self.md, "-F", "Lists.busy"])
        self.assertEqual(results, [(0, b"")] * 50)
        self.assertAllStored(os.path.join(self.md, ".Lists.busy"), 50)
        self.assertEqual(new_files(self.md), [])


class KilledMidMessage(MdaTestCase):

    def start_and_kill(self, sent):
        """Starts mda -m, writes `sent`, waits until mda has written it to
        tmp/, and SIGKILLs it. Returns the tmp file's path."""
        p = subprocess.Popen([MDA, "-c", self.conf, "-m", self.md], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            p.stdin.write(sent)
            p.stdin.flush()

            def written():
                names = tmp_files(self.md)
                if len(names) == 1 and os.path.getsize(os.path.join(self.md, "tmp", names[0])) == len(sent):
                    return os.path.join(self.md, "tmp", names[0])
                return None
            path = wait_for(written, what="mda to write the first part into tmp/")
            p.send_signal(signal.SIGKILL)
            self.assertEqual(p.wait(timeout=30), -signal.SIGKILL)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            for f in (p.stdin, p.stdout, p.stderr):
                try:
                    f.close()
                except BrokenPipeError:
                    pass
        return path

    def test_sigkill_mid_message_leaves_nothing_in_new(self):
        sent = b"Subject: killed\n\nthe first half of the body\n"
        path = self.start_and_kill(sent)
        self.assertEqual(new_files(self.md), [])
        self.assertEqual(read(path), sent)

    def test_delivery_after_a_kill_works_and_keeps_the_fresh_tmp_file(self):
        path = self.start_and_kill(b"Subject: killed\n\nhalf\n")
        self.assertDelivered(self.mda("-m", self.md, stdin=MESSAGE))
        self.assertEqual(len(new_files(self.md)), 1)
        self.assertEqual(read(os.path.join(self.md, "new", new_files(self.md)[0])), MESSAGE)
        self.assertEqual(tmp_files(self.md), [os.path.basename(path)])


class TmpReaper(MdaTestCase):
    """tmp/ is scanned at most every 8 hours (the atime of tmp/ is the
    stamp), and only files untouched for 36 hours go."""

    def setUp(self):
        super().setUp()
        self.assertDelivered(self.mda("-m", self.md, stdin=MESSAGE))
        self.tmp = os.path.join(self.md, "tmp")
        self.leftover = os.path.join(self.tmp, "1700000000.M1P1Q1R0000000000000001.leftover")
        with open(self.leftover, "wb") as f:
            f.write(b"Subject: half\n")

    def set_tmp_atime(self, seconds_ago):
        st = os.stat(self.tmp)
        os.utime(self.tmp, ns=(time.time_ns() - seconds_ago * 10**9, st.st_mtime_ns))

    def test_scan_after_nine_hours_stamps_tmp_and_keeps_fresh_files(self):
        self.set_tmp_atime(9 * 3600)
        self.assertDelivered(self.mda("-m", self.md, stdin=MESSAGE))
        atime = os.stat(self.tmp).st_atime  # before anything here reads tmp/
        self.assertAlmostEqual(atime, time.time(), delta=60)
        self.assertEqual(tmp_files(self.md), [os.path.basename(self.leftover)])
        self.assertEqual(read(self.leftover), b"Subject: half\n")

    def test_file_with_old_mtime_but_fresh_ctime_is_still_being_written(self):
        hours_40 = 40 * 3600
        os.utime(self.leftover, (time.time() - hours_40, time.time() - hours_40))
        self.set_tmp_atime(9 * 3600)
        self.assertDelivered(self.mda("-m", self.md, stdin=MESSAGE))
        self.assertAlmostEqual(os.stat(self.tmp).st_atime, time.time(), delta=60)
        self.assertEqual(tmp_files(self.md), [os.path.basename(self.leftover)])

    def test_no_scan_within_eight_hours(self):
        self.set_tmp_atime(3600)
        self.assertDelivered(self.mda("-m", self.md, stdin=MESSAGE))
        self.assertAlmostEqual(os.stat(self.tmp).st_atime, time.time() - 3600, delta=60)
        self.assertEqual(tmp_files(self.md), [os.path.basename(self.leftover)])


class DiskFull(MdaTestCase):
    """75 on ENOSPC: the message waits in the queue for the admin; nothing
    half-written is published or left behind."""

    def setUp(self):
        super().setUp()
        self.fs = os.path.join(self.root, "small")
        self.mount_tmpfs(self.fs, "256k")
        self.md = os.path.join(self.fs, "Maildir")

    def test_full_disk_is_75_and_leaves_earlier_mail_intact(self):
        first = self.assertStores(["-m", self.md], send=MESSAGE, stored=MESSAGE)
        big = b"Subject: big\n\n" + (b"x" * 79 + b"\n") * (1024 * 1024 // 80 + 1)
        self.assertGreater(len(big), 1 << 20)
        run = self.mda("-m", self.md, stdin=big)
        self.assertFailsLike(run, EX_TEMPFAIL,
                             r"cannot write %s/tmp/[^/]+: No space left on device" % re.escape(self.md))
        self.assertEqual(new_files(self.md), [os.path.basename(first)])
        self.assertEqual(tmp_files(self.md), [])
        self.assertEqual(read(first), MESSAGE)
        # The space is given back: the next message goes through.
        self.assertDelivered(self.mda("-m", self.md, stdin=b"Subject: after\n\nok\n"))
        self.assertEqual(len(new_files(self.md)), 2)

    def test_second_copy_not_fitting_publishes_no_copy(self):
        # Each copy fits alone; both do not. All or nothing.
        self.write_config(maildir=self.fs + "/%d/%n")
        self.write_aliases("team: bob, carol\n")
        half = b"Subject: half the disk\n\n" + b"y" * (150 * 1024)
        run = self.mda("-d", "team@example.org", stdin=half)
        self.assertFailsLike(run, EX_TEMPFAIL, r"cannot write %s/example\.org/[a-z]+/tmp/[^/]+: "
                                               r"No space left on device" % re.escape(self.fs))
        for user in ("bob@example.org", "carol@example.org"):
            md = os.path.join(self.fs, "example.org", user.split("@")[0])
            self.assertEqual((new_files(md), tmp_files(md)), ([], []), user)


class FailureWhilePublishing(MdaTestCase):
    """mda creates its tmp/ files, then reads stdin: while it waits, the
    test puts a regular file where a new/ directory was, so the rename
    into new/ fails after the data is safe."""

    def block_new_while_reading(self, args, blocked_maildir, send):
        p = subprocess.Popen([MDA, "-c", self.conf] + args, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            wait_for(lambda: tmp_files(blocked_maildir), what="mda to create its tmp/ file")
            new = os.path.join(blocked_maildir, "new")
            os.rmdir(new)
            with open(new, "w") as f:
                f.write("in the way\n")
            out, err = p.communicate(send, timeout=30)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        return p.returncode, out, err

    def test_rename_failing_for_the_only_copy_is_73_and_cleans_tmp(self):
        self.assertDelivered(self.mda("-m", self.md, stdin=b"Subject: make the Maildir\n\n"))
        os.unlink(os.path.join(self.md, "new", new_files(self.md)[0]))
        code, out, err = self.block_new_while_reading(["-m", self.md], self.md, MESSAGE)
        self.assertFailsLike(Run(code, out, err), EX_CANTCREAT,
                             r"cannot move message to %s/new/[^/]+: Not a directory" % re.escape(self.md))
        self.assertEqual(tmp_files(self.md), [])

    def test_rename_failing_after_the_first_copy_is_published_is_75(self):
        # mda(1) CAVEATS: at least once, never half. Bob already has his
        # copy; a permanent code would bounce the message and carol would
        # never get hers. 75 makes the queue retry.
        self.write_aliases("team: bob, carol\n")
        bob, carol = self.maildir_of("bob@example.org"), self.maildir_of("carol@example.org")
        code, out, err = self.block_new_while_reading(["-d", "team@example.org"], carol, MESSAGE)
        self.assertFailsLike(Run(code, out, err), EX_TEMPFAIL,
                             r"cannot move message to %s/new/[^/]+: Not a directory" % re.escape(carol))
        self.assertEqual(tmp_files(carol), [])
        self.assertEqual(tmp_files(bob), [])
        self.assertLessEqual(len(new_files(bob)), 1)


class CopiesAcrossFileSystems(MdaTestCase):
    """An alias whose users' Maildirs sit on different file systems: the
    second copy cannot be a copy_file_range(2) of the first."""

    def test_alias_copies_to_a_maildir_on_another_file_system(self):
        self.mount_tmpfs(self.maildir_of("carol@example.org"), "16m")
        self.write_aliases("team: bob, carol\n")
        send = b"Subject: across\n\n" + bytes(range(256)) * 8192
        self.assertDelivered(self.mda("-d", "team@example.org", stdin=send))
        stored = b"Delivered-To: team@example.org\n" + send
        for user in ("bob@example.org", "carol@example.org"):
            with self.subTest(user=user):
                path = self.only_message(self.maildir_of(user))
                self.assertEqual(read(path), stored)
                self.assertNameFits(path)


if __name__ == "__main__":
    unittest.main()
