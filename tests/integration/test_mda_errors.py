"""mda's refusals: each bad input, option or config gets its sysexits(3)
code (DESIGN.md contract 4) and exactly one line `mda: <why>` on stderr,
and leaves no message file in any new/ or tmp/.
"""
import os
import re
import shutil
import subprocess
import unittest

from mdatest import (
    EX_CANTCREAT, EX_DATAERR, EX_NOUSER, EX_TEMPFAIL, EX_USAGE, MDA, MESSAGE, USAGE,
    MdaTestCase, new_files, read, user_exists)

NOT_A_MESSAGE = "input is not a mail message: it does not start with a header field"


class UsageErrors(MdaTestCase):
    """64: the command line is wrong; the usage line follows the reason."""

    def assertUsage(self, args, why):
        before = self.all_paths()
        run = self.mda(*args, stdin=MESSAGE)
        self.assertEqual(run.code, EX_USAGE)
        self.assertEqual(run.out, b"")
        self.assertEqual(run.err.decode(), "mda: %s\n%s\n" % (why, USAGE))
        self.assertEqual(self.all_paths(), before)

    def test_neither_d_nor_m(self):
        self.assertUsage([], "give exactly one of -d ADDRESS and -m MAILDIR")

    def test_both_d_and_m(self):
        self.assertUsage(["-d", "bob@example.org", "-m", self.md], "give exactly one of -d ADDRESS and -m MAILDIR")

    def test_unknown_option(self):
        self.assertUsage(["-m", self.md, "-x"], "unknown option or missing argument: -x")

    def test_option_without_its_argument(self):
        self.assertUsage(["-m", self.md, "-f"], "unknown option or missing argument: -f")

    def test_extra_operand(self):
        self.assertUsage(["-m", self.md, "extra"], "unexpected argument: extra")


class BadArguments(MdaTestCase):
    """Arguments that parse but cannot be used: 64 for -f and -F, 67 for -d."""

    def test_bad_sender_is_64(self):
        self.assertRefuses(["-m", self.md, "-f", "not an address"], send=MESSAGE, code=EX_USAGE,
                           why="bad sender address 'not an address': bad character in local part")

    def test_sender_with_newline_is_64_on_one_stderr_line(self):
        # A sender that could forge a header line: refused, and the reason
        # must not forge a second line on stderr either.
        run = self.mda("-m", self.md, "-f", "alice@example.net\nX-Evil: 1", stdin=MESSAGE)
        self.assertFailsLike(run, EX_USAGE, r"bad sender address .*: control character in domain")
        self.assertNothingDelivered()

    def test_recipient_with_newline_is_67_on_one_stderr_line(self):
        run = self.mda("-d", "bob@example.org\nX-Evil: 1", stdin=MESSAGE)
        self.assertFailsLike(run, EX_NOUSER, r"bad recipient address .*: control character in domain")
        self.assertNothingDelivered()

    def test_folder_with_newline_is_64_on_one_stderr_line(self):
        run = self.mda("-m", self.md, "-F", "Work\nX", stdin=MESSAGE)
        self.assertFailsLike(run, EX_USAGE, r"bad folder name .*: folder name contains a control character")
        self.assertNothingDelivered()

    def test_folder_with_tab_is_64_and_the_tab_is_shown_escaped(self):
        self.assertRefuses(["-m", self.md, "-F", "a\tb"], send=MESSAGE, code=EX_USAGE,
                           why="bad folder name 'a\\x09b': folder name contains a control character")

    def test_bad_recipient_is_67(self):
        self.assertRefuses(["-d", "a..b@example.org"], send=MESSAGE, code=EX_NOUSER,
                           why="bad recipient address <a..b@example.org>: '..' in local part")


class BadInput(MdaTestCase):
    """65: what came on stdin is not a message mda may store."""

    def test_zero_bytes_is_65(self):
        self.assertRefuses(["-m", self.md], send=b"", code=EX_DATAERR,
                           why="empty message: nothing on standard input")

    def test_dev_null_is_65(self):
        with open(os.devnull, "rb") as null:
            run = self.mda("-d", "bob@example.org", stdin=null)
        self.assertFailsWith(run, EX_DATAERR, "empty message: nothing on standard input")
        self.assertNothingDelivered()

    def test_text_without_header_is_65(self):
        self.assertRefuses(["-m", self.md], send=b"hello world\n\nthis is no mail\n", code=EX_DATAERR,
                           why=NOT_A_MESSAGE)

    def test_blank_first_line_is_65(self):
        self.assertRefuses(["-m", self.md], send=b"\nSubject: late\n\nbody\n", code=EX_DATAERR, why=NOT_A_MESSAGE)

    def test_crlf_blank_first_line_is_65(self):
        self.assertRefuses(["-m", self.md], send=b"\r\nSubject: late\r\n", code=EX_DATAERR, why=NOT_A_MESSAGE)

    def test_field_name_with_space_is_65(self):
        self.assertRefuses(["-m", self.md], send=b"Bad Header: x\n\nbody\n", code=EX_DATAERR, why=NOT_A_MESSAGE)

    def test_continuation_line_first_is_65(self):
        self.assertRefuses(["-m", self.md], send=b" Subject: folded\n\nbody\n", code=EX_DATAERR, why=NOT_A_MESSAGE)

    def test_binary_garbage_is_65(self):
        self.assertRefuses(["-m", self.md], send=b"\x00\x01\x02\xff\xfe\n\nbody\n", code=EX_DATAERR,
                           why=NOT_A_MESSAGE)

    def test_only_an_mbox_from_line_is_65(self):
        self.assertRefuses(["-m", self.md], send=b"From alice@example.net Mon Jan  1 00:00:00 2024\n",
                           code=EX_DATAERR, why=NOT_A_MESSAGE)

    def test_unfinished_mbox_from_line_is_65(self):
        self.assertRefuses(["-m", self.md], send=b"From alice", code=EX_DATAERR, why=NOT_A_MESSAGE)

    def test_short_input_that_is_not_a_header_is_65(self):
        self.assertRefuses(["-m", self.md], send=b"hi\n", code=EX_DATAERR, why=NOT_A_MESSAGE)

    def test_unreadable_stdin_is_75(self):
        fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY)
        try:
            run = self.mda("-m", self.md, stdin=fd)
        finally:
            os.close(fd)
        self.assertFailsWith(run, EX_TEMPFAIL, "cannot read the message: Is a directory")
        self.assertNothingDelivered()


class DeliveredToLoop(MdaTestCase):
    """65: the message already went through this recipient's Maildir."""

    LOOP = "mail forwarding loop: message already has Delivered-To: bob@example.org"

    def test_existing_delivered_to_for_the_recipient_is_65(self):
        self.assertRefuses(["-d", "bob@example.org"],
                           send=b"Delivered-To: bob@example.org\nSubject: again\n\nbody\n",
                           code=EX_DATAERR, why=self.LOOP)

    def test_delivered_to_match_ignores_case_and_brackets(self):
        self.assertRefuses(["-d", "bob@example.org"],
                           send=b"Subject: again\r\ndelivered-to:   <BOB@Example.ORG>\r\n\r\nbody\r\n",
                           code=EX_DATAERR, why=self.LOOP)

    def test_delivered_to_loop_is_found_when_d_has_angle_brackets(self):
        # smtpd may pass `-d <%r>`; the first delivery's header must stop the second.
        run = self.mda("-d", "<bob@example.org>", stdin=b"Delivered-To: bob@example.org\nSubject: again\n\nbody\n")
        self.assertFailsLike(run, EX_DATAERR, r"mail forwarding loop: message already has Delivered-To: "
                                              r"<?bob@example\.org>?")
        self.assertNothingDelivered()

    def test_a_stored_message_sent_back_to_its_recipient_is_a_loop(self):
        for d in ("bob@example.org", "<bob@example.org>"):
            with self.subTest(d=d):
                shutil.rmtree(os.path.join(self.mail_root, "example.org"), ignore_errors=True)
                self.assertDelivered(self.mda("-d", d, stdin=MESSAGE))
                md = self.maildir_of("bob@example.org")
                stored = read(os.path.join(md, "new", new_files(md)[0]))
                run = self.mda("-d", d, stdin=stored)
                self.assertEqual(run.code, EX_DATAERR, "the second pass through %s was not stopped" % d)
                self.assertEqual(len(new_files(md)), 1)

    def test_delivered_to_through_an_alias_is_checked_for_the_alias(self):
        self.write_aliases("postmaster: bob\n")
        self.assertRefuses(["-d", "postmaster@example.org"],
                           send=b"Delivered-To: postmaster@example.org\nSubject: again\n\nbody\n",
                           code=EX_DATAERR,
                           why="mail forwarding loop: message already has Delivered-To: postmaster@example.org")

    def test_max_delivered_to_3_accepts_two(self):
        self.write_config("max_delivered_to = 3")
        send = b"Delivered-To: bob@example.org\nDelivered-To: bob@example.org\nSubject: twice\n\nbody\n"
        self.assertStores(["-d", "bob@example.org"], send=send,
                          stored=b"Delivered-To: bob@example.org\n" + send,
                          maildir=self.maildir_of("bob@example.org"))

    def test_max_delivered_to_3_refuses_three(self):
        self.write_config("max_delivered_to = 3")
        self.assertRefuses(["-d", "bob@example.org"],
                           send=b"Delivered-To: bob@example.org\n" * 3 + b"Subject: thrice\n\nbody\n",
                           code=EX_DATAERR, why=self.LOOP)

    def test_max_delivered_to_in_mda_section(self):
        self.write_config("max_delivered_to = 1", "[mda]", "max_delivered_to = 3")
        send = b"Delivered-To: bob@example.org\nDelivered-To: bob@example.org\nSubject: twice\n\nbody\n"
        self.assertStores(["-d", "bob@example.org"], send=send,
                          stored=b"Delivered-To: bob@example.org\n" + send,
                          maildir=self.maildir_of("bob@example.org"))


class MessageSize(MdaTestCase):
    """65: larger than max_message_size."""

    def test_message_of_exactly_max_message_size_is_stored(self):
        self.write_config("max_message_size = 1k")
        send = b"Subject: fits\n\n" + b"x" * (1024 - 16) + b"\n"
        self.assertEqual(len(send), 1024)
        self.assertStores(["-m", self.md], send=send, stored=send)

    def test_one_byte_over_max_message_size_is_65(self):
        self.write_config("max_message_size = 1k")
        self.assertRefuses(["-m", self.md], send=b"Subject: too big\n\n" + b"x" * (1025 - 19) + b"\n",
                           code=EX_DATAERR, why="message is larger than max_message_size (1024 bytes)")

    def test_max_message_size_counts_the_bytes_read_with_their_crlf(self):
        # posthorn.conf(5): counted before line ends are changed.
        self.write_config("max_message_size = 1k")
        send = b"Subject: crlf\r\n\r\n" + b"x\r\n" * 335
        self.assertEqual((len(send), len(send.replace(b"\r\n", b"\n"))), (1022, 685))
        self.assertRefuses(["-m", self.md], send=send + b"x\r\n",
                           code=EX_DATAERR, why="message is larger than max_message_size (1024 bytes)")
        self.assertStores(["-m", self.md], send=send, stored=send.replace(b"\r\n", b"\n"))

    def test_megabyte_over_max_message_size_is_65(self):
        self.write_config("max_message_size = 1k")
        self.assertRefuses(["-d", "bob@example.org"], send=b"Subject: too big\n\n" + b"x" * (1 << 20),
                           code=EX_DATAERR, why="message is larger than max_message_size (1024 bytes)")

    def test_too_big_for_an_alias_leaves_no_copy_for_anyone(self):
        self.write_config("max_message_size = 4k")
        self.write_aliases("team: bob, carol, dave\n")
        self.assertRefuses(["-d", "team@example.org"], send=b"Subject: too big\n\n" + b"x" * 100000,
                           code=EX_DATAERR, why="message is larger than max_message_size (4096 bytes)")

    def test_max_message_size_in_mda_section_overrides_the_top(self):
        self.write_config("max_message_size = 50M", "[mda]", "max_message_size = 2k")
        self.assertRefuses(["-m", self.md], send=b"Subject: too big\n\n" + b"x" * 3000,
                           code=EX_DATAERR, why="message is larger than max_message_size (2048 bytes)")


class ConfigErrors(MdaTestCase):
    """75: a config mda does not understand defers the mail (the admin
    fixes it and the queue retries); the line names `file:line`."""

    def assertConfigRefused(self, extra_lines, line, why, args=("-d", "bob@example.org")):
        self.write_config(*extra_lines)
        before = self.all_paths()
        self.assertRefuses(list(args), send=MESSAGE, code=EX_TEMPFAIL, why="%s:%d: %s" % (self.conf, line, why))
        self.assertEqual(self.all_paths(), before)

    def test_unknown_key(self):
        self.assertConfigRefused(["frobnicate = 1"], 5, "unknown key 'frobnicate'")

    def test_unknown_key_with_m(self):
        self.assertConfigRefused(["frobnicate = 1"], 5, "unknown key 'frobnicate'", args=("-m", self.md))

    def test_bad_size(self):
        self.assertConfigRefused(["max_message_size = huge"], 5,
                                 "bad value for 'max_message_size': expected a size such as 4096, 512k, 50M or 1G")

    def test_bad_count(self):
        self.assertConfigRefused(["max_delivered_to = many"], 5, "bad value for 'max_delivered_to': expected a number")

    def test_unknown_section(self):
        self.assertConfigRefused(["", "[nosuch]"], 6, "unknown section [nosuch]")

    def test_key_set_twice(self):
        self.assertConfigRefused(["# again", "passwd = /elsewhere"], 6, "'passwd' is already set at line 1")

    def test_line_without_equals(self):
        self.assertConfigRefused(["just some words"], 5, "expected 'key = value'")

    def test_upper_case_key(self):
        self.assertConfigRefused(["Passwd = /x"], 5, "bad key name 'Passwd'")

    def test_mda_key_in_smtpd_section(self):
        self.assertConfigRefused(["[smtpd]", "max_delivered_to = 2"], 6,
                                 "key 'max_delivered_to' does not apply to [smtpd]")

    def test_bad_maildir_template_is_a_config_error(self):
        # A template mda cannot expand is a bad value in the config: every
        # recipient would bounce with 67 if it were treated as a bad address.
        self.write_config(maildir=self.mail_root + "/%d/%q")
        run = self.mda("-d", "bob@example.org", stdin=MESSAGE)
        self.assertFailsLike(run, EX_TEMPFAIL, re.escape(self.conf) + r":3: .*%q.*")
        self.assertNothingDelivered()

    def test_relative_maildir_template_is_a_config_error(self):
        self.write_config(maildir="mail/%d/%n")
        self.assertRefuses(["-d", "bob@example.org"], send=MESSAGE, code=EX_TEMPFAIL,
                           why="%s:3: maildir template must be an absolute path" % self.conf)

    def test_unknown_key_in_another_programs_section(self):
        self.assertConfigRefused(["[smtpd]", "frobnicate = 1"], 6, "unknown key 'frobnicate'")

    def test_key_set_twice_in_sections_of_the_same_name(self):
        self.assertConfigRefused(["[mda]", "max_delivered_to = 2", "[smtpd]", "[mda]", "max_delivered_to = 3"], 9,
                                 "'max_delivered_to' is already set at line 6")

    def test_line_longer_than_8192_bytes(self):
        self.assertConfigRefused(["# " + "x" * 8191], 5, "line longer than 8192 bytes")

    def test_nul_byte(self):
        self.write_config("# a NUL \0 here")
        self.assertRefuses(["-m", self.md], send=MESSAGE, code=EX_TEMPFAIL, why="%s: contains a NUL byte" % self.conf)

    def test_file_larger_than_one_mebibyte(self):
        self.write_config(*["# padding " + "x" * 1000] * 1100)
        self.assertRefuses(["-m", self.md], send=MESSAGE, code=EX_TEMPFAIL,
                           why="%s: larger than 1048576 bytes" % self.conf)

    def test_missing_config_file_given_with_c(self):
        missing = os.path.join(self.root, "missing.conf")
        run = self.mda("-c", missing, "-m", self.md, stdin=MESSAGE, config=False)
        self.assertFailsWith(run, EX_TEMPFAIL, "cannot open %s: No such file or directory" % missing)
        self.assertNothingDelivered()

    def test_config_from_POSTHORN_CONF(self):
        run = self.mda("-d", "bob@example.org", stdin=MESSAGE, config=False, env={"POSTHORN_CONF": self.conf})
        self.assertDelivered(run)
        self.assertEqual(read(self.only_message(self.maildir_of("bob@example.org"))),
                         b"Delivered-To: bob@example.org\n" + MESSAGE)

    def test_missing_POSTHORN_CONF_is_75(self):
        missing = os.path.join(self.root, "missing.conf")
        run = self.mda("-m", self.md, stdin=MESSAGE, config=False, env={"POSTHORN_CONF": missing})
        self.assertFailsWith(run, EX_TEMPFAIL, "cannot open %s: No such file or directory" % missing)
        self.assertNothingDelivered()

    def test_c_wins_over_POSTHORN_CONF(self):
        missing = os.path.join(self.root, "missing.conf")
        run = self.mda("-d", "bob@example.org", stdin=MESSAGE, env={"POSTHORN_CONF": missing})
        self.assertDelivered(run)
        self.assertEqual(read(self.only_message(self.maildir_of("bob@example.org"))),
                         b"Delivered-To: bob@example.org\n" + MESSAGE)

    def test_missing_passwd_file_is_75(self):
        os.unlink(self.passwd)
        self.assertRefuses(["-d", "bob@example.org"], send=MESSAGE, code=EX_TEMPFAIL,
                           why="%s: No such file or directory" % self.passwd)

    def test_aliases_that_is_not_a_file_is_75(self):
        os.unlink(self.aliases)
        os.mkdir(self.aliases)
        self.assertRefuses(["-d", "bob@example.org"], send=MESSAGE, code=EX_TEMPFAIL,
                           why="%s: not a regular file" % self.aliases)

    @unittest.skipUnless(os.geteuid() == 0, "only root switches to the configured user")
    def test_empty_user_as_root_is_75(self):
        self.write_config(user="")
        self.assertRefuses(["-d", "bob@example.org"], send=MESSAGE, code=EX_TEMPFAIL,
                           why="no user configured to switch to; refusing to stay root")

    @unittest.skipUnless(os.geteuid() == 0, "only root switches to the configured user")
    def test_configured_user_that_does_not_exist_is_75(self):
        self.write_config(user="no-such-user-posthorn")
        self.assertRefuses(["-d", "bob@example.org"], send=MESSAGE, code=EX_TEMPFAIL,
                           why="user 'no-such-user-posthorn' does not exist")


class ConfigAccepted(MdaTestCase):
    """Configs that look odd but say something mda understands."""

    def test_crlf_line_ends(self):
        with open(self.conf, "w", newline="") as f:
            f.write(self.config_text("# edited elsewhere", "max_delivered_to = 2").replace("\n", "\r\n"))
        self.assertStores(["-d", "bob@example.org"], send=b"Delivered-To: bob@example.org\n" + MESSAGE,
                          stored=b"Delivered-To: bob@example.org\n" * 2 + MESSAGE,
                          maildir=self.maildir_of("bob@example.org"))

    def test_comments_sections_and_blank_lines(self):
        self.write_config("", "# a comment", "[smtpd]", "max_message_size = 1k  # not ours", "[mda]",
                          "max_message_size = 1M")
        send = b"Subject: 2k\n\n" + b"x" * 2048 + b"\n"
        self.assertStores(["-m", self.md], send=send, stored=send)

    def test_empty_config_is_all_defaults_for_m(self):
        open(self.conf, "w").close()
        self.assertStores(["-m", self.md], send=MESSAGE, stored=MESSAGE)

    def test_m_needs_no_passwd_file(self):
        os.unlink(self.passwd)
        self.assertStores(["-m", self.md], send=MESSAGE, stored=MESSAGE)

    @unittest.skipIf(os.path.exists("/etc/posthorn/posthorn.conf"), "a default config file exists here")
    def test_empty_POSTHORN_CONF_counts_as_unset(self):
        run = self.mda("-m", self.md, stdin=MESSAGE, config=False, env={"POSTHORN_CONF": ""})
        self.assertDelivered(run)
        self.assertEqual(read(self.only_message(self.md)), MESSAGE)

    def test_max_message_size_0_means_no_limit(self):
        self.write_config("max_message_size = 0")
        send = b"Subject: big\n\n" + b"x" * (2 << 20)
        self.assertStores(["-m", self.md], send=send, stored=send)

    def test_max_delivered_to_0_turns_the_loop_check_off(self):
        self.write_config("max_delivered_to = 0")
        send = b"Delivered-To: bob@example.org\n" * 5 + MESSAGE
        self.assertStores(["-d", "bob@example.org"], send=send, stored=b"Delivered-To: bob@example.org\n" + send,
                          maildir=self.maildir_of("bob@example.org"))

    def test_size_units_in_either_case(self):
        self.write_config("max_message_size = 1K")
        self.assertRefuses(["-m", self.md], send=b"Subject: x\n\n" + b"x" * 1100, code=EX_DATAERR,
                           why="message is larger than max_message_size (1024 bytes)")


@unittest.skipUnless(os.geteuid() == 0 and user_exists("nobody"), "needs root to switch users")
class UserSwitch(MdaTestCase):
    """Started as root, -d works as `user`; -m never changes user."""

    def setUp(self):
        super().setUp()
        for d in (self.root, os.path.dirname(self.mail_root)):
            os.chmod(d, 0o755)
        os.chown(self.mail_root, 65534, 65534)
        self.write_config(user="nobody")

    def test_d_writes_as_the_configured_user(self):
        self.assertDelivered(self.mda("-d", "bob@example.org", stdin=MESSAGE))
        md = self.maildir_of("bob@example.org")
        for path in (md, os.path.join(md, ".Trash"), self.only_message(md)):
            with self.subTest(path=path):
                st = os.stat(path)
                self.assertEqual((st.st_uid, st.st_gid), (65534, 65534))

    def test_m_stays_the_user_who_runs_it(self):
        self.assertDelivered(self.mda("-m", self.md, stdin=MESSAGE))
        st = os.stat(self.only_message(self.md))
        self.assertEqual(st.st_uid, os.geteuid())

    def test_passwd_unreadable_by_the_user_is_75(self):
        os.chmod(self.passwd, 0o600)
        self.assertRefuses(["-d", "bob@example.org"], send=MESSAGE, code=EX_TEMPFAIL,
                           why="%s: Permission denied" % self.passwd)


class CannotCreate(MdaTestCase):
    """73: the Maildir cannot be made where the config or -m says."""

    def put_file(self, path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write("in the way\n")

    def assertCantCreate(self, args, path):
        """73, and the line names the file in the way."""
        self.assertRefuses(args, send=MESSAGE, code=EX_CANTCREAT, why=path + " exists and is not a directory")

    def test_regular_file_where_the_m_maildir_should_be(self):
        self.put_file(self.md)
        self.assertCantCreate(["-m", self.md], self.md)
        self.assertEqual(read(self.md), b"in the way\n")

    def test_regular_file_in_the_middle_of_the_m_path(self):
        self.put_file(os.path.join(self.root, "blocker"))
        self.assertCantCreate(["-m", os.path.join(self.root, "blocker", "Maildir")],
                              os.path.join(self.root, "blocker"))

    def test_regular_file_where_the_user_maildir_should_be(self):
        path = self.maildir_of("bob@example.org")
        self.put_file(path)
        self.assertCantCreate(["-d", "bob@example.org"], path)

    def test_regular_file_where_new_should_be(self):
        os.makedirs(os.path.join(self.md, "tmp"))
        os.makedirs(os.path.join(self.md, "cur"))
        self.put_file(os.path.join(self.md, "new"))
        self.assertCantCreate(["-m", self.md], os.path.join(self.md, "new"))

    @unittest.skipUnless(os.geteuid() == 0 and user_exists("nobody"), "needs root to switch to nobody")
    def test_parent_directory_the_user_may_not_write_is_73(self):
        # Started as root, mda -d switches to `user = nobody`, who may not
        # create directories in the root-owned mail root.
        for d in (self.root, os.path.dirname(self.mail_root), self.mail_root):
            os.chmod(d, 0o755)
        os.chmod(self.passwd, 0o644)
        self.write_config(user="nobody")
        self.assertRefuses(["-d", "bob@example.org"], send=MESSAGE, code=EX_CANTCREAT,
                           why="cannot create %s/example.org: Permission denied" % self.mail_root)

    @unittest.skipUnless(os.geteuid() == 0 and shutil.which("setpriv") and user_exists("nobody"),
                         "needs root and setpriv to run mda as nobody")
    def test_m_into_a_read_only_parent_is_73(self):
        parent = os.path.join(self.root, "ro")
        os.mkdir(parent, 0o500)
        os.chown(parent, 65534, 65534)
        os.chmod(self.root, 0o755)
        os.chmod(self.conf, 0o644)
        argv = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                MDA, "-c", self.conf, "-m", os.path.join(parent, "Maildir")]
        p = subprocess.run(argv, input=MESSAGE, capture_output=True, timeout=30)
        self.assertEqual((p.returncode, p.stdout, p.stderr.decode()),
                         (EX_CANTCREAT, b"", "mda: cannot create %s/Maildir: Permission denied\n" % parent))
        self.assertEqual(os.listdir(parent), [])


if __name__ == "__main__":
    unittest.main()
