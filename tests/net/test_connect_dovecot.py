"""`mailscope connect --script` against a real Dovecot on loopback: plain,
STARTTLS and implicit TLS sessions, certificate checks, and no password in
any output."""

import os
import sys
import unittest

from net_helpers import (PASSWORD, SAMPLE_MESSAGE, USER, DovecotServer, TlsDovecotSessions,
                         append_lines, connect, require_connect, sasl_plain)
import peers  # noqa: E402  (on the path net_helpers set up)

BINARY = None

FULL_SCRIPT = [
    "CAPABILITY",
    'LIST "" "*"',
    "SELECT INBOX",
    *append_lines("INBOX", SAMPLE_MESSAGE),
    "NOOP",
    "FETCH 1 (FLAGS BODY[])",
    "STORE 1 +FLAGS (\\Flagged)",
    "SEARCH FLAGGED",
    "IDLE",
    "DONE",
    "LOGOUT",
]


class DovecotSessions(TlsDovecotSessions):
    def test_plain_session_with_every_command(self):
        transcript = self.path("plain.txt")
        result = connect(BINARY, f"imap://{USER}@127.0.0.1:{self.server.port}", FULL_SCRIPT,
                         transcript=transcript)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        text = self.read(transcript)
        self.assertRegex(text, r"S: A\d+ OK .*Logged in")
        self.assertIn("S: + ", text)  # APPEND's continuation
        self.assertRegex(text, r"S: A\d+ OK \[APPENDUID")
        self.assertRegex(text, r"S: \* 1 FETCH \(FLAGS \([^)]*\) BODY\[\] \{\d+\}")
        self.assertIn("S: Hello through the real network.", text)
        self.assertRegex(text, r"S: \* SEARCH 1")
        self.assertRegex(text, r"C: A\d+ IDLE")
        self.assertIn("C: DONE", text)
        self.assertRegex(text, r"S: \* BYE")
        self.assert_no_secret(text, result.stdout, result.stderr)
        self.assertIn("LOGIN", result.stdout)

    def test_authenticate_plain_with_continuation_is_masked(self):
        transcript = self.path("sasl.jsonl")
        result = connect(BINARY, f"imap://127.0.0.1:{self.server.port}",
                         ["AUTHENTICATE PLAIN", sasl_plain(USER, PASSWORD), "SELECT INBOX",
                          "LOGOUT"], transcript=transcript, password=None)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        text = self.read(transcript)
        self.assertIn('"Selected"', text)
        self.assert_no_secret(text, result.stdout, result.stderr)

    def test_login_typed_in_a_script_is_masked(self):
        transcript = self.path("typed-login.txt")
        result = connect(BINARY, f"imap://127.0.0.1:{self.server.port}",
                         [f"LOGIN {USER} {PASSWORD}", "LOGOUT"], transcript=transcript,
                         password=None)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        text = self.read(transcript)
        self.assertRegex(text, r"S: A\d+ OK")
        self.assert_no_secret(text, result.stdout, result.stderr)

    def test_reveal_secrets_shows_them(self):
        transcript = self.path("revealed.txt")
        result = connect(BINARY, f"imap://{USER}@127.0.0.1:{self.server.port}", ["LOGOUT"],
                         transcript=transcript, extra=["--reveal-secrets"])
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn(PASSWORD, self.read(transcript))

    def test_starttls_before_login(self):
        transcript = self.path("starttls.txt")
        result = connect(BINARY, f"imap://{USER}@localhost:{self.server.port}",
                         ["SELECT INBOX", "LOGOUT"], transcript=transcript,
                         extra=["--starttls", "--ca-file", self.pki.ca])
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        text = self.read(transcript)
        self.assertRegex(text, r"C: A\d+ STARTTLS")
        self.assertRegex(text, r"C: A\d+ LOGIN")
        self.assertLess(text.find(" STARTTLS"), text.find(" LOGIN "))
        self.assertIn("TLS established", result.stdout)
        self.assert_no_secret(text, result.stdout, result.stderr)

    def test_imaps_with_the_right_host(self):
        result = connect(BINARY, f"imaps://{USER}@localhost:{self.server.imaps_port}",
                         ["SELECT INBOX", "LOGOUT"], extra=["--ca-file", self.pki.ca])
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("certificate verified for localhost", result.stdout)
        self.assert_no_secret(result.stdout, result.stderr)

    def test_imaps_to_an_address_the_certificate_does_not_name(self):
        result = connect(BINARY, f"imaps://{USER}@127.0.0.1:{self.server.imaps_port}",
                         ["LOGOUT"], extra=["--ca-file", self.pki.ca])
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("certificate verify failed", result.stderr)
        self.assertIn("mismatch", result.stderr.lower())
        self.assertNotIn("LOGIN", result.stdout)

    def test_unknown_ca_is_refused(self):
        result = connect(BINARY, f"imaps://localhost:{self.server.imaps_port}", ["LOGOUT"])
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("certificate verify failed", result.stderr)

    def test_insecure_works_and_is_announced(self):
        result = connect(BINARY, f"imaps://{USER}@127.0.0.1:{self.server.imaps_port}",
                         ["LOGOUT"], extra=["--insecure"])
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("WARNING: --insecure", result.stdout)
        self.assertIn("NOT verified", result.stdout)

    def test_own_tags_are_kept(self):
        result = connect(BINARY, f"imap://{USER}@127.0.0.1:{self.server.port}",
                         ["x1 NOOP", "noop", "LOGOUT"], transcript=self.path("tags.txt"))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        text = self.read(self.path("tags.txt"))
        self.assertIn("C: x1 NOOP", text)
        self.assertRegex(text, r"C: A\d+ noop")


class DovecotWithoutTls(unittest.TestCase):
    def test_starttls_required_but_not_offered(self):
        with DovecotServer() as server:
            result = connect(BINARY, f"imap://{USER}@127.0.0.1:{server.port}", ["LOGOUT"],
                             extra=["--starttls"])
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("does not offer STARTTLS", result.stderr)
        self.assertNotIn(" LOGIN ", result.stdout)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    require_connect(BINARY)
    peers.require_for_suite("net_test_connect_dovecot", peers.dovecot("imap"), peers.openssl())
    unittest.main(verbosity=2)
