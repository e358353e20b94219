# Shell helpers the benchmark scripts share; sourced, not run.

# free_ports N: N free TCP ports on 127.0.0.1, space-separated.
free_ports() {
  python3 -c '
import socket, sys
s = [socket.socket() for _ in range(int(sys.argv[1]))]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])' "$1"
}

# wait_listen PORT NAME GREETING [PID]: until a server on 127.0.0.1:PORT
# greets with a line starting with GREETING ("220", "+OK"), or PID is gone,
# or 15 s have passed (then it fails, saying which).
wait_listen() {
  python3 - "$@" <<'PY'
import socket, sys, time
port, name, greeting = int(sys.argv[1]), sys.argv[2], sys.argv[3].encode()
pid = int(sys.argv[4]) if len(sys.argv) > 4 else None

def gone(pid):  # exited: no /proc entry, or a zombie its parent has not reaped yet
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True

deadline = time.monotonic() + 15
while True:
    if pid is not None and gone(pid):
        sys.exit("%s exited at start" % name)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            if s.recv(512).startswith(greeting):
                s.sendall(b"QUIT\r\n")
                s.recv(512)
                break
    except OSError:
        pass
    if time.monotonic() > deadline:
        sys.exit("%s does not answer on 127.0.0.1:%d" % (name, port))
    time.sleep(0.1)
PY
}

# stop_pid PID: TERM, up to 10 s, then KILL.
stop_pid() {
  [ -n "$1" ] || return 0
  kill -TERM "$1" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
}

# ratio A B: A/B to two decimals, "-" when either is not a number.
ratio() { python3 -c "
try: print('%.2f' % (float('$1') / float('$2')))
except (ValueError, ZeroDivisionError): print('-')"; }

# median X...: the median, to a precision that suits its size; the first
# word that is not a number (an error figure) instead, as it is.
median() { python3 -c "
import statistics, sys
v = []
for x in sys.argv[1:]:
    try: v.append(float(x))
    except ValueError: print(x); sys.exit()
m = statistics.median(v)
print('%.0f' % m if m >= 100 else '%.1f' % m if m >= 10 else '%.2f' % m)" "$@"; }

# require_dovecot PROTOCOL (pop3, imap): Dovecot's server for PROTOCOL and
# the users its processes run as, or what to install, and exit 1.
require_dovecot() {
  PATH=$PATH:/usr/sbin
  if ! command -v dovecot >/dev/null || [ ! -x "/usr/lib/dovecot/$1" ]; then
    echo "Dovecot's $1 server is not installed (make bench-deps installs it):"
    echo "  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends dovecot-core dovecot-${1}d"
    echo "  (then stop the system instance it starts: systemctl disable --now dovecot)"
    exit 1
  fi
  [ "$(id -u)" = 0 ] || { echo "run as root: Dovecot's master runs as root"; exit 1; }
  for u in dovecot dovenull; do
    id "$u" >/dev/null 2>&1 || { echo "no user $u (Dovecot's packages create dovecot and dovenull)"; exit 1; }
  done
}

# bench_workdir NAME: a work directory for the run (readable by the
# servers' own users), `ph` and `dv` in it for posthorn and Dovecot, two
# free ports `ph_port` and `dv_port`, and an EXIT trap that stops both
# servers (`ph_pid`, `dv_pid`) and removes it all.
bench_workdir() {
  work=$(mktemp -d "${BENCH_DIR:-/var/tmp}/posthorn-$1-bench.XXXXXX")
  chmod 755 "$work"
  ph=$work/posthorn
  dv=$work/dovecot
  ph_pid=
  dv_pid=
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  read -r ph_port dv_port < <(free_ports 2)
}

# shellcheck disable=SC2317  # run by the EXIT trap
bench_cleanup() {
  stop_pid "$ph_pid"
  stop_pid "$dv_pid"   # Dovecot's master stops its children
  rm -rf "$work"
}

# dovecot_conf DIR PROTO PORT: the Dovecot configuration the POP3 and IMAP
# benches share, on stdout: PROTO (pop3 or imap) on 127.0.0.1:PORT without
# TLS (its implicit-TLS listener off), its run and state directories and
# log under DIR, users from DIR/passwd (CRYPT hashes) with their Maildirs
# in DIR/mail/%d/%n, all served as nobody. A bench adds its own lines.
dovecot_conf() {
  local dir=$1 proto=$2 port=$3
  cat <<EOF
protocols = $proto
listen = 127.0.0.1
base_dir = $dir/run
state_dir = $dir/state
instance_name = posthorn-$proto-bench
log_path = $dir/dovecot.log
ssl = no
disable_plaintext_auth = no
mail_location = maildir:$dir/mail/%d/%n
passdb {
  driver = passwd-file
  args = scheme=CRYPT username_format=%u $dir/passwd
}
userdb {
  driver = static
  args = uid=$(id -u nobody) gid=$(id -g nobody) home=$dir/mail/%d/%n
}
service $proto-login {
  inet_listener $proto {
    address = 127.0.0.1
    port = $port
  }
  inet_listener ${proto}s {
    port = 0
  }
}
EOF
}
