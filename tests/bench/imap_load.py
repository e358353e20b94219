#!/usr/bin/env python3
"""IMAP load for imapd_bench.sh. Two modes:

  imap_load.py ops --port P --user U --password W --expect FILE [--search WORD]
      One session: LOGIN, SELECT INBOX, FETCH 1:* (UID FLAGS RFC822.SIZE
      ENVELOPE), SEARCH BODY WORD when asked, LOGOUT. Each command is timed
      from sending it to the end of its tagged OK. The answers are checked
      against FILE (gen_maildir.py's: message-id, wire size, flags, needle
      per message): the message count, each message's RFC822.SIZE and flags
      (found by the Message-ID in its ENVELOPE, so the servers may number
      the messages in any order), and that SEARCH finds exactly the
      messages with the word. A server that answers wrong is reported, not
      measured.

  imap_load.py idle --port P --users U1,U2,... --count N --password W --tree PID
      Opens N sessions (users taken in turn), each LOGIN, SELECT INBOX,
      IDLE; then sums the resident memory (VmRSS, and Pss: shared pages
      divided among the processes that map them) of the server's process
      tree before the first and after the last. With --deliver TEMPLATE
      (%n: the user's name), then drops one new message into each user's
      Maildir (TEMPLATE/new, through tmp/) and times until every session
      has heard `* N EXISTS`. It stops opening sessions when the machine's
      MemAvailable falls below --min-available MB, and says how many it
      opened.

Raw sockets: the FETCH of 100,000 messages is 40 MB of answer, which
imaplib would read line by line. The client only looks for the tagged
line while it receives, and parses (literals and all) afterwards.

Prints one line of key=value words on stdout; problems, with the
server's words, go to stderr. Exit status 1 when a session failed.
"""
import argparse
import os
import re
import select
import socket
import statistics
import sys
import threading
import time


class Failure(Exception):
    pass


def quoted(data):
    return b'"' + data.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'


class Conn:
    def __init__(self, host, port, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.pos = 0
        self.ntag = 0
        greeting = self.line()
        if not greeting.startswith(b"* OK"):
            raise Failure("greeting: %r" % greeting[:200])

    def recv_more(self):
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise Failure("connection closed by the server; unread: %r" % bytes(self.buf[self.pos:])[-300:])
        self.buf += chunk

    def line(self):
        while True:
            nl = self.buf.find(b"\r\n", self.pos)
            if nl >= 0:
                s = bytes(self.buf[self.pos:nl])
                self.pos = nl + 2
                return s
            self.recv_more()

    def command(self, text):
        """Sends `text`, receives until its tagged answer; returns
        (seconds, untagged responses, tagged line). Each untagged response
        has its literals inline as quoted strings."""
        if self.pos:
            del self.buf[: self.pos]
            self.pos = 0
        self.ntag += 1
        tag = b"A%d" % self.ntag
        needle = b"\r\n" + tag + b" "
        t0 = time.monotonic()
        self.sock.sendall(tag + b" " + text.encode() + b"\r\n")
        # Fast path while the answer arrives: find the tagged line.
        scan = 0
        while True:
            if self.buf.startswith(needle[2:]):
                at = 0
                break
            at = self.buf.find(needle, scan)
            if at >= 0:
                at += 2
                break
            scan = max(0, len(self.buf) - len(needle))
            self.recv_more()
        while self.buf.find(b"\r\n", at) < 0:
            self.recv_more()
        secs = time.monotonic() - t0
        # Now the whole answer, properly: lines, and literals {n}.
        untagged = []
        while True:
            unit = self.response()
            if unit.startswith(tag + b" "):
                if self.pos - len(unit) - 2 != at:
                    raise Failure("%s: the tagged answer was found inside a literal" % text)
                if not unit.startswith(tag + b" OK"):
                    raise Failure("%s: %s" % (text, unit[:300].decode("latin-1")))
                return secs, untagged, unit
            untagged.append(unit)

    def response(self):
        parts = []
        while True:
            ln = self.line()
            m = re.search(rb"\{(\d+)\+?\}$", ln)
            if not m:
                parts.append(ln)
                return b"".join(parts)
            n = int(m.group(1))
            while len(self.buf) - self.pos < n:
                self.recv_more()
            parts.append(ln[: m.start()] + quoted(bytes(self.buf[self.pos:self.pos + n])))
            self.pos += n

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# --- ops ----------------------------------------------------------------------
FLAG_OF = {"S": b"\\Seen", "R": b"\\Answered", "F": b"\\Flagged", "T": b"\\Deleted", "D": b"\\Draft"}
FETCH_RE = re.compile(rb"^\* (\d+) FETCH \(")
UID_RE = re.compile(rb"[( ]UID (\d+)")
SIZE_RE = re.compile(rb"[( ]RFC822\.SIZE (\d+)")
FLAGS_RE = re.compile(rb"[( ]FLAGS \(([^)]*)\)")
MSGID_RE = re.compile(rb'"(<[^"]*>)"\)')


def ops(a):
    expect = {}
    needles = set()
    with open(a.expect, "rb") as f:
        for ln in f:
            mid, wire, flags, needle = ln.split()
            fl = set() if flags == b"-" else {FLAG_OF[c] for c in flags.decode()}
            expect[mid] = (int(wire), fl)
            if needle == b"1":
                needles.add(mid)
    out = {}
    failures = []
    c = Conn(a.host, a.port, a.timeout)
    try:
        secs, _, _ = c.command('LOGIN "%s" "%s"' % (a.user, a.password))
        out["login_ms"] = "%.1f" % (secs * 1000)
        secs, resp, _ = c.command("SELECT INBOX")
        out["select_ms"] = "%.1f" % (secs * 1000)
        exists = [int(r.split()[1]) for r in resp if r.endswith(b" EXISTS")]
        if exists != [len(expect)]:
            raise Failure("SELECT: EXISTS %s, expected %d" % (exists, len(expect)))
        c0 = os.times()
        secs, resp, _ = c.command("FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE)")
        out["fetch_ms"] = "%.0f" % (secs * 1000)
        out["fetch_mb"] = "%.1f" % (c.pos / 1e6)
        by_seq = {}
        problems = []
        for r in resp:
            m = FETCH_RE.match(r)
            if not m:
                continue
            seq = int(m.group(1))
            env = r.find(b"ENVELOPE (")
            mid = MSGID_RE.search(r, env) if env >= 0 else None
            uid, size, flags = UID_RE.search(r), SIZE_RE.search(r), FLAGS_RE.search(r)
            if not (mid and uid and size and flags):
                problems.append("incomplete: %r" % r[:300])
                continue
            mid = mid.group(1)
            if mid not in expect:
                problems.append("unknown message-id: %r" % r[:300])
                continue
            by_seq[seq] = mid
            wire, fl = expect[mid]
            if int(size.group(1)) != wire:
                problems.append("%s: RFC822.SIZE %s, expected %d" % (mid.decode(), size.group(1).decode(), wire))
            got = set(flags.group(1).split()) - {b"\\Recent"}
            if got != fl:
                problems.append("%s: FLAGS %s, expected %s" % (mid.decode(), sorted(got), sorted(fl)))
        if len(by_seq) != len(expect) or set(by_seq.values()) != set(expect):
            problems.append("FETCH: %d messages answered, %d distinct, expected %d"
                            % (len(by_seq), len(set(by_seq.values())), len(expect)))
        if problems:
            raise Failure("FETCH: %d problems; first: %s" % (len(problems), "; ".join(problems[:3])))
        if a.search:
            # A wrong or refused SEARCH still leaves the other figures.
            try:
                secs, resp, _ = c.command('SEARCH BODY "%s"' % a.search)
                hits = set()
                for r in resp:
                    if r.startswith(b"* SEARCH"):
                        hits.update(int(x) for x in r.split()[2:])
                found = {by_seq.get(s) for s in hits}
                out["hits"] = len(hits)
                if found != needles:
                    raise Failure("SEARCH BODY %s: %d hits, expected %d (%d missing, %d wrong)"
                                  % (a.search, len(hits), len(needles), len(needles - found), len(found - needles)))
                out["search_ms"] = "%.0f" % (secs * 1000)
            except Failure as e:
                out["search_ms"] = "failed"
                failures.append(str(e))
        c1 = os.times()
        out["client_cpu"] = "%.2f" % (c1.user + c1.system - c0.user - c0.system)
        c.command("LOGOUT")
    finally:
        c.close()
    out["exists"] = len(expect)
    print(" ".join("%s=%s" % kv for kv in out.items()))
    for f in failures:
        print("imap_load: " + f, file=sys.stderr)
    return 1 if failures else 0


# --- idle ---------------------------------------------------------------------
def children(pid):
    out = []
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                out += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return out


def comm(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return None


def tree(root, skip):
    todo, seen = [root], []
    while todo:
        p = todo.pop()
        if p != root and comm(p) in skip:
            continue
        seen.append(p)
        todo += children(p)
    return seen


def memory(root, skip):
    """(processes, sum of VmRSS KB, sum of Pss KB) over the tree."""
    n = rss = pss = 0
    for p in tree(root, skip):
        try:
            with open("/proc/%d/smaps_rollup" % p) as f:
                for ln in f:
                    if ln.startswith("Rss:"):
                        rss += int(ln.split()[1])
                    elif ln.startswith("Pss:"):
                        pss += int(ln.split()[1])
            n += 1
        except OSError:   # gone meanwhile, or a kernel thread
            pass
    return n, rss, pss


def mem_available_mb():
    with open("/proc/meminfo") as f:
        for ln in f:
            if ln.startswith("MemAvailable:"):
                return int(ln.split()[1]) // 1024
    return 1 << 30


class IdleSession:
    def __init__(self, user):
        self.user = user
        self.conn = None
        self.heard = None   # seconds after the delivery when EXISTS came
        self.seen = bytearray()


def idle(a):
    users = a.users.split(",")
    skip = set(a.skip_comm.split(","))
    sessions = [IdleSession(users[i % len(users)]) for i in range(a.count)]
    errors = []
    stop = threading.Event()
    lock = threading.Lock()
    nxt = [0]

    def opener():
        while not stop.is_set():
            with lock:
                i = nxt[0]
                nxt[0] += 1
            if i >= len(sessions):
                return
            if mem_available_mb() < a.min_available:
                stop.set()
                with lock:
                    errors.append("stopped at %d sessions: MemAvailable below %d MB" % (i, a.min_available))
                return
            s = sessions[i]
            try:
                s.conn = Conn(a.host, a.port, a.timeout)
                s.conn.command('LOGIN "%s" "%s"' % (s.user, a.password))
                s.conn.command("SELECT INBOX")
                s.conn.sock.sendall(b"I IDLE\r\n")
                ln = s.conn.line()
                while ln.startswith(b"* "):   # untagged news before the continuation
                    ln = s.conn.line()
                if not ln.startswith(b"+"):
                    raise Failure("IDLE: %r" % ln[:200])
            except (Failure, OSError) as e:
                with lock:
                    errors.append("session %d (%s): %s" % (i, s.user, e))
                if s.conn:
                    s.conn.close()
                s.conn = None

    before = memory(a.tree, skip)
    t0 = time.monotonic()
    threads = [threading.Thread(target=opener) for _ in range(a.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    open_s = time.monotonic() - t0
    live = [s for s in sessions if s.conn]
    time.sleep(a.settle)
    after = memory(a.tree, skip)
    n = max(1, len(live))
    out = {
        "opened": len(live),
        "open_s": "%.1f" % open_s,
        "procs": after[0],
        "rss_before_kb": before[1], "pss_before_kb": before[2],
        "rss_kb": after[1], "pss_kb": after[2],
        "rss_per_kb": "%.0f" % ((after[1] - before[1]) / n),
        "pss_per_kb": "%.0f" % ((after[2] - before[2]) / n),
    }
    if a.deliver and live:
        for s in live:
            s.conn.sock.setblocking(False)
        t_deliver = time.monotonic()
        for i, user in enumerate(sorted({s.user for s in live})):
            d = a.deliver.replace("%n", user.split("@")[0])
            name = "%d.M%dP%dQ%d.bench.example.org" % (int(time.time()), i, os.getpid(), i)
            body = ("From: <idle@example.net>\nTo: <%s@example.org>\nSubject: wake up\n"
                    "Message-ID: <wake.%d@example.net>\nDate: Tue, 14 Nov 2023 22:13:20 +0000\n\nnew mail\n"
                    % (user, i)).encode()
            tmp = os.path.join(d, "tmp", name)
            with open(tmp, "wb") as f:
                f.write(body)
            os.chown(tmp, a.uid, a.gid)
            os.rename(tmp, os.path.join(d, "new", name))
        waiting = {s.conn.sock.fileno(): s for s in live}
        poller = select.epoll()
        for fd in waiting:
            poller.register(fd, select.EPOLLIN)
        deadline = t_deliver + a.notify_timeout
        while waiting and time.monotonic() < deadline:
            for fd, _ in poller.poll(0.2):
                if fd not in waiting:
                    continue
                s = waiting[fd]
                try:
                    chunk = s.conn.sock.recv(65536)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError as e:
                    errors.append("%s: after the delivery: %s" % (s.user, e))
                    del waiting[fd]
                    poller.unregister(fd)
                    continue
                if not chunk:
                    errors.append("%s: closed by the server while idle" % s.user)
                    del waiting[fd]
                    poller.unregister(fd)
                    continue
                s.seen += chunk
                if re.search(rb"\* \d+ EXISTS\r\n", s.seen):
                    s.heard = time.monotonic() - t_deliver
                    del waiting[fd]
                    poller.unregister(fd)
        heard = [s.heard for s in live if s.heard is not None]
        out["notified"] = len(heard)
        out["notify_median_s"] = "%.2f" % statistics.median(heard) if heard else "none"
        out["notify_last_s"] = "%.2f" % max(heard) if len(heard) == len(live) else ">%d" % a.notify_timeout
    for s in live:
        try:
            s.conn.sock.setblocking(True)
            s.conn.sock.sendall(b"DONE\r\nZ LOGOUT\r\n")
        except OSError:
            pass
    time.sleep(0.5)
    for s in live:
        s.conn.close()
    print(" ".join("%s=%s" % kv for kv in out.items()))
    for e in errors[:5]:
        print("imap_load: " + e, file=sys.stderr)
    if len(errors) > 5:
        print("imap_load: ... and %d more problems" % (len(errors) - 5), file=sys.stderr)
    return 1 if errors else 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="mode", required=True)
    for name in ("ops", "idle"):
        p = sub.add_parser(name)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, required=True)
        p.add_argument("--password", required=True)
        p.add_argument("--timeout", type=float, default=600)
    p = sub.choices["ops"]
    p.add_argument("--user", required=True)
    p.add_argument("--expect", required=True)
    p.add_argument("--search", help="a word for SEARCH BODY")
    p = sub.choices["idle"]
    p.add_argument("--users", required=True, help="comma-separated logins, taken in turn")
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--tree", type=int, required=True, help="the server's root process")
    p.add_argument("--skip-comm", default="cat", help="process names in the tree not counted (pop3d's log cat)")
    p.add_argument("--concurrency", type=int, default=8, help="sessions being opened at once")
    p.add_argument("--settle", type=float, default=2, help="seconds between the last IDLE and the count")
    p.add_argument("--min-available", type=int, default=3000, help="MB of MemAvailable to leave")
    p.add_argument("--deliver", help="Maildir path template (%%n: user) to drop a new message into")
    p.add_argument("--uid", type=int, default=65534)
    p.add_argument("--gid", type=int, default=65534)
    p.add_argument("--notify-timeout", type=int, default=70)
    a = ap.parse_args()
    try:
        return ops(a) if a.mode == "ops" else idle(a)
    except (Failure, OSError) as e:
        print("imap_load: %s" % e, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
