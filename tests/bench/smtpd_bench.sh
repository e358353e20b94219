#!/bin/bash
# smtpd against Postfix, same machine, same run, same load generator.
#
# Postfix's smtp-source sends 4 KB messages (-l 4096, one connection per
# message, as smtp-source does without -d) to bob@example.org, first from
# 1 client, then from 20 at once. For each server it prints:
#   ingest N clients       messages/s answered 250 (smtp-source's run time)
#   end-to-end N clients   seconds from the first connection until the last
#                          message is in bob's Maildir new/
#   queue empty N clients  seconds from the first connection until the queue
#                          holds nothing (every outcome recorded)
# and the ratio posthorn/postfix (above 1: posthorn is faster for rates,
# slower for seconds). Each figure is the median of BENCH_ROUNDS runs per
# server, the two taking turns to go first, since a shared disk's speed
# drifts during a run. Between runs both queues are drained, new/ emptied
# and the file system synced. It never fails on a figure; it exits 1 when the setup is broken
# (a server that does not start, smtp-source refused).
#
# The Postfix instance is private: `postfix -c DIR` with its queue, data
# directory and Maildirs in a temporary directory, smtpd on 127.0.0.1
# only, local mail delivered by virtual(8) to Maildir. Both servers keep
# their defaults otherwise (posthorn mda_concurrency 10, Postfix
# virtual_destination_concurrency_limit 20), except that posthorn's
# max_connections_per_client goes from 20 to 100: Postfix exempts
# mynetworks from its per-client limits, and 20 clients that reconnect for
# every message briefly hold more than 20 connections.
#
# Durability: both fsync the queue file before answering 250 and the
# Maildir file before moving it from tmp/ into new/ (virtual(8): link and
# unlink; mda: rename). posthorn's queue file is written into a spare whose
# name is already on disk (posthorn-queue(5)), so that fsync is all it
# needs; posthorn also fsyncs new/ after the rename and, for messages with
# several recipients, each outcome record. Postfix fsyncs no directory
# (virtual/maildir.c), it leaves directory entries to the file system. So
# per message posthorn waits for three journal commits where Postfix
# waits for two.
#
# Needs root (to run Postfix) and postfix installed for smtp-source.
# env: POSTHORN_BIN (folder with smtpd and mda), BENCH_DIR (default
#      /var/tmp), BENCH_N (messages from 20 clients, default 4000),
#      BENCH_N1 (messages from 1 client, default 500), BENCH_ROUNDS (runs
#      of each figure for each server, default 3; the median is printed)
set -eu
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"

bin=${POSTHORN_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/build/bin}
n20=${BENCH_N:-4000}
n1=${BENCH_N1:-500}
rounds=${BENCH_ROUNDS:-3}
drain_limit=120   # seconds to wait for a queue to deliver everything

if ! command -v smtp-source >/dev/null && [ ! -x /usr/sbin/smtp-source ]; then
  echo "smtp-source not installed; it comes with Postfix (make deps):"
  echo "  echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections"
  echo "  DEBIAN_FRONTEND=noninteractive apt-get install -y postfix"
  exit 1
fi
PATH=$PATH:/usr/sbin
if [ ! -x "$bin/smtpd" ] || [ ! -x "$bin/mda" ]; then echo "no $bin/smtpd or $bin/mda: run make first"; exit 1; fi
[ "$(id -u)" = 0 ] || { echo "run as root: Postfix's master runs as root"; exit 1; }
id postfix >/dev/null 2>&1 || { echo "no postfix user (mail_owner): install the postfix package"; exit 1; }

work=$(mktemp -d "${BENCH_DIR:-/var/tmp}/posthorn-smtpd-bench.XXXXXX")
chmod 755 "$work"   # Postfix's daemons run as the postfix user
ph=$work/posthorn
pf=$work/postfix
ph_pid=
pf_started=
source_failed=0

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
  stop_pid "$ph_pid"
  if [ -n "$pf_started" ]; then postfix -c "$pf/etc" stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

read -r ph_port pf_port < <(free_ports 2)

# --- posthorn -----------------------------------------------------------------
mkdir -p "$ph"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 2 \
  -keyout "$ph/key.pem" -out "$ph/cert.pem" >/dev/null 2>&1
echo "bob@example.org:$(openssl passwd -6 bench)" > "$ph/passwd"
: > "$ph/aliases"
cat > "$ph/posthorn.conf" <<EOF
hostname = mx.example.org
domains = example.org
passwd = $ph/passwd
aliases = $ph/aliases
maildir = $ph/mail/%d/%n
user = $(id -un)
state_dir = $ph/spool
tls_cert = $ph/cert.pem
tls_key = $ph/key.pem
[smtpd]
listen = 127.0.0.1:$ph_port/smtp
max_connections_per_client = 100
EOF
# The log goes through a pipe, as to journald under systemd (and as
# Postfix's goes through postlogd): a file written on the loop would
# measure the log file's journal waits.
env -u POSTHORN_CONF "$bin/smtpd" -c "$ph/posthorn.conf" -f < /dev/null > >(cat > "$ph/smtpd.log") 2>&1 &
ph_pid=$!

# --- Postfix ------------------------------------------------------------------
mkdir -p "$pf/etc" "$pf/spool" "$pf/data" "$pf/vmail"
chown postfix "$pf/data"
chown nobody:nogroup "$pf/vmail"
echo "bob@example.org example.org/bob/" > "$pf/etc/vmailbox"
cat > "$pf/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $pf/spool
data_directory = $pf/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.example.org
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination =
alias_maps =
alias_database =
local_recipient_maps =
relay_domains =
biff = no
virtual_mailbox_domains = example.org
virtual_mailbox_base = $pf/vmail
virtual_mailbox_maps = texthash:$pf/etc/vmailbox
virtual_uid_maps = static:$(id -u nobody)
virtual_gid_maps = static:$(getent group nogroup | cut -d: -f3)
maillog_file = $pf/maillog
EOF
# The services Postfix needs for SMTP in and virtual(8) out; no chroot.
cat > "$pf/etc/master.cf" <<EOF
127.0.0.1:$pf_port inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n -  0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n -  - trivial-rewrite
bounce    unix  - - n -  0 bounce
defer     unix  - - n -  0 bounce
trace     unix  - - n -  0 bounce
verify    unix  - - n -  1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -  - proxymap
proxywrite unix - - n -  1 proxymap
showq     unix  n - n -  - showq
error     unix  - - n -  - error
retry     unix  - - n -  - error
discard   unix  - - n -  - discard
virtual   unix  - n n -  - virtual
anvil     unix  - - n -  1 anvil
scache    unix  - - n -  1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF
postfix -c "$pf/etc" start >"$pf/start.log" 2>&1 || { echo "postfix did not start:"; cat "$pf/start.log"; exit 1; }
pf_started=1

wait_listen "$ph_port" posthorn 220 "$ph_pid" || { tail -20 "$ph/smtpd.log"; exit 1; }
wait_listen "$pf_port" postfix 220 || { tail -20 "$pf/maillog" 2>/dev/null; exit 1; }

# --- measuring ----------------------------------------------------------------
now() { date +%s.%N; }
new_dir() { case $1 in posthorn) echo "$ph/mail/example.org/bob/new" ;; postfix) echo "$pf/vmail/example.org/bob/new" ;; esac; }
port_of() { case $1 in posthorn) echo "$ph_port" ;; postfix) echo "$pf_port" ;; esac; }
delivered() { local d; d=$(new_dir "$1"); [ -d "$d" ] && find "$d" -type f | wc -l || echo 0; }
queue_empty() {
  case $1 in
    # spare-N files, made ahead for messages to come, are not messages.
    posthorn) [ -z "$(ls -A "$ph/spool/queue/msg" 2>/dev/null | grep -v '^spare-')" ] ;;
    postfix)  [ -z "$(find "$pf/spool/incoming" "$pf/spool/active" "$pf/spool/deferred" "$pf/spool/maildrop" -type f 2>/dev/null)" ] ;;
  esac
}

# run SERVER CLIENTS COUNT: sets ingest (msg/s), e2e (s) and drained (s).
run() {
  local server=$1 clients=$2 count=$3 t0 t1 t2 t3 got
  t0=$(now)
  if ! smtp-source -s "$clients" -m "$count" -l 4096 -M client.example -f from@example.org \
       -t bob@example.org "127.0.0.1:$(port_of "$server")" > "$work/source.log" 2>&1; then
    echo "smtp-source against $server failed:" >&2; tail -5 "$work/source.log" >&2
    ingest=error e2e=error drained=error source_failed=1
    sleep 2
    find "$(new_dir "$server")" -type f -delete 2>/dev/null || true
    return
  fi
  t1=$(now)
  got=$(delivered "$server")
  while [ "$got" -lt "$count" ]; do
    if python3 -c "import sys; sys.exit(not ($(now) - $t0 > $drain_limit))"; then break; fi
    sleep 0.05
    got=$(delivered "$server")
  done
  t2=$(now)
  ingest=$(python3 -c "print('%.0f' % ($count / ($t1 - $t0)))")
  if [ "$got" -ge "$count" ]; then
    e2e=$(python3 -c "print('%.2f' % ($t2 - $t0))")
  else
    e2e="n/a ($got of $count after ${drain_limit}s)"
  fi
  # The queue is empty once every outcome is recorded and the queue
  # files are removed; the next figure starts from there, new/ emptied.
  drained="n/a (not empty after ${drain_limit}s)"
  while ! python3 -c "import sys; sys.exit(not ($(now) - $t0 > $drain_limit))"; do
    if queue_empty "$server"; then t3=$(now); drained=$(python3 -c "print('%.2f' % ($t3 - $t0))"); break; fi
    sleep 0.05
  done
  find "$(new_dir "$server")" -type f -delete 2>/dev/null || true
}

echo "smtpd vs Postfix $(postconf -d -h mail_version 2>/dev/null): 4 KB messages from smtp-source," \
     "1 client x $n1, 20 clients x $n20, into $work ($(df -T "$work" | awk 'NR==2{print $2}'), $(nproc) CPUs)," \
     "median of $rounds rounds, the servers taking turns to go first"
printf '%-28s %12s %12s %8s\n' "figure" "posthorn" "postfix" "ratio"
for clients in 1 20; do
  count=$n1; [ "$clients" = 1 ] || count=$n20
  declare -A got=()
  for r in $(seq "$rounds"); do
    order="posthorn postfix"; [ $((r % 2)) = 1 ] || order="postfix posthorn"
    for server in $order; do
      # Whatever the last run left to write back is flushed first, so it
      # does not land on the next one's time.
      sync; sleep 1
      run "$server" "$clients" "$count"
      got[$server.in]+="$ingest " got[$server.e2e]+="$e2e " got[$server.dr]+="$drained "
    done
  done
  label="$clients client$([ "$clients" = 1 ] || echo s)"
  for f in "in:ingest $label (msg/s)" "e2e:end-to-end $label (s)" "dr:queue empty $label (s)"; do
    key=${f%%:*} name=${f#*:}
    # shellcheck disable=SC2086  # the figures are words
    a=$(median ${got[posthorn.$key]}) b=$(median ${got[postfix.$key]})
    printf '%-28s %12s %12s %8s\n' "$name" "$a" "$b" "$(ratio "$a" "$b")"
  done
  unset got
done
# Anything but plain success in the logs is worth a look.
count_in() { grep -ciE "$1" "$2" 2>/dev/null || true; }
echo "posthorn log: $(count_in 'error|warning' "$ph/smtpd.log") errors/warnings," \
     "$(count_in 'status=(deferred|bounced)' "$ph/smtpd.log") deferred/bounced;" \
     "postfix log: $(count_in 'error|warning|fatal|panic' "$pf/maillog") errors/warnings," \
     "$(count_in 'status=(deferred|bounced)' "$pf/maillog") deferred/bounced"
# A figure never fails the run; smtp-source failing (a broken setup) does.
exit "$source_failed"
