"""`mailscope serve` under hostile and broken clients: back-pressure, limits on
unsent output and on connections, running out of file descriptors, TLS
handshakes that never finish and clients that trickle a line.

Run by CTest as: python3 test_serve_limits.py PATH/TO/mailscope
Every network operation stays on 127.0.0.1 and has a deadline.
"""

import imaplib
import itertools
import mmap
import os
import resource
import select
import socket
import sys
import tempfile
import time
import unittest

from mailscope_server import MailscopeServer

BINARY = None
TIMEOUT = 10
USER, PASSWORD = "alice", "wonderland"
MIB = 1024 * 1024


def start(*extra):
    """A server with every listener; start() waits until all are announced."""
    return MailscopeServer(BINARY, "--pop3", "127.0.0.1:0", "--pop3s", "127.0.0.1:0",
                           "--smtp", "127.0.0.1:0", "--smtps", "127.0.0.1:0", *extra).start()


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def sanitized(pid):
    """AddressSanitizer keeps freed memory in quarantine, so RSS says
    nothing about what the server holds. GCC loads its runtime as libasan;
    clang links it into the program, whose text then names it."""
    with open(f"/proc/{pid}/maps") as maps:
        if "libasan" in maps.read():
            return True
    with open(f"/proc/{pid}/exe", "rb") as program:
        with mmap.mmap(program.fileno(), 0, access=mmap.ACCESS_READ) as text:
            return text.find(b"AddressSanitizer") >= 0


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    # utime and stime are fields 14 and 15 of proc(5); the split starts at field 3.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Line:
    """Reads CRLF lines from a socket with a deadline."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = b""

    def read(self, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no complete line; have {self.buffer[:200]!r}")
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError(f"closed; have {self.buffer[:200]!r}")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line + b"\n"

    def until(self, prefix, timeout=TIMEOUT):
        lines = []
        while True:
            line = self.read(timeout)
            lines.append(line)
            if line.startswith(prefix):
                return lines


def closed_within(sock, seconds):
    """Seconds until the server closed the connection (reading and dropping
    what it sends), or None when it is still open after `seconds`."""
    started = time.monotonic()
    deadline = started + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([sock], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            continue
        try:
            if not sock.recv(65536):
                return time.monotonic() - started
        except ConnectionResetError:
            return time.monotonic() - started
    return None


def connect(port, receive_buffer=None):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if receive_buffer:
        # Before connecting, so the window stays small: the server's output
        # then waits in the server, not in this process's kernel buffers.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.settimeout(TIMEOUT)
    sock.connect(("127.0.0.1", port))
    return sock


class ServerTest(unittest.TestCase):
    def serve(self, *extra):
        server = start(*extra)
        self.addCleanup(server.tmp.cleanup)
        self.addCleanup(server.stop)
        return server

    def connect(self, port, receive_buffer=None):
        sock = connect(port, receive_buffer)
        self.addCleanup(sock.close)
        return sock

    def imap_logged_in(self, server, receive_buffer=None):
        sock = self.connect(server.ports["imap"], receive_buffer)
        lines = Line(sock)
        self.assertTrue(lines.read().startswith(b"* OK"))
        sock.sendall(f"a LOGIN {USER} {PASSWORD}\r\n".encode())
        self.assertTrue(lines.until(b"a ")[-1].startswith(b"a OK"))
        sock.sendall(b"b SELECT INBOX\r\n")
        self.assertTrue(lines.until(b"b ")[-1].startswith(b"b OK"))
        return sock, lines


class BackPressure(ServerTest):
    """A client that pipelines commands and never reads the replies."""

    def flood(self, server, sock, command, most_growth):
        """Sends `command` (with a counter in its tag) until the server stops
        taking input; fails if that does not happen or the server's memory
        grows by `most_growth` first. Returns (octets sent, RSS when idle)."""
        idle = rss_bytes(server.process.pid)
        sock.setblocking(False)
        sent = bytearray()
        pending = b""
        number = 0
        deadline = time.monotonic() + 60
        blocked_since = None
        while True:
            growth = rss_bytes(server.process.pid) - idle
            self.assertLess(growth, most_growth,
                            f"the server keeps reading: its RSS grew by {growth >> 20} MB after "
                            f"{len(sent) >> 10} KiB of commands")
            # The kernel's buffers on both sides hold a few MiB of input.
            self.assertLess(len(sent), 32 * MIB, "the server still reads after 32 MiB of commands")
            self.assertLess(time.monotonic(), deadline,
                            f"the server still reads after {len(sent) >> 20} MiB of commands")
            if not pending:
                pending = b"".join(command(number + i) for i in range(512))
                number += 512
            _, writable, _ = select.select([], [sock], [], 0.5)
            if not writable:
                if blocked_since is None:
                    blocked_since = time.monotonic()
                elif time.monotonic() - blocked_since > 3:
                    break
                continue
            try:
                n = sock.send(pending)
            except BlockingIOError:
                continue
            blocked_since = None
            sent += pending[:n]
            pending = pending[n:]
        return sent, idle

    def test_fetch_whose_replies_are_never_read(self):
        server = self.serve()
        sock, _ = self.imap_logged_in(server, receive_buffer=4096)
        most_growth = 512 * MIB if sanitized(server.process.pid) else 64 * MIB
        _, idle = self.flood(server, sock, lambda n: b"f%d FETCH 1:* (BODY.PEEK[])\r\n" % n,
                             most_growth)
        # The server is not busy with the flood: another client is served,
        # and the memory stays where it was.
        other, lines = self.imap_logged_in(server)
        other.sendall(b"c NOOP\r\n")
        self.assertTrue(lines.until(b"c ")[-1].startswith(b"c OK"))
        self.assertLess(rss_bytes(server.process.pid) - idle, most_growth)

    def test_noop_replies_read_late_are_all_there(self):
        server = self.serve()
        sock, lines = self.imap_logged_in(server, receive_buffer=4096)
        # The kernel's buffers let the server answer a few hundred thousand
        # NOOPs before it stops reading; the session keeps only a window of
        # its trace, so that costs no memory that stays.
        most_growth = 512 * MIB if sanitized(server.process.pid) else 64 * MIB
        sent, _ = self.flood(server, sock, lambda n: b"n%d NOOP\r\n" % n, most_growth)
        # Once the client reads, the server takes the rest of the input and
        # answers every command whole, in order.
        whole = bytes(sent[:sent.rfind(b"\n") + 1])
        expected = whole.count(b"\n")
        sock.setblocking(True)
        for number in range(expected):
            line = lines.read(timeout=30)
            self.assertEqual(line, b"n%d OK NOOP completed\r\n" % number)


class SlowReader(ServerTest):
    """A client that reads a long answer slowly holds little of the server's
    memory: the server makes the answer as the client takes it."""

    MESSAGES = 72
    MESSAGE_OCTETS = 1024 * 1024

    def make_maildir(self):
        root = os.path.join(self.tmp, "Maildir")
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(root, sub))
        line = b"slow reader line of text that fills a large message body 0123456789\r\n"
        body = line * (self.MESSAGE_OCTETS // len(line))
        for n in range(1, self.MESSAGES + 1):
            name = os.path.join(root, "cur", f"{1700000000 + n}.M{n}.host:2,S")
            with open(name, "wb") as message:
                message.write(b"From: a@example.org\r\nSubject: big %d\r\n\r\n" % n + body)
        return root

    def setUp(self):
        holder = tempfile.TemporaryDirectory(prefix="mailscope-slow-")
        self.addCleanup(holder.cleanup)
        self.tmp = holder.name

    def test_a_fetch_of_72_mb_read_at_1_kb_per_second(self):
        server = self.serve("--user", f"{USER}:{PASSWORD}", "--maildir", self.make_maildir())
        sock, lines = self.imap_logged_in(server, receive_buffer=4096)
        idle = rss_bytes(server.process.pid)
        most_growth = 512 * MIB if sanitized(server.process.pid) else 64 * MIB
        sock.sendall(b"f FETCH 1:* BODY.PEEK[]\r\n")
        received = bytearray(lines.buffer)
        lines.buffer = b""
        largest = 0
        for _ in range(8):
            time.sleep(1)
            sock.settimeout(TIMEOUT)
            received += sock.recv(1024)
            largest = max(largest, rss_bytes(server.process.pid) - idle)
        self.assertLess(largest, most_growth,
                        f"the server's RSS grew by {largest >> 20} MB while its client read "
                        f"{len(received)} octets")
        # Read at full speed now: the whole answer is there, in order.
        deadline = time.monotonic() + 120
        done = b"f OK FETCH completed\r\n"
        while not received.endswith(done):
            self.assertLess(time.monotonic(), deadline, f"have {bytes(received[-200:])!r}")
            self.assertNotIn(b"* BYE", received[:200])
            sock.settimeout(TIMEOUT)
            chunk = sock.recv(1 << 20)
            self.assertTrue(chunk, f"closed; have {bytes(received[-200:])!r}")
            received += chunk
        for n in (1, self.MESSAGES // 2, self.MESSAGES):
            self.assertIn(b"* %d FETCH (BODY[] {" % n, received)
        self.assertEqual(received.count(b" FETCH (BODY[] {"), self.MESSAGES)
        self.assertGreater(len(received), self.MESSAGES * self.MESSAGE_OCTETS * 0.99)


class Limits(ServerTest):
    BIG = 100 * 1024

    def append_big_message(self, server):
        client = imaplib.IMAP4("127.0.0.1", server.ports["imap"], timeout=TIMEOUT)
        client.login(USER, PASSWORD)
        body = ("x" * 76 + "\r\n") * (self.BIG // 78)
        message = f"From: a@example.org\r\nSubject: big\r\n\r\n{body}".encode()
        typ, _ = client.append("INBOX", None, None, message)
        self.assertEqual(typ, "OK")
        typ, data = client.select("INBOX")
        client.logout()
        return int(data[0])

    def test_one_response_beyond_the_session_cap_gets_bye(self):
        server = self.serve("--output-buffer", "16K", "--max-session-output", "64K")
        number = self.append_big_message(server)
        sock, lines = self.imap_logged_in(server)
        sock.sendall(b"f FETCH %d BODY.PEEK[]\r\n" % number)
        line = lines.read()
        self.assertTrue(line.startswith(b"* BYE [LIMIT]"), line)
        self.assertIn(b"one session", line)
        self.assertIsNotNone(closed_within(sock, 5))

        pop = self.connect(server.ports["pop3"])
        lines = Line(pop)
        self.assertTrue(lines.read().startswith(b"+OK"))
        pop.sendall(f"USER {USER}\r\nPASS {PASSWORD}\r\n".encode())
        self.assertTrue(lines.read().startswith(b"+OK"))
        self.assertTrue(lines.read().startswith(b"+OK"))
        pop.sendall(b"RETR %d\r\n" % number)
        line = lines.read()
        self.assertTrue(line.startswith(b"-ERR [SYS/TEMP]"), line)
        self.assertIsNotNone(closed_within(pop, 5))

    def test_output_beyond_the_server_cap_gets_bye(self):
        server = self.serve("--output-buffer", "16K", "--max-session-output", "1M",
                            "--max-total-output", "64K")
        number = self.append_big_message(server)
        sock, lines = self.imap_logged_in(server)
        sock.sendall(b"f FETCH %d BODY.PEEK[]\r\n" % number)
        line = lines.read()
        self.assertTrue(line.startswith(b"* BYE [LIMIT] the server holds"), line)
        self.assertIsNotNone(closed_within(sock, 5))
        # Small answers still pass.
        _, lines = self.imap_logged_in(server)

    def test_connections_beyond_the_maximum_are_refused(self):
        server = self.serve("--max-connections", "2")
        first = self.connect(server.ports["imap"])
        self.assertTrue(Line(first).read().startswith(b"* OK"))
        second = self.connect(server.ports["pop3"])
        self.assertTrue(Line(second).read().startswith(b"+OK"))
        for listener, refusal in (("imap", b"* BYE [UNAVAILABLE] Too many connections"),
                                  ("pop3", b"-ERR [SYS/TEMP] too many connections"),
                                  ("smtp", b"421 4.3.2 ")):
            sock = self.connect(server.ports[listener])
            line = Line(sock).read()
            self.assertTrue(line.startswith(refusal), line)
            self.assertIsNotNone(closed_within(sock, 5), listener)
        # A session that ends frees its place.
        first.sendall(b"a LOGOUT\r\n")
        self.assertIsNotNone(closed_within(first, 5))
        again = self.connect(server.ports["smtp"])
        self.assertTrue(Line(again).read().startswith(b"220 "))


class OutOfDescriptors(ServerTest):
    def test_every_connection_gets_a_greeting_or_a_bye_and_the_server_stays_idle(self):
        server = self.serve()
        pid = server.process.pid
        if sanitized(pid):
            # The sanitizers' runtime opens a pipe to check that memory is
            # readable; out of descriptors, UndefinedBehaviorSanitizer then
            # reports every object as having an invalid vptr. The Release
            # pass runs this test.
            self.skipTest("the sanitizer runtime itself needs free descriptors")
        in_use = len(os.listdir(f"/proc/{pid}/fd"))
        room = 16
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (in_use + room, in_use + room))
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)), hard))

        cpu_before = cpu_seconds(pid)
        sockets = [self.connect(server.ports["imap"]) for _ in range(4 * room)]
        greeted, refused = 0, 0
        deadline = time.monotonic() + 15
        for sock in sockets:
            line = Line(sock).read(timeout=max(0.1, deadline - time.monotonic()))
            if line.startswith(b"* OK"):
                greeted += 1
            elif line.startswith(b"* BYE [UNAVAILABLE] Too many connections"):
                refused += 1
            else:
                self.fail(f"unexpected first line {line!r}")
        self.assertGreater(greeted, 0)
        self.assertGreater(refused, 0)
        # Greeted sessions stay open; a server that retried accept in a loop
        # would burn a CPU second every second now.
        window_end = time.monotonic() + 3
        while time.monotonic() < window_end:
            select.select([], [], [], window_end - time.monotonic())
        used = cpu_seconds(pid) - cpu_before
        self.assertLess(used, 0.75, f"the server used {used:.2f} s of CPU")
        for sock in sockets:
            sock.close()


class Timeouts(ServerTest):
    def setUp(self):
        self.server = self.serve("--autologout", "2", "--handshake-timeout", "1")

    def assert_closed_soon(self, sock, what):
        elapsed = closed_within(sock, 6)
        self.assertIsNotNone(elapsed, f"{what}: still open")
        return elapsed

    def test_implicit_tls_without_a_client_hello_is_closed(self):
        for listener in ("imaps", "pop3s", "smtps"):
            sock = self.connect(self.server.ports[listener])
            self.assert_closed_soon(sock, listener)

    def test_starttls_without_a_handshake_is_closed(self):
        imap = self.connect(self.server.ports["imap"])
        lines = Line(imap)
        lines.read()
        imap.sendall(b"a STARTTLS\r\n")
        self.assertTrue(lines.until(b"a ")[-1].startswith(b"a OK"))
        pop = self.connect(self.server.ports["pop3"])
        pop_lines = Line(pop)
        pop_lines.read()
        pop.sendall(b"STLS\r\n")
        self.assertTrue(pop_lines.read().startswith(b"+OK"))
        smtp = self.connect(self.server.ports["smtp"])
        smtp_lines = Line(smtp)
        smtp_lines.read()
        smtp.sendall(b"EHLO client.example.org\r\n")
        smtp_lines.until(b"250 ")
        smtp.sendall(b"STARTTLS\r\n")
        self.assertTrue(smtp_lines.read().startswith(b"220"))
        for sock, what in ((imap, "IMAP STARTTLS"), (pop, "POP3 STLS"),
                           (smtp, "SMTP STARTTLS")):
            self.assert_closed_soon(sock, what)

    def trickle(self, listener, opening):
        """Sends a line one octet every quarter second without ever ending
        it; returns how long the server let that go on and what it said."""
        sock = self.connect(self.server.ports[listener])
        lines = Line(sock)
        lines.read()
        started = time.monotonic()
        for octet in itertools.cycle(opening):
            if time.monotonic() - started > 10:
                self.fail(f"{listener}: a trickling client stayed open for 10 s with "
                          "--autologout 2")
            ready, _, _ = select.select([sock], [], [], 0.25)
            if ready:
                said = lines.buffer
                try:
                    said += sock.recv(65536)
                except ConnectionResetError:
                    pass
                return time.monotonic() - started, said
            try:
                sock.send(bytes([octet]))
            except (BrokenPipeError, ConnectionResetError):
                return time.monotonic() - started, lines.buffer
        return None

    def test_a_client_trickling_one_line_is_logged_out(self):
        elapsed, said = self.trickle("imap", b"a NOOP and more ")
        self.assertLess(elapsed, 4.5)
        self.assertIn(b"* BYE", said)
        elapsed, _ = self.trickle("pop3", b"NOOP and more ")
        self.assertLess(elapsed, 4.5)


def main():
    global BINARY
    if len(sys.argv) < 2:
        print("usage: test_serve_limits.py PATH/TO/mailscope", file=sys.stderr)
        return 2
    BINARY = os.path.abspath(sys.argv.pop(1))
    result = unittest.main(exit=False, verbosity=2).result
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
