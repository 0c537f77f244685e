"""POP3 server benchmark: mailscope serve --pop3 against a private Dovecot POP3.

    python3 bench/pop3_bench.py PATH/TO/mailscope [--messages 10000]
        [--runs 5] [--seed 7]

Both servers get the INBOX that bench/server_bench.py builds (the same
generator and seed; mailscope imports the Maildir with --maildir, Dovecot
serves a copy). One raw-socket client then times, on one POP3 connection per
run: USER/PASS, STAT, LIST, UIDL, RETR of every message, TOP n 0 of every
message (one command at a time, as poplib and most clients send them), then
DELE of the first 100 and QUIT, which removes them. Between runs the 100
messages are put back with IMAP APPEND on both servers, so every run starts
from a mailbox of the same size. The runs alternate between the servers;
each phase reports the median over the runs and the ratio mailscope/Dovecot.
Not a CTest test. Results are kept in bench/SERVER.md.
"""

import imaplib
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from server_bench import (  # noqa: E402
    PASSWORD,
    USER,
    RawConnection,
    bench_parser,
    print_comparison,
    servers_on,
    timed_maildir,
)
from dovecot_fixture import free_port, login_service  # noqa: E402  (on server_bench's path)

DELETED = 100


def dovecot_pop3_config(port):
    """Adds POP3 on 127.0.0.1:port to the fixture's IMAP-only configuration;
    Dovecot keeps the last value of a repeated setting."""
    return "protocols = imap pop3\n" + login_service("pop3", {"pop3": port, "pop3s": 0})


class Pop3Client(RawConnection):
    """Reads replies without decoding them: a single line up to CRLF, or a
    multi-line reply up to the line holding only a dot. Dot-stuffed lines
    start with two dots, so the terminator cannot match inside the data."""

    def __init__(self, port):
        super().__init__(port)
        greeting = self.line()
        if not greeting.startswith(b"+OK"):
            raise RuntimeError(f"greeting {greeting!r}")

    def login(self):
        self.single(f"USER {USER}")
        self.single(f"PASS {PASSWORD}")

    def single(self, text):
        self.sock.sendall(text.encode() + b"\r\n")
        reply = self.line()
        if not reply.startswith(b"+OK"):
            raise RuntimeError(f"{text.split()[0]}: {reply!r}")
        return reply

    def multi(self, text):
        """Returns the number of lines of data."""
        self.single(text)
        start = self.pos
        search = max(self.pos - 1, 0)
        while True:
            end = self.buffer.find(b"\n.\r\n", search)
            if end >= 0:
                lines = self.buffer.count(b"\n", start, end + 1)
                self.pos = end + 4
                return lines
            search = max(len(self.buffer) - 3, start)
            self._fill()


PHASES = ["USER/PASS", "STAT", "LIST", "UIDL", "RETR (every message)", "TOP n 0 (every message)",
          f"DELE 1..{DELETED} + QUIT"]


def workload(port, expected):
    times = {}
    with Pop3Client(port) as client:
        start = time.perf_counter()
        client.login()
        times["USER/PASS"] = time.perf_counter() - start

        start = time.perf_counter()
        stat = client.single("STAT").split()
        times["STAT"] = time.perf_counter() - start
        if int(stat[1]) != expected:
            raise RuntimeError(f"STAT answered {stat}, expected {expected} messages")

        for phase, command in (("LIST", "LIST"), ("UIDL", "UIDL")):
            start = time.perf_counter()
            lines = client.multi(command)
            times[phase] = time.perf_counter() - start
            if lines != expected:
                raise RuntimeError(f"{command} listed {lines} messages, expected {expected}")

        for phase, command in (("RETR (every message)", "RETR {}"),
                               ("TOP n 0 (every message)", "TOP {} 0")):
            start = time.perf_counter()
            lines = 0
            for number in range(1, expected + 1):
                lines += client.multi(command.format(number))
            times[phase] = time.perf_counter() - start
            # Every message has at least From, To, Subject, Date and the empty line.
            if lines < 5 * expected:
                raise RuntimeError(f"{phase}: only {lines} lines for {expected} messages")

        start = time.perf_counter()
        for number in range(1, DELETED + 1):
            client.single(f"DELE {number}")
        client.single("QUIT")
        times[PHASES[-1]] = time.perf_counter() - start
    return times


def count_messages(port):
    with Pop3Client(port) as client:
        client.login()
        count = int(client.single("STAT").split()[1])
        client.single("QUIT")
        return count


def warm_up(port):
    """One untimed session: Dovecot builds its index and caches sizes here."""
    with Pop3Client(port) as client:
        client.login()
        client.multi("LIST")
        client.multi("UIDL")
        client.single("QUIT")


def put_back(imap_port, messages):
    """APPENDs the deleted number of messages, so the next run starts full."""
    imap = imaplib.IMAP4("127.0.0.1", imap_port, timeout=120)
    try:
        imap.login(USER, PASSWORD)
        for octets in messages:
            status, reply = imap.append("INBOX", None, None, octets)
            if status != "OK":
                raise RuntimeError(f"APPEND: {reply}")
        imap.logout()
    except BaseException:
        imap.shutdown()
        raise


def main():
    parser = bench_parser(__doc__, ("--runs", 5))
    args = parser.parse_args()
    if args.messages <= DELETED:
        parser.error(f"--messages must be more than {DELETED}")

    with tempfile.TemporaryDirectory(prefix="mailscope-pop3-bench-") as tmp:
        source, octets = timed_maildir(tmp, args.messages, args.seed)
        cur = os.path.join(source, "cur")
        refill = []
        for name in sorted(os.listdir(cur))[:DELETED]:
            with open(os.path.join(cur, name), "rb") as message:
                refill.append(message.read())

        pop3_port = free_port()
        with servers_on(args.binary, source, dovecot_pop3_config(pop3_port), "--pop3",
                        "127.0.0.1:0") as (mailscope, dovecot):
            servers = {
                "mailscope": (mailscope.ports["pop3"], mailscope.ports["imap"]),
                "dovecot": (pop3_port, dovecot.port),
            }
            for name, (port, _) in servers.items():
                start = time.perf_counter()
                warm_up(port)
                print(f"{name}: first LIST and UIDL session {(time.perf_counter() - start) * 1000:.0f} ms")

            results = {name: {phase: [] for phase in PHASES} for name in servers}
            for run in range(args.runs):
                for name, (port, imap_port) in servers.items():
                    times = workload(port, args.messages)
                    for phase in PHASES:
                        results[name][phase].append(times[phase])
                    left = count_messages(port)
                    if left != args.messages - DELETED:
                        raise RuntimeError(f"{name}: {left} messages after DELE and QUIT")
                    put_back(imap_port, refill)
                print(f"run {run + 1} of {args.runs} done")

            print()
            print(f"{args.messages} messages, {octets / 1e6:.1f} MB; median of {args.runs} runs")
            print()
            print_comparison((phase, statistics.median(results["mailscope"][phase]),
                              statistics.median(results["dovecot"][phase])) for phase in PHASES)


if __name__ == "__main__":
    main()
