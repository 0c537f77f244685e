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
        self.assertIn("TLS established", result.stdout)

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
    def test_proxy_refuses_starttls_over_implicit_tls(self):
        result = proxy_refusal(BINARY, "--upstream", "pop3s://127.0.0.1:1", "--upstream-starttls")
        self.assertEqual(result.returncode, 2)
        self.assertIn("pop3s:// is TLS already", result.stderr)

    def test_unknown_scheme(self):
        result = connect(BINARY, "gopher://mail.example.org", [])
        self.assertEqual(result.returncode, 2)
        self.assertIn("unknown scheme", result.stderr)
        self.assertIn("smtp://", result.stderr)

    def test_cleartext_password_to_a_remote_host(self):
        result = connect(BINARY, "imap://alice@192.0.2.1", [])
        self.assertEqual(result.returncode, 2)
        self.assertIn("--allow-plaintext-login", result.stderr)

    def test_no_password_without_terminal(self):
        result = connect(BINARY, "imaps://alice@127.0.0.1:1", [], password=None)
        self.assertEqual(result.returncode, 2)
        self.assertIn("MAILSCOPE_PASSWORD", result.stderr)

    def test_refused_connection(self):
        result = connect(BINARY, "imap://127.0.0.1:1", ["LOGOUT"])
        self.assertEqual(result.returncode, 1)
        self.assertIn("cannot connect to 127.0.0.1:1", result.stderr)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    require_connect(BINARY)
    unittest.main(verbosity=2)
