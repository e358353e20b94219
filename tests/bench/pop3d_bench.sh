#!/bin/bash
# pop3d against Dovecot's POP3 server, same machine, same run, same load.
#
# The mail: one Maildir of BENCH_MSGS (10,000) messages, 2-20 KB (uniform,
# fixed seed; about 115 MB), LF line ends, some lines starting with a dot,
# all in cur/ with ":2,S" and Dovecot-style names
# SEC.M<usec>P<pid>Q<n>R<16 hex>.host,S=<size>,W=<wire size>, so neither
# server has to read a file to learn its size. BENCH_CLIENTS (20) users,
# u01@example.org..., each get a copy of it for each server: POP3 servers
# lock a mailbox per user, so concurrent sessions need their own users.
# The copies are hard links to the same 10,000 files (each server has its
# own directories, as Dovecot writes its index files into them): both
# servers only read the files, and since every message already has the S
# flag, marking it seen after RETR renames nothing. So the messages are
# read from the page cache: this measures the servers, not the disk.
#
# The load, tests/bench/pop3_load.py: one session per user, concurrently,
# each logs in with USER/PASS (plain POP3 on loopback), LIST, RETR of
# every message with up to BENCH_PIPELINE (32) commands outstanding
# (both servers announce PIPELINING), QUIT; nothing is deleted. Every
# reply is checked (+OK, message count, each message's length in arrival
# order), so a server that fails is reported, not measured. Raw sockets,
# a thread per session: Python's poplib reads a message line by line and
# spends about 500 us of client CPU on each (some 2,000 messages/s per
# core, below either server), where this reader spends about 45 us.
#
# Figures, for each server, and the ratio posthorn/dovecot (above 1:
# posthorn is faster for rates, slower or bigger for ms, KB and s):
#   login+LIST first (ms)  USER sent to LIST's end, on each user's first
#                          login (the Maildir never opened before; for
#                          Dovecot, no index files yet); median of the users
#   login+LIST (ms)        the same on later logins, from the 1-client runs
#                          (Dovecot has its index then); a proxy for the
#                          cost of opening a 10,000-message mailbox
#   N client(s) msg/s, MB/s  messages RETR'd per second from the first
#                          connection to the last QUIT reply, and their
#                          octets (wire size, 10^6 per MB) per second
#   peak RSS mail N (KB)   pop3d: its VmHWM (reset before each run through
#                          /proc/PID/clear_refs). Dovecot: the sum of the
#                          VmHWM of its pop3 processes (one per session),
#                          sampled every 50 ms during the run
#   peak RSS all N (KB)    the same over every process of the server (for
#                          Dovecot also master, log, config, anvil, auth,
#                          stats, pop3-login); a sum of per-process peaks,
#                          so shared libraries count once per process
#   server CPU N (s)       user+system CPU time of the server's processes
#                          during the run
# Each is the median of BENCH_ROUNDS (3) runs per server, the servers
# taking turns to go first. The load generator shares the CPUs with the
# server; its own CPU time is printed at the end. It never fails on a
# figure; it exits 1 when the setup is broken (a server that does not
# start, sessions that fail).
#
# What each server does that the other does not, both with their default
# settings otherwise:
#   Dovecot keeps index files in each Maildir (dovecot-uidlist,
#     dovecot.index, dovecot.index.log): the first login builds them (UIDs
#     for 10,000 names); later logins read them and list the directory
#     again only when new/ or cur/ changed (their mtimes). Its UIDL comes
#     from the uidlist (pop3_uidl_format %08Xu%08Xv).
#   Dovecot runs a process per connection before login (pop3-login,
#     service_count = 1) and one per session after it (pop3), forked by its
#     master, with passwords checked by the separate auth process and the
#     connection handed over to pop3 through unix sockets; log lines go
#     through the log process. pop3d is one process for every session and
#     the password check: an event loop, and a few worker threads that open
#     and read the messages.
#   pop3d reads the Maildir's directory listing at each login and keeps no
#     file of its own; UIDL is the file's unique name. It locks a mailbox
#     per user within its process (Dovecot's pop3_lock_session is off).
#   Both check the same SHA-512 crypt hash (openssl passwd -6) on every
#     login (Dovecot's auth_cache_size is 0), run the mailbox side as
#     nobody, and log to a file (pop3d through a pipe to `cat`, as to
#     journald under systemd; Dovecot through its log process).
#   pop3d's max_connections_per_client (20) is at least BENCH_CLIENTS;
#   Dovecot's mail_max_userip_connections (10) counts per user.
#
# The Dovecot instance is private: `dovecot -F -c FILE` with a config of
# its own (nothing from /etc/dovecot), base_dir, state_dir, log and
# Maildirs in a temporary directory, POP3 only, on 127.0.0.1 only, no SSL.
#
# Needs root (Dovecot's master runs as root; pop3d switches to nobody),
# dovecot-core and dovecot-pop3d installed.
# env: POSTHORN_BIN (folder with pop3d), BENCH_DIR (default /var/tmp),
#      BENCH_MSGS (messages per mailbox, default 10000), BENCH_CLIENTS
#      (concurrent sessions, one user each, default 20), BENCH_ROUNDS
#      (runs of each figure for each server, default 3; the median is
#      printed), BENCH_PIPELINE (RETRs outstanding per session, default 32;
#      1 waits for each reply)
set -eu
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"

here=$(cd "$(dirname "$0")" && pwd)
bin=${POSTHORN_BIN:-$here/../../build/bin}
nmsgs=${BENCH_MSGS:-10000}
nclients=${BENCH_CLIENTS:-20}
rounds=${BENCH_ROUNDS:-3}
pipeline=${BENCH_PIPELINE:-32}
password=bench

require_dovecot pop3
if [ ! -x "$bin/pop3d" ]; then echo "no $bin/pop3d: run make first"; exit 1; fi
id nobody >/dev/null 2>&1 || { echo "no user nobody"; exit 1; }
[ "$nclients" -le 20 ] || { echo "BENCH_CLIENTS above 20 needs pop3d's max_connections_per_client raised"; exit 1; }

bench_workdir pop3d
load_failed=0

# --- the mail -----------------------------------------------------------------
# src/ is the Maildir every user's copy links to; expect holds, per
# message in arrival order, the length of RETR's data on the wire (CRLF,
# dot-stuffed) and the message's wire size (W=).
mkdir -p "$work/src"/{cur,new,tmp}
python3 - "$work/src" "$nmsgs" "$work/expect" <<'PY'
import os, random, sys
root, n, expect = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rnd = random.Random(1939)
words = ("the of and to in is that for it as was with be by on not he this are or his from at which but "
         "have an they you were her she there been one all we their has would when if so no will more "
         "mailbox server message delivery folder account report meeting tomorrow invoice attached").split()
pool = []
for i in range(400):
    ln = " ".join(rnd.choice(words) for _ in range(rnd.randint(3, 14)))
    if i % 37 == 0:
        ln = "." + ln            # dot-stuffed on the wire
    elif i % 97 == 0:
        ln = "."                 # a line that would end the reply, unstuffed
    pool.append(ln + "\n")
base = 1700000000
with open(expect, "w") as ex:
    for i in range(n):
        sec = base + 37 * i
        size = rnd.randint(2048, 20480)
        head = ("Return-Path: <sender%d@example.net>\n"
                "Received: from mx.example.net (mx.example.net [192.0.2.%d])\n\tby mx.example.org with ESMTPS; %d\n"
                "From: Sender %d <sender%d@example.net>\nTo: <u@example.org>\n"
                "Subject: benchmark message %d\nMessage-ID: <%d.%d@example.net>\n"
                "Date: Tue, 14 Nov 2023 22:13:20 +0000\nMIME-Version: 1.0\n"
                "Content-Type: text/plain; charset=us-ascii\n\n") % (i % 50, i % 250, sec, i % 50, i % 50, i, sec, i)
        parts, length = [head], len(head)
        while length < size:
            ln = rnd.choice(pool)
            parts.append(ln)
            length += len(ln)
        body = "".join(parts).encode()
        lines = body.count(b"\n")
        dots = body.startswith(b".") + body.count(b"\n.") - body.endswith(b"\n.")
        wire = len(body) + lines
        name = "%d.M%dP4242Q%dR%016x.bench.example.org,S=%d,W=%d:2,S" % (
            sec, rnd.randrange(1000000), i + 1, rnd.getrandbits(64), len(body), wire)
        path = os.path.join(root, "cur", name)
        with open(path, "wb") as f:
            f.write(body)
        os.utime(path, (sec, sec))
        ex.write("%d %d\n" % (wire + dots, wire))
PY
chown -R nobody:nogroup "$work/src"
mb=$(awk '{s += $2} END {printf "%.0f", s / 1e6}' "$work/expect")
users=()
for i in $(seq "$nclients"); do users+=("$(printf 'u%02d@example.org' "$i")"); done
hash=$(openssl passwd -6 "$password")
for d in "$ph" "$dv"; do
  mkdir -p "$d/mail/example.org"
  for u in "${users[@]}"; do
    cp -al "$work/src" "$d/mail/example.org/${u%@*}"   # -a keeps nobody as the owner
    echo "$u:$hash" >> "$d/passwd"
  done
  chown nobody:nogroup "$d/mail" "$d/mail/example.org"
done
sync

# --- posthorn -----------------------------------------------------------------
cat > "$ph/posthorn.conf" <<EOF
hostname = mx.example.org
passwd = $ph/passwd
maildir = $ph/mail/%d/%n
user = nobody
[pop3d]
listen = 127.0.0.1:$ph_port/pop3
auth_cleartext_loopback = yes
EOF
chmod 644 "$ph/posthorn.conf" "$ph/passwd"
# The log goes through a pipe, as to journald under systemd.
env -u POSTHORN_CONF "$bin/pop3d" -c "$ph/posthorn.conf" -f < /dev/null > >(cat > "$ph/pop3d.log") 2>&1 &
ph_pid=$!

# --- Dovecot ------------------------------------------------------------------
mkdir -p "$dv/run" "$dv/state"
dovecot_conf "$dv" pop3 "$dv_port" > "$dv/dovecot.conf"
chmod 644 "$dv/passwd"
dovecot -F -c "$dv/dovecot.conf" < /dev/null > "$dv/start.log" 2>&1 &
dv_pid=$!

wait_listen "$ph_port" pop3d +OK "$ph_pid" || { tail -20 "$ph/pop3d.log"; exit 1; }
wait_listen "$dv_port" dovecot +OK "$dv_pid" || { tail -20 "$dv/start.log" "$dv/dovecot.log" 2>/dev/null; exit 1; }

# --- measuring ----------------------------------------------------------------
port_of() { case $1 in posthorn) echo "$ph_port" ;; dovecot) echo "$dv_port" ;; esac; }
pid_of() { case $1 in posthorn) echo "$ph_pid" ;; dovecot) echo "$dv_pid" ;; esac; }
comm_of() { case $1 in posthorn) echo pop3d ;; dovecot) echo pop3 ;; esac; }

# Until the server holds no connection from the last run (up to 5 s).
quiesce() {
  local port=$1
  for _ in $(seq 50); do
    [ -z "$(ss -Htn state established "( sport = :$port )" 2>/dev/null)" ] && return 0
    sleep 0.1
  done
}

# load SERVER CLIENTS [pop3_load options]: sets r_* from pop3_load.py's
# key=value line (r_msg_s, r_mb_s, r_list_ms, r_rss_mail_kb, ...); on
# failure prints the server's replies and sets them to "error".
load() {
  local server=$1 clients=$2 line kv
  shift 2
  quiesce "$(port_of "$server")"
  local list
  list=$(IFS=,; echo "${users[*]:0:$clients}")
  # shellcheck disable=SC2034  # read as ${!v}
  r_msg_s=error r_mb_s=error r_list_ms=error r_rss_mail_kb=error r_rss_all_kb=error r_server_cpu=error r_client_cpu=error
  if line=$(python3 "$here/pop3_load.py" --port "$(port_of "$server")" --users "$list" \
       --password "$password" --expect "$work/expect" --pipeline "$pipeline" \
       --tree "$(pid_of "$server")" --mail-comm "$(comm_of "$server")" "$@" 2> "$work/load.err"); then
    for kv in $line; do printf -v "r_${kv%%=*}" '%s' "${kv#*=}"; done
  else
    echo "load against $server ($clients client(s)) failed: ${line:-}" >&2
    sed 's/^/  /' "$work/load.err" >&2
    load_failed=1
  fi
}

row() { printf '%-26s %12s %12s %8s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")"; }

echo "pop3d vs Dovecot $(dovecot --version | awk '{print $1}'): $nclients users x $nmsgs messages" \
     "($mb MB each), RETR all, pipelined x$pipeline, into $work ($(df -T "$work" | awk 'NR==2{print $2}')," \
     "$(nproc) CPUs, load average $(cut -d' ' -f1 /proc/loadavg) before), median of $rounds rounds," \
     "the servers taking turns to go first"
printf '%-26s %12s %12s %8s\n' "figure" "posthorn" "dovecot" "ratio"

# First logins, one user after the other: the Maildirs have never been
# opened (Dovecot builds its index files here).
declare -A got=()
client_cpu=0
for server in posthorn dovecot; do
  load "$server" "$nclients" --list-only --sequential
  got[$server.first]=$r_list_ms
done
row "login+LIST first (ms)" "${got[posthorn.first]}" "${got[dovecot.first]}"

for clients in 1 "$nclients"; do
  got=()
  for r in $(seq "$rounds"); do
    order="posthorn dovecot"; [ $((r % 2)) = 1 ] || order="dovecot posthorn"
    for server in $order; do
      sync; sleep 1
      load "$server" "$clients"
      for k in list_ms msg_s mb_s rss_mail_kb rss_all_kb server_cpu; do
        v=r_$k; got[$server.$k]+="${!v} "
      done
      client_cpu=$(python3 -c "print(round($client_cpu + float('$r_client_cpu' if '$r_client_cpu' != 'error' else 0), 2))")
    done
  done
  label="$clients client$([ "$clients" = 1 ] || echo s)"
  rows=("msg_s:$label (msg/s)" "mb_s:$label (MB/s)" "rss_mail_kb:peak RSS mail $clients (KB)"
        "rss_all_kb:peak RSS all $clients (KB)" "server_cpu:server CPU $clients (s)")
  [ "$clients" = 1 ] && rows=("list_ms:login+LIST (ms)" "${rows[@]}")
  for f in "${rows[@]}"; do
    key=${f%%:*} name=${f#*:}
    # shellcheck disable=SC2086  # the figures are words
    row "$name" "$(median ${got[posthorn.$key]})" "$(median ${got[dovecot.$key]})"
  done
done
# Anything but plain success in the logs is worth a look.
count_in() { grep -c "$@" 2>/dev/null || true; }
echo "load generator CPU: ${client_cpu}s over all runs;" \
     "pop3d log: $(count_in -iE 'error|warning|fatal' "$ph/pop3d.log") errors/warnings," \
     "$(count_in -F ': login: user=' "$ph/pop3d.log") logins;" \
     "dovecot log: $(count_in -iE 'error|warning|fatal|panic' "$dv/dovecot.log") errors/warnings," \
     "$(count_in -F ': Login: user=' "$dv/dovecot.log") logins"
# A figure never fails the run; sessions that fail (a broken setup) do.
exit "$load_failed"
