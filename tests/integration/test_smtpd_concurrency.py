"""Nothing blocks the loop: while every mda slot is taken by a delivery
that hangs, 200 concurrent sessions still get their messages queued.

No wall-clock thresholds: the test checks ordering. The fake mda leaves a
marker only when its sleep ends, and every 250 must come before any marker.
"""
import os
import socket
import threading
import unittest

from smtpdtest import SmtpdTestCase, wait_for


class SlowMdaDoesNotFreezeSessions(SmtpdTestCase):
    CONFIG = ("max_connections_per_client = 400", "mda_concurrency = 4")
    START = False

    def test_200_sessions_queue_while_mda_hangs(self):
        marker = os.path.join(self.root, "mda-finished")
        mda = self.fake_mda("sleep 20\ntouch ROOT/mda-finished\ncat >/dev/null\n")
        self.start("mda = %s %%r" % mda)
        replies, errors = [], []
        lock = threading.Lock()

        def one(n):
            try:
                s = socket.create_connection(("127.0.0.1", self.port["smtp"]), timeout=60)
                f = s.makefile("rb")
                f.readline()
                s.sendall(b"EHLO c%d\r\nMAIL FROM:<a@remote.example>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n" % n)
                lines = []
                while len(lines) < 3 or not lines[-1].startswith(b"354"):
                    lines.append(f.readline())
                s.sendall(b"Subject: %d\r\n\r\nbody %d\r\n.\r\nQUIT\r\n" % (n, n))
                final = f.readline()
                with lock:
                    replies.append((final, os.path.exists(marker)))
                s.close()
            except Exception as e:  # noqa: BLE001 - reported below
                with lock:
                    errors.append(repr(e))

        threads = [threading.Thread(target=one, args=(n,)) for n in range(200)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(90)
        self.assertEqual(errors, [])
        self.assertEqual(len(replies), 200)
        for final, finished in replies:
            self.assertTrue(final.startswith(b"250 2.0.0 Ok: queued as "), final)
            self.assertFalse(finished, "a 250 waited for a hanging mda")
        self.assertFalse(os.path.exists(marker))


if __name__ == "__main__":
    unittest.main()
