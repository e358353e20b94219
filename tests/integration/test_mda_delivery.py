"""mda stores what it reads, byte for byte, with only the changes mda(1)
promises: a leading mbox `From ` line is dropped, CRLF becomes LF,
`Return-Path:` and (with -d) `Delivered-To:` go in front.

Each test reads: what goes in on stdin, what must be in the Maildir.
"""
import os
import stat
import subprocess
import unittest

from mdatest import (
    EX_DATAERR, MDA, MESSAGE, NAME_RE, MdaTestCase, entries, new_files, read, tmp_files, wait_for)


class StoredBytes(MdaTestCase):
    """-m MAILDIR, no -f: the stored file is the message after normalisation."""

    def test_lf_message_is_stored_unchanged(self):
        self.assertStores(["-m", self.md],
                          send=b"From: alice@example.net\nSubject: plain\n\nline one\nline two\n",
                          stored=b"From: alice@example.net\nSubject: plain\n\nline one\nline two\n")

    def test_crlf_line_ends_are_stored_as_lf(self):
        self.assertStores(["-m", self.md],
                          send=b"Subject: crlf\r\nX-A: b\r\n\r\nline one\r\nline two\r\n",
                          stored=b"Subject: crlf\nX-A: b\n\nline one\nline two\n")

    def test_lone_cr_is_kept_as_data(self):
        self.assertStores(["-m", self.md],
                          send=b"Subject: a\rb\r\n\r\nx\ry\r\r\nz\n",
                          stored=b"Subject: a\rb\n\nx\ry\r\nz\n")

    def test_cr_at_the_very_end_of_input_is_kept(self):
        self.assertStores(["-m", self.md],
                          send=b"Subject: cr\r\n\r\nbody\r",
                          stored=b"Subject: cr\n\nbody\r")

    def test_mbox_from_line_is_dropped_and_its_sender_becomes_return_path(self):
        self.assertStores(["-m", self.md],
                          send=b"From alice@example.net Mon Jan  1 00:00:00 2024\nSubject: mbox\n\nbody\n",
                          stored=b"Return-Path: <alice@example.net>\nSubject: mbox\n\nbody\n")

    def test_mbox_from_line_with_crlf_is_dropped(self):
        self.assertStores(["-m", self.md],
                          send=b"From alice@example.net Mon Jan  1 00:00:00 2024\r\nSubject: mbox\r\n\r\nbody\r\n",
                          stored=b"Return-Path: <alice@example.net>\nSubject: mbox\n\nbody\n")

    def test_mbox_from_line_of_mailer_daemon_gives_null_return_path(self):
        self.assertStores(["-m", self.md],
                          send=b"From MAILER-DAEMON Mon Jan  1 00:00:00 2024\nSubject: bounce\n\nbody\n",
                          stored=b"Return-Path: <>\nSubject: bounce\n\nbody\n")

    def test_mbox_from_line_without_an_address_gives_no_return_path(self):
        self.assertStores(["-m", self.md],
                          send=b"From somebody Mon Jan  1 00:00:00 2024\nSubject: local\n\nbody\n",
                          stored=b"Subject: local\n\nbody\n")

    def test_from_header_field_is_not_an_mbox_from_line(self):
        self.assertStores(["-m", self.md],
                          send=b"From: alice@example.net\nSubject: header\n\nbody\n",
                          stored=b"From: alice@example.net\nSubject: header\n\nbody\n")

    def test_from_line_in_the_body_is_kept(self):
        self.assertStores(["-m", self.md],
                          send=b"Subject: body from\n\nFrom here on\n>From there\n",
                          stored=b"Subject: body from\n\nFrom here on\n>From there\n")

    def test_without_f_or_from_line_there_is_no_return_path(self):
        self.assertStores(["-m", self.md], send=MESSAGE, stored=MESSAGE)

    def test_binary_body_with_nul_and_8bit_bytes_is_stored_exactly(self):
        # bytes(range(256)) has a NUL, a lone CR (0x0d is followed by 0x0e)
        # and every byte 0x80-0xff: none of them may be touched.
        body = bytes(range(256)) * 64 + b"\xff\xfe\x00\x00\xc3\x28\n"
        self.assertStores(["-m", self.md],
                          send=b"Subject: binary\nContent-Transfer-Encoding: binary\n\n" + body,
                          stored=b"Subject: binary\nContent-Transfer-Encoding: binary\n\n" + body)

    def test_eight_bit_header_is_stored_exactly(self):
        self.assertStores(["-m", self.md],
                          send="Subject: Grüße aus Köln\r\nFrom: Zoë <zoe@example.net>\r\n\r\nbody\r\n".encode(),
                          stored="Subject: Grüße aus Köln\nFrom: Zoë <zoe@example.net>\n\nbody\n".encode())

    def test_five_megabyte_single_line(self):
        line = b"x" * (5 * 1024 * 1024)
        self.assertStores(["-m", self.md],
                          send=b"Subject: long line\n\n" + line + b"\n",
                          stored=b"Subject: long line\n\n" + line + b"\n")

    def test_five_megabytes_of_crlf_lines_across_read_boundaries(self):
        # Lines of odd lengths make CR and LF fall on every side of the
        # 64 KiB pipe and 256 KiB read boundaries.
        lines = [b"%d %s" % (i, b"y" * (i % 97)) for i in range(100000)]
        self.assertStores(["-m", self.md],
                          send=b"Subject: many lines\r\n\r\n" + b"\r\n".join(lines) + b"\r\n",
                          stored=b"Subject: many lines\n\n" + b"\n".join(lines) + b"\n")

    def test_header_of_100000_lines(self):
        header = b"".join(b"X-Line-%d: value %d\n" % (i, i) for i in range(100000))
        self.assertStores(["-m", self.md],
                          send=header + b"Subject: long header\n\nbody\n",
                          stored=header + b"Subject: long header\n\nbody\n")

    def test_header_of_100000_lines_with_delivered_to_check(self):
        header = b"".join(b"Received: from relay%d.example.net\n" % i for i in range(100000))
        self.assertStores(["-d", "bob@example.org"],
                          send=header + b"Subject: long header\n\nbody\n",
                          stored=b"Delivered-To: bob@example.org\n" + header + b"Subject: long header\n\nbody\n",
                          maildir=self.maildir_of("bob@example.org"))

    def test_message_without_trailing_newline(self):
        self.assertStores(["-m", self.md],
                          send=b"Subject: no newline\n\nlast line",
                          stored=b"Subject: no newline\n\nlast line")

    def test_header_only_message(self):
        self.assertStores(["-m", self.md],
                          send=b"Subject: header only\nX-A: b\n",
                          stored=b"Subject: header only\nX-A: b\n")

    def test_header_only_message_without_newline(self):
        self.assertStores(["-m", self.md],
                          send=b"Subject: x",
                          stored=b"Subject: x")

    def test_message_shorter_than_a_from_line(self):
        self.assertStores(["-m", self.md], send=b"A:b", stored=b"A:b")

    def test_empty_body(self):
        self.assertStores(["-m", self.md],
                          send=b"Subject: empty body\n\n",
                          stored=b"Subject: empty body\n\n")

    def test_message_from_a_regular_file_on_stdin(self):
        path = os.path.join(self.root, "message.eml")
        with open(path, "wb") as f:
            f.write(b"Subject: from a file\r\n\r\nbody\r\n")
        with open(path, "rb") as f:
            run = self.mda("-m", self.md, stdin=f)
        self.assertDelivered(run)
        self.assertEqual(read(self.only_message(self.md)), b"Subject: from a file\n\nbody\n")

    def test_mbox_from_line_sender_cannot_inject_a_header(self):
        self.assertDelivered(self.mda("-m", self.md, stdin=b"From a@example.net\rX-Evil: yes Mon Jan  1 00:00:00 2024\n"
                                                           b"Subject: x\n\nbody\n"))
        stored = read(self.only_message(self.md))
        self.assertIn(stored, (b"Return-Path: <a@example.net>\nSubject: x\n\nbody\n", b"Subject: x\n\nbody\n"))

    def test_crlf_split_across_two_reads_is_one_lf(self):
        # mda reads "...\r", cannot yet know if "\n" follows, and must hold
        # the CR back until the next read decides.
        p = subprocess.Popen([MDA, "-c", self.conf, "-m", self.md], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            def tmp_size(n):
                def check():
                    names = tmp_files(self.md)
                    return names and os.path.getsize(os.path.join(self.md, "tmp", names[0])) == n
                return check
            p.stdin.write(b"Subject: split\r")
            p.stdin.flush()
            wait_for(tmp_size(len(b"Subject: split")), what="mda to write the first line")
            p.stdin.write(b"\n\r\nline one\r")
            p.stdin.flush()
            wait_for(tmp_size(len(b"Subject: split\n\nline one")), what="mda to write the body")
            p.stdin.write(b"\nline two\r\n")
            out, err = p.communicate(timeout=30)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        self.assertEqual((p.returncode, err), (0, b""))
        self.assertEqual(read(self.only_message(self.md)), b"Subject: split\n\nline one\nline two\n")


class SlowWriter(MdaTestCase):
    """The header arrives one byte per read: every decision mda makes at
    the start of a line (From line, Return-Path, Delivered-To, CRLF) must
    come out the same as when it reads everything at once."""

    SEND = (b"From alice@example.net Mon Jan  1 00:00:00 2024\r\n"
            b"Return-Path: <forged@evil.example>\r\n\t(continued)\r\n"
            b"Delivered-To: carol@example.org\r\n"
            b"Subject: slow\r\n\r\nbody\r\nline\r\n")
    STORED = (b"Return-Path: <alice@example.net>\nDelivered-To: bob@example.org\n"
              b"Delivered-To: carol@example.org\nSubject: slow\n\nbody\nline\n")

    def test_header_one_byte_per_read(self):
        run = self.mda_trickle("-d", "bob@example.org", chunks=[bytes([b]) for b in self.SEND])
        self.assertDelivered(run)
        path = self.only_message(self.maildir_of("bob@example.org"))
        self.assertEqual(read(path), self.STORED)
        self.assertNameFits(path)

    def test_same_message_in_one_read(self):
        self.assertStores(["-d", "bob@example.org"], send=self.SEND, stored=self.STORED,
                          maildir=self.maildir_of("bob@example.org"))

    def test_loop_found_one_byte_per_read(self):
        send = b"Subject: slow\r\nDelivered-To: <bob@example.org>\r\n\r\nbody\r\n"
        run = self.mda_trickle("-d", "bob@example.org", chunks=[bytes([b]) for b in send])
        self.assertFailsWith(run, EX_DATAERR, "mail forwarding loop: message already has Delivered-To: bob@example.org")
        self.assertNothingDelivered()


class ReturnPath(MdaTestCase):
    """-f SENDER: the envelope sender goes into Return-Path."""

    def test_f_sender_becomes_return_path(self):
        self.assertStores(["-m", self.md, "-f", "alice@example.net"],
                          send=MESSAGE,
                          stored=b"Return-Path: <alice@example.net>\n" + MESSAGE)

    def test_f_sender_in_angle_brackets(self):
        self.assertStores(["-m", self.md, "-f", "<alice@example.net>"],
                          send=MESSAGE,
                          stored=b"Return-Path: <alice@example.net>\n" + MESSAGE)

    def test_f_sender_keeps_local_part_case_and_lowers_domain(self):
        self.assertStores(["-m", self.md, "-f", "Alice.Smith@Example.NET"],
                          send=MESSAGE,
                          stored=b"Return-Path: <Alice.Smith@example.net>\n" + MESSAGE)

    def test_f_sender_wins_over_mbox_from_line(self):
        self.assertStores(["-m", self.md, "-f", "alice@example.net"],
                          send=b"From mallory@example.com Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody\n",
                          stored=b"Return-Path: <alice@example.net>\nSubject: x\n\nbody\n")

    def test_f_null_sender_spellings_give_empty_return_path(self):
        for i, sender in enumerate(("<>", "", "MAILER-DAEMON", "mailer-daemon")):
            with self.subTest(sender=sender):
                md = os.path.join(self.root, "Maildir%d" % i)
                self.assertStores(["-m", md, "-f", sender],
                                  send=MESSAGE,
                                  stored=b"Return-Path: <>\n" + MESSAGE,
                                  maildir=md)

    def test_f_quoted_local_part_is_kept_quoted(self):
        self.assertStores(["-m", self.md, "-f", '"john doe"@example.net'],
                          send=MESSAGE,
                          stored=b'Return-Path: <"john doe"@example.net>\n' + MESSAGE)


class ForgedReturnPath(MdaTestCase):
    """When mda writes a Return-Path, one already in the message is removed
    (a sender could forge it; Postfix's cleanup removes them too)."""

    def test_return_path_in_the_message_is_replaced_by_f(self):
        self.assertStores(["-m", self.md, "-f", "alice@example.net"],
                          send=b"Return-Path: <forged@evil.example>\nSubject: x\n\nbody\n",
                          stored=b"Return-Path: <alice@example.net>\nSubject: x\n\nbody\n")

    def test_every_return_path_in_the_header_goes_with_its_continuation_lines(self):
        self.assertStores(["-d", "bob@example.org", "-f", "alice@example.net"],
                          send=b"Subject: x\r\nreturn-path:\r\n <forged@evil.example>\r\n\t(folded)\r\n"
                               b"X-Keep: 1\r\nRETURN-PATH: <again@evil.example>\r\n\r\nbody\r\n",
                          stored=b"Return-Path: <alice@example.net>\nDelivered-To: bob@example.org\n"
                                 b"Subject: x\nX-Keep: 1\n\nbody\n",
                          maildir=self.maildir_of("bob@example.org"))

    def test_return_path_is_replaced_by_the_mbox_from_line_sender(self):
        self.assertStores(["-m", self.md],
                          send=b"From alice@example.net Mon Jan  1 00:00:00 2024\nReturn-Path: <forged@evil.example>\n"
                               b"Subject: x\n\nbody\n",
                          stored=b"Return-Path: <alice@example.net>\nSubject: x\n\nbody\n")

    def test_return_path_is_kept_when_mda_writes_none(self):
        send = b"Return-Path: <bounces@lists.example>\nSubject: x\n\nbody\n"
        self.assertStores(["-m", self.md], send=send, stored=send)

    def test_return_path_in_the_body_is_kept(self):
        self.assertStores(["-m", self.md, "-f", "<>"],
                          send=b"Subject: x\n\nReturn-Path: <quoted@example.net>\n",
                          stored=b"Return-Path: <>\nSubject: x\n\nReturn-Path: <quoted@example.net>\n")

    def test_similar_field_names_are_kept(self):
        send = b"Return-Path-Extra: 1\nX-Return-Path: <a@example.net>\nSubject: x\n\nbody\n"
        self.assertStores(["-m", self.md, "-f", "alice@example.net"], send=send,
                          stored=b"Return-Path: <alice@example.net>\n" + send)

    def test_message_whose_only_field_is_a_return_path(self):
        self.assertStores(["-m", self.md, "-f", "alice@example.net"],
                          send=b"Return-Path: <forged@evil.example>\n\nbody\n",
                          stored=b"Return-Path: <alice@example.net>\n\nbody\n")


class DeliveredTo(MdaTestCase):
    """-d ADDRESS: `Delivered-To: <address>` goes after Return-Path."""

    def test_d_adds_delivered_to_after_return_path(self):
        self.assertStores(["-d", "bob@example.org", "-f", "alice@example.net"],
                          send=MESSAGE,
                          stored=b"Return-Path: <alice@example.net>\nDelivered-To: bob@example.org\n" + MESSAGE,
                          maildir=self.maildir_of("bob@example.org"))

    def test_delivered_to_is_lower_cased(self):
        self.assertStores(["-d", "Bob@Example.ORG"],
                          send=MESSAGE,
                          stored=b"Delivered-To: bob@example.org\n" + MESSAGE,
                          maildir=self.maildir_of("bob@example.org"))

    def test_delivered_to_follows_return_path_taken_from_mbox_from_line(self):
        self.assertStores(["-d", "bob@example.org"],
                          send=b"From alice@example.net Mon Jan  1 00:00:00 2024\r\nSubject: x\r\n\r\nbody\r\n",
                          stored=b"Return-Path: <alice@example.net>\nDelivered-To: bob@example.org\n"
                                 b"Subject: x\n\nbody\n",
                          maildir=self.maildir_of("bob@example.org"))

    def test_delivered_to_for_another_address_is_kept_and_not_a_loop(self):
        send = b"Delivered-To: carol@example.org\nSubject: fwd\n\nbody\n"
        self.assertStores(["-d", "bob@example.org"], send=send,
                          stored=b"Delivered-To: bob@example.org\n" + send,
                          maildir=self.maildir_of("bob@example.org"))

    def test_delivered_to_in_the_body_is_not_a_loop(self):
        send = b"Subject: quoted\n\nDelivered-To: bob@example.org\n"
        self.assertStores(["-d", "bob@example.org"], send=send,
                          stored=b"Delivered-To: bob@example.org\n" + send,
                          maildir=self.maildir_of("bob@example.org"))

    def test_m_does_not_check_delivered_to(self):
        send = b"Delivered-To: bob@example.org\nSubject: archived\n\nbody\n"
        self.assertStores(["-m", self.md], send=send, stored=send)


class MaildirFiles(MdaTestCase):
    """The file in new/: its name, its mode, and what is left around it."""

    def test_file_name_has_unique_form_and_sizes(self):
        path = self.assertStores(["-m", self.md],
                                 send=b"Subject: sizes\r\n\r\none\r\ntwo\r\n",
                                 stored=b"Subject: sizes\n\none\ntwo\n")
        m = NAME_RE.match(os.path.basename(path))
        stored = len(b"Subject: sizes\n\none\ntwo\n")
        self.assertEqual((int(m.group(1)), int(m.group(2))), (stored, stored + 4))

    def test_file_name_counts_only_real_lf_in_w(self):
        path = self.assertStores(["-m", self.md], send=b"Subject: a\rb\n\nx\ry", stored=b"Subject: a\rb\n\nx\ry")
        self.assertTrue(os.path.basename(path).endswith(",S=17,W=19"), path)

    def test_message_file_is_mode_0600_even_with_umask_0(self):
        run = self.mda("-m", self.md, stdin=MESSAGE, umask=0)
        self.assertDelivered(run)
        mode = stat.S_IMODE(os.stat(self.only_message(self.md)).st_mode)
        self.assertEqual(oct(mode), oct(0o600))

    def test_created_maildir_directories_are_mode_0700_even_with_umask_0(self):
        run = self.mda("-d", "bob@example.org", stdin=MESSAGE, umask=0)
        self.assertDelivered(run)
        md = self.maildir_of("bob@example.org")
        for d in ("", "tmp", "new", "cur", ".Sent", ".Sent/new", ".Trash/tmp"):
            with self.subTest(directory=d):
                mode = stat.S_IMODE(os.stat(os.path.join(md, d)).st_mode)
                self.assertEqual(oct(mode), oct(0o700))

    def test_nothing_is_left_in_tmp_or_cur(self):
        self.assertDelivered(self.mda("-m", self.md, stdin=MESSAGE))
        self.assertEqual(tmp_files(self.md), [])
        self.assertEqual(entries(os.path.join(self.md, "cur")), [])
        self.assertEqual(len(new_files(self.md)), 1)

    def test_each_delivery_gets_its_own_file(self):
        for i in range(5):
            self.assertDelivered(self.mda("-m", self.md, stdin=b"Subject: %d\n\nbody %d\n" % (i, i)))
        names = new_files(self.md)
        self.assertEqual(len(names), 5)
        bodies = sorted(read(os.path.join(self.md, "new", n)) for n in names)
        self.assertEqual(bodies, sorted(b"Subject: %d\n\nbody %d\n" % (i, i) for i in range(5)))

    def test_existing_messages_are_left_alone(self):
        os.makedirs(os.path.join(self.md, "cur"))
        os.makedirs(os.path.join(self.md, "new"))
        os.makedirs(os.path.join(self.md, "tmp"))
        old = os.path.join(self.md, "cur", "1000000000.M1P1Q1.old,S=4:2,S")
        with open(old, "wb") as f:
            f.write(b"old\n")
        self.assertDelivered(self.mda("-m", self.md, stdin=MESSAGE))
        self.assertEqual(read(old), b"old\n")
        self.assertEqual(read(self.only_message(self.md)), MESSAGE)

    def test_m_creates_a_plain_maildir_with_its_parents(self):
        md = os.path.join(self.root, "a", "b", "Maildir")
        self.assertStores(["-m", md], send=MESSAGE, stored=MESSAGE, maildir=md)
        self.assertIsMaildir(md)


class Folders(MdaTestCase):
    """-F FOLDER: Maildir++ folders are `.Name` directories."""

    def test_F_delivers_into_the_folder_and_marks_it(self):
        folder = os.path.join(self.md, ".Work")
        self.assertStores(["-m", self.md, "-F", "Work"], send=MESSAGE, stored=MESSAGE, maildir=folder)
        self.assertIsMaildir(folder, folder=True)
        self.assertIsMaildir(self.md)
        self.assertEqual(new_files(self.md), [])

    def test_F_nested_folder_uses_dot_separator(self):
        folder = os.path.join(self.md, ".Lists.debian")
        self.assertStores(["-m", self.md, "-F", "Lists.debian"], send=MESSAGE, stored=MESSAGE, maildir=folder)
        self.assertIsMaildir(folder, folder=True)

    def test_F_INBOX_is_the_maildir_itself(self):
        for i, name in enumerate(("INBOX", "inbox", "Inbox")):
            with self.subTest(folder=name):
                md = os.path.join(self.root, "Maildir%d" % i)
                self.assertStores(["-m", md, "-F", name], send=MESSAGE, stored=MESSAGE, maildir=md)
                self.assertEqual([n for n in os.listdir(md) if n.startswith(".")], [])

    def test_F_with_d_delivers_into_the_users_folder(self):
        md = self.maildir_of("bob@example.org")
        self.assertStores(["-d", "bob@example.org", "-F", "Work"],
                          send=MESSAGE,
                          stored=b"Delivered-To: bob@example.org\n" + MESSAGE,
                          maildir=os.path.join(md, ".Work"))
        self.assertIsMaildir(os.path.join(md, ".Work"), folder=True)
        self.assertEqual(new_files(md), [])

    def test_F_with_d_into_a_special_folder(self):
        md = self.maildir_of("bob@example.org")
        self.assertStores(["-d", "bob@example.org", "-F", "Junk"],
                          send=MESSAGE,
                          stored=b"Delivered-To: bob@example.org\n" + MESSAGE,
                          maildir=os.path.join(md, ".Junk"))


if __name__ == "__main__":
    unittest.main()
