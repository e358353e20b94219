"""The queue: retries, bounces, crashes, signals and a full disk
(DESIGN.md contracts 4, 5 and 7).

Delivery goes through small shell scripts standing in for mda, so a test
decides what "mda" answers: `mda = DIR/fake-mda %r %s`. Most of them end by
exec'ing the real mda, so what arrives can be read back from the Maildir.
"""
import os
import re
import signal
import subprocess
import time
import unittest

from smtpdtest import (DATE_RE, QUEUED, SMTPD, SmtpdTestCase, read, wait_for)

MESSAGE = b"From: bob@example.org\r\nSubject: hello\r\n\r\nHello.\r\n"

# First run: "mailbox locked", exit 75 (EX_TEMPFAIL); later runs deliver.
TEMPFAIL_ONCE = """\
n=$(cat ROOT/runs 2>/dev/null || echo 0)
echo $((n + 1)) > ROOT/runs
if [ "$n" = 0 ]; then echo "mailbox locked" >&2; exit 75; fi
exec MDA -d "$1" -f "$2"
"""

# Notes its arguments and environment; bob's first try fails (75).
RECORD_TEMPFAIL_ONCE = """\
echo "$* pid=$POSTHORN_SMTPD_PID again=$POSTHORN_REDELIVERY parent=$PPID" >> ROOT/calls
if [ "$2" = bob@example.org ] && [ ! -e ROOT/bob-tried ]; then touch ROOT/bob-tried; echo "locked" >&2; exit 75; fi
exec MDA "$@"
"""

# carol's mailbox is gone for good: exit 67 (EX_NOUSER); others get theirs.
REJECT_CAROL = """\
if [ "$1" = carol@example.org ]; then echo "carol: mailbox disabled" >&2; echo "second line" >&2; exit 67; fi
exec MDA -d "$1" -f "$2"
"""


def runs(test):
    try:
        return int(read(os.path.join(test.root, "runs")))
    except FileNotFoundError:
        return 0


class RetryTest(SmtpdTestCase):
    START = False

    def test_tempfail_is_retried_after_retry_min(self):
        self.start("mda = %s %%r %%s" % self.fake_mda(TEMPFAIL_ONCE))
        qid = self.submit("bob@example.org", ["bob@example.org"], MESSAGE)
        deferred = r"to=<bob@example\.org>, relay=mda, delay=\d+, status=deferred \(exit 75: mailbox locked\)"
        self.wait_log(qid + ": " + deferred)
        t0 = time.monotonic()
        self.assertEqual(self.queue_ids(), [qid])
        self.assertEqual(self.new_files("bob@example.org"), [])
        [path] = self.wait_messages("bob@example.org", timeout=10)
        self.assertGreaterEqual(time.monotonic() - t0, 1.0)  # retry_min = 2s, to whole seconds
        self.wait_log(qid + ": removed")
        self.assertLinesMatch(self.lines_about(qid), [
            r"client=unknown\[127\.0\.0\.1\]",
            r"from=<bob@example\.org>, size=%d, nrcpt=1 \(queue active\)" % len(MESSAGE),
            deferred,
            r"to=<bob@example\.org>, relay=mda, delay=\d+, status=sent \(delivered\)",
            r"removed",
        ])
        self.assertEqual(runs(self), 2)
        self.assertEqual(self.queue_ids(), [])
        self.assertTrue(read(path).endswith(b"\nFrom: bob@example.org\nSubject: hello\n\nHello.\n"))

    def test_smtpd_q_retries_deferred_mail_at_once(self):
        self.start("mda = %s %%r %%s" % self.fake_mda(TEMPFAIL_ONCE), "retry_min = 1h")
        qid = self.submit("bob@example.org", ["bob@example.org"], MESSAGE)
        self.wait_log(qid + r": to=<bob@example\.org>, relay=mda, delay=\d+, status=deferred \(exit 75: mailbox locked\)")
        r = subprocess.run([SMTPD, "-c", self.conf, "-q"], capture_output=True, timeout=10)
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, b"", b""))
        self.wait_log(r"queue flush: 1 recipients to retry", timeout=5)
        self.wait_messages("bob@example.org", timeout=5)
        self.wait_log(qid + ": removed", timeout=5)
        self.assertEqual(runs(self), 2)

    def test_other_exits_and_signals_are_retried(self):
        # Contract 4: exit codes outside 64-78 and a killed mda mean "retry".
        mda = self.fake_mda("""\
n=$(cat ROOT/runs 2>/dev/null || echo 0)
echo $((n + 1)) > ROOT/runs
if [ "$n" = 0 ]; then echo "segmentation fault (core dumped)" >&2; exit 1; fi
if [ "$n" = 1 ]; then kill -9 $$; fi
exec MDA -d "$1" -f "$2"
""")
        self.start("mda = %s %%r %%s" % mda, "retry_min = 1h")
        qid = self.submit("alice@example.net", ["bob@example.org"], MESSAGE)
        flush = [SMTPD, "-c", self.conf, "-q"]
        self.wait_log(qid + r": to=<bob@example\.org>, relay=mda, delay=\d+, "
                            r"status=deferred \(exit 1: segmentation fault \(core dumped\)\)")
        subprocess.run(flush, check=True, timeout=10)
        self.wait_log(qid + r": to=<bob@example\.org>, relay=mda, delay=\d+, status=deferred \(killed by signal 9\)")
        subprocess.run(flush, check=True, timeout=10)
        self.wait_log(qid + ": removed")
        self.wait_messages("bob@example.org")
        self.assertEqual(runs(self), 3)
        self.assertEqual(self.all_message_files(), [os.path.join(self.maildir("bob@example.org"), "new",
                                                                 self.new_files("bob@example.org")[0])])

    def test_a_message_past_queue_lifetime_bounces_as_expired(self):
        # Every try fails for now (75), but not before the lifetime is up.
        mda = self.fake_mda("""\
if [ -z "$2" ]; then exec MDA -d "$1" -f "$2"; fi
sleep 1.2; echo "mailbox locked" >&2; exit 75
""")
        self.start("mda = %s %%r %%s" % mda, "queue_lifetime = 1s")
        qid = self.submit("bob@example.org", ["carol@example.org"], MESSAGE)
        bid = self.wait_log(qid + r": sender non-delivery notification: (?P<bid>[0-9A-F]{16})").group("bid")
        self.assertLinesMatch(self.lines_about(qid)[2:3], [
            r"to=<carol@example\.org>, relay=mda, delay=\d+, status=expired \(exit 75: mailbox locked\)"])
        [path] = self.wait_messages("bob@example.org")
        bounce = read(path)
        self.assertIn(b"\nYour message could not be delivered in the time the mail system keeps trying,\n"
                      b"so it has given up on these recipients:\n\n"
                      b"<carol@example.org>: message expired: exit 75: mailbox locked\n", bounce)
        self.assertIn(b"\nFinal-Recipient: rfc822; carol@example.org\nAction: failed\nStatus: 4.4.7\n"
                      b"Diagnostic-Code: X-Posthorn; message expired: exit 75: mailbox locked\n", bounce)
        self.wait_log(bid + ": removed")
        self.wait_queue_empty()

    def test_mda_learns_its_delivery_id_and_whether_it_may_repeat(self):
        self.start("mda = %s -d %%r -f %%s -i %%i" % self.fake_mda(RECORD_TEMPFAIL_ONCE), "retry_min = 1s")
        qid = self.submit("alice@example.net", ["carol@example.org", "bob@example.org"], MESSAGE)
        self.wait_log(qid + ": removed")
        pid = self.proc.pid
        calls = read(os.path.join(self.root, "calls")).decode().splitlines()
        # Each recipient's first try is not a repeat; bob's retry may be.
        self.assertEqual(sorted(calls), sorted([
            "-d carol@example.org -f alice@example.net -i %s-0 pid=%d again= parent=%d" % (qid, pid, pid),
            "-d bob@example.org -f alice@example.net -i %s-1 pid=%d again= parent=%d" % (qid, pid, pid),
            "-d bob@example.org -f alice@example.net -i %s-1 pid=%d again=1 parent=%d" % (qid, pid, pid),
        ]))
        [bob] = self.new_files("bob@example.org")
        [carol] = self.new_files("carol@example.org")
        self.assertIn("I%s-1." % qid, bob)
        self.assertIn("I%s-0." % qid, carol)

    def test_smtpd_q_without_a_running_smtpd(self):
        self.write_config()
        r = subprocess.run([SMTPD, "-c", self.conf, "-q"], capture_output=True, timeout=10)
        self.assertEqual(r.returncode, 69)  # EX_UNAVAILABLE
        self.assertEqual(r.stderr.decode(), "smtpd: no running smtpd (cannot read %s/smtpd.pid)\n" % self.spool)


def normalise_bounce(data, qid, bid):
    data = DATE_RE.sub(b"; DATE\n", data)
    data = re.sub(rb"(?m)^(Date|Arrival-Date): .*$", rb"\1: DATE", data)
    return data.replace(qid.encode(), b"QID").replace(bid.encode(), b"BID")


class BounceTest(SmtpdTestCase):
    START = False

    def setUp(self):
        super().setUp()
        self.start("mda = %s %%r %%s" % self.fake_mda(REJECT_CAROL))

    def test_permanent_failure_bounces_to_a_local_sender(self):
        qid = self.submit("bob@example.org", ["carol@example.org"], MESSAGE)
        m = self.wait_log(qid + r": sender non-delivery notification: (?P<bid>[0-9A-F]{16})")
        bid = m.group("bid")
        self.wait_log(bid + ": removed")
        self.assertLinesMatch(self.lines_about(qid), [
            r"client=unknown\[127\.0\.0\.1\]",
            r"from=<bob@example\.org>, size=%d, nrcpt=1 \(queue active\)" % len(MESSAGE),
            r"to=<carol@example\.org>, relay=mda, delay=\d+, status=bounced \(exit 67: carol: mailbox disabled\)",
            r"sender non-delivery notification: " + bid,
            r"removed",
        ])
        self.assertLinesMatch(self.lines_about(bid), [
            r"to=<bob@example\.org>, relay=mda, delay=\d+, status=sent \(delivered\)",
            r"removed",
        ])
        [path] = self.wait_messages("bob@example.org")
        self.assertEqual(self.new_files("carol@example.org"), [])
        boundary = b"QID.bounce/mx.example.org"
        self.assertEqual(normalise_bounce(read(path), qid, bid), (
            b"Return-Path: <>\n"
            b"Delivered-To: bob@example.org\n"
            b"From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\n"
            b"To: <bob@example.org>\n"
            b"Subject: Undelivered Mail Returned to Sender\n"
            b"Date: DATE\n"
            b"Message-ID: <QID.bounce@mx.example.org>\n"
            b"Auto-Submitted: auto-replied\n"
            b"MIME-Version: 1.0\n"
            b"Content-Type: multipart/report; report-type=delivery-status;\n"
            b"\tboundary=\"" + boundary + b"\"\n"
            b"\n"
            b"This is a MIME-encapsulated message.\n"
            b"\n"
            b"--" + boundary + b"\n"
            b"Content-Description: Notification\n"
            b"Content-Type: text/plain; charset=us-ascii\n"
            b"\n"
            b"This is the mail system at mx.example.org.\n"
            b"\n"
            b"Your message could not be delivered to these recipients:\n"
            b"\n"
            b"<carol@example.org>: exit 67: carol: mailbox disabled\n"
            b"\n"
            b"The header of your message is attached. Queue ID: QID\n"
            b"\n"
            b"--" + boundary + b"\n"
            b"Content-Description: Delivery report\n"
            b"Content-Type: message/delivery-status\n"
            b"\n"
            b"Reporting-MTA: dns; mx.example.org\n"
            b"X-Posthorn-Queue-ID: QID\n"
            b"Arrival-Date: DATE\n"
            b"\n"
            b"Final-Recipient: rfc822; carol@example.org\n"
            b"Action: failed\n"
            b"Status: 5.1.1\n"
            b"Diagnostic-Code: X-Posthorn; exit 67: carol: mailbox disabled\n"
            b"\n"
            b"--" + boundary + b"\n"
            b"Content-Description: Undelivered Message Headers\n"
            b"Content-Type: text/rfc822-headers\n"
            b"\n"
            b"Received: from client.example (unknown [127.0.0.1])\n"
            b"\tby mx.example.org (Posthorn) with ESMTP id QID\n"
            b"\tfor <carol@example.org>; DATE\n"
            b"From: bob@example.org\n"
            b"Subject: hello\n"
            b"\n"
            b"--" + boundary + b"--\n"))
        self.assertEqual(self.queue_ids(), [])

    def test_a_bounce_never_bounces(self):
        qid = self.submit("", ["carol@example.org"], MESSAGE)
        self.wait_log(qid + ": removed")
        self.assertLinesMatch(self.lines_about(qid), [
            r"client=unknown\[127\.0\.0\.1\]",
            r"from=<>, size=%d, nrcpt=1 \(queue active\)" % len(MESSAGE),
            r"to=<carol@example\.org>, relay=mda, delay=\d+, status=bounced \(exit 67: carol: mailbox disabled\)",
            r"removed",
        ])
        time.sleep(0.3)
        self.assertEqual(self.queue_ids(), [])
        self.assertEqual(self.all_message_files(), [])
        self.assertNotIn("non-delivery", self.log_text())

    def test_only_the_failed_recipient_is_bounced(self):
        qid = self.submit("bob@example.org", ["carol@example.org", "bob@example.org"], MESSAGE)
        bid = self.wait_log(qid + r": sender non-delivery notification: (?P<bid>[0-9A-F]{16})").group("bid")
        self.wait_log(bid + ": removed")
        paths = self.wait_messages("bob@example.org", 2)
        texts = [read(p) for p in paths]
        bounces = [t for t in texts if t.startswith(b"Return-Path: <>\n")]
        self.assertEqual(len(bounces), 1)
        self.assertEqual(bounces[0].count(b"Final-Recipient: "), 1)
        self.assertIn(b"Final-Recipient: rfc822; carol@example.org\n", bounces[0])


# Delivery starts, then hangs: the test kills smtpd and this script, as a
# power cut would, while the message is neither delivered nor recorded.
HANG_FIRST = """\
n=$(cat ROOT/runs 2>/dev/null || echo 0)
echo $((n + 1)) > ROOT/runs
if [ "$n" = 0 ]; then echo $$ > ROOT/hung.pid; exec sleep 5; fi
exec MDA -d "$1" -f "$2"
"""


# Delivers, then hangs as if smtpd died before hearing of it.
DELIVER_THEN_HANG = """\
n=$(cat ROOT/runs 2>/dev/null || echo 0)
echo $((n + 1)) > ROOT/runs
echo "$* again=$POSTHORN_REDELIVERY" >> ROOT/calls
if [ "$n" = 0 ]; then POSTHORN_SMTPD_PID=$$ MDA "$@" || exit; echo $$ > ROOT/hung.pid; exec sleep 5; fi
exec MDA "$@"
"""


class CrashTest(SmtpdTestCase):
    START = False

    def test_killed_after_250_delivers_exactly_once_after_restart(self):
        self.start("mda = %s %%r %%s" % self.fake_mda(HANG_FIRST))
        qid = self.submit("alice@example.net", ["bob@example.org"], MESSAGE)
        pid_file = os.path.join(self.root, "hung.pid")
        wait_for(lambda: os.path.exists(pid_file) and read(pid_file).strip(), 5, "the first delivery to start")
        self.kill()
        hung = int(read(pid_file))
        try:
            os.killpg(hung, signal.SIGKILL)  # smtpd makes each mda a process group
        except ProcessLookupError:
            pass
        self.assertEqual(self.queue_ids(), [qid])
        self.assertEqual(self.new_files("bob@example.org"), [])
        self.start(config=False)
        self.wait_log(r"queue: 1 messages, delivering through %s" % re.escape(os.path.join(self.root, "fake-mda")))
        self.wait_log(qid + ": removed")
        [path] = self.wait_messages("bob@example.org")
        self.assertIn(b" id %s\n" % qid.encode(), read(path))
        self.assertEqual(runs(self), 2)
        self.assertEqual(self.queue_ids(), [])
        self.assertEqual(sum(1 for l in self.lines_about(qid) if "status=sent" in l), 1)

    def test_delivery_done_but_not_recorded_is_not_repeated(self):
        # The first mda delivers, then smtpd dies before it learns so: the
        # smtpd that picks the message up again tells mda it may be a
        # repeat, and mda finds the copy by its delivery ID.
        self.start("mda = %s -d %%r -f %%s -i %%i" % self.fake_mda(DELIVER_THEN_HANG))
        qid = self.submit("alice@example.net", ["bob@example.org"], MESSAGE)
        pid_file = os.path.join(self.root, "hung.pid")
        wait_for(lambda: os.path.exists(pid_file) and read(pid_file).strip(), 5, "the first delivery to finish")
        [first] = self.new_files("bob@example.org")
        self.assertIn("I%s-0." % qid, first)
        self.kill()
        try:
            os.killpg(int(read(pid_file)), signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.start(config=False)
        self.wait_log(qid + r": to=<bob@example\.org>, relay=mda, delay=\d+, status=sent "
                            r"\(mda: already delivered to %s\)" % re.escape(self.maildir("bob@example.org") + "/new/" + first))
        self.wait_log(qid + ": removed")
        self.assertEqual(self.new_files("bob@example.org"), [first])
        self.assertEqual(read(os.path.join(self.root, "calls")).decode().splitlines(), [
            "-d bob@example.org -f alice@example.net -i %s-0 again=" % qid,
            "-d bob@example.org -f alice@example.net -i %s-0 again=1" % qid,
        ])

    def test_killed_mid_data_leaves_nothing(self):
        self.start()
        c = self.connect()
        c.dialog("C: EHLO client.example")
        c.reply()
        c.dialog("""
            C: MAIL FROM:<alice@example.net>
            S: 250 2.1.0 Ok
            C: RCPT TO:<bob@example.org>
            S: 250 2.1.5 Ok
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
        """)
        # More than smtpd keeps in memory before writing (128 KB), in lines.
        c.send(b"Subject: half\r\n\r\n" + (b"x" * 998 + b"\r\n") * 300)
        wait_for(lambda: self.queue_unfinished(), 5, "an unfinished queue file")
        self.kill()
        self.start(config=False)
        self.assertEqual(self.queue_unfinished(), [])
        self.assertEqual(self.queue_ids(), [])
        self.wait_log(r"[0-9A-F]{16}: removed unfinished queue file \(never acknowledged\)")
        time.sleep(0.3)
        self.assertEqual(self.all_message_files(), [])


class ReloadTest(SmtpdTestCase):

    def test_sighup_rereads_passwd_without_dropping_sessions(self):
        old = self.connect()
        old.dialog("C: EHLO client.example")
        old.reply()
        old.dialog("""
            C: MAIL FROM:<alice@example.net>
            S: 250 2.1.0 Ok
            C: RCPT TO:<dave@example.org>
            S: 550 5.1.1 <dave@example.org>: Recipient address rejected: User unknown in local recipient table
        """)
        self.write_passwd("bob@example.org", "carol@example.org", "dave@example.org")
        self.signal(signal.SIGHUP)
        self.wait_log(r"reload: configuration, passwd, aliases and certificates re-read")
        qid = self.submit("alice@example.net", ["dave@example.org"], MESSAGE)
        self.wait_messages("dave@example.org")
        # The session from before the reload is still open and works.
        old_qid = old.dialog("""
            C: RCPT TO:<bob@example.org>
            S: 250 2.1.5 Ok
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
            C: Subject: from before the reload
            C:
            C: .
            S~ %s
            C: QUIT
            S: 221 2.0.0 Bye
        """ % QUEUED)["id"]
        self.wait_messages("bob@example.org")
        self.assertNotEqual(qid, old_qid)

    def test_sighup_with_a_broken_config_keeps_the_old_one(self):
        good = read(self.conf)
        with open(self.conf, "ab") as f:
            f.write(b"no_such_key = 1\n")
        self.signal(signal.SIGHUP)
        self.wait_log(r"error: reload: %s:13: unknown key 'no_such_key'; keeping the old configuration"
                      % re.escape(self.conf))
        # smtpd still answers with what it had; mda, which reads the file
        # afresh, cannot start and says "try again" (75): the mail waits.
        qid = self.submit("alice@example.net", ["bob@example.org"], MESSAGE)
        self.wait_log(qid + r": to=<bob@example\.org>, relay=mda, delay=\d+, status=deferred \(exit 75: mda: %s:13: "
                            r"unknown key 'no_such_key'\)" % re.escape(self.conf))
        with open(self.conf, "wb") as f:
            f.write(good)
        self.wait_messages("bob@example.org")  # the retry, retry_min (2s) later
        self.wait_log(qid + ": removed")


class ShutdownTest(SmtpdTestCase):
    START = False

    def open_sessions(self):
        """An idle session and one in the middle of DATA."""
        idle, mid_data = self.connect(), self.connect()
        mid_data.dialog("""
            C: HELO client.example
            S: 250 mx.example.org
            C: MAIL FROM:<alice@example.net>
            S: 250 2.1.0 Ok
            C: RCPT TO:<bob@example.org>
            S: 250 2.1.5 Ok
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
            C: Subject: never finished
        """)
        return idle, mid_data

    def test_sigterm_closes_open_sessions_and_loses_nothing(self):
        self.start()
        qid = self.submit("alice@example.net", ["bob@example.org"], MESSAGE)
        self.wait_log(qid + ": removed")
        sessions = self.open_sessions()
        self.stop()  # SIGTERM: exit 0 within 15 s
        for c in sessions:
            c.pending(wait=2)  # what is said before the close: test_sigterm_says_421's
            c.buf = b""
            c.assertClosed()
        self.assertEqual(self.queue_ids(), [])
        self.assertEqual(self.queue_unfinished(), [])
        self.assertEqual(len(self.new_files("bob@example.org")), 1)
        self.assertIn("stopping", self.log_lines())

    def test_sigterm_says_421_to_open_sessions(self):
        self.start()
        sessions = self.open_sessions()
        self.stop()
        for c in sessions:
            c.expect("421 4.3.2 mx.example.org Service shutting down")
            c.assertClosed()
        self.assertEqual(self.log_lines().count("disconnect from unknown[127.0.0.1]"), 2)
        self.assertNotIn("reentrant", self.log_text())

    def test_sigterm_waits_for_a_running_delivery(self):
        # Contract 7: SIGTERM loses nothing, and contract 5's "delivered
        # once" wants the outcome of a running mda recorded before exit.
        self.start("mda = %s %%r %%s" % self.fake_mda("""\
n=$(cat ROOT/runs 2>/dev/null || echo 0)
echo $((n + 1)) > ROOT/runs
sleep 1
exec MDA -d "$1" -f "$2"
"""))
        qid = self.submit("alice@example.net", ["bob@example.org"], MESSAGE)
        wait_for(lambda: runs(self) == 1, 5, "the delivery to start")
        self.stop()
        self.assertIn(qid + ": removed", self.log_lines())
        self.start(config=False)
        time.sleep(1.5)
        self.assertEqual(len(self.new_files("bob@example.org")), 1)
        self.assertEqual(runs(self), 1)
        self.assertEqual(self.queue_ids(), [])


class DiskFullTest(SmtpdTestCase):
    START = False

    def mount_tmpfs(self, path, size):
        if os.geteuid() != 0:
            self.skipTest("mounting a tmpfs needs root")
        os.makedirs(path)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0700" % size, "tmpfs", path],
                           capture_output=True)
        if r.returncode != 0:
            self.skipTest("cannot mount a tmpfs: %s" % r.stderr.decode().strip())
        # Cleanups run last-in first-out: after tearDown stopped smtpd,
        # before setUp's rmtree.
        self.addCleanup(subprocess.run, ["umount", "-l", path], capture_output=True)

    def test_below_the_reserve_data_is_refused(self):
        self.mount_tmpfs(self.spool, "8m")  # smtpd keeps 16 MiB free
        self.start()
        c = self.connect()
        c.dialog("C: EHLO client.example")
        c.reply()
        c.dialog("""
            C: MAIL FROM:<alice@example.net>
            S: 250 2.1.0 Ok
            C: RCPT TO:<bob@example.org>
            S: 250 2.1.5 Ok
            C: DATA
            S: 452 4.3.1 Error: insufficient system storage
            C: RCPT TO:<bob@example.org>
            S: 503 5.5.1 Error: need MAIL command
            C: NOOP
            S: 250 2.0.0 Ok
        """)
        c.assertNothingMore()
        self.assertRegex(self.log_text(), r"NOQUEUE: reject: from unknown\[127\.0\.0\.1\]: 452 4\.3\.1 Insufficient "
                                          r"system storage \(%s: \d+ bytes free, 0 needed above a reserve of 16777216\)"
                         % re.escape(self.spool + "/queue/tmp"))
        self.assertEqual(self.queue_ids(), [])
        self.assertEqual(self.queue_unfinished(), [])

    def test_below_the_reserve_a_bdat_chunk_is_read_and_refused_once(self):
        self.mount_tmpfs(self.spool, "8m")
        self.start()
        c = self.connect()
        c.dialog("C: EHLO client.example")
        c.reply()
        # RFC 3030 §2: the chunk is message data whatever the reply; here
        # it looks like a command, which must never run.
        c.dialog("""
            C: MAIL FROM:<alice@example.net>
            S: 250 2.1.0 Ok
            C: RCPT TO:<bob@example.org>
            S: 250 2.1.5 Ok
            C> BDAT 6 LAST\\r\\nQUIT\\r\\n
            S: 452 4.3.1 Error: insufficient system storage
            C: NOOP
            S: 250 2.0.0 Ok
        """)
        c.assertNothingMore()
        self.assertEqual(self.queue_ids(), [])
        self.assertEqual(self.queue_unfinished(), [])

    def test_a_message_that_fills_the_disk_is_refused_and_removed(self):
        self.mount_tmpfs(self.spool, "20m")  # 4 MiB above the reserve
        self.start()
        c = self.connect()
        c.dialog("C: EHLO client.example")
        c.reply()
        c.dialog("""
            C: MAIL FROM:<alice@example.net>
            S: 250 2.1.0 Ok
            C: RCPT TO:<bob@example.org>
            S: 250 2.1.5 Ok
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
        """)
        line = b"x" * 998 + b"\r\n"
        c.send(b"Subject: big\r\n\r\n" + line * 24000 + b".\r\n")  # 24 MB
        c.expect("452 4.3.1 Error: insufficient system storage", timeout=30)
        self.assertEqual(self.queue_unfinished(), [])
        self.assertEqual(self.queue_ids(), [])
        # With the space back, the same session goes on.
        qid = self.send_mail(c, "alice@example.net", ["bob@example.org"], MESSAGE)
        self.wait_log(qid + ": removed")


if __name__ == "__main__":
    unittest.main()
