"""A small raw-socket IMAP client and response parser for comparing servers.

imaplib hides the exact shape of responses (it drops response codes, joins
literals, tolerates malformed lines). Comparing two servers needs every
untagged line, so this client keeps them all and parses each into Python
values: atoms and strings become bytes (a quoted string and a literal with
the same content compare equal, as RFC 3501 section 4.3 makes them
interchangeable), NIL becomes None and parenthesised lists become lists.
"""

import re
import socket
import time

LITERAL_RE = re.compile(rb"\{(\d+)\+?\}\r\n$")
MAX_LITERAL = 64 * 1024 * 1024


class ImapError(Exception):
    pass


class Response:
    """The answer to one command: untagged lines (raw bytes, literals inlined)
    and the tagged status line."""

    def __init__(self, untagged, status, tagged_line):
        self.untagged = untagged
        self.status = status
        self.tagged_line = tagged_line

    def __repr__(self):
        return f"Response({self.status!r}, {self.untagged!r}, {self.tagged_line!r})"


class RawImap:
    def __init__(self, port, host="127.0.0.1", timeout=10):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.settimeout(timeout)
        self.buffer = b""
        self.counter = 0
        self.greeting = self.read_response_line()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _fill(self):
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise ImapError("connection closed by the server")
        self.buffer += chunk

    def _read_line(self):
        while True:
            end = self.buffer.find(b"\r\n")
            if end >= 0:
                line, self.buffer = self.buffer[: end + 2], self.buffer[end + 2 :]
                return line
            self._fill()

    def _read_exact(self, count):
        while len(self.buffer) < count:
            self._fill()
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def read_response_line(self):
        """One response line with any literals it announces appended in place."""
        line = self._read_line()
        while True:
            match = LITERAL_RE.search(line)
            if not match:
                return line
            size = int(match.group(1))
            if size > MAX_LITERAL:
                raise ImapError(f"literal of {size} bytes is larger than the test allows")
            line += self._read_exact(size) + self._read_line()

    def next_tag(self):
        self.counter += 1
        return f"a{self.counter:03d}".encode()

    def send(self, data):
        self.sock.sendall(data)

    def command(self, text, literal=None, synchronizing=False):
        """Sends `text` (str or bytes); a `literal` (bytes) is appended as a
        LITERAL+ literal, or as a synchronizing one so that a server which
        rejects the command first never reads the literal as commands."""
        tag = self.next_tag()
        if isinstance(text, str):
            text = text.encode()
        data = tag + b" " + text
        if literal is None:
            self.send(data + b"\r\n")
        elif not synchronizing:
            self.send(data + b" {%d+}\r\n" % len(literal) + literal + b"\r\n")
        else:
            self.send(data + b" {%d}\r\n" % len(literal))
            line = self.read_response_line()
            if not line.startswith(b"+"):
                untagged = []
                while not line.startswith(tag + b" "):
                    untagged.append(line)
                    line = self.read_response_line()
                status = line[len(tag) + 1 :].split(b" ", 1)[0].upper().decode()
                return Response(untagged, status, line)
            self.send(literal + b"\r\n")
        return self.read_until_tag(tag)

    def read_until_tag(self, tag):
        untagged = []
        while True:
            line = self.read_response_line()
            if line.startswith(tag + b" "):
                status = line[len(tag) + 1 :].split(b" ", 1)[0].upper().decode()
                return Response(untagged, status, line)
            untagged.append(line)

    def login(self, user, password):
        response = self.command(f'LOGIN "{user}" "{password}"')
        if response.status != "OK":
            raise ImapError(f"LOGIN failed: {response.tagged_line!r}")
        return response


class Parser:
    """Parses one response line (bytes, literals inlined) into tokens."""

    def __init__(self, data):
        self.data = data
        self.pos = 0

    def parse_all(self):
        items = []
        while self.pos < len(self.data):
            char = self.data[self.pos : self.pos + 1]
            if char in (b" ", b"\r", b"\n"):
                self.pos += 1
                continue
            if char == b")":
                raise ImapError(f"unbalanced ')' in {self.data!r}")
            items.append(self.value())
        return items

    def value(self):
        char = self.data[self.pos : self.pos + 1]
        if char == b"(":
            self.pos += 1
            items = []
            while True:
                while self.data[self.pos : self.pos + 1] == b" ":
                    self.pos += 1
                if self.pos >= len(self.data):
                    raise ImapError(f"unterminated list in {self.data!r}")
                if self.data[self.pos : self.pos + 1] == b")":
                    self.pos += 1
                    return items
                items.append(self.value())
        if char == b'"':
            self.pos += 1
            out = bytearray()
            while self.pos < len(self.data):
                c = self.data[self.pos]
                self.pos += 1
                if c == 0x5C:
                    out.append(self.data[self.pos])
                    self.pos += 1
                elif c == 0x22:
                    return bytes(out)
                else:
                    out.append(c)
            raise ImapError(f"unterminated string in {self.data!r}")
        if char == b"~" and self.data[self.pos + 1 : self.pos + 2] == b"{":
            # A literal8 (RFC 3516 4.2) carries the same value as a literal;
            # a server may pick either when the data has no NUL.
            self.pos += 1
            char = b"{"
        if char == b"{":
            end = self.data.index(b"}", self.pos)
            size = int(self.data[self.pos + 1 : end].rstrip(b"+"))
            start = end + 3
            self.pos = start + size
            return self.data[start : self.pos]
        start = self.pos
        depth = 0
        while self.pos < len(self.data):
            c = self.data[self.pos : self.pos + 1]
            if c == b"[":
                depth += 1
            elif c == b"]":
                depth -= 1
            elif depth == 0 and c in (b" ", b"(", b")", b"\r", b"\n"):
                break
            self.pos += 1
        atom = self.data[start : self.pos]
        if not atom:
            raise ImapError(f"unexpected {char!r} in {self.data!r}")
        if atom.upper() == b"NIL":
            return None
        return atom


def parse(line):
    return Parser(line).parse_all()


def wait_for(predicate, timeout=5.0, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()
