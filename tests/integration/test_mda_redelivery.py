"""Exactly-once delivery under smtpd: `mda -i ID` and its environment.

smtpd runs `mda -d %r -f %s -i %i`: the delivery ID goes into the file
name, and when smtpd repeats a delivery that may already have happened (a
retry, or a message it found queued at start) it sets POSTHORN_REDELIVERY=1,
so mda first looks for a file carrying that ID and does not write a second
copy. POSTHORN_SMTPD_PID makes mda refuse to run for an smtpd that is gone.
"""
import os
import subprocess
import unittest

from mdatest import (EX_TEMPFAIL, EX_USAGE, MDA, MESSAGE, USAGE, MdaTestCase, cur_files, new_files, read, tmp_files,
                     wait_for)

AGAIN = {"POSTHORN_REDELIVERY": "1"}


class DeliveryId(MdaTestCase):

    def test_id_is_in_the_file_name(self):
        path = self.assertStores(["-m", self.md, "-i", "0123ABCD-0"], send=MESSAGE, stored=MESSAGE)
        self.assertRegex(os.path.basename(path), r"^\d+\.M\d+P\d+Q\d+R[0-9a-f]{16}I0123ABCD-0\.")

    def test_bad_ids_are_usage_errors(self):
        for bad in ("a/b", "a.b", "a:b", "x" * 65, "é"):
            with self.subTest(bad=bad):
                run = self.mda("-m", self.md, "-i", bad, stdin=MESSAGE)
                self.assertEqual(run.code, EX_USAGE)
                self.assertEqual(run.err.decode().split("\n"),
                                 ["mda: bad delivery ID '%s': use 1 to 64 letters, digits, '-' and '_'" % bad,
                                  USAGE, ""])
        self.assertFalse(os.path.exists(self.md))

    def test_without_redelivery_the_same_id_is_delivered_again(self):
        # A first delivery never looks: that is what keeps it cheap.
        for _ in range(2):
            self.assertDelivered(self.mda("-m", self.md, "-i", "Q1-0", stdin=MESSAGE))
        self.assertEqual(len(new_files(self.md)), 2)


class Redelivery(MdaTestCase):

    def test_message_already_in_new_is_not_written_again(self):
        first = self.assertStores(["-m", self.md, "-i", "Q1-0"], send=MESSAGE, stored=MESSAGE)
        run = self.mda("-m", self.md, "-i", "Q1-0", stdin=MESSAGE, env=AGAIN)
        # Exit 0, with a note that smtpd puts into its log line.
        self.assertEqual((run.code, run.out, run.err), (0, b"", b"mda: already delivered to %s\n" % first.encode()))
        self.assertEqual(new_files(self.md), [os.path.basename(first)])
        self.assertEqual(tmp_files(self.md), [])

    def test_message_a_reader_moved_to_cur_is_found_there(self):
        first = self.assertStores(["-m", self.md, "-i", "Q1-0"], send=MESSAGE, stored=MESSAGE)
        seen = os.path.join(self.md, "cur", os.path.basename(first) + ":2,S")
        os.rename(first, seen)
        run = self.mda("-m", self.md, "-i", "Q1-0", stdin=MESSAGE, env=AGAIN)
        self.assertEqual((run.code, run.err), (0, b"mda: already delivered to %s\n" % seen.encode()))
        self.assertEqual(new_files(self.md), [])
        self.assertEqual(cur_files(self.md), [os.path.basename(seen)])

    def test_another_id_is_delivered(self):
        self.assertStores(["-m", self.md, "-i", "Q1-0"], send=MESSAGE, stored=MESSAGE)
        self.assertDelivered(self.mda("-m", self.md, "-i", "Q1-1", stdin=MESSAGE, env=AGAIN))
        self.assertEqual(len(new_files(self.md)), 2)

    def test_an_id_that_only_begins_the_same_is_another_id(self):
        self.assertStores(["-m", self.md, "-i", "Q1-1"], send=MESSAGE, stored=MESSAGE)
        self.assertDelivered(self.mda("-m", self.md, "-i", "Q1-10", stdin=MESSAGE, env=AGAIN))
        self.assertEqual(len(new_files(self.md)), 2)

    def test_redelivery_into_a_missing_maildir_delivers(self):
        self.assertDelivered(self.mda("-m", self.md, "-i", "Q1-0", stdin=MESSAGE, env=AGAIN))
        self.assertEqual(read(self.only_message(self.md)), MESSAGE)

    def test_redelivery_without_an_id_delivers(self):
        self.assertStores(["-m", self.md], send=MESSAGE, stored=MESSAGE)
        self.assertDelivered(self.mda("-m", self.md, stdin=MESSAGE, env=AGAIN))
        self.assertEqual(len(new_files(self.md)), 2)

    def test_alias_redelivery_writes_only_the_missing_copies(self):
        # An earlier try got bob's copy out, then died before carol's.
        self.write_aliases("team: bob, carol\n")
        bob, carol = self.maildir_of("bob@example.org"), self.maildir_of("carol@example.org")
        self.assertDelivered(self.mda("-m", bob, "-i", "Q2-0", stdin=b"Subject: earlier\n\n"))
        [earlier] = new_files(bob)
        # Partly a repeat: carol's copy is new, so nothing to note.
        self.assertDelivered(self.mda("-d", "team@example.org", "-i", "Q2-0", stdin=MESSAGE, env=AGAIN))
        self.assertEqual(new_files(bob), [earlier])
        stored = read(self.only_message(carol))
        self.assertEqual(stored, b"Delivered-To: team@example.org\n" + MESSAGE)
        self.assertIn("IQ2-0.", new_files(carol)[0])

    def test_everything_there_means_stdin_is_not_needed(self):
        self.assertStores(["-m", self.md, "-i", "Q1-0"], send=MESSAGE, stored=MESSAGE)
        # Empty input would be refused (65) if mda went on to read it.
        run = self.mda("-m", self.md, "-i", "Q1-0", stdin=b"", env=AGAIN)
        self.assertEqual(run.code, 0, run.err)


class UnderSmtpd(MdaTestCase):

    def test_parent_not_smtpd_means_tempfail_and_nothing_written(self):
        # Python is mda's parent here, not pid 1.
        run = self.mda("-m", self.md, "-i", "Q1-0", stdin=MESSAGE, env={"POSTHORN_SMTPD_PID": "1"})
        self.assertFailsWith(run, EX_TEMPFAIL, "smtpd (pid 1) is gone; its next run delivers the message")
        self.assertFalse(os.path.exists(self.md))

    def test_parent_is_smtpd_means_delivery(self):
        run = self.mda("-m", self.md, stdin=MESSAGE, env={"POSTHORN_SMTPD_PID": str(os.getpid())})
        self.assertDelivered(run)
        self.assertEqual(len(new_files(self.md)), 1)

    def test_mda_dies_with_its_smtpd(self):
        # A stand-in smtpd (sh) starts mda on a stdin that never ends, then
        # is killed: mda must die too rather than deliver later.
        fifo = os.path.join(self.root, "fifo")
        os.mkfifo(fifo)
        script = 'exec 3<>"$1"; POSTHORN_SMTPD_PID=$$ "$2" -c "$3" -m "$4" <&3 & echo $!; wait'
        parent = subprocess.Popen(["sh", "-c", script, "sh", fifo, MDA, self.conf, self.md], stdout=subprocess.PIPE)
        self.addCleanup(parent.wait)
        self.addCleanup(parent.kill)
        mda_pid = int(parent.stdout.readline())
        parent.stdout.close()
        wait_for(lambda: tmp_files(self.md), 10, "mda to start writing")
        parent.kill()
        wait_for(lambda: not alive(mda_pid), 5, "mda to die with its smtpd")
        self.assertEqual(new_files(self.md), [])


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


if __name__ == "__main__":
    unittest.main()
