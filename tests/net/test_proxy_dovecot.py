"""curl through `mailscope proxy` to a real Dovecot: the proxy relays the
session, prints it annotated, and writes transcripts without the password."""

import base64
import glob
import hashlib
import hmac
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

from net_helpers import (PASSWORD, SAMPLE_MESSAGE, SKIP, USER, TestPki, TlsDovecot,
                         dovecot_available, sasl_plain, secrets, skip_unless_connect)

BINARY = None
LISTEN_RE = re.compile(r"listening: proxy ([0-9.]+):(\d+)")


class Proxy:
    def __init__(self, *args):
        self.trace_dir = tempfile.mkdtemp(prefix="mailscope-proxy-")
        self.process = subprocess.Popen(
            [BINARY, "proxy", "--listen", "127.0.0.1:0", "--trace-dir", self.trace_dir,
             *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            text=True)
        self.output = []
        deadline = time.monotonic() + 20
        self.port = None
        while self.port is None:
            line = self.process.stdout.readline()
            if not line or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the proxy did not start: " + "".join(self.output))
            self.output.append(line)
            match = LISTEN_RE.search(line)
            if match:
                self.port = int(match.group(2))

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                rest, _ = self.process.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                rest, _ = self.process.communicate()
            self.output.append(rest or "")
        return "".join(self.output)

    def transcripts(self, suffix):
        texts = []
        for name in sorted(glob.glob(os.path.join(self.trace_dir, "*" + suffix))):
            with open(name, encoding="utf-8", errors="replace") as source:
                texts.append(source.read())
        return texts

    def wait_for_transcript(self, needle, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(needle in text for text in self.transcripts(".txt")):
                return
            time.sleep(0.05)


def curl(*args):
    return subprocess.run(["curl", "--silent", "--show-error", "--max-time", "15", *args],
                          capture_output=True, text=True, timeout=30,
                          stdin=subprocess.DEVNULL)


class ProxyToDovecot(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pki = TestPki()
        cls.server = TlsDovecot(cls.pki)
        cls.server._write_config()
        os.makedirs(os.path.join(cls.server.maildir(USER), "new"), exist_ok=True)
        with open(os.path.join(cls.server.maildir(USER), "new", "1.test"), "w") as out:
            out.write("\r\n".join(SAMPLE_MESSAGE) + "\r\n")
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()
        cls.pki.cleanup()

    def check(self, proxy, curl_result, output):
        self.assertEqual(curl_result.returncode, 0, curl_result.stderr + output)
        self.assertIn("Hello through the real network.", curl_result.stdout)
        proxy.wait_for_transcript("LOGOUT")
        texts = proxy.transcripts(".txt")
        self.assertTrue(texts, output)
        joined = "\n".join(texts)
        self.assertRegex(joined, r"C: \w+ (UID )?FETCH")
        self.assertRegex(joined, r"S: \* 1 FETCH")
        self.assertIn("FETCH", output)
        everything = [joined, output] + proxy.transcripts(".jsonl")
        for text in everything:
            for secret in secrets():
                self.assertNotIn(secret, text)

    def test_curl_through_the_proxy_to_imaps(self):
        proxy = Proxy("--upstream", f"imaps://localhost:{self.server.imaps_port}",
                      "--ca-file", self.pki.ca)
        try:
            result = curl(f"imap://127.0.0.1:{proxy.port}/INBOX;UID=1",
                          "--user", f"{USER}:{PASSWORD}")
        finally:
            output = proxy.stop()
        self.check(proxy, result, output)
        self.assertIn("upstream", output)

    def test_upstream_starttls_done_by_the_proxy(self):
        proxy = Proxy("--upstream", f"imap://localhost:{self.server.port}",
                      "--upstream-starttls", "--ca-file", self.pki.ca)
        try:
            result = curl(f"imap://127.0.0.1:{proxy.port}/INBOX;UID=1",
                          "--user", f"{USER}:{PASSWORD}")
        finally:
            output = proxy.stop()
        self.check(proxy, result, output)
        self.assertIn("upstream STARTTLS done by the proxy", output)

    def test_tls_towards_the_client(self):
        proxy = Proxy("--upstream", f"imaps://localhost:{self.server.imaps_port}",
                      "--ca-file", self.pki.ca, "--cert", self.pki.cert, "--key", self.pki.key)
        try:
            result = curl(f"imaps://localhost:{proxy.port}/INBOX;UID=1",
                          "--cacert", self.pki.ca, "--user", f"{USER}:{PASSWORD}")
        finally:
            output = proxy.stop()
        self.check(proxy, result, output)
        self.assertIn("client TLS established", output)

    def test_client_starttls_is_answered_by_the_proxy(self):
        proxy = Proxy("--upstream", f"imap://localhost:{self.server.port}")
        try:
            result = curl(f"imap://127.0.0.1:{proxy.port}/INBOX;UID=1", "--ssl-reqd",
                          "--user", f"{USER}:{PASSWORD}")
        finally:
            output = proxy.stop()
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("STARTTLS is not relayed", output)

    def test_authenticate_with_a_trailing_space_stays_masked(self):
        # mutt sends "AUTHENTICATE CRAM-MD5 " with a trailing space; Dovecot
        # accepts it, so the client's next line is its SASL response.
        proxy = Proxy("--upstream", f"imap://127.0.0.1:{self.server.port}")
        hidden = []
        try:
            for tag, mechanism in (("m1", "CRAM-MD5"), ("m2", "PLAIN")):
                with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as sock:
                    stream = sock.makefile("rb")
                    stream.readline()
                    sock.sendall(f"{tag} AUTHENTICATE {mechanism} \r\n".encode())
                    challenge = stream.readline()
                    self.assertTrue(challenge.startswith(b"+"), challenge)
                    if mechanism == "CRAM-MD5":
                        digest = hmac.new(PASSWORD.encode(),
                                          base64.b64decode(challenge[2:].strip()),
                                          hashlib.md5).hexdigest()
                        response = base64.b64encode(f"{USER} {digest}".encode()).decode()
                        hidden += [digest, response]
                    else:
                        response = sasl_plain(USER, PASSWORD)
                    sock.sendall(response.encode() + b"\r\n")
                    done = stream.readline()
                    self.assertTrue(done.startswith(f"{tag} OK".encode()), done)
                    sock.sendall(b"z LOGOUT\r\n")
                    while stream.readline().startswith(b"*"):
                        pass
            proxy.wait_for_transcript("LOGOUT")
        finally:
            output = proxy.stop()
        everything = [output] + proxy.transcripts(".txt") + proxy.transcripts(".jsonl")
        for text in everything:
            for secret in secrets() + hidden:
                self.assertNotIn(secret, text)
        self.assertIn("AUTHENTICATE", output)

    def test_unreachable_upstream_says_bye(self):
        proxy = Proxy("--upstream", "imap://127.0.0.1:1", "--timeout", "5")
        try:
            result = curl(f"imap://127.0.0.1:{proxy.port}/", "--user", f"{USER}:{PASSWORD}")
        finally:
            output = proxy.stop()
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("upstream unavailable", output)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    skip_unless_connect(BINARY)
    if not dovecot_available():
        print("dovecot is not installed: skipped")
        sys.exit(SKIP)
    unittest.main(verbosity=2)
