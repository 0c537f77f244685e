"""Server benchmark: mailscope serve against a private Dovecot on loopback.

    python3 bench/server_bench.py PATH/TO/mailscope [--messages 10000]
        [--sessions 300] [--iterations 50] [--seed 7]

Both servers start with the same generated INBOX (a Maildir written once and
copied: mailscope imports it with --maildir, Dovecot serves it), then one
raw-socket client runs a fixed workload against each and prints the time per
phase and the ratio mailscope/Dovecot. A second run opens many concurrent
sessions that loop on NOOP and FETCH 1 FLAGS and reports commands per second
and latency percentiles. Not a CTest test: it takes a few minutes and its
numbers depend on the machine. Results are kept in bench/SERVER.md.
"""

import argparse
import calendar
import contextlib
import datetime
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from email.message import EmailMessage
from email.utils import format_datetime

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "dovecot"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))

from dovecot_fixture import DovecotServer  # noqa: E402
from mailscope_server import MailscopeServer  # noqa: E402

USER, PASSWORD = "alice", "wonderland"
WORDS = ("lab report meeting budget draft review schedule invoice garden river "
         "protocol mailbox server client session literal envelope").split()
NAMES = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "xavier"]
DEADLINE_SECONDS = 600


def generate_message(rng, index):
    """One message of 1-20 KB; every fifth is multipart with an attachment."""
    sender = rng.choice(NAMES)
    date = time.gmtime(1704067200 + index * 3600)
    message = EmailMessage()
    message["From"] = f"{sender.title()} <{sender}@example.org>"
    message["To"] = f"{rng.choice(NAMES)}@example.net"
    message["Subject"] = f"{rng.choice(WORDS)} {rng.choice(WORDS)} #{index}"
    message["Date"] = format_datetime(datetime.datetime(*date[:6], tzinfo=datetime.timezone.utc))
    message["Message-ID"] = f"<bench-{index}@example.org>"
    size = min(20 * 1024, 1024 + int(rng.expovariate(1 / 5000)))
    words = []
    length = 0
    while length < size:
        line = " ".join(rng.choice(WORDS) for _ in range(10))
        words.append(line)
        length += len(line) + 2
    text = "\n".join(words) + "\n"
    if index % 5 == 0:
        half = len(text) // 2
        message.set_content(text[:half])
        message.add_attachment(rng.randbytes(half * 3 // 4), maintype="application",
                               subtype="octet-stream", filename=f"data{index}.bin")
    else:
        message.set_content(text)
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n")), date


def write_maildir(root, count, seed):
    """A Maildir with `count` messages in cur/, file names sorting in
    generation order; every third message is \\Seen."""
    rng = random.Random(seed)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    total = 0
    for index in range(count):
        octets, date = generate_message(rng, index)
        flags = "S" if index % 3 == 0 else ""
        name = os.path.join(root, "cur", f"{1704067200 + index:010d}.M{index:06d}.bench:2,{flags}")
        with open(name, "wb") as out:
            out.write(octets)
        stamp = calendar.timegm(date)
        os.utime(name, (stamp, stamp))
        total += len(octets)
    return total


def timed_maildir(tmp, count, seed):
    """Writes the benchmark's Maildir of `count` messages under `tmp`, saying
    how long it took; returns its path and its size in octets."""
    source = os.path.join(tmp, "Maildir")
    start = time.perf_counter()
    octets = write_maildir(source, count, seed)
    print(f"generated {count} messages, {octets / 1e6:.1f} MB, "
          f"in {time.perf_counter() - start:.1f} s")
    return source, octets


@contextlib.contextmanager
def servers_on(binary, source, dovecot_config, *mailscope_args):
    """mailscope serve (loading the Maildir `source`, saying how long it
    took) and a private Dovecot serving a copy of it, both started; stopped
    and removed afterwards."""
    dovecot = DovecotServer({USER: PASSWORD}, extra_config=dovecot_config)
    shutil.copytree(source, dovecot.maildir(USER))
    mailscope = MailscopeServer(binary, "--maildir", source, "--user", f"{USER}:{PASSWORD}",
                                *mailscope_args, tls=False, timeout=300)
    try:
        start = time.perf_counter()
        mailscope.start()
        print(f"mailscope serve loaded the Maildir in {time.perf_counter() - start:.1f} s")
        dovecot.start()
        yield mailscope, dovecot
    finally:
        mailscope.stop()
        mailscope.tmp.cleanup()
        dovecot.cleanup()


def bench_parser(doc, *counts):
    """The command line of a benchmark on the INBOX built here: the mailscope
    binary, the INBOX's size and seed, and the benchmark's own `counts`, each
    (option, default)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("--messages", type=int, default=10000)
    for option, default in counts:
        parser.add_argument(option, type=int, default=default)
    parser.add_argument("--seed", type=int, default=7)
    return parser


def print_comparison(rows):
    """The table kept in bench/SERVER.md: each (phase, mailscope seconds,
    Dovecot seconds) in milliseconds, with their ratio."""
    print("| Phase | mailscope (ms) | Dovecot (ms) | mailscope/Dovecot |")
    print("|---|---:|---:|---:|")
    for phase, mine, theirs in rows:
        print(f"| `{phase}` | {mine * 1000:.1f} | {theirs * 1000:.1f} | "
              f"{mine / theirs if theirs else float('inf'):.2f} |")


class RawConnection:
    """A socket read through one growing buffer, a line up to CRLF at a time,
    so that the client costs little next to the server it measures."""

    def __init__(self, port):
        import socket

        self.sock = socket.create_connection(("127.0.0.1", port), timeout=120)
        self.buffer = bytearray()
        self.pos = 0

    def _fill(self):
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        if self.pos > (1 << 20):
            del self.buffer[: self.pos]
            self.pos = 0
        self.buffer += chunk

    def line(self):
        while True:
            end = self.buffer.find(b"\r\n", self.pos)
            if end >= 0:
                line = bytes(self.buffer[self.pos : end + 2])
                self.pos = end + 2
                return line
            self._fill()

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class BenchClient(RawConnection):
    """A raw IMAP client that reads responses without parsing them: it only
    skips literals and finds the tagged line."""

    def __init__(self, port):
        super().__init__(port)
        self.counter = 0
        self.read_line()

    def read_line(self):
        line = self.line()
        while line.endswith(b"}\r\n") and b"{" in line:
            size = int(line[line.rindex(b"{") + 1 : -3].rstrip(b"+"))
            while len(self.buffer) - self.pos < size:
                self._fill()
            self.pos += size
            line = self.line()
        return line

    def command(self, text):
        """Returns (status, untagged lines kept when short, untagged count)."""
        self.counter += 1
        tag = b"b%d" % self.counter
        self.sock.sendall(tag + b" " + text.encode() + b"\r\n")
        count = 0
        kept = []
        while True:
            line = self.read_line()
            if line.startswith(tag + b" "):
                status = line[len(tag) + 1 :].split(b" ", 1)[0].decode()
                if status != "OK":
                    raise RuntimeError(f"{text}: {line!r}")
                return status, kept, count
            count += 1
            if len(kept) < 20:
                kept.append(line)


PHASES = [
    ("LOGIN", f'LOGIN {USER} "{PASSWORD}"'),
    ("SELECT INBOX", "SELECT INBOX"),
    ("FETCH 1:* (FLAGS UID RFC822.SIZE INTERNALDATE ENVELOPE)",
     "FETCH 1:* (FLAGS UID RFC822.SIZE INTERNALDATE ENVELOPE)"),
    ("FETCH 1:* BODY.PEEK[]", "FETCH 1:* BODY.PEEK[]"),
    ('SEARCH FROM "xavier" SINCE 1-Mar-2024', 'SEARCH FROM "xavier" SINCE 1-Mar-2024'),
    ('SEARCH BODY "garden river"', 'SEARCH BODY "garden river"'),
    ("STORE 1:* +FLAGS (\\Flagged)", "STORE 1:* +FLAGS (\\Flagged)"),
    ("STORE 1:100 +FLAGS.SILENT (\\Deleted)", "STORE 1:100 +FLAGS.SILENT (\\Deleted)"),
    ("EXPUNGE (100 messages)", "EXPUNGE"),
]


def workload(port, expected):
    times = {}
    with BenchClient(port) as client:
        for name, text in PHASES:
            start = time.perf_counter()
            _, kept, count = client.command(text)
            times[name] = time.perf_counter() - start
            if name == "SELECT INBOX":
                exists = [line for line in kept if line.endswith(b" EXISTS\r\n")]
                if exists != [b"* %d EXISTS\r\n" % expected]:
                    raise RuntimeError(f"SELECT INBOX answered {exists}, expected {expected}")
            if name == "EXPUNGE (100 messages)" and count < 100:
                raise RuntimeError(f"EXPUNGE sent {count} responses")
    return times


def warm_up(port):
    """First SELECT: Dovecot builds its index here, mailscope has nothing to do."""
    with BenchClient(port) as client:
        client.command(f'LOGIN {USER} "{PASSWORD}"')
        start = time.perf_counter()
        client.command("SELECT INBOX")
        return time.perf_counter() - start


def concurrency(port, sessions, iterations):
    latencies = []
    errors = []
    lock = threading.Lock()
    barrier = threading.Barrier(sessions + 1)

    def session():
        mine = []
        try:
            client = BenchClient(port)
            client.command(f'LOGIN {USER} "{PASSWORD}"')
            client.command("EXAMINE INBOX")
            barrier.wait(timeout=120)
            for _ in range(iterations):
                for text in ("NOOP", "FETCH 1 FLAGS"):
                    start = time.perf_counter()
                    client.command(text)
                    mine.append(time.perf_counter() - start)
            client.close()
        except Exception as error:  # reported below, the run goes on
            with lock:
                errors.append(repr(error))
            try:
                barrier.abort()
            except threading.BrokenBarrierError:
                pass
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=session, daemon=True) for _ in range(sessions)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=180)
    start = time.perf_counter()
    for thread in threads:
        thread.join(timeout=DEADLINE_SECONDS)
    elapsed = time.perf_counter() - start
    latencies.sort()

    def percentile(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000

    return {"commands": len(latencies), "seconds": elapsed,
            "rate": len(latencies) / elapsed if elapsed else 0.0,
            "p50": percentile(0.50), "p99": percentile(0.99), "errors": errors}


def main():
    args = bench_parser(__doc__, ("--sessions", 300), ("--iterations", 50)).parse_args()

    limits = f"""
mail_max_userip_connections = {args.sessions + 50}
default_process_limit = {args.sessions + 50}
default_client_limit = {4 * args.sessions + 200}
"""
    with tempfile.TemporaryDirectory(prefix="mailscope-bench-") as tmp:
        source, octets = timed_maildir(tmp, args.messages, args.seed)
        with servers_on(args.binary, source, limits) as (mailscope, dovecot):
            ports = {"mailscope": mailscope.ports["imap"], "dovecot": dovecot.port}
            for name, port in ports.items():
                print(f"{name}: first SELECT {warm_up(port) * 1000:.0f} ms")
            results = {name: workload(port, args.messages) for name, port in ports.items()}
            print()
            print_comparison((phase, results["mailscope"][phase], results["dovecot"][phase])
                             for phase, _ in PHASES)
            print()
            print(f"{args.sessions} concurrent sessions x {args.iterations} x (NOOP, FETCH 1 FLAGS):")
            print("| Server | commands | seconds | commands/s | p50 (ms) | p99 (ms) | errors |")
            print("|---|---:|---:|---:|---:|---:|---:|")
            for name, port in ports.items():
                run = concurrency(port, args.sessions, args.iterations)
                print(f"| {name} | {run['commands']} | {run['seconds']:.2f} | {run['rate']:.0f} | "
                      f"{run['p50']:.2f} | {run['p99']:.2f} | {len(run['errors'])} |")
                for error in run["errors"][:3]:
                    print(f"  {name} error: {error}")


if __name__ == "__main__":
    main()
