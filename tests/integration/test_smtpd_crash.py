"""smtpd SIGKILLed again and again under load (DESIGN.md contract 5).

Several sender threads push MESSAGES messages at smtpd on 127.0.0.1 while
the test kills smtpd (and the mda children it was running) every 0.5-1 s
and starts it again. A message that got no 250 is sent again, as a real
client would; each try carries its own token (`crash-N-TRY`) in the
Message-ID and the body, so what lands in a Maildir says which try it
came from, and its Received: header says which queue ID.

What must hold after a last restart and an empty queue:

  * every message answered 250 is in its recipients' Maildirs, whole, with
    the content of the try that got the 250;
  * nothing is delivered twice: the default `mda -d %r -f %s -i %i` tags
    each file with the delivery's ID, and a delivery smtpd repeats after a
    restart first looks for the file an earlier try may have left
    (exactly once, where Postfix and qmail are at-least-once);
  * a delivery is logged once: at most one `status=sent (delivered)` per
    recipient of a queue ID in the whole log (a repeat that found its copy
    logs `status=sent (mda: already delivered to PATH)`);
  * nothing is left in queue/tmp or queue/msg (smtpd removes its spares
    when it stops), and a Maildir's tmp/ holds
    only files of mda that the test killed (one killed during its fsync
    leaves a whole copy there, which readers never see);
How a kill is made: smtpd is stopped (SIGSTOP), which freezes it at an
arbitrary instant, and its children are read from /proc. Every other kill
is a power cut without the cache loss: smtpd's group and each child's
group (each mda has one of its own) get SIGKILL at once. The kills between
are smtpd's alone, SIGKILL to its group: its mda children must then die
with it (they ask for a parent-death signal) rather than finish a delivery
the next smtpd repeats.

The figures go to stderr in one line; SMTPD_CRASH_MESSAGES and
SMTPD_CRASH_SEED change the load.
"""
import itertools
import os
import queue
import random
import re
import signal
import smtplib
import sys
import threading
import time

from smtpdtest import SmtpdTestCase, entries, read, wait_for

MESSAGES = int(os.environ.get("SMTPD_CRASH_MESSAGES", "2000"))
SEED = int(os.environ.get("SMTPD_CRASH_SEED", str(int(time.time()))))
SENDERS = 8
KILLS = 6
PER_CONNECTION = 25        # transactions before a sender reconnects
LOAD_SECONDS = 50          # a sender gives up on a message after this
DRAIN_STALL_SECONDS = 30   # the queue may stop shrinking this long, no longer
MDA_CONCURRENCY = 10

RCPTS = ("bob@example.org", "alice@example.org")
TOKEN_RE = re.compile(rb"^X-Token: (crash-\d+-\d+)$", re.M)
END_RE = re.compile(rb"\nEnd: (crash-\d+-\d+)\n\Z")
ID_RE = re.compile(rb" id ([0-9A-F]{16})")
# A delivery; a repeat that found the copy says "(mda: already delivered to ...)".
SENT_RE = re.compile(r"(?:smtpd\[\d+\]: )?([0-9A-F]{16}): to=<([^>]*)>, relay=mda, delay=\d+, status=sent \(delivered\)")
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


def hang_up(conn, polite=False):
    """Closes an smtplib connection (after QUIT if `polite`); returns None."""
    if conn is not None:
        try:
            if polite:
                conn.quit()
        except (smtplib.SMTPException, OSError):
            pass
        conn.close()
    return None


class Ledger:
    """What the senders did, shared by their threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acked = {}      # token -> (n, rcpts, queue ID)
        self.unacked = {}    # token -> (n, rcpts, why): no 250, tried again
        self.given_up = []   # (message number, why) never answered 250
        self.finished = []   # time.monotonic() when each sender was done

    def ack(self, token, n, rcpts, qid):
        with self.lock:
            self.acked[token] = (n, rcpts, qid)

    def fail(self, token, n, rcpts, why):
        with self.lock:
            self.unacked[token] = (n, rcpts, why)

    def give_up(self, n, why):
        with self.lock:
            self.given_up.append((n, why))


class SmtpdCrashTest(SmtpdTestCase):
    USERS = ("bob@example.org", "alice@example.org")
    START = False
    CONFIG = ("retry_min = 1s", "max_connections_per_client = 100", "mda_concurrency = %d" % MDA_CONCURRENCY)

    # --- smtpd in a session of its own, killed like a power cut -------------

    def start_smtpd(self, config=True):
        """Starts smtpd -f in a session of its own, so that crash() can kill
        its whole process group; returns the wall clock time (ns) just
        before it was started."""
        started = self.start(config=config, new_session=True)
        self.addCleanup(self.crash_if_running, self.proc)
        return started

    def crash(self, children_too):
        """Kills smtpd, and with `children_too` every child it had, all at
        the same instant. Returns the pids of the children (mda) killed."""
        pid = self.proc.pid
        os.kill(pid, signal.SIGSTOP)
        kids = children_of(pid)
        os.killpg(pid, signal.SIGKILL)
        for kid, pgid in kids if children_too else []:
            for kill, target in ((os.killpg, pgid), (os.kill, kid)):
                try:
                    kill(target, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        self.proc.wait()
        # The mda were reparented; wait until they are really gone.
        wait_for(lambda: all(proc_stat(k) is None or self.zombie(k) for k, _ in kids), 5, "killed mda to die")
        return {k for k, _ in kids}

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
            self.crash(True)

    # --- the load -------------------------------------------------------------

    def transaction(self, conn, n, token, rcpts):
        """One message on an open connection; returns its queue ID. Any
        reply but the expected one raises SMTPResponseException."""
        def check(reply, want):
            if reply[0] != want:
                raise smtplib.SMTPResponseException(*reply)
            return reply[1].decode("ascii", "replace")
        check(conn.mail("load@example.net"), 250)
        for r in rcpts:
            check(conn.rcpt(r), 250)
        text = check(conn.data(message(n, token, rcpts).replace("\n", "\r\n").encode()), 250)
        m = QUEUED_ID_RE.search(text)
        if not m:
            raise smtplib.SMTPResponseException(250, text.encode())
        return m.group(1)

    def sender(self, work, ledger, deadline, stop):
        """Sends messages from `work` until it is empty; a try without a
        250 is made again on a new connection, under a new token."""
        conn, used = None, 0
        while not stop.is_set():
            try:
                n = work.get_nowait()
            except queue.Empty:
                break
            rcpts = recipients(n)
            for attempt in itertools.count():
                if time.monotonic() > deadline or stop.is_set():
                    ledger.give_up(n, "no 250 within %ds" % LOAD_SECONDS)
                    break
                token = "crash-%d-%d" % (n, attempt)
                try:
                    if conn is None:
                        conn, used = smtplib.SMTP("127.0.0.1", self.port["smtp"], "client.example", timeout=15), 0
                        code, text = conn.ehlo("client.example")
                        if code != 250:
                            raise smtplib.SMTPResponseException(code, text)
                    qid = self.transaction(conn, n, token, rcpts)
                except (smtplib.SMTPException, OSError) as e:
                    ledger.fail(token, n, rcpts, "%s: %s" % (type(e).__name__, e))
                    conn = hang_up(conn)
                    if isinstance(e, smtplib.SMTPResponseException) and e.smtp_code >= 500:
                        ledger.give_up(n, "%d %r" % (e.smtp_code, e.smtp_error))  # a bug, not a crash
                        break
                    time.sleep(0.02)
                    continue
                ledger.ack(token, n, rcpts, qid)
                used += 1
                if used >= PER_CONNECTION:
                    conn = hang_up(conn, polite=True)
                break
        hang_up(conn, polite=True)
        with ledger.lock:
            ledger.finished.append(time.monotonic())

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

    def sent_by_run(self, log_ends):
        """{(queue ID, rcpt): [runs that logged status=sent for it]}; run i
        wrote the log from log_ends[i - 1] to log_ends[i]."""
        raw = read(self.logfile)
        bounds = [0] + log_ends + [len(raw)]
        sent_in = {}
        for run in range(len(bounds) - 1):
            for line in raw[bounds[run]:bounds[run + 1]].decode("utf-8", "replace").splitlines():
                m = SENT_RE.match(line)
                if m:
                    sent_in.setdefault((m.group(1), m.group(2)), []).append(run)
        return sent_in

    def test_killed_under_load_loses_nothing_acknowledged(self):
        rng = random.Random(SEED)
        t0 = time.monotonic()
        self.start_smtpd()
        log_ends = []                         # the log's size once each killed smtpd was dead
        killed_mda = set()
        work = queue.Queue()
        for n in range(MESSAGES):
            work.put(n)
        ledger = Ledger()
        deadline = time.monotonic() + LOAD_SECONDS
        stop = threading.Event()
        self.addCleanup(stop.set)   # a failed test leaves no sender behind
        threads = [threading.Thread(target=self.sender, args=(work, ledger, deadline, stop), daemon=True)
                   for _ in range(SENDERS)]
        for t in threads:
            t.start()
        for kill in range(KILLS):
            time.sleep(rng.uniform(0.5, 1.0))
            killed_mda |= self.crash(children_too=kill % 2 == 0)
            log_ends.append(len(read(self.logfile)))
            time.sleep(rng.uniform(0.05, 0.2))
            self.start_smtpd(config=False)
        load_at_last_kill = "running" if any(t.is_alive() for t in threads) else "finished"
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()) + 20)
        self.assertFalse(any(t.is_alive() for t in threads), "senders still running")
        load_seconds = max(ledger.finished) - t0
        self.wait_queue_drains(DRAIN_STALL_SECONDS)
        total_seconds = time.monotonic() - t0
        self.stop()

        # --- what happened ------------------------------------------------------
        sent_in = self.sent_by_run(log_ends)
        new, broken = self.copies("new")
        cur, broken_cur = self.copies("cur")
        for k, v in cur.items():
            new.setdefault(k, []).extend(v)
        twice = sorted((k, [p for p, _, _ in v]) for k, v in new.items() if len(v) > 1)

        acked_keys = {(qid, r): token for token, (n, rcpts, qid) in ledger.acked.items() for r in rcpts}
        missing = sorted(k for k in acked_keys if k not in new)
        wrong_token = sorted(k for k, token in acked_keys.items()
                             if k in new and any(t != token for _, t, _ in new[k]))
        delivered_tokens = {(t, rcpt) for (_, rcpt), files in new.items() for _, t, _ in files}
        unacked_delivered = sum(1 for token, (_, rcpts, _) in ledger.unacked.items()
                                for r in rcpts if (token, r) in delivered_tokens)
        twice_logged = sorted(k for k, r in sent_in.items() if len(r) > 1)
        # A file in a Maildir's tmp/ is allowed only from an mda this test
        # killed (its pid is in the Maildir name, `...P<pid>...`).
        tmp_names = [n for r in RCPTS for n in entries(os.path.join(self.maildir(r), "tmp"))]
        tmp_whole = sum(len(v) for v in self.copies("tmp")[0].values())
        tmp_not_killed = [n for n in tmp_names
                          if not (re.search(r"P(\d+)", n) and int(re.search(r"P(\d+)", n).group(1)) in killed_mda)]

        sys.stderr.write(
            "\ncrash (seed %d): %d messages to %d recipients; %d tries, %d answered 250 (%d recipients); "
            "%d tries without 250, %d of their recipients delivered anyway; %d files in new/; "
            "%d delivered more than once; %d kills killing %d mda, "
            "load %s at the last kill; %d files in tmp/ (%d whole); load %.1fs, queue empty after %.1fs\n"
            % (SEED, MESSAGES, sum(len(recipients(n)) for n in range(MESSAGES)),
               len(ledger.acked) + len(ledger.unacked), len(ledger.acked), len(acked_keys),
               len(ledger.unacked), unacked_delivered, sum(len(v) for v in new.values()),
               len(twice), KILLS, len(killed_mda),
               load_at_last_kill, len(tmp_names), tmp_whole, load_seconds, total_seconds))

        # --- the contract ---------------------------------------------------------
        self.assertEqual(ledger.given_up[:10], [], "messages never answered 250")
        self.assertEqual(len({n for n, _, _ in ledger.acked.values()}), MESSAGES)
        self.assertEqual(broken + broken_cur, [], "files in new/ or cur/ that are not a whole message")
        self.assertEqual(missing, [], "answered 250 but not delivered")
        self.assertEqual(wrong_token, [], "a queue ID delivered with another try's content")
        self.assertEqual(twice[:10], [], "delivered more than once")
        self.assertEqual(twice_logged, [], "status=sent logged twice for one recipient")
        self.assertEqual(tmp_not_killed, [], "files in a Maildir tmp/ not left by a killed mda")
        self.assertEqual(self.queue_unfinished(), [])
        self.assertEqual(entries(os.path.join(self.spool, "queue", "msg")), [])
