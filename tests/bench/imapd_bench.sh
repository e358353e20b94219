#!/bin/bash
# imapd against Dovecot's IMAP server, same machine, same run, same mail.
#
# The mail: one Maildir of IMAP_BENCH_MESSAGES (100,000) messages written
# by tests/bench/gen_maildir.py (1-20 KB, about 12 KB on average, so some
# 1.2 GB; plain, multipart/alternative and multipart/mixed with base64
# attachments; varied headers with encoded words and quoted names; flags
# in the ":2," info of the 99% in cur/, the newest 1% in new/; names
# carrying S= and W= as posthorn's mda and Dovecot's LDA write them).
# Each user of each server gets its own copy of it: its own directories,
# the message files hard links to the same inodes (both servers only
# read and rename them, never write them), so the copies cost no disk
# and the messages are read from the page cache: this measures the
# servers, not the disk.
#
# Users c1..cN (N = IMAP_BENCH_ROUNDS) each have a copy, never opened
# before their first session. The figures, with tests/bench/imap_load.py
# (one session each; every command timed from sending it to the end of
# its tagged OK, and every answer checked against what the generator
# wrote: message count, RFC822.SIZE, flags, SEARCH hits):
#   SELECT cold (ms)        SELECT INBOX in user cR's first session: the
#                           server has never seen the folder, there is no
#                           index or cache file in it (posthorn-uidlist and
#                           posthorn-cache; dovecot-uidlist and dovecot.index*),
#                           so it lists the directories and numbers every
#                           message. The files are in the page cache all the
#                           same (it cannot be dropped reliably here): cold
#                           means "no index", not "nothing in memory".
#   FETCH cold (ms)         then FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE)
#                           in that session: every message file is read once
#                           to build the ENVELOPE (and kept in the cache file)
#   SELECT warm (ms)        SELECT INBOX again for user c1, in a new session
#                           after a new LOGIN: index files present
#   FETCH warm (ms)         the same FETCH in that session, from the cache
#   SEARCH BODY (ms)        SEARCH BODY "quokka" in that session (the word is
#                           in 1% of the messages): neither server keeps a
#                           full-text index here, so each reads every message
#   FETCH answer (MB)       the octets of that FETCH's answer, for scale
#   IDLE figures            IMAP_BENCH_IDLE (1,000) sessions opened (8 at a
#                           time), each LOGIN, SELECT INBOX, IDLE, then the
#                           server's resident memory: the sum over all its
#                           processes (posthorn: one; Dovecot: master, log,
#                           config, anvil, auth, stats, one imap process per
#                           session) of VmRSS, and of Pss (each shared page
#                           divided among the processes that map it, so
#                           shared libraries and index mmaps count once);
#                           "per session" is the growth over the same sum
#                           just before the first session (each server is
#                           restarted before this), divided by the sessions. Then one new message is dropped into
#                           each idle user's Maildir, and the time until every
#                           session heard "* N EXISTS" is measured.
#                           IMAP_BENCH_IDLE_MAILBOX says whose INBOX the
#                           sessions select: "small" (default) gives each
#                           session a user of its own (i0001...) with a
#                           100-message INBOX, as a server with many users
#                           has; "big" has every session select c1's
#                           100,000-message INBOX (the memory of a session
#                           with a large folder selected, times IMAP_BENCH_IDLE).
# Timings are the median of IMAP_BENCH_ROUNDS (3) sessions per server, the
# servers taking turns to go first; the IDLE figures are one run each.
# The ratio is posthorn/dovecot: below 1 posthorn is faster (ms, s) or
# smaller (KB); for the counts, 1 is both the same. A figure reads
# "failed" when the server refused the command or answered it wrong, and
# "error" when the session broke before it; either way the server's words
# are printed and the run exits 1 at the end, every figure printed.
#
# What each server does, with default settings otherwise:
#   Dovecot keeps dovecot-uidlist, dovecot.index, dovecot.index.log and
#     dovecot.index.cache in the Maildir; it runs an imap-login process per
#     connection until login and one imap process per session, forked by
#     its master, passwords checked by its auth process. IDLE watches the
#     Maildir with inotify, one instance per imap process: past the
#     kernel's fs.inotify.max_user_instances (128 by default) for the user
#     its sessions run as, it falls back to looking every
#     mailbox_idle_check_interval (30 s) and logs a warning, which the
#     notify figures show.
#   imapd keeps posthorn-uidlist and posthorn-cache in the Maildir; one
#     process for every session: an event loop, and worker threads for the
#     disk; one inotify instance for the whole server.
#   Both check the same SHA-512 crypt hash (openssl passwd -6) on every
#     login, run the mailbox side as nobody, and log to a file (imapd
#     through a pipe to `cat`, as to journald under systemd). The limits
#     that would refuse IMAP_BENCH_IDLE sessions are raised on both:
#     imapd's max_connections and max_connections_per_client, Dovecot's
#     mail_max_userip_connections and process and client limits.
#
# The Dovecot instance is private: `dovecot -F -c FILE` with a config of
# its own (nothing from /etc/dovecot), base_dir, state_dir, log and
# Maildirs in a temporary directory, IMAP only, on 127.0.0.1 only, no SSL.
#
# Needs root (Dovecot's master runs as root; imapd switches to nobody),
# dovecot-core and dovecot-imapd installed, and RAM: the mail (1.2 GB in
# the page cache) and 1,000 Dovecot processes (some 2-3 GB).
# env: POSTHORN_BIN (folder with imapd), BENCH_DIR (default /var/tmp),
#      IMAP_BENCH_MESSAGES (messages in the Maildir, default 100000),
#      IMAP_BENCH_IDLE (idle sessions, default 1000; 0 skips them),
#      IMAP_BENCH_IDLE_MAILBOX (small or big, see above),
#      IMAP_BENCH_ROUNDS (sessions timed per figure and server, default 3),
#      IMAP_BENCH_SERVERS (default "posthorn dovecot"; one of them alone
#      for a quick look at one server)
set -eu
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
# The interpreter itself rather than a version manager's shim, which can
# take a second to start on a busy machine, and the script starts many.
py=$(python3 -c 'import sys; print(sys.executable)')
python3() { "$py" "$@"; }

here=$(cd "$(dirname "$0")" && pwd)
bin=${POSTHORN_BIN:-$here/../../build/bin}
nmsgs=${IMAP_BENCH_MESSAGES:-100000}
nidle=${IMAP_BENCH_IDLE:-1000}
idle_mailbox=${IMAP_BENCH_IDLE_MAILBOX:-small}
rounds=${IMAP_BENCH_ROUNDS:-3}
servers=${IMAP_BENCH_SERVERS:-posthorn dovecot}
password=bench
needle=quokka
small_msgs=100

has() { case " $servers " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
PATH=$PATH:/usr/sbin
has dovecot && require_dovecot imap
if has posthorn && [ ! -x "$bin/imapd" ]; then echo "no $bin/imapd: run make first"; exit 1; fi
[ "$(id -u)" = 0 ] || { echo "run as root: imapd switches to nobody"; exit 1; }
id nobody >/dev/null 2>&1 || { echo "no user nobody"; exit 1; }
case $idle_mailbox in small|big) ;; *) echo "IMAP_BENCH_IDLE_MAILBOX is small or big"; exit 1 ;; esac
# Each idle session is a socket here and in the server, and a Dovecot
# process holds a few descriptors of its master's.
need_fds=$((4 * nidle + 1000))
if [ "$(ulimit -n)" -lt "$need_fds" ]; then
  ulimit -n "$need_fds" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
  [ "$(ulimit -n)" -ge $((2 * nidle + 100)) ] ||
    { echo "open files limit $(ulimit -n) is too low for $nidle idle sessions"; exit 1; }
fi

bench_workdir imapd
failed=0

# --- the mail -----------------------------------------------------------------
t0=$(date +%s)
python3 "$here/gen_maildir.py" "$work/src" "$nmsgs" "$work/expect" --needle "$needle"
chown -R nobody:nogroup "$work/src"
mb=$(du -sm "$work/src" | cut -f1)
users=()
for r in $(seq "$rounds"); do users+=("c$r"); done
idle_users=()
if [ "$nidle" -gt 0 ] && [ "$idle_mailbox" = small ]; then
  # The small INBOX: the first messages of the big one, with its new/.
  mkdir -p "$work/small"/{cur,new,tmp}
  # shellcheck disable=SC2012  # the generator's names are plain
  (cd "$work/src/cur" && ls | sort -n | head -n "$small_msgs" | xargs -r ln -t "$work/small/cur")
  # shellcheck disable=SC2012
  (cd "$work/src/new" && ls | head -n 5 | xargs -r ln -t "$work/small/new")
  chown -R nobody:nogroup "$work/small"
  for i in $(seq "$nidle"); do idle_users+=("$(printf 'i%04d' "$i")"); done
fi
hash=$(openssl passwd -6 "$password")
for s in $servers; do
  d=$work/$s
  mkdir -p "$d/mail/example.org"
  for u in "${users[@]}"; do
    cp -al "$work/src" "$d/mail/example.org/$u"   # -a keeps nobody as the owner
    echo "$u@example.org:$hash" >> "$d/passwd"
  done
  for u in "${idle_users[@]}"; do
    cp -al "$work/small" "$d/mail/example.org/$u"
    echo "$u@example.org:$hash" >> "$d/passwd"
  done
  chown nobody:nogroup "$d/mail" "$d/mail/example.org"
  chmod 644 "$d/passwd"
done
sync
echo "(the mail: $nmsgs messages, $mb MB, copied for ${#users[@]} + ${#idle_users[@]} users" \
     "of each server in $(($(date +%s) - t0)) s)"

# --- posthorn -----------------------------------------------------------------
if has posthorn; then
  cat > "$ph/posthorn.conf" <<EOF
hostname = mx.example.org
passwd = $ph/passwd
maildir = $ph/mail/%d/%n
user = nobody
[imapd]
listen = 127.0.0.1:$ph_port/imap
auth_cleartext_loopback = yes
max_connections = $((nidle + 100))
max_connections_per_client = $((nidle + 100))
EOF
  chmod 644 "$ph/posthorn.conf"
fi
# shellcheck disable=SC2317  # called as start_$server
start_posthorn() {
  # The log goes through a pipe, as to journald under systemd.
  env -u POSTHORN_CONF "$bin/imapd" -c "$ph/posthorn.conf" -f < /dev/null > >(cat >> "$ph/imapd.log") 2>&1 &
  ph_pid=$!
  wait_listen "$ph_port" imapd "* OK" "$ph_pid" || { tail -20 "$ph/imapd.log"; exit 1; }
}

# --- Dovecot ------------------------------------------------------------------
if has dovecot; then
  mkdir -p "$dv/run" "$dv/state"
  {
    dovecot_conf "$dv" imap "$dv_port"
    cat <<EOF
default_process_limit = $((nidle + 100))
default_client_limit = $((4 * nidle + 1000))
protocol imap {
  mail_max_userip_connections = $((nidle + 100))
}
service imap {
  process_limit = $((nidle + 100))
}
EOF
  } > "$dv/dovecot.conf"
fi
# shellcheck disable=SC2317  # called as start_$server
start_dovecot() {
  dovecot -F -c "$dv/dovecot.conf" < /dev/null >> "$dv/start.log" 2>&1 &
  dv_pid=$!
  wait_listen "$dv_port" dovecot "* OK" "$dv_pid" || { tail -20 "$dv/start.log" "$dv/dovecot.log" 2>/dev/null; exit 1; }
}
for server in $servers; do "start_$server"; done

# --- measuring ----------------------------------------------------------------
port_of() { case $1 in posthorn) echo "$ph_port" ;; dovecot) echo "$dv_port" ;; esac; }
pid_of() { case $1 in posthorn) echo "$ph_pid" ;; dovecot) echo "$dv_pid" ;; esac; }

# Until the server holds no connection from the last session (up to 5 s).
quiesce() {
  local port=$1
  for _ in $(seq 50); do
    [ -z "$(ss -Htn state established "( sport = :$port )" 2>/dev/null)" ] && return 0
    sleep 0.1
  done
}

# run SERVER MODE [imap_load options]: sets r_* from imap_load.py's
# key=value line; on failure says so with the server's words, and the
# figures read "error".
declare -A got=()
r_select_ms='' r_fetch_ms='' r_client_cpu=''
run() {
  local server=$1 mode=$2 line kv k
  shift 2
  quiesce "$(port_of "$server")"
  for k in login_ms select_ms fetch_ms fetch_mb search_ms client_cpu opened open_s procs rss_kb pss_kb \
           rss_per_kb pss_per_kb notified notify_median_s notify_last_s; do
    printf -v "r_$k" error
  done
  if line=$(python3 "$here/imap_load.py" "$mode" --port "$(port_of "$server")" --password "$password" "$@" \
       2> "$work/load.err"); then
    for kv in $line; do printf -v "r_${kv%%=*}" '%s' "${kv#*=}"; done
  else
    echo "$mode against $server failed: ${line:-}" >&2
    sed 's/^/  /' "$work/load.err" >&2
    for kv in $line; do printf -v "r_${kv%%=*}" '%s' "${kv#*=}"; done
    failed=1
  fi
}

# keep SERVER NAME...: appends r_NAME to got[SERVER.NAME].
keep() {
  local server=$1 k v
  shift
  for k in "$@"; do v=r_$k; got[$server.$k]+="${!v} "; done
}

fig() {  # SERVER KEY: the median of what was kept, or "-"
  # shellcheck disable=SC2086  # the figures are words
  case ${got[$1.$2]:-} in
    "") echo - ;;
    *" "*" "*) median ${got[$1.$2]} ;;
    *) echo "${got[$1.$2]% }" ;;   # one figure: as it was printed
  esac
}
row() {
  local name=$1 p d
  p=$(fig posthorn "$2") d=$(fig dovecot "$2")
  printf '%-36s %12s %12s %8s\n' "$name" "$p" "$d" "$(ratio "$p" "$d")"
}

dv_version=-; has dovecot && dv_version=$(dovecot --version | awk '{print $1}')
echo "imapd vs Dovecot $dv_version: $nmsgs messages ($mb MB) in INBOX, into $work" \
     "($(df -T "$work" | awk 'NR==2{print $2}'), $(nproc) CPUs, load average $(cut -d' ' -f1 /proc/loadavg) before);" \
     "timings are the median of $rounds sessions, the servers taking turns to go first"
echo "cold: the server has never opened the folder (no index or cache files), the messages are in the page cache;" \
     "fs.inotify.max_user_instances is $(cat /proc/sys/fs/inotify/max_user_instances 2>/dev/null || echo unknown)"

order_of() {  # round: alternate who goes first
  if [ $(($1 % 2)) = 1 ]; then echo "$servers"; else echo "$servers" | awk '{for (i = NF; i; i--) printf "%s ", $i}'; fi
}
client_cpu=0
add_cpu() { client_cpu=$(python3 -c "print(round($client_cpu + float('$r_client_cpu' if '$r_client_cpu' != 'error' else 0), 2))"); }

# Cold: user cR's first session.
for r in $(seq "$rounds"); do
  for server in $(order_of "$r"); do
    sleep 0.5
    run "$server" ops --user "c$r@example.org" --expect "$work/expect"
    got[$server.select_cold]+="$r_select_ms " got[$server.fetch_cold]+="$r_fetch_ms "
    add_cpu
  done
done
# Warm: c1 again, a new session each time.
for r in $(seq "$rounds"); do
  for server in $(order_of "$r"); do
    sleep 0.5
    run "$server" ops --user "c1@example.org" --expect "$work/expect" --search "$needle"
    keep "$server" select_ms fetch_ms search_ms fetch_mb
    add_cpu
  done
done

printf '%-36s %12s %12s %8s\n' "figure" "posthorn" "dovecot" "ratio"
row "SELECT cold (ms)" select_cold
row "FETCH cold (ms)" fetch_cold
row "SELECT warm (ms)" select_ms
row "FETCH warm (ms)" fetch_ms
row "SEARCH BODY (ms)" search_ms
row "FETCH answer (MB)" fetch_mb

if [ "$nidle" -gt 0 ]; then
  if [ "$idle_mailbox" = small ]; then
    list=$(IFS=,; echo "${idle_users[*]/%/@example.org}")
    what="$nidle users, $small_msgs messages each"
  else
    list=c1@example.org
    what="all c1's INBOX of $nmsgs messages"
  fi
  for server in $servers; do
    # A server started afresh, so that memory freed by the FETCHes above
    # and kept for reuse does not hide what the sessions take.
    if [ "$server" = posthorn ]; then stop_pid "$ph_pid"; else stop_pid "$dv_pid"; fi
    "start_$server"
    sleep 1
    run "$server" idle --users "$list" --count "$nidle" --tree "$(pid_of "$server")" \
        --deliver "$work/$server/mail/example.org/%n" --uid "$(id -u nobody)" --gid "$(id -g nobody)"
    keep "$server" opened open_s procs rss_kb pss_kb rss_per_kb pss_per_kb notified notify_median_s notify_last_s
  done
  echo "IDLE sessions ($what):"
  row "  sessions opened" opened
  row "  time to open them all (s)" open_s
  row "  server processes" procs
  row "  RSS, all processes (KB)" rss_kb
  row "  PSS, all processes (KB)" pss_kb
  row "  RSS per session (KB)" rss_per_kb
  row "  PSS per session (KB)" pss_per_kb
  row "  sessions told of new mail" notified
  row "  new mail: median session told (s)" notify_median_s
  row "  new mail: last session told (s)" notify_last_s
fi

# Anything but plain success in the logs is worth a look.
count_in() { grep -c "$@" 2>/dev/null || true; }
echo "ratio: posthorn/dovecot, below 1 posthorn is faster or smaller; load generator CPU ${client_cpu}s in the timed sessions"
has posthorn && echo "imapd log: $(count_in -iE 'error|warning|fatal' "$ph/imapd.log") errors/warnings," \
     "$(count_in -iF 'login' "$ph/imapd.log") lines about logins"
# (but for the master's word on the restart before the IDLE figures)
has dovecot && echo "dovecot log: $(grep -v 'Killed with signal 15' "$dv/dovecot.log" | count_in -iE 'error|warning|fatal|panic') errors/warnings" \
     "($(count_in -iF 'inotify' "$dv/dovecot.log") about inotify), $(count_in -F ': Login: user=' "$dv/dovecot.log") logins"
if [ -n "${IMAP_BENCH_KEEP_LOGS:-}" ]; then
  has posthorn && cp "$ph/imapd.log" "$IMAP_BENCH_KEEP_LOGS.imapd.log"
  has dovecot && cp "$dv/dovecot.log" "$IMAP_BENCH_KEEP_LOGS.dovecot.log"
fi
# A figure never fails the run; sessions that fail (a broken setup, a
# wrong answer) do.
exit "$failed"
