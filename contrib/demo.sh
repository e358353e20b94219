#!/bin/sh
# make demo: the suite on loopback, unprivileged ports, with a demo user,
# a self-signed certificate and everything under build/demo/. Safe to run
# again: it stops the previous demo first.
# usage: contrib/demo.sh BINDIR [stop]
set -eu
bin=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
demo=$top/build/demo
smtp=2525 submission=2587 submissions=2465
pop3=2110 pop3s=2995
imap=2143 imaps=2993

# pop3d and imapd write no pid file: the demo keeps the pid it started in
# $demo/NAME.pid, and signals it only while that process is still NAME.
stop_daemon() {
  if [ -f "$demo/$1.pid" ]; then
    pid=$(cat "$demo/$1.pid")
    if [ "$(ps -o comm= -p "$pid" 2>/dev/null)" = "$1" ]; then
      kill "$pid" 2>/dev/null || true
      sleep 1
    fi
    rm -f "$demo/$1.pid"
  fi
}
stop() {
  if [ -f "$demo/spool/smtpd.pid" ]; then
    kill "$(cat "$demo/spool/smtpd.pid")" 2>/dev/null || true
    rm -f "$demo/spool/smtpd.pid"
    sleep 1
  fi
  stop_daemon pop3d
  stop_daemon imapd
}
stop
[ "${2:-}" = stop ] && { echo "demo stopped"; exit 0; }

mkdir -p "$demo"
# The certificate names localhost and 127.0.0.1, so clients that check it
# against the demo's own copy (curl --cacert, fetchmail sslcertfile) accept it.
if [ ! -f "$demo/cert.pem" ] || ! openssl x509 -in "$demo/cert.pem" -noout -text | grep -q 'IP Address:127.0.0.1'; then
  openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 365 \
    -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' \
    -keyout "$demo/key.pem" -out "$demo/cert.pem" 2>/dev/null
fi
echo "demo@example.org:$(openssl passwd -6 demo)" > "$demo/passwd.new" && mv "$demo/passwd.new" "$demo/passwd"
printf 'postmaster: demo\nabuse: demo\n' > "$demo/aliases"
cat > "$demo/posthorn.conf" <<CONF
# The demo's configuration: see posthorn.conf(5).
hostname = localhost
domains = example.org
passwd = $demo/passwd
aliases = $demo/aliases
maildir = $demo/mail/%d/%n
state_dir = $demo/spool
user = $(id -un)
tls_cert = $demo/cert.pem
tls_key = $demo/key.pem
[smtpd]
listen = 127.0.0.1:$smtp/smtp 127.0.0.1:$submission/submission 127.0.0.1:$submissions/submissions
mynetworks = 127.0.0.0/8
retry_min = 30s
[pop3d]
listen = 127.0.0.1:$pop3/pop3 127.0.0.1:$pop3s/pop3s
[imapd]
listen = 127.0.0.1:$imap/imap 127.0.0.1:$imaps/imaps
CONF

"$bin/smtpd" -c "$demo/posthorn.conf" -f > "$demo/smtpd.log" 2>&1 &
for _ in 1 2 3 4 5 6 7 8 9 10; do
  [ -f "$demo/spool/smtpd.pid" ] && break
  sleep 0.3
done
[ -f "$demo/spool/smtpd.pid" ] || { echo "smtpd did not start:"; cat "$demo/smtpd.log"; exit 1; }

# Starts pop3d or imapd; each logs one "listening on" line per listener
# once it serves them: give it up to 10 seconds on a busy machine.
start_daemon() {
  "$bin/$1" -c "$demo/posthorn.conf" -f > "$demo/$1.log" 2>&1 &
  echo $! > "$demo/$1.pid"
  i=0
  while [ "$(grep -c 'listening on' "$demo/$1.log")" -lt 2 ] && [ $i -lt 50 ] &&
    kill -0 "$(cat "$demo/$1.pid")" 2>/dev/null; do
    sleep 0.2
    i=$((i + 1))
  done
  [ "$(grep -c 'listening on' "$demo/$1.log")" -ge 2 ] || {
    echo "$1 did not start:"; cat "$demo/$1.log"
    stop
    exit 1
  }
}
start_daemon pop3d
start_daemon imapd

cat <<TEXT
Posthorn demo running (logs: $demo/smtpd.log, $demo/pop3d.log, $demo/imapd.log)
  smtpd   127.0.0.1:$smtp (smtp)  :$submission (submission, STARTTLS)  :$submissions (submissions, TLS)
  pop3d   127.0.0.1:$pop3 (pop3, STLS)  :$pop3s (pop3s, TLS)
  imapd   127.0.0.1:$imap (imap, STARTTLS)  :$imaps (imaps, TLS)
  user    demo@example.org, password "demo"; postmaster@ and abuse@ are aliases of it
  mail    $demo/mail/example.org/demo/new/

Send a message:
  printf 'Subject: hello\n\nfrom sendmail\n' | $bin/sendmail -C $demo/posthorn.conf demo@example.org
  swaks --server 127.0.0.1:$smtp --to demo@example.org --from you@example.net
  swaks --server 127.0.0.1:$submission -tls --auth PLAIN --auth-user demo@example.org --auth-password demo --to demo@example.org
  curl smtp://127.0.0.1:$smtp --mail-from you@example.net --mail-rcpt demo@example.org -T message.txt

See the queue:   $bin/mailq -C $demo/posthorn.conf
Read the mail over POP3 (the list, then message 1; -k: the certificate is self-signed):
  curl -k pop3s://127.0.0.1:$pop3s/ -u demo@example.org:demo
  curl -k pop3s://127.0.0.1:$pop3s/1 -u demo@example.org:demo
  curl --ssl-reqd --cacert $demo/cert.pem pop3://127.0.0.1:$pop3/1 -u demo@example.org:demo
  fetchmail -a -k -p POP3 -P $pop3s --ssl --sslcertfile $demo/cert.pem -u demo@example.org --mda "$bin/mda -m $demo/fetched" localhost
    (asks for the password; copies every message into $demo/fetched/new/ and leaves them on the server)
Read the mail over IMAP (the folders, the INBOX's messages, then message UID 1):
  curl -k imaps://127.0.0.1:$imaps/ -u demo@example.org:demo
  curl -k 'imaps://127.0.0.1:$imaps/INBOX?ALL' -u demo@example.org:demo
  curl -k 'imaps://127.0.0.1:$imaps/INBOX/;UID=1' -u demo@example.org:demo
  curl --ssl-reqd --cacert $demo/cert.pem 'imap://127.0.0.1:$imap/INBOX/;UID=1' -u demo@example.org:demo
With a mail client (mutt; Thunderbird: server 127.0.0.1, port $imaps, SSL/TLS, normal password):
  mutt -f imaps://demo@example.org@127.0.0.1:$imaps/INBOX -e 'set ssl_verify_host=no certificate_file=$demo/mutt-certs'
    (asks for the password, and once to accept the self-signed certificate)
Or from the Maildir: mlist $demo/mail/example.org/demo | mscan   (mblaze), or mutt -f $demo/mail/example.org/demo
Stop the demo:   make demo-stop
TEXT
