#!/usr/bin/env python3
"""POP3 load for pop3d_bench.sh: N concurrent sessions, one per user.

Each session: greeting, USER, PASS, LIST (timed from sending USER to the
end of LIST), RETR of every message with up to --pipeline commands
outstanding (RFC 2449 PIPELINING), QUIT. Nothing is deleted. Every
reply is checked: +OK status lines, the number of messages in LIST, and
the length of each RETR payload against --expect (wire octets with
dot-stuffing, in arrival order), so a server that drops, reorders or
truncates is caught rather than measured.

Raw sockets, one thread per session: poplib reads a message line by
line and is itself the bottleneck (see the note in pop3d_bench.sh).

While the sessions run, a sampler follows the server's process tree
(--tree PID: the process and its children, but for
--skip-comm: the `cat` that takes pop3d's log is a child of pop3d): the peak resident set
(VmHWM, reset through /proc/PID/clear_refs at the start for the processes
already there) of each process, summed over the processes whose name is
in --mail-comm (pop3d itself; Dovecot's pop3 processes) and over all of
them, and the CPU time of the tree (its own plus its reaped children's).

Prints one line of key=value words on stdout; problems, with the
server's exact replies, go to stderr. Exit status 1 when any session
failed.
"""
import argparse
import os
import socket
import statistics
import sys
import threading
import time

TICK = os.sysconf("SC_CLK_TCK")


class Failure(Exception):
    pass


def line_text(b):
    return bytes(b).decode("latin-1").rstrip("\r\n")


class Session:
    def __init__(self, args, user, expect):
        self.args, self.user, self.expect = args, user, expect
        self.buf = bytearray()
        self.pos = 0
        self.msgs = 0
        self.octets = 0       # wire octets received, all replies
        self.list_s = None
        self.error = None

    def recv_more(self):
        chunk = self.sock.recv(1 << 18)
        if not chunk:
            raise Failure("connection closed by the server" + self.last_words())
        self.buf += chunk
        self.octets += len(chunk)

    def last_words(self):
        tail = bytes(self.buf[self.pos:])[-300:]
        return (": unread " + repr(tail)) if tail else ""

    def line(self):
        while True:
            nl = self.buf.find(b"\r\n", self.pos)
            if nl >= 0:
                s = self.buf[self.pos:nl]
                self.pos = nl + 2
                return bytes(s)
            self.recv_more()

    def ok(self, what):
        # Between replies, the buffer forgets what was read; within one,
        # positions stay put.
        if self.pos > (1 << 20):
            del self.buf[: self.pos]
            self.pos = 0
        s = self.line()
        if not s.startswith(b"+OK"):
            raise Failure("%s: %s" % (what, line_text(s)))
        return s

    def multiline(self, what):
        """A +OK status line and its dot-terminated data; returns the
        data's length on the wire (line ends included, final '.' not)."""
        self.ok(what)
        start = self.pos - 2      # the status line's CRLF, so an empty body matches
        scan = start
        while True:
            end = self.buf.find(b"\r\n.\r\n", scan)
            if end >= 0:
                self.pos = end + 5
                return end - start
            scan = max(start, len(self.buf) - 4)
            self.recv_more()

    def run(self):
        a = self.args
        n = len(self.expect)
        try:
            self.sock = socket.create_connection((a.host, a.port), timeout=a.timeout)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.ok("greeting")
            t0 = time.monotonic()
            self.sock.sendall(b"USER %s\r\n" % self.user.encode())
            self.ok("USER")
            self.sock.sendall(b"PASS %s\r\n" % a.password.encode())
            self.ok("PASS")
            self.sock.sendall(b"LIST\r\n")
            self.ok("LIST")
            got = 0
            while True:
                s = self.line()
                if s == b".":
                    break
                got += 1
            self.list_s = time.monotonic() - t0
            if got != n:
                raise Failure("LIST: %d messages, expected %d" % (got, n))
            if not a.list_only:
                sent = 0
                window = max(1, a.pipeline)
                while self.msgs < n:
                    if sent - self.msgs < window // 2 + 1 and sent < n:
                        upto = min(n, self.msgs + window)
                        self.sock.sendall(b"".join(b"RETR %d\r\n" % i for i in range(sent + 1, upto + 1)))
                        sent = upto
                    size = self.multiline("RETR %d" % (self.msgs + 1))
                    if size != self.expect[self.msgs]:
                        raise Failure("RETR %d: %d octets of data, expected %d"
                                      % (self.msgs + 1, size, self.expect[self.msgs]))
                    self.msgs += 1
            self.sock.sendall(b"QUIT\r\n")
            self.ok("QUIT")
        except (Failure, OSError) as e:
            self.error = "%s: %s" % (self.user, e)
        finally:
            try:
                self.sock.close()
            except Exception:
                pass


# --- the server's processes ---------------------------------------------------
def children(pid):
    out = []
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                out += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return out


SKIP = set()   # process names left out (--skip-comm)


def comm(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return None


def tree(root):
    todo, seen = [root], []
    while todo:
        p = todo.pop()
        if p != root and comm(p) in SKIP:
            continue
        seen.append(p)
        todo += children(p)
    return seen


def status(pid):
    """(comm, VmHWM in KB) or None."""
    try:
        with open("/proc/%d/status" % pid) as f:
            name, hwm = None, None
            for ln in f:
                if ln.startswith("Name:"):
                    name = ln.split(None, 1)[1].strip()
                elif ln.startswith("VmHWM:"):
                    hwm = int(ln.split()[1])
                    break
            return (name, hwm) if hwm is not None else None
    except OSError:
        return None


def cpu_of(root):
    """CPU seconds of the tree: each live process's own time, plus the
    root's reaped children."""
    total = 0
    for p in tree(root):
        try:
            with open("/proc/%d/stat" % p) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])       # utime stime
        if p == root:
            total += int(fields[13]) + int(fields[14])   # cutime cstime
    return total / TICK


class Sampler(threading.Thread):
    def __init__(self, root, mail_comm, interval):
        super().__init__(daemon=True)
        self.root, self.mail_comm, self.interval = root, set(mail_comm), interval
        self.peak = {}   # pid -> (comm, VmHWM)
        self.stop = threading.Event()
        for p in tree(root):
            try:
                with open("/proc/%d/clear_refs" % p, "w") as f:
                    f.write("5")   # peak RSS := current RSS
            except OSError:
                pass
        self.cpu0 = cpu_of(root)

    def sample(self):
        for p in tree(self.root):
            st = status(p)
            if st is not None and st[1] > self.peak.get(p, ("", -1))[1]:
                self.peak[p] = st

    def run(self):
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(self.interval)

    def finish(self):
        self.stop.set()
        self.join()
        self.sample()
        time.sleep(0.3)   # children that just exited get reaped into cutime
        self.cpu1 = cpu_of(self.root)
        mail = sum(h for c, h in self.peak.values() if c in self.mail_comm)
        every = sum(h for c, h in self.peak.values())
        return mail, every, self.cpu1 - self.cpu0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--users", required=True, help="comma-separated logins, one session each")
    ap.add_argument("--password", required=True)
    ap.add_argument("--expect", required=True, help="file: RETR data length per message, in order")
    ap.add_argument("--pipeline", type=int, default=32, help="RETR commands outstanding (1: lock-step)")
    ap.add_argument("--list-only", action="store_true", help="log in, LIST, QUIT")
    ap.add_argument("--sequential", action="store_true", help="one session after the other")
    ap.add_argument("--tree", type=int, help="server's root process, for RSS and CPU")
    ap.add_argument("--mail-comm", default="pop3d", help="comma-separated process names for the mail RSS")
    ap.add_argument("--skip-comm", default="cat",
                    help="comma-separated process names in the tree not counted (the log's cat)")
    ap.add_argument("--interval", type=float, default=0.05)
    ap.add_argument("--timeout", type=float, default=30)
    a = ap.parse_args()

    SKIP.update(a.skip_comm.split(","))
    with open(a.expect) as f:
        sizes = [int(x) for x in f.read().split()]
    expect, payload = sizes[0::2], sizes[1::2]   # wire data with dot-stuffing; message octets
    sessions = [Session(a, u, expect) for u in a.users.split(",")]
    sampler = Sampler(a.tree, a.mail_comm.split(","), a.interval) if a.tree else None
    if sampler:
        sampler.start()
    c0 = os.times()
    t0 = time.monotonic()
    if a.sequential:
        for s in sessions:
            s.run()
    else:
        threads = [threading.Thread(target=s.run) for s in sessions]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    secs = time.monotonic() - t0
    c1 = os.times()
    msgs = sum(s.msgs for s in sessions)
    # MB/s counts the messages' own octets (their wire size), not the
    # status lines and dot-stuffing.
    mbytes = sum(sum(payload[: s.msgs]) for s in sessions) / 1e6
    lists = [s.list_s * 1000 for s in sessions if s.list_s is not None]
    out = {
        "sessions": len(sessions),
        "failed": sum(1 for s in sessions if s.error),
        "msgs": msgs,
        "secs": "%.3f" % secs,
        "msg_s": "%.0f" % (msgs / secs) if msgs else "error",
        "mb_s": "%.1f" % (mbytes / secs) if msgs else "error",
        "list_ms": "%.1f" % statistics.median(lists) if lists else "error",
        "client_cpu": "%.2f" % (c1.user + c1.system - c0.user - c0.system),
    }
    if sampler:
        mail, every, cpu = sampler.finish()
        out.update(rss_mail_kb=mail, rss_all_kb=every, server_cpu="%.2f" % cpu)
    print(" ".join("%s=%s" % kv for kv in out.items()))
    errors = [s.error for s in sessions if s.error]
    for e in errors[:5]:
        print("pop3_load: " + e, file=sys.stderr)
    if len(errors) > 5:
        print("pop3_load: ... and %d more failed sessions" % (len(errors) - 5), file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
