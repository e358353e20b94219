#!/usr/bin/env python3
"""A large, varied Maildir for imapd_bench.sh, written straight to disk.

    gen_maildir.py DIR COUNT EXPECT [--seed N] [--needle WORD]

Writes COUNT messages into DIR/cur (and the last 1% into DIR/new, as
unread mail not yet seen by any client), arrival order one every 37
seconds from 2023-11-14 on, each file's mtime its arrival time (what
Maildir readers take as INTERNALDATE). Names as posthorn's mda and
Dovecot write them, SEC.M<usec>P<pid>Q<n>R<16 hex>.host,S=<size>,W=<wire
size>, so neither server needs to read a file to learn its size; the
ones in cur/ carry flags in their ":2," info (mostly S, some RS, FS, T or
none).

The messages, from a fixed seed so every run writes the same bytes:
sizes uniform over 1-20 KB (LF line ends); From/To/Cc/Subject/Date/
Message-ID (and In-Reply-To/References on replies), names with quotes and
RFC 2047 encoded words now and then, dates in several zones; 70% plain
text, 15% multipart/alternative (text/plain and quoted-printable
text/html), 15% multipart/mixed (text and a base64 attachment). About 1%
carry the word --needle (default "quokka") in a plain text part: those
are the ones a body SEARCH for it must find; nothing else contains it.

EXPECT gets one line per message, in arrival order:
    MESSAGE-ID WIRE-SIZE FLAGS NEEDLE
with FLAGS the Maildir info letters ("-" for none) and NEEDLE 1 or 0.
"""
import argparse
import base64
import os
import random
import sys

WORDS = ("the of and to in is that for it as was with be by on not he this are or his from at which "
         "but have an they you were her she there been one all we their has would when if so no will "
         "more mailbox server message delivery folder account report meeting tomorrow invoice "
         "attached quarter budget review draft agenda minutes schedule deadline project release "
         "customer ticket update please thanks regards question answer notes week friday monday "
         "office travel hotel flight train shipment order payment receipt contract proposal").split()
FIRST = "Alice Bob Carol Dave Erin Frank Grace Heidi Ivan Judy Mallory Niaj Olivia Peggy Rupert Sybil Trent Victor Walter".split()
LAST = "Smith Jones Müller García Rossi Dubois Nowak Svensson Kowalski O'Brien Tanaka Novák Ivanova Hansen".split()
DOMAINS = "example.net example.com example.org mail.example.net lists.example.com corp.example".split()
ZONES = ["+0000", "+0100", "+0200", "-0500", "-0800", "+0530", "+0900", "-0300"]
DAYS = "Mon Tue Wed Thu Fri Sat Sun".split()
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def encoded_word(text):
    return "=?UTF-8?B?%s?=" % base64.b64encode(text.encode()).decode()


def address(rnd):
    first, last = rnd.choice(FIRST), rnd.choice(LAST)
    mbox = "%s.%s@%s" % (first.lower(), "".join(c for c in last.lower() if c.isascii() and c.isalpha()),
                         rnd.choice(DOMAINS))
    kind = rnd.random()
    if kind < 0.15:
        return "<%s>" % mbox
    if kind < 0.25:
        return mbox
    name = "%s %s" % (first, last)
    if not name.isascii():
        return "%s <%s>" % (encoded_word(name), mbox)
    if "'" in name or kind < 0.4:
        return '"%s, %s" <%s>' % (last, first, mbox)
    return "%s <%s>" % (name, mbox)


def rfc5322_date(t, zone):
    import time
    sign = 1 if zone[0] == "+" else -1
    off = sign * (int(zone[1:3]) * 3600 + int(zone[3:5]) * 60)
    tm = time.gmtime(t + off)
    return "%s, %d %s %d %02d:%02d:%02d %s" % (DAYS[tm.tm_wday], tm.tm_mday, MONTHS[tm.tm_mon - 1],
                                               tm.tm_year, tm.tm_hour, tm.tm_min, tm.tm_sec, zone)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("count", type=int)
    ap.add_argument("expect")
    ap.add_argument("--seed", type=int, default=1939)
    ap.add_argument("--needle", default="quokka")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    needle = a.needle.lower()

    # Body text comes as slices of a pool of lines, which is fast and
    # varied enough (each message starts at a random line).
    pool = []
    for _ in range(8000):
        ln = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(4, 14)))
        pool.append(ln[0].upper() + ln[1:] + rnd.choice([".", ".", ",", "?", ""]) + "\n")
    pool_text = "".join(pool)
    line_starts = [0]
    for ln in pool:
        line_starts.append(line_starts[-1] + len(ln))
    # Attachment bytes: base64 of pseudo-random data, as 76-column lines.
    blob = base64.encodebytes(rnd.randbytes(40000)).decode()
    assert needle not in blob.lower() and needle not in pool_text.lower()

    def text(size):
        start = rnd.randrange(len(pool))
        end = start
        while line_starts[end] - line_starts[start] < size and end < len(pool):
            end += 1
        out = pool_text[line_starts[start]:line_starts[end]]
        while len(out) < size:   # ran off the end of the pool: go on from the top
            out += pool_text[: size - len(out) + 200]
            out = out[: out.rfind("\n") + 1] or out
        return out

    os.makedirs(os.path.join(a.dir, "cur"), exist_ok=True)
    os.makedirs(os.path.join(a.dir, "new"), exist_ok=True)
    os.makedirs(os.path.join(a.dir, "tmp"), exist_ok=True)
    base = 1700000000
    n_new = a.count // 100
    msgids = []
    with open(a.expect, "w") as ex:
        for i in range(a.count):
            sec = base + 37 * i
            size = rnd.randint(1024, 20480)
            msgid = "<%d.%x.%d@%s>" % (sec, rnd.getrandbits(32), i, rnd.choice(DOMAINS))
            zone = rnd.choice(ZONES)
            h = ["Return-Path: <bounce-%d@%s>" % (i % 977, rnd.choice(DOMAINS)),
                 "Received: from mx.example.net (mx.example.net [192.0.2.%d])\n\tby mx.example.org "
                 "with ESMTPS id %X; %s" % (i % 250, rnd.getrandbits(40), rfc5322_date(sec, "+0000")),
                 "From: " + address(rnd),
                 "To: " + ", ".join(address(rnd) for _ in range(rnd.choice([1, 1, 1, 2, 3])))]
            if rnd.random() < 0.3:
                h.append("Cc: " + ", ".join(address(rnd) for _ in range(rnd.randint(1, 4))))
            subject = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(2, 9))).capitalize()
            r = rnd.random()
            reply = msgids and r < 0.3
            if reply:
                subject = "Re: " + subject
            elif r < 0.38:
                subject = encoded_word("Grüße: " + subject)
            elif r < 0.43:
                subject = 'About "%s" (draft %d)' % (subject, i % 9)
            h.append("Subject: " + subject)
            h.append("Date: " + rfc5322_date(sec - rnd.randint(5, 3600), zone))
            h.append("Message-ID: " + msgid)
            if reply:
                parent = rnd.choice(msgids[-500:])
                h.append("In-Reply-To: " + parent)
                h.append("References: " + parent)
            h.append("MIME-Version: 1.0")
            if rnd.random() < 0.2:
                h.append("X-Mailer: Benchmark Mail %d.%d" % (rnd.randint(1, 9), rnd.randint(0, 99)))
            has_needle = rnd.random() < 0.01
            head_len = sum(len(x) + 1 for x in h) + 1
            want = max(200, size - head_len)
            kind = rnd.random()
            if kind < 0.70:
                body = text(want)
                if has_needle:
                    cut = body.find("\n", len(body) // 2) + 1
                    body = body[:cut] + "We saw a %s near the office.\n" % a.needle + body[cut:]
                h.append("Content-Type: text/plain; charset=us-ascii")
                h.append("Content-Transfer-Encoding: 7bit")
            else:
                boundary = "=_bench_%x" % rnd.getrandbits(48)
                plain = text(want // 2 if kind < 0.85 else want // 3)
                if has_needle:
                    plain += "P.S. the %s is back.\n" % a.needle
                parts = ["This is a multi-part message in MIME format.\n",
                         "--%s\nContent-Type: text/plain; charset=us-ascii\n\n%s" % (boundary, plain)]
                if kind < 0.85:
                    h.append('Content-Type: multipart/alternative; boundary="%s"' % boundary)
                    html = "<html><body>\n"
                    for ln in plain.splitlines():
                        if len(html) > want // 2:
                            break
                        ln = "<p>%s</p>" % ln
                        while len(ln) > 75:   # RFC 2045 §6.7: soft line breaks
                            html += ln[:75] + "=\n"
                            ln = ln[75:]
                        html += ln + "\n"
                    html += "</body></html>\n"
                    parts.append("--%s\nContent-Type: text/html; charset=utf-8\n"
                                 "Content-Transfer-Encoding: quoted-printable\n\n%s" % (boundary, html))
                else:
                    h.append('Content-Type: multipart/mixed; boundary="%s"' % boundary)
                    n = max(4, (want - len(plain)) // 77) * 77
                    off = rnd.randrange(0, len(blob) - n, 77) if len(blob) > n else 0
                    parts.append("--%s\nContent-Type: application/pdf; name=\"report-%d.pdf\"\n"
                                 "Content-Disposition: attachment; filename=\"report-%d.pdf\"\n"
                                 "Content-Transfer-Encoding: base64\n\n%s"
                                 % (boundary, i, i, blob[off:off + n]))
                parts.append("--%s--\n" % boundary)
                body = "".join(parts)
            data = ("\n".join(h) + "\n\n" + body).encode()
            wire = len(data) + data.count(b"\n")
            unique = "%d.M%dP4242Q%dR%016x.bench.example.org,S=%d,W=%d" % (
                sec, rnd.randrange(1000000), i + 1, rnd.getrandbits(64), len(data), wire)
            if i >= a.count - n_new:
                path, flags = os.path.join(a.dir, "new", unique), ""
            else:
                f = rnd.random()
                flags = "S" if f < 0.75 else "RS" if f < 0.83 else "FS" if f < 0.88 else "" if f < 0.99 else "ST"
                path = os.path.join(a.dir, "cur", unique + ":2," + flags)
            with open(path, "wb") as fh:
                fh.write(data)
            os.utime(path, (sec, sec))
            msgids.append(msgid)
            ex.write("%s %d %s %d\n" % (msgid, wire, flags or "-", has_needle))


if __name__ == "__main__":
    sys.exit(main())
