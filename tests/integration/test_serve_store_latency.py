"""With --data-dir, a COPY of 25,000 messages must not hold up anyone else,
and a restart after its OK must have every copied message.

The latency itself is a benchmark figure (bench/store_latency_bench.py,
bench/SERVER.md); this test checks what must hold on any machine, however
loaded: while the COPY runs, a second session of the same user sees the
destination grow (the copy is under way), and after that another user's NOOP
is answered before the COPY's tagged OK.

Run by CTest as: python3 test_serve_store_latency.py PATH/TO/mailscope [MESSAGES]
Every network operation stays on 127.0.0.1 and has a timeout.
"""

import os
import re
import sys
import tempfile
import threading
import time
import unittest

from mailscope_server import MailscopeServer
from store_latency import Line, fill_inbox

BINARY = None
MESSAGES = 25000
COPY_TIMEOUT = 600


class CopyDoesNotStallOthers(unittest.TestCase):
    def test_noop_answers_while_copy_runs_and_restart_keeps_every_copy(self):
        with tempfile.TemporaryDirectory(prefix="mailscope-latency-") as tmp:
            data = os.path.join(tmp, "data")
            with MailscopeServer(BINARY, data_dir=data, tls=False):
                pass
            fill_inbox(data, "alice", MESSAGES)
            with MailscopeServer(BINARY, data_dir=data, tls=False, timeout=120) as server:
                port = server.ports["imap"]
                worker = Line(port)
                worker.command("w1", "LOGIN alice wonderland")
                selected = worker.command("w2", "SELECT INBOX", 120)
                before = next(int(m.group(1)) for m in
                              map(re.compile(r"\* (\d+) EXISTS").match, selected) if m)
                self.assertGreaterEqual(before, MESSAGES)
                watcher = Line(port)
                watcher.command("a1", "LOGIN alice wonderland")
                watcher.command("a2", "SELECT INBOX", 120)
                other = Line(port)
                other.command("b1", "LOGIN bob builder")
                other.command("b2", "SELECT INBOX")

                done = {}

                def copy():
                    lines = worker.command("w3", "COPY 1:* INBOX", COPY_TIMEOUT)
                    done["at"] = time.monotonic()
                    done["answer"] = lines[-1]

                thread = threading.Thread(target=copy)
                thread.start()
                # Wait until the same user's other session sees the INBOX grow
                # without being complete: the COPY is running.
                partial = None
                deadline = time.monotonic() + COPY_TIMEOUT
                n = 0
                while partial is None and "at" not in done and time.monotonic() < deadline:
                    n += 1
                    for line in watcher.command(f"a{n + 2}", "NOOP", COPY_TIMEOUT):
                        match = re.match(r"\* (\d+) EXISTS", line)
                        if match and before < int(match.group(1)) < 2 * before:
                            partial = int(match.group(1))
                self.assertIsNotNone(partial, "the COPY ended before anyone else saw it under way")
                other.command("b3", "NOOP", COPY_TIMEOUT)
                answered = time.monotonic()
                thread.join(COPY_TIMEOUT)
                self.assertIn("at", done, "the COPY did not answer")
                self.assertRegex(done["answer"], r"^w3 OK \[COPYUID \d+ \S+ \S+\] COPY completed")
                self.assertLess(answered, done["at"],
                                "bob's NOOP waited for alice's COPY to finish")
                for connection, tag in ((worker, "w4"), (watcher, "a0"), (other, "b4")):
                    connection.command(tag, "LOGOUT")
                    connection.close()

            with MailscopeServer(BINARY, data_dir=data, tls=False, timeout=120) as server:
                again = Line(server.ports["imap"])
                again.command("r1", "LOGIN alice wonderland")
                selected = again.command("r2", "SELECT INBOX", 120)
                after = next(int(m.group(1)) for m in
                             map(re.compile(r"\* (\d+) EXISTS").match, selected) if m)
                self.assertEqual(after, 2 * before)
                again.command("r3", "LOGOUT")
                again.close()
            staging = os.path.join(data, "tmp")
            self.assertEqual(os.listdir(staging) if os.path.isdir(staging) else [], [])


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    if len(sys.argv) > 1 and sys.argv[1].isdigit():
        MESSAGES = int(sys.argv.pop(1))
    unittest.main(verbosity=2)
