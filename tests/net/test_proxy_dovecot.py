"""curl through `mailscope proxy` to a real Dovecot: the proxy relays the
session, prints it annotated, and writes transcripts without the password."""

import base64
import hashlib
import hmac
import json
import os
import re
import socket
import subprocess
import sys
import unittest

from net_helpers import (PASSWORD, SAMPLE_MESSAGE, USER, ProxyProcess, TestPki, TlsDovecot,
                         require_connect, sasl_plain, secrets)
import peers  # noqa: E402  (on the path net_helpers set up)

BINARY = None


def Proxy(*args):
    return ProxyProcess(BINARY, *args)


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

    def fetch_through(self, upstream, *proxy_args, url="imap://127.0.0.1:{port}/INBOX;UID=1",
                      curl_args=()):
        """curl fetches message 1 as alice through a proxy to `upstream`;
        returns the proxy, curl's result and what the proxy printed."""
        proxy = Proxy("--upstream", upstream, *proxy_args)
        try:
            result = curl(url.format(port=proxy.port), *curl_args,
                          "--user", f"{USER}:{PASSWORD}")
        finally:
            output = proxy.stop()
        return proxy, result, output

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
        proxy, result, output = self.fetch_through(
            f"imaps://localhost:{self.server.imaps_port}", "--ca-file", self.pki.ca)
        self.check(proxy, result, output)
        self.assertIn("upstream", output)

    def test_upstream_starttls_done_by_the_proxy(self):
        proxy, result, output = self.fetch_through(
            f"imap://localhost:{self.server.port}", "--upstream-starttls", "--ca-file", self.pki.ca)
        self.check(proxy, result, output)
        self.assertIn("upstream STARTTLS done by the proxy", output)

    def test_tls_towards_the_client(self):
        proxy, result, output = self.fetch_through(
            f"imaps://localhost:{self.server.imaps_port}", "--ca-file", self.pki.ca,
            "--cert", self.pki.cert, "--key", self.pki.key,
            url="imaps://localhost:{port}/INBOX;UID=1", curl_args=["--cacert", self.pki.ca])
        self.check(proxy, result, output)
        self.assertIn("client TLS established", output)

    def test_client_starttls_is_answered_by_the_proxy(self):
        _, result, output = self.fetch_through(f"imap://localhost:{self.server.port}",
                                               curl_args=["--ssl-reqd"])
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

    def test_pipelined_uid_fetch_answers_are_linked_by_uid(self):
        # RFC 3501 6.4.8: "server implementations MUST implicitly include the
        # UID message data item as part of any FETCH response caused by a UID
        # command": the UID tells which UID FETCH a response answers, and
        # when both asked for it nothing does.
        for name in ("2.test", "3.test"):
            with open(os.path.join(self.server.maildir(USER), "new", name), "w") as out:
                out.write("Subject: pipelined\r\n\r\nbody\r\n")
        proxy = Proxy("--upstream", f"imap://127.0.0.1:{self.server.port}")
        try:
            with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as sock:
                stream = sock.makefile("rb")

                def until(tag):
                    while True:
                        line = stream.readline()
                        self.assertTrue(line, f"the connection closed before {tag}")
                        if line.startswith(tag.encode() + b" "):
                            self.assertTrue(line.startswith(f"{tag} OK".encode()), line)
                            return

                stream.readline()
                sock.sendall(f"l1 AUTHENTICATE PLAIN {sasl_plain(USER, PASSWORD)}\r\n".encode())
                until("l1")
                sock.sendall(b"s1 SELECT INBOX\r\n")
                until("s1")
                sock.sendall(b"p1 UID FETCH 1:3 (FLAGS)\r\np2 UID FETCH 2 (FLAGS)\r\n")
                until("p1")
                until("p2")
                sock.sendall(b"z LOGOUT\r\n")
                until("z")
            proxy.wait_for_transcript("LOGOUT")
        finally:
            output = proxy.stop()
        session = [text for text in proxy.transcripts(".jsonl") if "p1 UID FETCH" in text]
        self.assertEqual(len(session), 1, output)
        events = [json.loads(line) for line in session[0].splitlines()]
        commands = {e.get("tag"): e["seq"] for e in events if e["kind"] == "command"}
        fetches = [e for e in events if e["kind"] == "untagged" and " FETCH " in e["raw"]]
        uid2 = [e for e in fetches if re.search(r"\bUID 2\b", e["raw"])]
        others = [e for e in fetches if not re.search(r"\bUID 2\b", e["raw"])]
        self.assertEqual(len(uid2), 2, fetches)
        # Dovecot may interleave the two commands' answers: one for UID 2
        # that comes while both are in flight is ambiguous, one that comes
        # after either completion answers the other.
        done = {e["tag"]: e["seq"] for e in events if e["kind"] == "tagged"}
        self.assertLess(uid2[0]["seq"], min(done["p1"], done["p2"]))
        for event in uid2:
            if event["seq"] < min(done["p1"], done["p2"]):
                self.assertEqual(event.get("link"), "ambiguous", event)
                self.assertNotIn("link_seq", event)
            else:
                still = "p2" if event["seq"] > done["p1"] else "p1"
                self.assertEqual(event.get("link_seq"), commands[still], event)
        self.assertEqual(len(others), 2, fetches)
        for event in others:
            self.assertEqual(event.get("link_seq"), commands["p1"], event)
        self.assertIn("ambiguous", output)

    def test_unreachable_upstream_says_bye(self):
        _, result, output = self.fetch_through("imap://127.0.0.1:1", "--timeout", "5",
                                               url="imap://127.0.0.1:{port}/")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("upstream unavailable", output)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    require_connect(BINARY)
    peers.require_for_suite("net_test_proxy_dovecot", peers.dovecot("imap"), peers.openssl(),
                            peers.curl())
    unittest.main(verbosity=2)
