#!/usr/bin/env python3
"""A classroom against `mailscope serve`, for minutes: bounded memory, no
error, no acknowledged write lost.

Students (two IMAP sessions per mailbox) APPEND, FETCH, STORE, SEARCH, IDLE
and UID EXPUNGE their own messages while SMTP senders deliver to POP3 users
who RETR and DELE. The server runs with --data-dir and --trace-dir. Its RSS
is sampled throughout; at the end it is stopped, started again on the same
data directory, and every message whose APPEND or delivery was acknowledged
must be there, and every message whose removal was acknowledged must not.
Optionally one session first sends NOOPs in lockstep (each waits for its
reply) to show that a long session does not grow the server.

usage: soak.py --binary MAILSCOPE [--duration SECONDS] [--sessions N]
               [--noops N] [--noop-client PATH] [--max-rss-mb MB]
Prints the figures; exits 1 on any failure.
"""

import argparse
import asyncio
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from mailscope_server import interrupt, wait_for_listeners  # noqa: E402

PASSWORD = "soak-secret"


class Failure(Exception):
    pass


class Server:
    def __init__(self, binary, users_file, data_dir, trace_dir):
        self.command = [binary, "serve", "--imap", "127.0.0.1:0", "--pop3", "127.0.0.1:0",
                        "--smtp", "127.0.0.1:0", "--users", users_file, "--data-dir", data_dir]
        if trace_dir:
            self.command += ["--trace-dir", trace_dir]
        self.process = None
        self.ports = {}
        self.output = []

    def start(self):
        self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        text=True)
        try:
            self.ports = wait_for_listeners(self.process, {"imap", "pop3", "smtp"}, 60,
                                            self.output)
        except RuntimeError as error:
            raise Failure(str(error)) from error
        return self

    def rss_kb(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def cpu_seconds(self):
        with open(f"/proc/{self.process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        if self.process.poll() is None and not interrupt(self.process, self.output, timeout=30):
            raise Failure("mailscope serve did not stop within 30 s of SIGINT")


async def close_quietly(writer):
    """Closes a connection whose peer may already have gone."""
    writer.close()
    try:
        await writer.wait_closed()
    except (ConnectionError, OSError):
        pass

class Stats:
    def __init__(self):
        self.latencies = []
        self.errors = []
        self.operations = 0

    def record(self, seconds):
        self.operations += 1
        if len(self.latencies) < 2_000_000:
            self.latencies.append(seconds)

    def error(self, text):
        if len(self.errors) < 50:
            self.errors.append(text)
        elif len(self.errors) == 50:
            self.errors.append("... more errors")


class Imap:
    """Just enough IMAP: tagged commands, literals in responses, IDLE."""

    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer
        self.counter = 0

    @classmethod
    async def open(cls, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 22)
        client = cls(reader, writer)
        greeting = await reader.readline()
        if not greeting.startswith(b"* OK"):
            raise Failure(f"IMAP greeting: {greeting!r}")
        return client

    async def read_response_line(self):
        line = await self.reader.readline()
        if not line:
            raise Failure("the server closed the IMAP connection")
        while True:
            match = re.search(rb"\{(\d+)\}\r\n$", line)
            if not match:
                return line
            line += await self.reader.readexactly(int(match.group(1)))
            line += await self.reader.readline()

    async def command(self, text, stats=None, literal=None):
        self.counter += 1
        tag = f"c{self.counter}"
        started = time.monotonic()
        if literal is None:
            self.writer.write(f"{tag} {text}\r\n".encode())
        else:
            self.writer.write(f"{tag} {text} {{{len(literal)}+}}\r\n".encode() + literal +
                              b"\r\n")
        await self.writer.drain()
        untagged = []
        while True:
            line = await self.read_response_line()
            if line.startswith(tag.encode() + b" "):
                if stats:
                    stats.record(time.monotonic() - started)
                status = line.split(b" ", 2)[1]
                # RFC 2180 4.1.2: a message the other session expunged and
                # this one was not told of yet may be refused; that is not
                # a failure of the server.
                if status == b"NO" and b"[EXPUNGEISSUED]" in line:
                    return line, untagged
                if status != b"OK":
                    raise Failure(f"{text.split()[0]}: {line.decode(errors='replace').strip()}")
                return line, untagged
            if line.startswith(b"* BYE"):
                raise Failure(f"unexpected BYE: {line!r}")
            untagged.append(line)

    async def idle(self, seconds, stats):
        self.counter += 1
        tag = f"c{self.counter}"
        started = time.monotonic()
        self.writer.write(f"{tag} IDLE\r\n".encode())
        await self.writer.drain()
        while True:
            line = await self.read_response_line()
            if line.startswith(b"+"):
                break
            if line.startswith(tag.encode()):
                raise Failure(f"IDLE refused: {line!r}")
        stats.record(time.monotonic() - started)
        await asyncio.sleep(seconds)
        self.writer.write(b"DONE\r\n")
        await self.writer.drain()
        while True:
            line = await self.read_response_line()
            if line.startswith(tag.encode() + b" "):
                if b" OK" not in line:
                    raise Failure(f"IDLE: {line!r}")
                return

    async def close(self):
        try:
            self.writer.write(b"z LOGOUT\r\n")
            await self.writer.drain()
            self.writer.close()
            await self.writer.wait_closed()
        except (ConnectionError, OSError):
            pass


def message(message_id, sender, recipient, size):
    body = ("The quick brown fox jumps over the lazy dog. " * (size // 45 + 1))[:size]
    return (f"From: {sender}\r\nTo: {recipient}\r\nSubject: soak {message_id}\r\n"
            f"Message-ID: <{message_id}>\r\n\r\n{body}\r\n").encode()


class Ledger:
    """What the server acknowledged: it must survive a restart."""

    def __init__(self):
        self.present = {}  # user -> set of Message-IDs acknowledged stored
        self.removed = {}  # user -> set of Message-IDs acknowledged removed

    def stored(self, user, message_id):
        self.present.setdefault(user, set()).add(message_id)

    def gone(self, user, message_id):
        self.present.setdefault(user, set()).discard(message_id)
        self.removed.setdefault(user, set()).add(message_id)


async def student(port, user, index, until, stats, ledger):
    """One of the two sessions on `user`'s INBOX."""
    rng = random.Random(f"{user}-{index}")
    client = await Imap.open(port)
    try:
        await client.command(f"LOGIN {user} {PASSWORD}", stats)
        await client.command("SELECT INBOX", stats)
        mine = []  # (uid, message-id) this session appended and not yet removed
        counter = 0
        while time.monotonic() < until:
            action = rng.random()
            if action < 0.25:
                counter += 1
                message_id = f"{user}.{index}.{counter}@soak.mailscope.test"
                line, _ = await client.command(
                    "APPEND INBOX (\\Draft)", stats,
                    literal=message(message_id, f"{user}@mailscope.test",
                                    f"{user}@mailscope.test", rng.randint(200, 4000)))
                match = re.search(rb"APPENDUID \d+ (\d+)", line)
                if not match:
                    raise Failure(f"APPEND without APPENDUID: {line!r}")
                mine.append((int(match.group(1)), message_id))
                ledger.stored(user, message_id)
            elif action < 0.45:
                await client.command("UID FETCH 1:* (FLAGS)", stats)
            elif action < 0.55 and mine:
                uid, _ = rng.choice(mine)
                await client.command(f"UID STORE {uid} +FLAGS (\\Seen)", stats)
            elif action < 0.65:
                await client.command("SEARCH UNSEEN", stats)
            elif action < 0.72:
                await client.idle(rng.uniform(0.2, 1.0), stats)
            else:
                await client.command("NOOP", stats)
            if len(mine) > 12:
                uid, message_id = mine.pop(0)
                await client.command(f"UID STORE {uid} +FLAGS.SILENT (\\Deleted)", stats)
                await client.command(f"UID EXPUNGE {uid}", stats)
                ledger.gone(user, message_id)
            await asyncio.sleep(rng.uniform(0.05, 0.4))
    finally:
        await client.close()


async def read_reply(reader):
    line = await reader.readline()
    if not line:
        raise Failure("the server closed the connection")
    return line


async def smtp_sender(port, recipients, until, stats, ledger, index):
    rng = random.Random(f"smtp-{index}")
    counter = 0
    while time.monotonic() < until:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            if not (await read_reply(reader)).startswith(b"220"):
                raise Failure("SMTP greeting")
            writer.write(b"EHLO soak.example\r\n")
            while True:
                line = await read_reply(reader)
                if line.startswith(b"250 "):
                    break
                if not line.startswith(b"250-"):
                    raise Failure(f"EHLO: {line!r}")
            for _ in range(rng.randint(3, 10)):
                if time.monotonic() >= until:
                    break
                counter += 1
                user = rng.choice(recipients)
                message_id = f"smtp.{index}.{counter}@soak.mailscope.test"
                started = time.monotonic()
                for command, expected in ((f"MAIL FROM:<sender{index}@example.org>", b"250"),
                                          (f"RCPT TO:<{user}@mailscope.test>", b"250"),
                                          ("DATA", b"354")):
                    writer.write(command.encode() + b"\r\n")
                    await writer.drain()
                    reply = await read_reply(reader)
                    if not reply.startswith(expected):
                        raise Failure(f"SMTP {command.split(':')[0]}: {reply!r}")
                writer.write(message(message_id, f"sender{index}@example.org",
                                     f"{user}@mailscope.test", rng.randint(300, 3000)) +
                             b".\r\n")
                await writer.drain()
                reply = await read_reply(reader)
                if not reply.startswith(b"250"):
                    raise Failure(f"SMTP end of data: {reply!r}")
                stats.record(time.monotonic() - started)
                ledger.stored(user, message_id)
                await asyncio.sleep(rng.uniform(0.1, 0.5))
            writer.write(b"QUIT\r\n")
            await writer.drain()
            await read_reply(reader)
        finally:
            await close_quietly(writer)


async def pop3_reader(port, user, until, stats, ledger):
    rng = random.Random(f"pop3-{user}")
    while time.monotonic() < until:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 22)
        deleted = []
        try:
            if not (await read_reply(reader)).startswith(b"+OK"):
                raise Failure("POP3 greeting")

            async def simple(command):
                started = time.monotonic()
                writer.write(command.encode() + b"\r\n")
                await writer.drain()
                reply = await read_reply(reader)
                if not reply.startswith(b"+OK"):
                    raise Failure(f"POP3 {command.split()[0]}: {reply!r}")
                stats.record(time.monotonic() - started)
                return reply

            async def multiline(command):
                reply = await simple(command)
                lines = []
                while True:
                    line = await read_reply(reader)
                    if line == b".\r\n":
                        return reply, lines
                    lines.append(line[1:] if line.startswith(b"..") else line)

            await simple(f"USER {user}")
            await simple(f"PASS {PASSWORD}")
            count = int((await simple("STAT")).split()[1])
            await multiline("UIDL")
            for number in range(1, min(count, 3) + 1):
                _, lines = await multiline(f"RETR {number}")
                ids = [re.search(rb"<([^>]+)>", line) for line in lines
                       if line.lower().startswith(b"message-id:")]
                if count > 8 and ids and ids[0]:
                    await simple(f"DELE {number}")
                    deleted.append(ids[0].group(1).decode())
            await simple("QUIT")
            for message_id in deleted:
                ledger.gone(user, message_id)
        finally:
            await close_quietly(writer)
        await asyncio.sleep(rng.uniform(0.5, 2.0))


async def guarded(name, coroutine, stats):
    try:
        await coroutine
    except (Failure, ConnectionError, OSError, asyncio.IncompleteReadError) as error:
        stats.error(f"{name}: {error}")


async def sample_rss(server, until, samples, started):
    while time.monotonic() < until:
        samples.append((time.monotonic() - started, server.rss_kb()))
        await asyncio.sleep(2)


async def classroom(server, args, students, pop_users, stats, ledger):
    started = time.monotonic()
    until = started + args.duration
    samples = []
    tasks = [sample_rss(server, until, samples, started)]
    for i in range(args.sessions):
        user = students[i // 2]
        tasks.append(guarded(f"{user} session {i % 2}",
                             student(server.ports["imap"], user, i % 2, until, stats, ledger),
                             stats))
    for i in range(args.smtp):
        tasks.append(guarded(f"smtp sender {i}",
                             smtp_sender(server.ports["smtp"], pop_users, until, stats, ledger, i),
                             stats))
    for user in pop_users:
        tasks.append(guarded(f"pop3 {user}",
                             pop3_reader(server.ports["pop3"], user, until, stats, ledger), stats))
    await asyncio.gather(*tasks)
    return samples, time.monotonic() - started


async def verify(port, ledger):
    """After the restart: acknowledged writes present, acknowledged removals gone."""
    problems = []
    for user in sorted(set(ledger.present) | set(ledger.removed)):
        client = await Imap.open(port)
        try:
            await client.command(f"LOGIN {user} {PASSWORD}")
            await client.command("SELECT INBOX")
            _, untagged = await client.command(
                "FETCH 1:* (BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        except Failure as error:
            if "FETCH" not in str(error):
                raise
            untagged = []
        finally:
            await client.close()
        found = set(m.decode() for m in re.findall(rb"Message-ID: <([^>]+)>", b"".join(untagged),
                                                   re.I))
        lost = ledger.present.get(user, set()) - found
        back = ledger.removed.get(user, set()) & found
        if lost:
            problems.append(f"{user}: {len(lost)} acknowledged messages lost, e.g. {min(lost)}")
        if back:
            problems.append(f"{user}: {len(back)} removed messages came back, e.g. {min(back)}")
    return problems


def noop_phase(server, args):
    """One session, NOOPs in lockstep; the server's RSS before and after."""
    client = args.noop_client
    before = server.rss_kb()
    started = time.monotonic()
    if client and os.path.exists(client):
        result = subprocess.run([client, "127.0.0.1", str(server.ports["imap"]), "student001",
                                 PASSWORD, str(args.noops)], capture_output=True, text=True)
        if result.returncode != 0:
            raise Failure(f"the NOOP client failed: {result.stdout}{result.stderr}")
    else:
        import socket
        with socket.create_connection(("127.0.0.1", server.ports["imap"]), timeout=30) as sock:
            stream = sock.makefile("rb")
            stream.readline()
            sock.sendall(f"a LOGIN student001 {PASSWORD}\r\n".encode())
            if b"OK" not in stream.readline():
                raise Failure("NOOP phase: LOGIN failed")
            for _ in range(args.noops):
                sock.sendall(b"n NOOP\r\n")
                if not stream.readline().startswith(b"n OK"):
                    raise Failure("NOOP phase: a NOOP was not answered OK")
    seconds = time.monotonic() - started
    return before, server.rss_kb(), seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--duration", type=float, default=600)
    parser.add_argument("--sessions", type=int, default=300, help="IMAP sessions (two per user)")
    parser.add_argument("--smtp", type=int, default=8, help="SMTP senders")
    parser.add_argument("--pop3", type=int, default=8, help="POP3 users")
    parser.add_argument("--noops", type=int, default=0, help="lockstep NOOPs before the class")
    parser.add_argument("--noop-client", help="a compiled lockstep NOOP client (faster)")
    parser.add_argument("--max-rss-mb", type=float, default=300)
    parser.add_argument("--no-trace", action="store_true", help="run without --trace-dir")
    args = parser.parse_args()

    students = [f"student{i:03}" for i in range(1, (args.sessions + 1) // 2 + 1)]
    pop_users = [f"pop{i:03}" for i in range(1, args.pop3 + 1)]
    failures = []
    with tempfile.TemporaryDirectory(prefix="mailscope-soak-") as tmp:
        users_file = os.path.join(tmp, "users")
        with open(users_file, "w") as out:
            for user in students + pop_users:
                out.write(f"{user}:{PASSWORD}\n")
        data_dir = os.path.join(tmp, "data")
        trace_dir = None if args.no_trace else os.path.join(tmp, "traces")
        server = Server(args.binary, users_file, data_dir, trace_dir).start()
        stats = Stats()
        ledger = Ledger()
        try:
            idle_rss = server.rss_kb()
            if args.noops:
                before, after, seconds = noop_phase(server, args)
                print(f"lockstep NOOPs: {args.noops} in {seconds:.1f} s "
                      f"({args.noops / seconds:.0f}/s); RSS {before / 1024:.1f} MB before, "
                      f"{after / 1024:.1f} MB after")
                if after > before + 16 * 1024:
                    failures.append(f"the NOOPs grew the server from {before} to {after} KB")
            cpu_before = server.cpu_seconds()
            samples, seconds = asyncio.run(
                classroom(server, args, students, pop_users, stats, ledger))
            cpu = server.cpu_seconds() - cpu_before
        finally:
            server.stop()
        failures += stats.errors
        # Each session's trace window fills over the first minute or so; the
        # growth that matters is after that.
        warm = next((kb for t, kb in samples if t >= max(60, args.duration / 4)), samples[-1][1])
        minute = next((kb for t, kb in samples if t >= 60), samples[-1][1])
        end = samples[-1][1]
        peak = max(kb for _, kb in samples)
        latencies = sorted(stats.latencies) or [0]
        p50 = latencies[len(latencies) // 2]
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        print(f"classroom: {args.sessions} IMAP sessions, {args.smtp} SMTP senders, "
              f"{args.pop3} POP3 users for {seconds:.0f} s")
        print(f"operations: {stats.operations} ({stats.operations / seconds:.0f}/s); "
              f"latency p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
              f"mean {statistics.fmean(latencies) * 1000:.1f} ms; server CPU {cpu:.1f} s "
              f"({100 * cpu / seconds:.0f}% of one core)")
        print(f"server RSS: idle {idle_rss / 1024:.1f} MB, after warm-up {warm / 1024:.1f} MB, "
              f"after 1 minute {minute / 1024:.1f} MB, at the end {end / 1024:.1f} MB, "
              f"peak {peak / 1024:.1f} MB")
        if peak > args.max_rss_mb * 1024:
            failures.append(f"peak RSS {peak / 1024:.1f} MB is over {args.max_rss_mb} MB")
        if end > warm * 1.25 + 16 * 1024:
            failures.append(f"RSS grew after warm-up: {warm} KB to {end} KB")
        acknowledged = sum(len(ids) for ids in ledger.present.values())
        removed = sum(len(ids) for ids in ledger.removed.values())
        restarted = Server(args.binary, users_file, data_dir, None).start()
        try:
            problems = asyncio.run(verify(restarted.ports["imap"], ledger))
        finally:
            restarted.stop()
        print(f"after a restart: {acknowledged} acknowledged messages checked, "
              f"{removed} acknowledged removals checked")
        failures += problems
        if trace_dir:
            traces = sum(1 for name in os.listdir(trace_dir) if name.endswith(".jsonl"))
            size = sum(os.path.getsize(os.path.join(trace_dir, name))
                       for name in os.listdir(trace_dir))
            print(f"traces: {traces} sessions, {size / 1e6:.1f} MB")
            if traces < args.sessions:
                failures.append(f"only {traces} trace files for {args.sessions} sessions")
    for failure in failures:
        print("FAIL:", failure)
    print("soak:", "failed" if failures else "passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
