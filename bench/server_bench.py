"""Server benchmark: mailscope serve against a private Dovecot on loopback.

    python3 bench/server_bench.py PATH/TO/mailscope [--messages 10000] [--runs 5]
        [--sessions 300] [--iterations 50] [--reconnects 1000]
        [--reconnect-threads 4] [--no-trace-dir] [--seed 7] [--client PATH]

Both servers start with the same generated INBOX (a Maildir written once and
copied: mailscope imports it with --maildir, Dovecot serves it) and listen
for IMAP and POP3 on 127.0.0.1. One untimed pass of the whole workload warms
both (Dovecot's index and cache then hold the fetched fields, as for any
mailbox its user opened before); then --runs rounds each run the workload on
mailscope and then on Dovecot, a fresh connection each, and every phase
reports the median of each server and the ratio mailscope/Dovecot. The
single-connection phases are timed by bench/imap_load_client.cpp, a small C++
client that skips literals without scanning them, so that the client is not
what is measured. After the rounds: --sessions concurrent sessions and
reconnecting clients (Python threads, the same for both servers), then,
once, since it changes the mailbox, STORE \\Deleted on the first 100
messages and EXPUNGE. Also the servers' memory (VmRSS; for Dovecot, of all
its processes) and, before the servers start, the time mailscope takes to
import the same messages from an mbox (a refused import is reported as
such). mailscope writes every session's trace to a directory, as in a classroom,
unless --no-trace-dir. Not a CTest test: it takes minutes and its numbers depend on the machine.
Results are kept in bench/SERVER.md.
"""

import argparse
import calendar
import contextlib
import datetime
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from email.message import EmailMessage
from email.utils import format_datetime

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "dovecot"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))

from dovecot_fixture import DovecotServer, free_port, login_service  # noqa: E402
from peers import DOVECOT  # noqa: E402  (on dovecot_fixture's path)
from mailscope_server import interrupt, wait_for_listeners  # noqa: E402

USER, PASSWORD = "alice", "wonderland"
WORDS = ("lab report meeting budget draft review schedule invoice garden river "
         "protocol mailbox server client session literal envelope").split()
NAMES = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "xavier"]
DEADLINE_SECONDS = 600
DELETED = 100


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
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n")), date, sender


MBOXRD_FROM = re.compile(rb"^(>*From )", re.MULTILINE)


def write_mailboxes(root, count, seed):
    """The same `count` messages as a Maildir (root/Maildir, file names
    sorting in generation order, every third message \\Seen) and as an mboxrd
    file (root/inbox.mbox, LF line ends). Returns both paths and the octets of
    the messages."""
    maildir = os.path.join(root, "Maildir")
    mbox_path = os.path.join(root, "inbox.mbox")
    rng = random.Random(seed)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(maildir, sub), exist_ok=True)
    total = 0
    with open(mbox_path, "wb") as mbox:
        for index in range(count):
            octets, date, sender = generate_message(rng, index)
            flags = "S" if index % 3 == 0 else ""
            name = os.path.join(maildir, "cur",
                                f"{1704067200 + index:010d}.M{index:06d}.bench:2,{flags}")
            with open(name, "wb") as out:
                out.write(octets)
            stamp = calendar.timegm(date)
            os.utime(name, (stamp, stamp))
            total += len(octets)
            mbox.write(f"From {sender}@example.org {time.asctime(date)}\n".encode())
            mbox.write(MBOXRD_FROM.sub(rb">\1", octets.replace(b"\r\n", b"\n")))
            mbox.write(b"\n")
    return maildir, mbox_path, total


def disk_usage(path):
    """Octets allocated on disk for the files under `path` (as du counts)."""
    used = 0
    for top, _, files in os.walk(path):
        for name in files:
            used += os.lstat(os.path.join(top, name)).st_blocks * 512
    return used


def vm_rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:  # the process ended since it was listed: it holds nothing
        pass
    return 0


def process_group_rss_kib(pgid):
    """The VmRSS of every process in process group `pgid` added up, and how
    many there are: Dovecot is a master with a child per service and per
    session, all in the group the fixture starts it in."""
    total = processes = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            total += vm_rss_kib(entry)
            processes += 1
    return total, processes


def dovecot_config(pop3_port, sessions):
    """POP3 on 127.0.0.1:pop3_port added to the fixture's IMAP-only
    configuration (Dovecot keeps the last value of a repeated setting), and
    process and connection limits raised for the concurrent sessions."""
    return f"""
protocols = imap pop3
{login_service("pop3", {"pop3": pop3_port, "pop3s": 0})}
mail_max_userip_connections = {sessions + 50}
default_process_limit = {sessions + 50}
default_client_limit = {4 * sessions + 200}
"""


class MailscopeServe:
    """`mailscope serve` listening for IMAP and for what `args` add on
    127.0.0.1 ports the kernel picks, with --trace-dir `trace_dir` unless it
    is None; started here. tests/integration's MailscopeServer always
    traces, and the benchmark times mailscope both ways."""

    def __init__(self, binary, *args, trace_dir=None):
        command = [binary, "serve", "--imap", "127.0.0.1:0", *args]
        if trace_dir:
            command += ["--trace-dir", trace_dir]
        self.trace_dir = trace_dir
        self.output = []
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, text=True)
        try:
            wanted = {"imap"} | {arg[2:] for arg in args if arg == "--pop3"}
            self.ports = wait_for_listeners(self.process, wanted, 300, self.output)
        except BaseException:
            self.stop()
            raise

    def stop(self):
        if self.process.poll() is None:
            interrupt(self.process, self.output, timeout=30)

    def wait_for_traces(self, sessions):
        """Waits until `sessions` IMAP and as many POP3 sessions have ended
        and their traces are written (the report is the last file)."""
        if not self.trace_dir:
            return
        deadline = time.monotonic() + 120
        while True:
            names = os.listdir(self.trace_dir) if os.path.isdir(self.trace_dir) else []
            if all(sum(name.startswith(f"{listener}-") and name.endswith(".report.txt")
                       for name in names) >= sessions for listener in ("imap", "pop3")):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"mailscope did not write the traces of {sessions} sessions")
            time.sleep(0.02)


@contextlib.contextmanager
def servers_on(binary, maildir, sessions, trace_dir):
    """mailscope serve (loading `maildir`) and a private Dovecot serving a
    copy of it, both with IMAP and POP3, started; stopped and removed
    afterwards, also on failure. Yields them with mailscope's load time."""
    pop3_port = free_port()
    dovecot = DovecotServer({USER: PASSWORD}, extra_config=dovecot_config(pop3_port, sessions))
    dovecot.pop3_port = pop3_port
    try:
        shutil.copytree(maildir, dovecot.maildir(USER))
        start = time.perf_counter()
        mailscope = MailscopeServe(binary, "--maildir", maildir, "--user", f"{USER}:{PASSWORD}",
                                   "--pop3", "127.0.0.1:0", "--max-connections",
                                   str(sessions + 50), trace_dir=trace_dir)
        loaded = time.perf_counter() - start
        try:
            dovecot.start()
            yield mailscope, dovecot, loaded
        finally:
            mailscope.stop()
    finally:
        dovecot.cleanup()


def load_client(given, tmp):
    """The path of the load client: `given` (the CMake target
    imap_load_client), or bench/imap_load_client.cpp compiled here."""
    if given:
        return given
    binary = os.path.join(tmp, "imap_load_client")
    subprocess.run([os.environ.get("CXX", "c++"), "-std=c++20", "-O2", "-o", binary,
                    os.path.join(HERE, "imap_load_client.cpp")], check=True)
    return binary


def run_script(client, port, protocol, steps):
    """Runs (label, count, command) steps on one connection of the load
    client; returns {label: (seconds, octets, untagged, client CPU seconds)},
    "connect" included."""
    script = "".join(f"{label}\t{count}\t{command}\n" for label, count, command in steps)
    result = subprocess.run([client, str(port), protocol], input=script, capture_output=True,
                            text=True, timeout=DEADLINE_SECONDS)
    if result.returncode != 0:
        raise RuntimeError(f"{protocol} on port {port}: {result.stderr.strip()}")
    times = {}
    for line in result.stdout.splitlines():
        label, micros, octets, untagged, cpu = line.split("\t")
        times[label] = (int(micros) / 1e6, int(octets), int(untagged), int(cpu) / 1e6)
    return times


CONNECT = "connect + LOGIN + SELECT INBOX"
IMAP_STEPS = [
    ("LOGIN", 1, f'LOGIN {USER} "{PASSWORD}"'),
    ("SELECT INBOX", 1, "SELECT INBOX"),
    ("FETCH 1:* (FLAGS UID RFC822.SIZE INTERNALDATE ENVELOPE)", 1,
     "FETCH 1:* (FLAGS UID RFC822.SIZE INTERNALDATE ENVELOPE)"),
    ("FETCH 1:* BODY.PEEK[]", 1, "FETCH 1:* BODY.PEEK[]"),
    ("UID FETCH 1:* (FLAGS)", 1, "UID FETCH 1:* (FLAGS)"),
    ("STORE 1:* +FLAGS (\\Flagged)", 1, "STORE 1:* +FLAGS (\\Flagged)"),
    # Untimed: puts the flags back so that every round starts alike.
    ("unflag", 1, "STORE 1:* -FLAGS.SILENT (\\Flagged)"),
    ('SEARCH FROM "xavier" SINCE 1-Mar-2024', 1, 'SEARCH FROM "xavier" SINCE 1-Mar-2024'),
    ('SEARCH BODY "garden river"', 1, 'SEARCH BODY "garden river"'),
    ("LOGOUT", 1, "LOGOUT"),
]
# Untagged responses each FETCH or STORE of 1:* must send: one per message.
PER_MESSAGE = ["FETCH 1:* (FLAGS UID RFC822.SIZE INTERNALDATE ENVELOPE)", "FETCH 1:* BODY.PEEK[]",
               "UID FETCH 1:* (FLAGS)", "STORE 1:* +FLAGS (\\Flagged)"]

# The POP3 connection opens right after the IMAP session's LOGOUT: its
# greeting also shows what the server does when a session ends.
POP3_GREETING = "POP3 connect + greeting (after the IMAP LOGOUT)"
POP3_LOGIN = "POP3 USER/PASS"
RETR = "POP3 RETR (every message)"
TOP = "POP3 TOP n 0 (every message)"


def pop3_steps(messages):
    return [("USER", 1, f"USER {USER}"), ("PASS", 1, f"PASS {PASSWORD}"),
            (RETR, messages, "RETR %n"), (TOP, messages, "TOP %n 0"), ("QUIT", 1, "QUIT")]


PHASES = [CONNECT] + [label for label, _, _ in IMAP_STEPS[2:] if label not in ("unflag", "LOGOUT")]
PHASES += [POP3_GREETING, POP3_LOGIN, RETR, TOP]


def workload(client, ports, messages):
    """One pass of the single-connection phases on one server; returns
    {phase: seconds}, {phase: the load client's CPU seconds} and the octets
    FETCH BODY.PEEK[] read."""
    imap = run_script(client, ports["imap"], "imap", IMAP_STEPS)
    for phase in PER_MESSAGE:
        if imap[phase][2] != messages:
            raise RuntimeError(f"{phase} sent {imap[phase][2]} responses, expected {messages}")
    pop3 = run_script(client, ports["pop3"], "pop3", pop3_steps(messages))
    # Every message has at least From, To, Subject, Date and the empty line.
    for phase in (RETR, TOP):
        if pop3[phase][2] < 5 * messages:
            raise RuntimeError(f"{phase}: only {pop3[phase][2]} lines for {messages} messages")
    parts = {CONNECT: (imap, ("connect", "LOGIN", "SELECT INBOX")),
             POP3_GREETING: (pop3, ("connect",)), POP3_LOGIN: (pop3, ("USER", "PASS"))}
    times, cpu = {}, {}
    for phase in PHASES:
        steps, labels = parts.get(phase, (imap if phase in imap else pop3, (phase,)))
        times[phase] = sum(steps[label][0] for label in labels)
        cpu[phase] = sum(steps[label][3] for label in labels)
    return times, cpu, imap["FETCH 1:* BODY.PEEK[]"][1]


def destructive(client, port):
    """STORE \\Deleted on the first DELETED messages and EXPUNGE, once: it
    changes the mailbox, so it comes after every round."""
    steps = [("LOGIN", 1, f'LOGIN {USER} "{PASSWORD}"'), ("SELECT INBOX", 1, "SELECT INBOX"),
             ("store", 1, f"STORE 1:{DELETED} +FLAGS.SILENT (\\Deleted)"),
             ("expunge", 1, "EXPUNGE"), ("LOGOUT", 1, "LOGOUT")]
    times = run_script(client, port, "imap", steps)
    if times["expunge"][2] < DELETED:
        raise RuntimeError(f"EXPUNGE sent {times['expunge'][2]} responses")
    return times["store"][0], times["expunge"][0]


class RawConnection:
    """A socket read through one growing buffer, a line up to CRLF at a time."""

    def __init__(self, port):
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


class BenchClient(RawConnection):
    """The Python client of the many-session phases: it only skips literals
    and finds the tagged line. Its commands have small answers, so here the
    Python costs the same for both servers and bounds both."""

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
        self.counter += 1
        tag = b"b%d" % self.counter
        self.sock.sendall(tag + b" " + text.encode() + b"\r\n")
        while True:
            line = self.read_line()
            if line.startswith(tag + b" "):
                if not line[len(tag) + 1 :].startswith(b"OK"):
                    raise RuntimeError(f"{text}: {line!r}")
                return


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * p))]


def rate_summary(samples, elapsed, errors):
    """A timed phase of many sessions or commands: how many, how fast, and
    the percentiles of `samples` (seconds) in milliseconds."""
    samples = sorted(samples)
    return {"count": len(samples), "seconds": elapsed,
            "rate": len(samples) / elapsed if elapsed else 0.0,
            "p50": percentile(samples, 0.50) * 1000, "p99": percentile(samples, 0.99) * 1000,
            "errors": errors}


def concurrency(client, port, sessions, iterations, all_in):
    """`sessions` connections, all held by one `client` process
    (imap_load_client's concurrent mode, polling them together: Python
    threads were slower than either server), each log in and EXAMINE INBOX;
    once all are in, `all_in()` is called and its result kept, then every
    session loops `iterations` times on NOOP and FETCH 1 FLAGS, one command
    in flight per session."""
    process = subprocess.Popen([client, str(port), "concurrent", str(sessions), str(iterations),
                                USER, PASSWORD],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        ready = process.stdout.readline().rstrip("\n").split("\t")
        if ready[0] != "ready":
            raise RuntimeError(f"imap_load_client concurrent: {ready}")
        # Read while the sessions wait: under load, reading /proc for 300
        # processes took longer than the loops.
        seen = all_in()
        process.stdin.write("go\n")
        process.stdin.flush()
        output, _ = process.communicate(timeout=DEADLINE_SECONDS)
    except BaseException:
        process.kill()
        process.communicate()
        raise
    if process.returncode != 0:
        raise RuntimeError(f"imap_load_client concurrent exited with {process.returncode}")
    label, count, micros, p50, p99, failed, cpu = output.strip().split("\t")
    elapsed = int(micros) / 1e6
    errors = [f"{int(failed) + int(ready[1])} sessions failed"] if int(failed) + int(ready[1]) else []
    return {"count": int(count), "seconds": elapsed,
            "rate": int(count) / elapsed if elapsed else 0.0,
            "p50": int(p50) / 1000, "p99": int(p99) / 1000, "errors": errors,
            "client_cpu": int(cpu) / 1e6 / elapsed if elapsed else 0.0, "all_in": seen}


def reconnects(port, total, threads_count):
    """`threads_count` threads share `total` sessions, each a new connection:
    greeting, LOGIN, SELECT INBOX, LOGOUT, close."""
    durations = []
    errors = []
    lock = threading.Lock()
    left = [total]

    def worker():
        mine = []
        while True:
            with lock:
                if left[0] == 0:
                    break
                left[0] -= 1
            start = time.perf_counter()
            try:
                client = BenchClient(port)
                client.command(f'LOGIN {USER} "{PASSWORD}"')
                client.command("SELECT INBOX")
                client.command("LOGOUT")
                client.close()
                mine.append(time.perf_counter() - start)
            except Exception as error:  # counted in the table, the run goes on
                with lock:
                    errors.append(repr(error))
        with lock:
            durations.extend(mine)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(threads_count)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DEADLINE_SECONDS)
    elapsed = time.perf_counter() - start
    return rate_summary(durations, elapsed, errors)


def import_mbox(binary, mbox):
    """Times `mailscope serve --mbox` from its start to its IMAP listener and
    reads its RSS then; a refused import (the server exits instead) comes
    back as its reason."""
    start = time.perf_counter()
    try:
        server = MailscopeServe(binary, "--mbox", mbox, "--user", f"{USER}:{PASSWORD}")
    except RuntimeError as error:
        # wait_for_listeners prefixes what the server printed before exiting.
        said = str(error).removeprefix("mailscope serve exited: ").strip().splitlines()
        return {"refused": said[-1] if said else str(error)}
    try:
        return {"seconds": time.perf_counter() - start, "rss": vm_rss_kib(server.process.pid)}
    finally:
        server.stop()


def load_average():
    return " ".join(f"{figure:.1f}" for figure in os.getloadavg())


def machine():
    """What bench/SERVER.md records of the machine and the load on it."""
    with open("/proc/meminfo") as meminfo:
        total = int(meminfo.readline().split()[1])
    dovecot = subprocess.run([DOVECOT, "--version"], capture_output=True, text=True).stdout
    return (f"{os.cpu_count()} cores, {total / 2**20:.0f} GB, Linux {os.uname().release}, "
            f"Dovecot {dovecot.strip()}; load average {load_average()}")


def ratio(mine, theirs):
    return f"{mine / theirs:.2f}" if theirs else "inf"


def print_phase_table(rows):
    """Each (phase, mailscope seconds, Dovecot seconds) in milliseconds."""
    print("| Phase | mailscope (ms) | Dovecot (ms) | mailscope/Dovecot |")
    print("|---|---:|---:|---:|")
    for phase, mine, theirs in rows:
        print(f"| `{phase}` | {mine * 1000:.1f} | {theirs * 1000:.1f} | {ratio(mine, theirs)} |")


def print_session_table(results, unit):
    print(f"| Server | {unit} | seconds | {unit}/s | p50 (ms) | p99 (ms) | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, run in results.items():
        print(f"| {name} | {run['count']} | {run['seconds']:.2f} | {run['rate']:.0f} | "
              f"{run['p50']:.2f} | {run['p99']:.2f} | {len(run['errors'])} |")
    for name, run in results.items():
        for error in run["errors"][:3]:
            print(f"  {name} error: {error}")


def parse_arguments():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n", 2)[2], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary", help="the mailscope executable (a Release build)")
    parser.add_argument("--messages", type=int, default=10000,
                        help=f"messages in the INBOX, more than {DELETED} (default 10000: "
                        "about 63 MB)")
    parser.add_argument("--runs", type=int, default=5,
                        help="timed rounds, each on mailscope then on Dovecot; every phase "
                        "reports the median (default 5)")
    parser.add_argument("--sessions", type=int, default=300,
                        help="concurrent sessions of the many-session phase (default 300)")
    parser.add_argument("--iterations", type=int, default=50,
                        help="NOOP and FETCH 1 FLAGS rounds of each concurrent session "
                        "(default 50)")
    parser.add_argument("--reconnects", type=int, default=1000,
                        help="sessions of the reconnect phase, each connect, LOGIN, SELECT "
                        "INBOX, LOGOUT (default 1000)")
    parser.add_argument("--reconnect-threads", type=int, default=4,
                        help="threads sharing the reconnect phase's sessions (default 4)")
    parser.add_argument("--no-trace-dir", action="store_true",
                        help="run mailscope serve without --trace-dir; by default it writes "
                        "every session's transcript, JSON Lines and report to a trace "
                        "directory as it runs, as in a classroom")
    parser.add_argument("--seed", type=int, default=7,
                        help="seed of the message generator (default 7)")
    parser.add_argument("--client",
                        help="a built imap_load_client (CMake target of bench/); by default "
                        "bench/imap_load_client.cpp is compiled with $CXX or c++ -O2 into a "
                        "temporary directory")
    args = parser.parse_args()
    if args.messages <= DELETED:
        parser.error(f"--messages must be more than {DELETED}")
    if args.runs < 1 or args.sessions < 1 or args.reconnects < 1 or args.reconnect_threads < 1:
        parser.error("--runs, --sessions, --reconnects and --reconnect-threads must be positive")
    return args


def main():
    args = parse_arguments()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: {machine()}")
    with tempfile.TemporaryDirectory(prefix="mailscope-bench-") as tmp:
        client = load_client(args.client, tmp)
        start = time.perf_counter()
        maildir, mbox, octets = write_mailboxes(tmp, args.messages, args.seed)
        on_disk = disk_usage(maildir)
        mbox_octets = os.path.getsize(mbox)
        print(f"generated {args.messages} messages, {octets / 1e6:.1f} MB "
              f"({on_disk / 1e6:.1f} MB on disk as a Maildir, mbox {mbox_octets / 1e6:.1f} MB), "
              f"in {time.perf_counter() - start:.1f} s")

        imported = import_mbox(args.binary, mbox)

        trace_dir = None if args.no_trace_dir else os.path.join(tmp, "traces")
        with servers_on(args.binary, maildir, args.sessions, trace_dir) as (mailscope, dovecot,
                                                                           loaded):
            ports = {"mailscope": mailscope.ports,
                     "Dovecot": {"imap": dovecot.port, "pop3": dovecot.pop3_port}}

            def rss():
                return {"mailscope": (vm_rss_kib(mailscope.process.pid), 1),
                        "Dovecot": process_group_rss_kib(dovecot.process.pid)}

            memory = {"after loading": rss()}
            passes = [0]

            def pass_on(name, server_ports):
                """One workload pass; on mailscope it also waits until the
                server has written both sessions' traces, so that this work
                does not overlap Dovecot's turn."""
                measured = workload(client, server_ports, args.messages)
                if name == "mailscope":
                    passes[0] += 1
                    mailscope.wait_for_traces(passes[0])
                return measured

            first = {name: pass_on(name, server_ports)[0] for name, server_ports in ports.items()}
            memory["after the warm pass"] = rss()

            results = {name: {phase: [] for phase in PHASES} for name in ports}
            client_cpu = {name: {phase: [] for phase in PHASES} for name in ports}
            body_octets = 0
            for run in range(args.runs):
                for name, server_ports in ports.items():
                    times, cpu, body_octets = pass_on(name, server_ports)
                    for phase in PHASES:
                        results[name][phase].append(times[phase])
                        client_cpu[name][phase].append(cpu[phase])
                print(f"round {run + 1} of {args.runs} done")

            many = {name: concurrency(client, p["imap"], args.sessions, args.iterations, rss)
                    for name, p in ports.items()}
            memory[f"{args.sessions} sessions open"] = {
                name: many[name]["all_in"][name] for name in ports}
            again = {name: reconnects(p["imap"], args.reconnects, args.reconnect_threads)
                     for name, p in ports.items()}
            memory["after the session phases"] = rss()
            expunged = {name: destructive(client, p["imap"]) for name, p in ports.items()}
            traces = disk_usage(trace_dir) if trace_dir else 0

        print()
        print(f"{args.messages} messages, {octets / 1e6:.1f} MB; mailscope loaded the Maildir "
              f"in {loaded:.2f} s; median of {args.runs} interleaved rounds after one warm pass; "
              f"FETCH BODY.PEEK[] read {body_octets / 1e6:.1f} MB; "
              + (f"mailscope wrote {traces / 1e6:.0f} MB of session traces (--trace-dir) in all"
                 if trace_dir else "mailscope ran without --trace-dir"))
        print()
        print_phase_table((phase, statistics.median(results["mailscope"][phase]),
                           statistics.median(results["Dovecot"][phase])) for phase in PHASES)
        print()
        print("The load client's CPU time (user + system) as a share of each phase's elapsed "
              "time, median of the rounds:")
        print()
        print("| Phase | on mailscope | on Dovecot |")
        print("|---|---:|---:|")
        for phase in PHASES:
            shares = [statistics.median(cpu / elapsed for cpu, elapsed
                                        in zip(client_cpu[name][phase], results[name][phase]))
                      for name in ports]
            print(f"| `{phase}` | {shares[0]:.0%} | {shares[1]:.0%} |")
        print()
        print("First (warm-up) pass, untimed in the medians: Dovecot builds its index and cache "
              "here")
        print()
        print_phase_table((phase, first["mailscope"][phase], first["Dovecot"][phase])
                          for phase in PHASES)
        print()
        print(f"Once, after the rounds: STORE 1:{DELETED} +FLAGS.SILENT (\\Deleted), EXPUNGE")
        print()
        print_phase_table([(f"STORE 1:{DELETED} +FLAGS.SILENT (\\Deleted)",
                            expunged["mailscope"][0], expunged["Dovecot"][0]),
                           (f"EXPUNGE ({DELETED} messages)",
                            expunged["mailscope"][1], expunged["Dovecot"][1])])
        print()
        print(f"{args.sessions} concurrent sessions x {args.iterations} x (NOOP, FETCH 1 FLAGS):")
        print()
        print_session_table(many, "commands")
        print("The client's CPU time over the phase: " + ", ".join(
            f"{name} {run['client_cpu'] * 100:.0f} %" for name, run in many.items()))
        print()
        print(f"Reconnecting clients: {args.reconnects} sessions (connect, LOGIN, SELECT INBOX, "
              f"LOGOUT) from {args.reconnect_threads} threads; latency is per session:")
        print()
        print_session_table(again, "sessions")
        print()
        print(f"RSS (mailscope: its process; Dovecot: all processes of its process group "
              f"added up), against {on_disk / 1e6:.1f} MB of Maildir on disk:")
        print()
        print("| When | mailscope MB | Dovecot MB (processes) | mailscope / on disk |")
        print("|---|---:|---:|---:|")
        for when, figures in memory.items():
            (mine, _), (theirs, processes) = figures["mailscope"], figures["Dovecot"]
            print(f"| {when} | {mine / 1024:.1f} | {theirs / 1024:.1f} ({processes}) | "
                  f"{mine * 1024 / on_disk:.2f} |")
        print()
        if "refused" in imported:
            print(f"mbox import ({mbox_octets / 1e6:.1f} MB): refused: {imported['refused']}")
        else:
            print(f"mbox import ({mbox_octets / 1e6:.1f} MB): listening after "
                  f"{imported['seconds']:.2f} s, {mbox_octets / 1e6 / imported['seconds']:.1f} "
                  f"MB/s, RSS {imported['rss'] / 1024:.1f} MB")
        print(f"load average at the end: {load_average()}")


if __name__ == "__main__":
    main()
