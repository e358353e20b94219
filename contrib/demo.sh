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

stop() {
  if [ -f "$demo/spool/smtpd.pid" ]; then
    kill "$(cat "$demo/spool/smtpd.pid")" 2>/dev/null || true
    rm -f "$demo/spool/smtpd.pid"
    sleep 1
  fi
}
stop
[ "${2:-}" = stop ] && { echo "demo stopped"; exit 0; }

mkdir -p "$demo"
if [ ! -f "$demo/cert.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 365 \
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
CONF

"$bin/smtpd" -c "$demo/posthorn.conf" -f > "$demo/smtpd.log" 2>&1 &
for _ in 1 2 3 4 5 6 7 8 9 10; do
  [ -f "$demo/spool/smtpd.pid" ] && break
  sleep 0.3
done
[ -f "$demo/spool/smtpd.pid" ] || { echo "smtpd did not start:"; cat "$demo/smtpd.log"; exit 1; }

cat <<TEXT
Posthorn demo running (logs: $demo/smtpd.log)
  smtpd   127.0.0.1:$smtp (smtp)  :$submission (submission, STARTTLS)  :$submissions (submissions, TLS)
  user    demo@example.org, password "demo"; postmaster@ and abuse@ are aliases of it
  mail    $demo/mail/example.org/demo/new/

Send a message:
  printf 'Subject: hello\n\nfrom sendmail\n' | $bin/sendmail -C $demo/posthorn.conf demo@example.org
  swaks --server 127.0.0.1:$smtp --to demo@example.org --from you@example.net
  swaks --server 127.0.0.1:$submission -tls --auth PLAIN --auth-user demo@example.org --auth-password demo --to demo@example.org
  curl smtp://127.0.0.1:$smtp --mail-from you@example.net --mail-rcpt demo@example.org -T message.txt

See the queue:   $bin/mailq -C $demo/posthorn.conf
Read the mail:   mlist $demo/mail/example.org/demo | mscan   (mblaze), or mutt -f $demo/mail/example.org/demo
Stop the demo:   make demo-stop
TEXT
