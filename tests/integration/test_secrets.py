#!/usr/bin/env python3
"""No password, SASL response or digest in any output, however malformed
the line that carried it.

A raw-socket client sends every broken LOGIN, AUTHENTICATE, PASS, APOP and
AUTH form we could think of to `mailscope serve` (IMAP, POP3, SMTP, with
and without --login-disabled) and the IMAP ones also through
`mailscope proxy`; then the same sessions, written as C:/S: transcripts, go
through `mailscope decode` and `decode --json`. Every trace file, report,
proxy output, server output and decode output is searched for the password
and each encoded form of it that was sent.

usage: test_secrets.py MAILSCOPE_BINARY
"""

import base64
import hashlib
import hmac
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mailscope_server import MailscopeServer, interrupt, wait_for_listeners  # noqa: E402

BINARY = None
USER = "alice"
PASSWORD = "wonderland"


def b64(data):
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


PLAIN = b64(f"\0{USER}\0{PASSWORD}")
PLAIN_AUTHZ = b64(f"{USER}\0{USER}\0{PASSWORD}")
LOGIN_USER = b64(USER)
LOGIN_PASSWORD = b64(PASSWORD)


class Wire:
    """A raw client that records what it sent and received as C:/S: lines."""

    def __init__(self, port, timeout=5):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.received = b""
        self.log = []  # (direction, bytes) in wire order

    def read_until(self, pattern, deadline=5.0):
        """Reads until `pattern` (a regex on the bytes received since the
        last call) matches, or the deadline passes; returns those bytes."""
        end = time.monotonic() + deadline
        start = len(self.received)
        regex = re.compile(pattern, re.M)
        while not regex.search(self.received[start:]):
            remaining = end - time.monotonic()
            if remaining <= 0:
                break
            self.sock.settimeout(remaining)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                break
            if not data:
                break
            self.received += data
            self.log.append(("S", data))
        return self.received[start:]

    def send(self, data):
        data = data.encode("latin-1") if isinstance(data, str) else data
        self.sock.sendall(data)
        self.log.append(("C", data))

    def transcript(self):
        """The session as C:/S: lines for `mailscope decode`."""
        streams = {"C": b"", "S": b""}
        lines = []
        for direction, data in self.log:
            streams[direction] += data
            while b"\n" in streams[direction]:
                line, streams[direction] = streams[direction].split(b"\n", 1)
                lines.append(direction.encode() + b": " + line.rstrip(b"\r"))
        for direction, rest in streams.items():
            if rest:
                lines.append(direction.encode() + b": " + rest)
        return b"\n".join(lines) + b"\n"

    def close(self):
        self.sock.close()


def imap_session(port, steps):
    """Runs (bytes to send, regex to wait for) steps after the greeting."""
    wire = Wire(port)
    wire.read_until(rb"^\* (OK|PREAUTH|BYE)")
    for data, wait_for in steps:
        wire.send(data)
        wire.read_until(wait_for)
    wire.send("z LOGOUT\r\n")
    wire.read_until(rb"^z ")
    wire.close()
    return wire


def tagged(tag):
    return rb"^" + re.escape(tag.encode()) + rb" (OK|NO|BAD)"


# IMAP: every step either ends with the tagged reply or with a "+".
IMAP_FORMS = [
    [("a1 LOGIN alice wonderland extra\r\n", tagged("a1"))],
    [('a2 LOGIN alice "wonderland\r\n', tagged("a2"))],
    [("a3 LOGIN alice (wonderland)\r\n", tagged("a3"))],
    [("a4 LOGIN alice wonderland\x00\r\n", tagged("a4"))],
    [("a5 LOGIN  alice  wonderland\r\n", tagged("a5"))],
    [("a6 LOGINalice wonderland\r\n", tagged("a6"))],
    [("LOGIN alice wonderland\r\n", rb"BAD")],
    [("a8 LOGIN alice wonderland {3}\r\n", rb"^(\+|a8 )"), ("xyz\r\n", tagged("a8"))],
    [("a9 LOGIN alice {10}\r\n", rb"^\+"), ("wonderland extra\r\n", tagged("a9"))],
    [("a10 login alice wonderland\r\n", tagged("a10"))],
    [("a11 LOGIN alice wonderland\n", tagged("a11"))],
    [("a12 LOGIN alice wonder land wonderland\r\n", tagged("a12"))],
    [(f"a13 AUTHENTICATE PLAIN {PLAIN} extra\r\n", tagged("a13"))],
    [(f"a14 AUTHENTICATE PLAIN {PLAIN}!!\r\n", tagged("a14"))],
    [("a15 AUTHENTICATE PLAIN \r\n", rb"^(\+|a15 )"), (f"{PLAIN}\r\n", rb"BAD|OK|NO")],
    [("a16 AUTHENTICATE CRAM-MD5 \r\n", rb"^(\+|a16 )"),
     (f"{b64('alice ' + hmac.new(PASSWORD.encode(), b'x', hashlib.md5).hexdigest())}\r\n",
      rb"BAD|OK|NO")],
    [("a17 AUTHENTICATE LOGIN\r\n", rb"^\+"), (f"{LOGIN_USER}\r\n", rb"^\+"),
     (f"{LOGIN_PASSWORD}\r\n", tagged("a17"))],
    [("a18 authenticate plain " + PLAIN + "\r\n", tagged("a18"))],
    [("a19 AUTHENTICATE PLAIN {20}\r\n", rb"^(\+|a19 )"), (PLAIN[:20] + "\r\n", rb"BAD|OK|NO")],
    # The response sent before the server's "+", in the same write.
    [(f"a20 AUTHENTICATE PLAIN\r\n{PLAIN}\r\n", tagged("a20"))],
    # A response over every line limit, then the next command must be a command.
    [("a21 AUTHENTICATE PLAIN\r\n", rb"^\+"), (PLAIN + "A" * 70000 + "\r\n", tagged("a21")),
     ("a22 NOOP\r\n", tagged("a22"))],
    # SASL lines with no exchange open.
    [(f"{LOGIN_PASSWORD}\r\n", rb"BAD"), (f"{PLAIN}\r\n", rb"BAD")],
    [(f"a23 AUTHENTICATE PLAIN {PLAIN_AUTHZ}\r\n", tagged("a23"))],
    [(f"a24 AUTHENTICATE PLAIN\r\n", rb"^\+"), (f"{PLAIN} {PLAIN}\r\n", tagged("a24"))],
]

# Under --login-disabled the server refuses, and a careless client sends
# its SASL lines anyway.
IMAP_REFUSED_FORMS = [
    [("r1 AUTHENTICATE LOGIN\r\n", tagged("r1")), (f"{LOGIN_USER}\r\n", rb"BAD"),
     (f"{LOGIN_PASSWORD}\r\n", rb"BAD")],
    [("r2 LOGIN alice wonderland\r\n", tagged("r2"))],
    [(f"r3 AUTHENTICATE PLAIN {PLAIN}\r\n", tagged("r3"))],
]

POP3_FORMS = [
    ["USER alice\r\n", "PASS wonderland extra\r\n"],
    ["USER alice\r\n", "PASSwonderland\r\n"],
    ["USER alice\r\n", "pass  wonderland\r\n"],
    ["USER alice\r\n", "PASS wonderland\n"],
    ["APOP alice wonderland\r\n"],
    ["APOP alice wonderland extra\r\n"],
    [f"AUTH PLAIN {PLAIN} extra\r\n"],
    [f"AUTH PLAIN {PLAIN}!!\r\n"],
    ["AUTH PLAIN\r\n", f"{PLAIN}\r\n"],
    [f"{LOGIN_PASSWORD}\r\n"],
    ["AUTH LOGIN\r\n", f"{LOGIN_USER}\r\n", f"{LOGIN_PASSWORD}\r\n"],
    [f"auth plain {PLAIN}\r\n"],
]

SMTP_FORMS = [
    [f"AUTH PLAIN {PLAIN} extra\r\n"],
    ["AUTH LOGIN\r\n", f"{LOGIN_USER}\r\n", f"{LOGIN_PASSWORD}\r\n"],
    [f"AUTH LOGIN {LOGIN_USER}\r\n", f"{LOGIN_PASSWORD}\r\n"],
    [f"AUTHPLAIN {PLAIN}\r\n"],
    ["AUTH PLAIN\r\n", f"{PASSWORD}\r\n"],
    [f"auth plain {PLAIN}\r\n"],
    [f"{LOGIN_PASSWORD}\r\n"],
    [f"AUTH PLAIN {PLAIN}!!\r\n"],
]


def line_session(port, greeting, lines, before=()):
    """POP3 and SMTP: one line at a time, each waiting for a reply line."""
    wire = Wire(port)
    wire.read_until(greeting)
    for line in list(before) + list(lines):
        wire.send(line)
        wire.read_until(rb"\r\n")
    wire.close()
    return wire


SECRETS = [PASSWORD, PLAIN, PLAIN_AUTHZ, LOGIN_PASSWORD,
           hmac.new(PASSWORD.encode(), b"x", hashlib.md5).hexdigest()]


def found_secrets(text):
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return [secret for secret in SECRETS if secret in text]


class Proxy:
    def __init__(self, upstream_port):
        # Removed when the proxy object goes, after the test has read its files.
        self._trace_tmp = tempfile.TemporaryDirectory(prefix="mailscope-proxy-secrets-")
        self.trace_dir = self._trace_tmp.name
        self.process = subprocess.Popen(
            [BINARY, "proxy", "--listen", "127.0.0.1:0", "--trace-dir", self.trace_dir,
             "--upstream", f"imap://127.0.0.1:{upstream_port}"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
        self.output = []
        self.port = wait_for_listeners(self.process, {"proxy"}, 20, self.output,
                                       name="the proxy")["proxy"]

    def stop(self):
        interrupt(self.process, self.output, timeout=10)
        return "".join(self.output)


def files_under(directory):
    for root, _, names in os.walk(directory):
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as source:
                yield path, source.read()


class NoSecretAnywhere(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="mailscope-secrets-")
        self.transcripts = []

    def tearDown(self):
        self.tmp.cleanup()

    def keep_transcript(self, wire, protocol):
        path = os.path.join(self.tmp.name, f"session{len(self.transcripts):03}.txt")
        with open(path, "wb") as out:
            out.write(wire.transcript())
        self.transcripts.append((path, protocol))

    def assert_clean(self, what, text):
        self.assertEqual(found_secrets(text), [], f"a secret in {what}")

    def check_decode(self):
        for path, protocol in self.transcripts:
            for extra in ([], ["--json"]):
                result = subprocess.run([BINARY, "decode", *extra, "--protocol", protocol, path],
                                        capture_output=True, timeout=60)
                self.assert_clean(f"decode {' '.join(extra)} of {path} (stdout)", result.stdout)
                self.assert_clean(f"decode {' '.join(extra)} of {path} (stderr)", result.stderr)

    def check_trace_dir(self, directory, what):
        count = 0
        for path, data in files_under(directory):
            count += 1
            self.assert_clean(f"{what} file {os.path.basename(path)}", data)
        return count

    def test_every_form_through_serve_proxy_and_decode(self):
        forms = 0
        with MailscopeServer(BINARY, "--pop3", "127.0.0.1:0", "--smtp", "127.0.0.1:0",
                             tls=False) as server:
            for steps in IMAP_FORMS:
                self.keep_transcript(imap_session(server.ports["imap"], steps), "imap")
                forms += 1
            for lines in POP3_FORMS:
                self.keep_transcript(line_session(server.ports["pop3"], rb"^\+OK", lines), "pop3")
                forms += 1
            for lines in SMTP_FORMS:
                wire = line_session(server.ports["smtp"], rb"^220 ", lines)
                self.keep_transcript(wire, "smtp")
                forms += 1
            # The server still works after all of it.
            wire = imap_session(server.ports["imap"], [("ok LOGIN alice wonderland\r\n",
                                                        tagged("ok"))])
            self.assertIn(b"ok OK", wire.received)

            proxy = Proxy(server.ports["imap"])
            try:
                for steps in IMAP_FORMS:
                    imap_session(proxy.port, steps)
            finally:
                proxy_output = proxy.stop()
            self.assert_clean("the proxy's output", proxy_output)
            self.assertGreater(self.check_trace_dir(proxy.trace_dir, "proxy trace"), 0)
            server.stop()
            self.assert_clean("the server's output", "".join(server.output))
            self.assertGreater(self.check_trace_dir(server.trace_dir, "server trace"),
                               3 * len(IMAP_FORMS))
        self.assertGreaterEqual(forms, 30)
        self.check_decode()

    def test_refused_logins_with_careless_clients(self):
        with MailscopeServer(BINARY, "--login-disabled", "--pop3", "127.0.0.1:0", "--smtp",
                             "127.0.0.1:0", tls=False) as server:
            for steps in IMAP_REFUSED_FORMS:
                self.keep_transcript(imap_session(server.ports["imap"], steps), "imap")
            for lines in POP3_FORMS:
                self.keep_transcript(line_session(server.ports["pop3"], rb"^\+OK", lines), "pop3")
            for lines in SMTP_FORMS:
                self.keep_transcript(
                    line_session(server.ports["smtp"], rb"^220 ", lines,
                                 before=["EHLO student.example\r\n"]), "smtp")
            server.stop()
            self.assert_clean("the server's output", "".join(server.output))
            self.check_trace_dir(server.trace_dir, "server trace")
        self.check_decode()

    def test_over_long_sasl_line_ends_the_exchange(self):
        with MailscopeServer(BINARY, tls=False) as server:
            wire = imap_session(server.ports["imap"], [
                ("s1 AUTHENTICATE PLAIN\r\n", rb"^\+"),
                (PLAIN + "A" * 70000 + "\r\n", tagged("s1")),
                ("s2 NOOP\r\n", tagged("s2")),
            ])
            text = wire.received.decode("latin-1")
            self.assertRegex(text, r"(?m)^s1 BAD ")
            self.assertRegex(text, r"(?m)^s2 OK ")
            self.assertNotRegex(text, r"(?m)^\* BAD")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: test_secrets.py PATH/TO/mailscope [unittest options]")
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
