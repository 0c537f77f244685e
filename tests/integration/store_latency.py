"""A long store operation against another user's NOOPs, for
test_serve_store_latency.py and bench/store_latency_bench.py.

fill_inbox() writes N small messages straight into a data directory's INBOX
(the Maildir layout of server_mock/maildir_store.hpp), which takes seconds
where APPENDing them would take minutes. copy_against_noops() runs one
session's `COPY 1:* INBOX` (or any command) while a second user sends NOOPs
one after another on their own connection, and records when each answer came
back and when the long command's tagged answer did.
"""

import os
import re
import socket
import threading
import time

TIMEOUT = 10


def fill_inbox(data_dir, user, count):
    """Adds `count` small messages to `user`'s INBOX in an initialised data directory."""
    inbox = os.path.join(data_dir, "users", user, "mail", "_INBOX")
    uidlist = os.path.join(inbox, "mailscope-uidlist")
    with open(uidlist) as f:
        fields = dict(line.split(" ", 1) for line in f.read().splitlines()[1:])
    uidnext = int(fields["uidnext"])
    cur = os.path.join(inbox, "cur")
    stamp = 1709294400
    for n in range(count):
        uid = uidnext + n
        body = (f"From: load@example.org\r\nTo: {user}@example.org\r\n"
                f"Subject: load {n}\r\n\r\nmessage {n}\r\n").encode()
        with open(os.path.join(cur, f"{uid}.{stamp + n}+0000:2,S"), "wb") as f:
            f.write(body)
    with open(uidlist, "w") as f:
        f.write(f"mailscope-uidlist 1\nuidvalidity {fields['uidvalidity'].strip()}\n"
                f"uidnext {uidnext + count}\n")
    return uidnext + count - 1


class Line:
    """A raw IMAP connection that reads whole lines (literals are not expected)."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.buffer = b""
        self.read_line()  # greeting

    def send(self, text):
        self.sock.sendall(text.encode() + b"\r\n")

    def read_line(self, timeout=TIMEOUT):
        self.sock.settimeout(timeout)
        while b"\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line.decode("utf-8", "replace")

    def until_tagged(self, tag, timeout=TIMEOUT):
        lines = []
        while True:
            line = self.read_line(timeout)
            lines.append(line)
            if line.startswith(tag + " "):
                return lines

    def command(self, tag, text, timeout=TIMEOUT):
        self.send(f"{tag} {text}")
        return self.until_tagged(tag, timeout)

    def close(self):
        self.sock.close()


def copy_against_noops(port, long_command="COPY 1:* INBOX", user=("alice", "wonderland"),
                       other=("bob", "builder"), timeout=600):
    """Runs `long_command` in `user`'s selected INBOX while `other` sends NOOPs.

    Returns a dict: `done` (the tagged answer), `seconds` (how long it took),
    `noops` (latencies in seconds of the NOOPs sent while it ran) and
    `answered_before_done` (NOOP answers that arrived before its tagged answer).
    """
    worker = Line(port)
    worker.command("w1", f"LOGIN {user[0]} {user[1]}")
    selected = worker.command("w2", "SELECT INBOX")
    exists = next(int(m.group(1)) for m in map(re.compile(r"\* (\d+) EXISTS").match, selected) if m)
    watcher = Line(port)
    watcher.command("b1", f"LOGIN {other[0]} {other[1]}")
    watcher.command("b2", "SELECT INBOX")

    finished = threading.Event()
    result = {"exists": exists}

    def run_long():
        started = time.monotonic()
        lines = worker.command("w3", long_command, timeout)
        result["seconds"] = time.monotonic() - started
        result["done"] = lines[-1]
        result["done_at"] = time.monotonic()
        finished.set()

    thread = threading.Thread(target=run_long)
    latencies, answered_at = [], []
    started = time.monotonic()
    thread.start()
    n = 0
    while not finished.is_set() and time.monotonic() - started < timeout:
        n += 1
        sent = time.monotonic()
        watcher.command(f"n{n}", "NOOP", timeout)
        now = time.monotonic()
        # A NOOP held up until the long command ended counts too: its wait
        # is the stall.
        latencies.append(now - sent)
        answered_at.append(now)
    thread.join(timeout)
    worker.command("w4", "LOGOUT")
    watcher.command("b3", "LOGOUT")
    worker.close()
    watcher.close()
    result["noops"] = latencies
    result["answered_before_done"] = sum(1 for t in answered_at if t < result.get("done_at", 0))
    return result


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]
