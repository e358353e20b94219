"""smtpd SIGKILLed again and again under load (DESIGN.md contract 5).

Several sender threads push MESSAGES messages at smtpd on 127.0.0.1 while
the test kills smtpd (and the mda children it was running) every 0.5-1 s
and starts it again. A message that got no 250 is sent again, as a real
client would; each try carries its own token (`crash-N-TRY`) in the
Message-ID and the body, so what lands in a Maildir says which try it
came from, and its Received: header says which queue ID.

What must hold after a last restart and an empty queue:

  * every message answered 250 is in its recipients' Maildirs, whole;
  * nothing is delivered twice, except what was in flight when smtpd was
    killed: mda had finished but smtpd had not yet recorded the outcome
    (the queue is at-least-once, like Postfix's and qmail's). A copy counts
    as such only if it was written while an smtpd that was then killed
    ran, that smtpd never logged `status=sent` for it, and no other copy
    of it comes from the same run;
  * a recorded outcome is never redone: at most one `status=sent` per
    recipient of a queue ID in the whole log;
  * nothing is left in queue/tmp or queue/msg, and no tmp/ of a Maildir
    holds a whole copy of a message that is also in new/.

How a kill is made: smtpd is stopped (SIGSTOP), which freezes it at an
arbitrary instant; its children are read from /proc (each mda has a
process group of its own, so killing smtpd's group would leave them
running); then smtpd's group and each child's group get SIGKILL. Everything
dies at the instant of the SIGSTOP, as in a power cut without the cache
loss.

The figures go to stderr in one line; SMTPD_CRASH_MESSAGES and
SMTPD_CRASH_SEED change the load.
"""
import os
import queue
import random
import re
import signal
import smtplib
import subprocess
import sys
import threading
import time

from smtpdtest import SMTPD, SmtpdTestCase, entries, read, wait_for

MESSAGES = int(os.environ.get("SMTPD_CRASH_MESSAGES", "2000"))
SEED = int(os.environ.get("SMTPD_CRASH_SEED", str(int(time.time()))))
SENDERS = 8
KILLS = 6
PER_CONNECTION = 25        # transactions before a sender reconnects
LOAD_SECONDS = 50          # a sender gives up on a message after this
DRAIN_SECONDS = 30         # the queue must be empty this long after the last start

RCPTS = ("bob@example.org", "alice@example.org")
TOKEN_RE = re.compile(rb"^X-Token: (crash-\d+-\d+)$", re.M)
END_RE = re.compile(rb"\nEnd: (crash-\d+-\d+)\n\Z")
ID_RE = re.compile(rb" id ([0-9A-F]{16})")
SENT_RE = re.compile(r"(?:smtpd\[\d+\]: )?([0-9A-F]{16}): to=<([^>]*)>, relay=mda, delay=\d+, status=sent ")
QUEUED_ID_RE = re.compile(r"Ok: queued as ([0-9A-F]{16})")


def recipients(n):
    """Every fifth message goes to both users, the others to one of them."""
    return list(RCPTS) if n % 5 == 0 else [RCPTS[n % 2]]


def message(n, token, rcpts):
    filler = "".join("line %02d of message %d, a little text to make it a few hundred bytes\n" % (i, n)
                     for i in range(n % 7 + 3))
    return ("From: Load <load@example.net>\nTo: %s\nSubject: crash %d\nMessage-ID: <%s@crash.example.net>\n"
            "X-Token: %s\n\n%sEnd: %s\n" % (", ".join(rcpts), n, token, token, filler, token))


def proc_stat(pid):
    """(ppid, pgid) of a process, or None once it is gone."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return int(fields[1]), int(fields[2])
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
        return None


def children_of(pid):
    """[(pid, pgid)] of the live children of `pid`."""
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = proc_stat(int(name))
            if st and st[0] == pid:
                out.append((int(name), st[1]))
    return out


class Ledger:
    """What the senders did, shared by their threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acked = {}      # token -> (n, rcpts, queue ID)
        self.unacked = {}    # token -> (n, rcpts, why): no 250, tried again
        self.given_up = []   # message numbers never answered 250

    def ack(self, token, n, rcpts, qid):
        with self.lock:
            self.acked[token] = (n, rcpts, qid)

    def fail(self, token, n, rcpts, why):
        with self.lock:
            self.unacked[token] = (n, rcpts, why)


class SmtpdCrashTest(SmtpdTestCase):
    USERS = ("bob@example.org", "alice@example.org")
    START = False
    CONFIG = ("retry_min = 1s", "max_connections_per_client = 100")

    # --- smtpd in a session of its own, killed like a power cut -------------

    def start_smtpd(self, config=True):
        """Starts smtpd -f in a session of its own; returns the wall clock
        time (ns) just before it was started."""
        if config:
            self.write_config()
        mark = len(self.log_text())
        env = {k: v for k, v in os.environ.items() if k != "POSTHORN_CONF"}
        started = time.time_ns()
        with open(self.logfile, "ab") as log:
            self.proc = subprocess.Popen([SMTPD, "-c", self.conf, "-f"], stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=log, env=env, start_new_session=True)
        self.addCleanup(self.crash_if_running, self.proc)
        want = "listening on 127.0.0.1:%d/submissions" % self.port["submissions"]

        def up():
            if self.proc.poll() is not None:
                self.fail("smtpd exited with %d at start:\n%s" % (self.proc.returncode, self.log_text()[mark:]))
            return want in self.log_text()[mark:]
        wait_for(up, 10, "smtpd to listen")
        return started

    def crash(self):
        """Kills smtpd and every child it had, all at the same instant.
        Returns how many children (mda) were killed."""
        pid = self.proc.pid
        os.kill(pid, signal.SIGSTOP)
        kids = children_of(pid)
        os.killpg(pid, signal.SIGKILL)
        for kid, pgid in kids:
            for kill, target in ((os.killpg, pgid), (os.kill, kid)):
                try:
                    kill(target, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        self.proc.wait()
        # The killed mda were reparented; wait until they are really gone.
        wait_for(lambda: all(proc_stat(k) is None or self.zombie(k) for k, _ in kids), 5, "killed mda to die")
        return len(kids)

    @staticmethod
    def zombie(pid):
        try:
            with open("/proc/%d/stat" % pid, "rb") as f:
                return f.read().rsplit(b")", 1)[1].split()[0] == b"Z"
        except FileNotFoundError:
            return True

    def crash_if_running(self, proc):
        if proc.poll() is None:
            self.proc = proc
            self.crash()

    # --- the load -------------------------------------------------------------

    def sender(self, work, ledger, deadline):
        conn, used = None, 0
        while True:
            try:
                n = work.get_nowait()
            except queue.Empty:
                break
            rcpts = recipients(n)
            for attempt in range(1000):
                if time.monotonic() > deadline:
                    with ledger.lock:
                        ledger.given_up.append(n)
                    break
                token = "crash-%d-%d" % (n, attempt)
                try:
                    if conn is None:
                        conn, used = smtplib.SMTP("127.0.0.1", self.port["smtp"], "client.example", timeout=15), 0
                        conn.ehlo("client.example")
                    code, text = conn.mail("load@example.net")
                    if code != 250:
                        raise smtplib.SMTPResponseException(code, text)
                    for r in rcpts:
                        code, text = conn.rcpt(r)
                        if code != 250:
                            raise smtplib.SMTPResponseException(code, text)
                    code, text = conn.data(message(n, token, rcpts).encode())
                    m = QUEUED_ID_RE.search(text.decode("ascii", "replace"))
                    if code != 250 or not m:
                        raise smtplib.SMTPResponseException(code, text)
                    ledger.ack(token, n, rcpts, m.group(1))
                    used += 1
                    if used >= PER_CONNECTION:
                        conn.quit()
                        conn = None
                    break
                except (smtplib.SMTPException, OSError) as e:
                    ledger.fail(token, n, rcpts, "%s: %s" % (type(e).__name__, e))
                    if conn is not None:
                        try:
                            conn.close()
                        except OSError:
                            pass
                    conn = None
                    time.sleep(0.02)
        if conn is not None:
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                conn.close()

    # --- what is on disk afterwards -------------------------------------------

    def copies(self, folder):
        """{(queue ID, rcpt): [(path, token, mtime_ns)]} for the files in
        `folder` (new, cur or tmp) of both Maildirs, and the paths whose
        content is not a whole message of ours."""
        found, broken = {}, []
        for rcpt in RCPTS:
            d = os.path.join(self.maildir(rcpt), folder)
            for name in entries(d):
                path = os.path.join(d, name)
                data = read(path)
                token, end, qid = TOKEN_RE.search(data), END_RE.search(data), ID_RE.search(data)
                if not (token and end and qid and token.group(1) == end.group(1)):
                    broken.append(path)
                    continue
                key = (qid.group(1).decode(), rcpt)
                found.setdefault(key, []).append((path, token.group(1).decode(), os.stat(path).st_mtime_ns))
        return found, broken

    def test_killed_under_load_loses_nothing_acknowledged(self):
        rng = random.Random(SEED)
        t0 = time.monotonic()
        runs = [[self.start_smtpd(), None]]    # [start, killed] of each smtpd, wall clock
        log_ends = []                      # log size when each killed smtpd was dead
        work = queue.Queue()
        for n in range(MESSAGES):
            work.put(n)
        ledger = Ledger()
        deadline = time.monotonic() + LOAD_SECONDS
        threads = [threading.Thread(target=self.sender, args=(work, ledger, deadline), daemon=True)
                   for _ in range(SENDERS)]
        for t in threads:
            t.start()
        killed_mda = 0
        # Kill while the load runs, and on into the delivery of what is queued.
        while len(runs) <= KILLS:
            time.sleep(rng.uniform(0.5, 1.0))
            killed_mda += self.crash()
            runs[-1][1] = time.time_ns()
            log_ends.append(len(read(self.logfile)))
            time.sleep(rng.uniform(0.05, 0.2))
            runs.append([self.start_smtpd(config=False), None])
        load_busy_at_last_kill = any(t.is_alive() for t in threads)
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()) + 20)
        self.assertFalse(any(t.is_alive() for t in threads), "senders still running")
        load_seconds = time.monotonic() - t0
        self.wait_queue_empty(DRAIN_SECONDS)
        self.stop()
        total_seconds = time.monotonic() - t0

        # --- the facts -------------------------------------------------------
        log = read(self.logfile).decode("utf-8", "replace")
        sent_in = {}                       # (qid, rcpt) -> [run index]
        bounds = [0] + log_ends + [len(log.encode())]
        raw = log.encode()
        for i in range(len(bounds) - 1):
            for line in raw[bounds[i]:bounds[i + 1]].decode("utf-8", "replace").splitlines():
                m = SENT_RE.match(line)
                if m:
                    sent_in.setdefault((m.group(1), m.group(2)), []).append(i)
        new, broken = self.copies("new")
        cur, broken_cur = self.copies("cur")
        for k, v in cur.items():
            new.setdefault(k, []).extend(v)
        tmp, _ = self.copies("tmp")   # half-written files in tmp/ are allowed

        def run_of(mtime_ns):
            # Runs are separated by 50-200 ms gaps; the midpoint of a gap
            # absorbs the file system clock's coarseness.
            for i, (start, killed) in enumerate(runs):
                nxt = runs[i + 1][0] if i + 1 < len(runs) else None
                if nxt is None or mtime_ns < (killed + nxt) // 2:
                    return i
            return len(runs) - 1

        in_flight_dups, bad_dups = [], []
        for key, files in new.items():
            if len(files) == 1:
                continue
            by_run = sorted(run_of(m) for _, _, m in files)
            sent = sent_in.get(key, [])
            # Every copy but the last must come from a run that was killed
            # before it logged the delivery, one copy per run.
            explained = (len(set(by_run)) == len(by_run)
                         and all(r < len(runs) - 1 and r not in sent for r in by_run[:-1]))
            (in_flight_dups if explained else bad_dups).append((key, by_run, sent, [p for p, _, _ in files]))

        acked_keys = {(qid, r): token for token, (n, rcpts, qid) in ledger.acked.items() for r in rcpts}
        missing = sorted(k for k in acked_keys if k not in new)
        wrong_token = sorted(k for k, token in acked_keys.items()
                             if k in new and any(t != token for _, t, _ in new[k]))
        acked_messages = {n for n, _, _ in ledger.acked.values()}
        delivered_tokens = {(t, rcpt) for (_, rcpt), files in new.items() for _, t, _ in files}
        unacked_delivered = sum(1 for token, (_, rcpts, _) in ledger.unacked.items()
                                for r in rcpts if (token, r) in delivered_tokens)
        tmp_dups = sorted(p for k, files in tmp.items() if k in new for p, _, _ in files)
        twice_logged = sorted(k for k, runs_ in sent_in.items() if len(runs_) > 1)
        files_total = sum(len(v) for v in new.values())

        sys.stderr.write(
            "\ncrash (seed %d): %d messages (%d recipients), %d tries, %d answered 250 (%d recipients), "
            "%d tries without 250 (%d of their recipients delivered anyway), %d files in new/, "
            "%d duplicates from the kill window, %d unexplained; %d kills (%d mda killed), load %s "
            "at the last kill; load %.1fs, all delivered %.1fs\n"
            % (SEED, MESSAGES, sum(len(recipients(n)) for n in range(MESSAGES)),
               len(ledger.acked) + len(ledger.unacked), len(ledger.acked), len(acked_keys),
               len(ledger.unacked), unacked_delivered, files_total,
               sum(len(d[1]) - 1 for d in in_flight_dups), len(bad_dups), KILLS, killed_mda,
               "still running" if load_busy_at_last_kill else "finished", load_seconds, total_seconds))
        for d in in_flight_dups[:20]:
            sys.stderr.write("  in-flight duplicate %s/%s: copies from runs %s, status=sent logged in runs %s\n"
                             % (d[0][0], d[0][1], d[1], d[2]))

        # --- the contract ------------------------------------------------------
        self.assertEqual(ledger.given_up, [], "messages never answered 250")
        self.assertEqual(len(acked_messages), MESSAGES)
        self.assertEqual(broken + broken_cur, [], "files in new/ or cur/ that are not a whole message")
        self.assertEqual(missing, [], "answered 250 but not delivered")
        self.assertEqual(wrong_token, [], "a queue ID delivered with another try's content")
        self.assertEqual(bad_dups, [], "delivered more than once, not explained by a kill")
        self.assertEqual(twice_logged, [], "status=sent logged twice for one recipient")
        self.assertEqual(tmp_dups, [], "whole copies in a Maildir tmp/ of messages that are in new/")
        self.assertEqual(self.queue_tmp(), [])
        self.assertEqual(entries(os.path.join(self.spool, "queue", "msg")), [])
