"""`mailscope connect` against `mailscope serve`: quick coverage of the
client without Dovecot for IMAP, POP3 and SMTP, and the checks done before
any connection."""

import os
import re
import sys
import tempfile
import unittest

from net_helpers import (SAMPLE_MESSAGE, USER, MailscopeServer, append_lines, connect,
                         proxy_refusal, require_connect, secrets)

BINARY = None


class ConnectToServe(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = MailscopeServer(BINARY, "--pop3", "127.0.0.1:0", "--smtp",
                                     "127.0.0.1:0").start()
        cls.tmp = tempfile.TemporaryDirectory(prefix="mailscope-net-serve-")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.tmp.cleanup()
        cls.tmp.cleanup()

    def test_scripted_session(self):
        transcript = os.path.join(self.tmp.name, "serve.txt")
        script = ["SELECT INBOX", *append_lines("INBOX", SAMPLE_MESSAGE), "SEARCH ALL",
                  "FETCH 1 (FLAGS)", "LOGOUT"]
        result = connect(BINARY, f"imap://{USER}@127.0.0.1:{self.server.ports['imap']}", script,
                         transcript=transcript)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        with open(transcript) as source:
            text = source.read()
        self.assertRegex(text, r"S: A\d+ OK")
        self.assertIn("S: + ", text)
        self.assertIn("S: * SEARCH", text)
        for secret in secrets():
            self.assertNotIn(secret, text + result.stdout + result.stderr)

    def test_a_script_line_that_starts_with_uid_gets_its_own_tag(self):
        transcript = os.path.join(self.tmp.name, "uid.txt")
        script = ["SELECT INBOX", "UID SEARCH ALL", "u7 UID FETCH 1:* (FLAGS)", "LOGOUT"]
        result = connect(BINARY, f"imap://{USER}@127.0.0.1:{self.server.ports['imap']}", script,
                         transcript=transcript)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        with open(transcript) as source:
            text = source.read()
        search = re.search(r"^C: (A\d+) UID SEARCH ALL$", text, re.MULTILINE)
        self.assertIsNotNone(search, text)
        self.assertRegex(text, rf"(?m)^S: {search.group(1)} OK")
        self.assertNotIn("C: UID ", text)
        self.assertRegex(text, r"(?m)^C: u7 UID FETCH 1:\* \(FLAGS\)$")
        self.assertRegex(text, r"(?m)^S: u7 OK")

    def test_starttls_with_the_servers_certificate(self):
        result = connect(BINARY, f"imap://{USER}@localhost:{self.server.ports['imap']}",
                         ["LOGOUT"], extra=["--starttls", "--ca-file", self.server.cert])
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertRegex(result.stdout, r"TLS established: TLSv1\.[23] \S+, subject CN=localhost,O=mailscope lab server; "
                                        r"certificate verified for localhost")

    def test_wrong_password_is_not_a_failure(self):
        for scheme, script in (("imap", ["LOGOUT"]), ("pop3", ["STAT"])):
            with self.subTest(scheme=scheme):
                result = connect(BINARY, f"{scheme}://{USER}@127.0.0.1:{self.server.ports[scheme]}",
                                 script, password="not-the-password")
                self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
                self.assertIn("login failed", result.stdout)
                self.assertNotIn("not-the-password", result.stdout)

    def test_pop3_stls_asks_capa_first_then_logs_in(self):
        transcript = os.path.join(self.tmp.name, "pop3.txt")
        result = connect(BINARY, f"pop3://{USER}@localhost:{self.server.ports['pop3']}",
                         ["STAT", "LIST"], transcript=transcript,
                         extra=["--starttls", "--ca-file", self.server.cert])
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("TLS established", result.stdout)
        self.assertIn("AUTHORIZATION -> TRANSACTION", result.stdout)
        self.assertIn("script> STAT", result.stdout)
        with open(transcript) as source:
            text = source.read()
        order = [text.index(line) for line in ("C: CAPA", "C: STLS", "C: USER alice",
                                               "C: STAT", "C: LIST", "C: QUIT")]
        self.assertEqual(order, sorted(order), text)
        for secret in secrets():
            self.assertNotIn(secret, text + result.stdout + result.stderr)

    def test_smtp_ehlo_auth_and_quit_without_tls_on_loopback(self):
        transcript = os.path.join(self.tmp.name, "smtp.txt")
        result = connect(BINARY, f"smtp://{USER}@127.0.0.1:{self.server.ports['smtp']}",
                         ["NOOP"], transcript=transcript)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        with open(transcript) as source:
            text = source.read()
        order = [text.index(line) for line in ("C: EHLO mailscope.localhost", "C: AUTH PLAIN ***",
                                               "S: 235", "C: NOOP", "C: QUIT", "S: 221")]
        self.assertEqual(order, sorted(order), text)
        self.assertNotIn("C: STARTTLS", text)
        for secret in secrets():
            self.assertNotIn(secret, text + result.stdout + result.stderr)


class Refusals(unittest.TestCase):
    def test_refused_before_connecting_or_by_the_peer(self):
        # (what, the run, its exit status, what its stderr says)
        cases = [
            ("proxy: STARTTLS over implicit TLS",
             lambda: proxy_refusal(BINARY, "--upstream", "pop3s://127.0.0.1:1",
                                   "--upstream-starttls"),
             2, ["pop3s:// is TLS already"]),
            ("proxy: a protocol the scheme contradicts",
             lambda: proxy_refusal(BINARY, "--protocol", "smtp", "--upstream",
                                   "pop3://127.0.0.1:1"),
             2, ["contradicts"]),
            ("an unknown scheme", lambda: connect(BINARY, "gopher://mail.example.org", []),
             2, ["unknown scheme", "smtp://"]),
            ("a clear-text password to a remote host",
             lambda: connect(BINARY, "imap://alice@192.0.2.1", []), 2, ["--allow-plaintext-login"]),
            ("no password and no terminal to ask",
             lambda: connect(BINARY, "imaps://alice@127.0.0.1:1", [], password=None),
             2, ["MAILSCOPE_PASSWORD"]),
            ("a refused connection", lambda: connect(BINARY, "imap://127.0.0.1:1", ["LOGOUT"]),
             1, ["cannot connect to 127.0.0.1:1"]),
            ("a refused connection, said in Russian",
             lambda: connect(BINARY, "imap://127.0.0.1:1", ["LOGOUT"], extra=("--lang", "ru")),
             1, ["mailscope connect: не удаётся подключиться к 127.0.0.1:1: "]),
            ("an unknown scheme, said in Russian",
             lambda: connect(BINARY, "gopher://mail.example.org", [], extra=("--lang", "ru")),
             2, ["неизвестная схема «gopher»"]),
        ]
        for what, run, status, messages in cases:
            with self.subTest(what):
                result = run()
                self.assertEqual(result.returncode, status)
                for message in messages:
                    self.assertIn(message, result.stderr)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    require_connect(BINARY)
    unittest.main(verbosity=2)
