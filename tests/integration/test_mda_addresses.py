"""-d ADDRESS: which Maildir a recipient's mail goes to.

The address is resolved through the aliases file and passwd, and the user's
Maildir is `maildir = MAILROOT/%d/%n`. An address must never name a path
outside the mail root, whatever quoting it uses.
"""
import os
import unittest

from mdatest import (
    EX_NOUSER, EX_USAGE, MESSAGE, SPECIAL_FOLDERS, MdaTestCase, new_files, read)

STORED_FOR_BOB = b"Delivered-To: bob@example.org\n" + MESSAGE


class PasswdUsers(MdaTestCase):

    def test_user_in_passwd_gets_mail_in_the_template_maildir(self):
        md = os.path.join(self.mail_root, "example.org", "bob")
        self.assertStores(["-d", "bob@example.org"], send=MESSAGE, stored=STORED_FOR_BOB, maildir=md)

    def test_address_case_does_not_matter(self):
        self.assertStores(["-d", "Bob@Example.ORG"], send=MESSAGE, stored=STORED_FOR_BOB,
                          maildir=self.maildir_of("bob@example.org"))
        self.assertEqual(sorted(os.listdir(os.path.join(self.mail_root, "example.org"))), ["bob"])

    def test_mixed_case_passwd_entry_names_a_lower_case_maildir(self):
        self.write_passwd("Erin@Example.ORG")
        self.assertStores(["-d", "erin@example.org"], send=MESSAGE,
                          stored=b"Delivered-To: erin@example.org\n" + MESSAGE,
                          maildir=os.path.join(self.mail_root, "example.org", "erin"))

    def test_address_in_angle_brackets_gives_bare_delivered_to(self):
        # Delivered-To: carries the address, as Postfix writes it; the loop
        # check (test_mda_errors) compares header values without brackets.
        self.assertStores(["-d", "<bob@example.org>"], send=MESSAGE,
                          stored=b"Delivered-To: bob@example.org\n" + MESSAGE,
                          maildir=self.maildir_of("bob@example.org"))

    def test_new_user_maildir_gets_the_special_folders(self):
        self.assertDelivered(self.mda("-d", "bob@example.org", stdin=MESSAGE))
        md = self.maildir_of("bob@example.org")
        self.assertIsMaildir(md)
        self.assertEqual(sorted(n for n in os.listdir(md) if n.startswith(".")), sorted(SPECIAL_FOLDERS))
        for folder in SPECIAL_FOLDERS:
            with self.subTest(folder=folder):
                self.assertIsMaildir(os.path.join(md, folder), folder=True)
                self.assertEqual(new_files(os.path.join(md, folder)), [])

    def test_second_delivery_reuses_the_maildir(self):
        self.assertDelivered(self.mda("-d", "bob@example.org", stdin=b"Subject: 1\n\none\n"))
        self.assertDelivered(self.mda("-d", "bob@example.org", stdin=b"Subject: 2\n\ntwo\n"))
        md = self.maildir_of("bob@example.org")
        got = sorted(read(os.path.join(md, "new", n)) for n in new_files(md))
        self.assertEqual(got, [b"Delivered-To: bob@example.org\nSubject: 1\n\none\n",
                               b"Delivered-To: bob@example.org\nSubject: 2\n\ntwo\n"])

    def test_utf8_local_part(self):
        # RFC 6531: SMTPUTF8 addresses reach a Maildir named as written.
        self.write_passwd("jörg@example.org")
        self.assertStores(["-d", "jörg@example.org"], send=MESSAGE,
                          stored="Delivered-To: jörg@example.org\n".encode() + MESSAGE,
                          maildir=os.path.join(self.mail_root, "example.org", "jörg"))

    def test_dovecot_style_passwd_line(self):
        with open(self.passwd, "w") as f:
            f.write("# users\n\n  alice@example.net:{SHA512-CRYPT}$6$salt$hash:1001:1001::/home/alice\n")
        self.assertStores(["-d", "alice@example.net"], send=MESSAGE,
                          stored=b"Delivered-To: alice@example.net\n" + MESSAGE,
                          maildir=self.maildir_of("alice@example.net"))

    def test_locked_account_still_receives_mail(self):
        with open(self.passwd, "w") as f:
            f.write("bob@example.org:!$6$salt$hash\ncarol@example.org:\n")
        for user in ("bob@example.org", "carol@example.org"):
            with self.subTest(user=user):
                self.assertStores(["-d", user], send=MESSAGE,
                                  stored=b"Delivered-To: " + user.encode() + b"\n" + MESSAGE,
                                  maildir=self.maildir_of(user))

    def test_commented_out_user_is_unknown(self):
        with open(self.passwd, "w") as f:
            f.write("#bob@example.org:$6$salt$hash\n")
        self.assertRefuses(["-d", "bob@example.org"], send=MESSAGE,
                           code=EX_NOUSER, why="unknown user <bob@example.org>: no such user")

    def test_domains_list_with_commas(self):
        self.write_config("domains = example.org, example.net")
        self.write_passwd("bob@example.net")
        self.assertStores(["-d", "bob@example.net"], send=MESSAGE,
                          stored=b"Delivered-To: bob@example.net\n" + MESSAGE,
                          maildir=self.maildir_of("bob@example.net"))

    def test_maildir_template_with_whole_address_and_percent(self):
        self.write_config(maildir=self.mail_root + "/100%%/%u")
        self.assertStores(["-d", "Bob@Example.org"], send=MESSAGE, stored=STORED_FOR_BOB,
                          maildir=os.path.join(self.mail_root, "100%", "bob@example.org"))

    def test_unknown_user_is_67(self):
        self.assertRefuses(["-d", "nobody@example.org"], send=MESSAGE,
                           code=EX_NOUSER, why="unknown user <nobody@example.org>: no such user")

    def test_address_at_a_domain_not_in_domains_is_67(self):
        self.write_config("domains = example.org")
        self.write_passwd("bob@example.org", "bob@example.net")
        self.assertRefuses(["-d", "bob@example.net"], send=MESSAGE,
                           code=EX_NOUSER, why="unknown user <bob@example.net>: domain is not local")

    def test_domains_are_matched_without_case(self):
        self.write_config("domains = Example.ORG example.net")
        self.assertStores(["-d", "bob@EXAMPLE.org"], send=MESSAGE, stored=STORED_FOR_BOB,
                          maildir=self.maildir_of("bob@example.org"))

    def test_address_without_domain_is_67(self):
        self.assertRefuses(["-d", "bob"], send=MESSAGE,
                           code=EX_NOUSER, why="bad recipient address <bob>: missing domain")

    def test_empty_local_part_is_67(self):
        self.assertRefuses(["-d", "@example.org"], send=MESSAGE,
                           code=EX_NOUSER, why="bad recipient address <@example.org>: empty local part")

    def test_passwd_missing_address_does_not_match_a_longer_one(self):
        self.write_passwd("bobby@example.org")
        self.assertRefuses(["-d", "bob@example.org"], send=MESSAGE,
                           code=EX_NOUSER, why="unknown user <bob@example.org>: no such user")


class Aliases(MdaTestCase):

    def test_alias_to_a_user(self):
        self.write_aliases("postmaster: bob\n")
        self.assertStores(["-d", "postmaster@example.org"], send=MESSAGE,
                          stored=b"Delivered-To: postmaster@example.org\n" + MESSAGE,
                          maildir=self.maildir_of("bob@example.org"))
        self.assertFalse(os.path.exists(os.path.join(self.mail_root, "example.org", "postmaster")))

    def test_alias_name_is_matched_without_case(self):
        self.write_aliases("Sales: carol\n")
        self.assertStores(["-d", "SALES@example.org"], send=MESSAGE,
                          stored=b"Delivered-To: sales@example.org\n" + MESSAGE,
                          maildir=self.maildir_of("carol@example.org"))

    def test_full_address_alias_beats_local_part_alias(self):
        self.write_aliases("sales: bob\nsales@example.org: carol\n")
        self.assertStores(["-d", "sales@example.org"], send=MESSAGE,
                          stored=b"Delivered-To: sales@example.org\n" + MESSAGE,
                          maildir=self.maildir_of("carol@example.org"))
        self.assertFalse(os.path.exists(self.maildir_of("bob@example.org")))

    def test_alias_with_two_local_users_and_a_remote_address_delivers_two_copies(self):
        self.write_config("domains = example.org")
        self.write_aliases("team: bob, carol, dave@remote.example\n")
        run = self.mda("-d", "team@example.org", stdin=MESSAGE)
        self.assertDelivered(run)
        stored = b"Delivered-To: team@example.org\n" + MESSAGE
        for user in ("bob@example.org", "carol@example.org"):
            with self.subTest(user=user):
                self.assertEqual(read(self.only_message(self.maildir_of(user))), stored)
                self.assertNameFits(self.only_message(self.maildir_of(user)))
        # The remote address is smtpd's business: no Maildir is made for it.
        self.assertEqual(sorted(os.listdir(self.mail_root)), ["example.org"])
        self.assertEqual(sorted(os.listdir(os.path.join(self.mail_root, "example.org"))), ["bob", "carol"])

    def test_five_megabyte_message_to_an_alias_gives_identical_copies(self):
        self.write_aliases("team: bob, carol, dave\n")
        send = b"Subject: big\n\n" + bytes(range(256)) * (5 * 4096)
        self.assertDelivered(self.mda("-d", "team@example.org", stdin=send))
        for user in ("bob@example.org", "carol@example.org", "dave@example.org"):
            with self.subTest(user=user):
                path = self.only_message(self.maildir_of(user))
                self.assertEqual(read(path), b"Delivered-To: team@example.org\n" + send)
                self.assertNameFits(path)

    def test_alias_naming_one_user_three_ways_delivers_once(self):
        self.write_aliases("dup: bob, Bob, bob@example.org\n")
        self.assertStores(["-d", "dup@example.org"], send=MESSAGE,
                          stored=b"Delivered-To: dup@example.org\n" + MESSAGE,
                          maildir=self.maildir_of("bob@example.org"))

    def test_user_alias_keeping_a_copy(self):
        # The sendmail idiom: `bob: bob, carol` means bob's own Maildir and carol's.
        self.write_aliases("bob: bob, carol\n")
        self.assertDelivered(self.mda("-d", "bob@example.org", stdin=MESSAGE))
        for user in ("bob@example.org", "carol@example.org"):
            with self.subTest(user=user):
                self.assertEqual(read(self.only_message(self.maildir_of(user))), STORED_FOR_BOB)

    def test_alias_continuation_lines(self):
        self.write_aliases("# staff\nstaff: bob,\n  carol\n")
        self.assertDelivered(self.mda("-d", "staff@example.org", stdin=MESSAGE))
        for user in ("bob@example.org", "carol@example.org"):
            self.assertEqual(len(new_files(self.maildir_of(user))), 1, user)

    def test_alias_target_that_is_no_user_is_dropped(self):
        self.write_aliases("team: ghost, bob\n")
        self.assertStores(["-d", "team@example.org"], send=MESSAGE,
                          stored=b"Delivered-To: team@example.org\n" + MESSAGE,
                          maildir=self.maildir_of("bob@example.org"))
        self.assertFalse(os.path.exists(self.maildir_of("ghost@example.org")))

    def test_alias_with_F_files_into_every_users_folder(self):
        self.write_aliases("team: bob, carol\n")
        self.assertDelivered(self.mda("-d", "team@example.org", "-F", "Lists.team", stdin=MESSAGE))
        for user in ("bob@example.org", "carol@example.org"):
            with self.subTest(user=user):
                folder = os.path.join(self.maildir_of(user), ".Lists.team")
                self.assertEqual(read(self.only_message(folder)), b"Delivered-To: team@example.org\n" + MESSAGE)
                self.assertEqual(new_files(self.maildir_of(user)), [])

    def test_alias_chain_of_ten_levels_is_followed(self):
        self.write_aliases("".join("a%d: a%d\n" % (i, i + 1) for i in range(9)) + "a9: bob\n")
        self.assertStores(["-d", "a0@example.org"], send=MESSAGE,
                          stored=b"Delivered-To: a0@example.org\n" + MESSAGE,
                          maildir=self.maildir_of("bob@example.org"))

    def test_alias_chain_of_eleven_levels_is_67(self):
        self.write_aliases("".join("a%d: a%d\n" % (i, i + 1) for i in range(10)) + "a10: bob\n")
        self.assertRefuses(["-d", "a0@example.org"], send=MESSAGE,
                           code=EX_NOUSER, why="unknown user <a0@example.org>: alias expansion too deep")

    def test_empty_aliases_key_means_no_aliases(self):
        with open(self.conf, "w") as f:
            f.write(self.config_text().replace("aliases = %s\n" % self.aliases, "aliases =\n"))
        self.write_aliases("bob: carol\n")
        self.assertStores(["-d", "bob@example.org"], send=MESSAGE, stored=STORED_FOR_BOB,
                          maildir=self.maildir_of("bob@example.org"))

    def test_alias_to_a_remote_address_only_is_67(self):
        self.write_config("domains = example.org")
        self.write_aliases("fwd: someone@remote.example\n")
        self.assertRefuses(["-d", "fwd@example.org"], send=MESSAGE,
                           code=EX_NOUSER, why="unknown user <fwd@example.org>: alias has no local recipients")

    def test_alias_loop_is_67(self):
        self.write_aliases("a: b\nb: a\n")
        self.assertRefuses(["-d", "a@example.org"], send=MESSAGE,
                           code=EX_NOUSER, why="unknown user <a@example.org>: alias loop")

    def test_alias_to_unknown_user_is_67(self):
        self.write_aliases("info: nobody\n")
        self.assertRefuses(["-d", "info@example.org"], send=MESSAGE,
                           code=EX_NOUSER, why="unknown user <info@example.org>: no such user")

    def test_pipe_and_file_alias_targets_are_never_run_or_written(self):
        marker = os.path.join(self.root, "pwned")
        self.write_aliases('evil: "|/usr/bin/touch %s", %s, :include:%s\n' % (marker, marker, self.passwd))
        self.assertRefuses(["-d", "evil@example.org"], send=MESSAGE,
                           code=EX_NOUSER, why="unknown user <evil@example.org>: alias has no deliverable targets")
        self.assertFalse(os.path.exists(marker))

    def test_missing_aliases_file_is_an_empty_table(self):
        os.unlink(self.aliases)
        self.assertStores(["-d", "bob@example.org"], send=MESSAGE, stored=STORED_FOR_BOB,
                          maildir=self.maildir_of("bob@example.org"))


class NoEscapeFromTheMailRoot(MdaTestCase):
    """Addresses and folder names that try to name a path outside the
    user's Maildir are refused, and nothing at all is created anywhere."""

    def assertRefusedWithoutTrace(self, args, code, why):
        before = self.all_paths()
        self.assertRefuses(args, send=MESSAGE, code=code, why=why)
        self.assertEqual(self.all_paths() - before, set(), "mda created paths for a refused address")

    def test_dot_dot_path_in_local_part(self):
        self.write_passwd("bob@example.org", "../../etc@example.org")
        self.assertRefusedWithoutTrace(
            ["-d", "../../etc@example.org"], EX_NOUSER,
            "bad recipient address <../../etc@example.org>: local part starts with '.'")

    def test_quoted_dot_dot_path_in_local_part(self):
        self.write_passwd("bob@example.org", "../../etc@example.org")
        self.assertRefusedWithoutTrace(
            ["-d", '"../../etc"@example.org'], EX_NOUSER,
            "address <\"../../etc\"@example.org> cannot name a Maildir: local part starts with '.'")

    def test_quoted_slash_in_local_part(self):
        self.write_passwd("bob@example.org", "a/b@example.org")
        self.assertRefusedWithoutTrace(
            ["-d", '"a/b"@example.org'], EX_NOUSER,
            "address <a/b@example.org> cannot name a Maildir: local part contains '/'")

    def test_quoted_dot_dot_local_part(self):
        self.write_passwd("bob@example.org", "..@example.org")
        self.assertRefusedWithoutTrace(
            ["-d", '".."@example.org'], EX_NOUSER,
            "address <\"..\"@example.org> cannot name a Maildir: local part starts with '.'")

    def test_deep_climb_in_quoted_local_part(self):
        self.write_passwd("bob@example.org", "x/../../../../../tmp/evil@example.org")
        self.assertRefusedWithoutTrace(
            ["-d", '"x/../../../../../tmp/evil"@example.org'], EX_NOUSER,
            "address <\"x/../../../../../tmp/evil\"@example.org> cannot name a Maildir: local part contains '/'")

    def test_slash_in_domain(self):
        self.assertRefusedWithoutTrace(
            ["-d", "bob@example.org/../.."], EX_NOUSER,
            "bad recipient address <bob@example.org/../..>: bad character in domain")

    def test_alias_to_an_escaping_user(self):
        self.write_passwd("bob@example.org", "../../etc@example.org")
        self.write_aliases('evil: "../../etc"@example.org\n')
        self.assertRefusedWithoutTrace(
            ["-d", "evil@example.org"], EX_NOUSER,
            "address <\"../../etc\"@example.org> cannot name a Maildir: local part starts with '.'")

    def test_folder_name_longer_than_255_bytes_is_64(self):
        self.assertRefusedWithoutTrace(["-m", self.md, "-F", "f" * 256], EX_USAGE,
                                       "bad folder name '%s': folder name too long" % ("f" * 256))

    def test_folder_name_of_254_bytes_is_fine(self):
        folder = os.path.join(self.md, "." + "f" * 254)
        self.assertStores(["-m", self.md, "-F", "f" * 254], send=MESSAGE, stored=MESSAGE, maildir=folder)

    def test_folder_names_that_leave_the_maildir(self):
        cases = {
            "../x": "folder name starts or ends with '.'",
            "../../../../etc": "folder name starts or ends with '.'",
            "..": "folder name starts or ends with '.'",
            ".x": "folder name starts or ends with '.'",
            "x.": "folder name starts or ends with '.'",
            "a..b": "folder name has an empty component",
            "a/b": "folder name contains '/'",
            "/etc": "folder name contains '/'",
        }
        for folder, why in cases.items():
            for args in (["-d", "bob@example.org"], ["-m", self.md]):
                with self.subTest(folder=folder, mode=args[0]):
                    self.assertRefusedWithoutTrace(args + ["-F", folder], EX_USAGE,
                                                   "bad folder name '%s': %s" % (folder, why))


if __name__ == "__main__":
    unittest.main()
