"""`mailscope connect pop3://` against a real Dovecot POP3 server on loopback:
plain, STLS and POP3S sessions with USER/PASS, STAT, LIST, UIDL, RETR, TOP,
DELE and QUIT, the deletion seen by the next session, no violation reported
by the engine, and no password in any output or transcript."""

import json
import os
import sys
import unittest

from net_helpers import (USER, TlsDovecot, TlsDovecotSessions, connect, free_port,
                         require_connect)
import peers  # noqa: E402  (on the path net_helpers set up)

BINARY = None

MESSAGES = [
    "From: Bob <bob@example.org>\r\nTo: Alice <alice@example.org>\r\n"
    "Subject: first over POP3\r\n\r\nline one\r\n.a line with a leading dot\r\nline three\r\n",
    "From: Bob <bob@example.org>\r\nTo: Alice <alice@example.org>\r\n"
    "Subject: second over POP3\r\n\r\nhello\r\n",
]


class Pop3Dovecot(TlsDovecot):
    """The TLS Dovecot with POP3 on too: STLS on the pop3 port and a pop3s
    listener, and two messages in alice's Maildir."""

    def __init__(self, pki, **kwargs):
        super().__init__(pki, extra_config="pop3_uidl_format = %08Xu%08Xv", **kwargs)
        self.pop3_port = None
        self.pop3s_port = None

    def services(self):
        return {**super().services(), "pop3": {"pop3": self.pop3_port, "pop3s": self.pop3s_port}}

    def _write_config(self):
        self.pop3_port = free_port()
        self.pop3s_port = free_port()
        maildir = self.maildir(USER)
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(maildir, sub), exist_ok=True)
        for number, message in enumerate(MESSAGES, start=1):
            with open(os.path.join(maildir, "new", f"100000000{number}.M{number}P1.test"),
                      "w", newline="") as out:
                out.write(message)
        # Written first, so that the fixture hands them to the mail uid.
        super()._write_config()


SCRIPT = ["CAPA", "STAT", "LIST", "LIST 2", "UIDL", "UIDL 1", "RETR 1", "TOP 2 0", "NOOP",
          "DELE 1", "LIST"]


class DovecotPop3Sessions(TlsDovecotSessions):
    SERVER_CLASS = Pop3Dovecot
    TMP_PREFIX = "mailscope-net-pop3-"

    def run_session(self, url, script, extra=(), name="session"):
        """Runs the script with a JSON Lines transcript; returns the result and
        the C:/S: text of the wire lines, rebuilt from the events."""
        jsonl = self.path(name + ".jsonl")
        result = connect(BINARY, url, script, extra=extra, transcript=jsonl)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        events = [json.loads(line) for line in self.read(jsonl).splitlines()]
        self.assert_no_secret(result.stdout, result.stderr, self.read(jsonl))
        # The engine agrees with Dovecot on every rule it checks.
        self.assertEqual([e for e in events if e["kind"] == "violation"], [])
        self.assertTrue(all(e["protocol"] == "pop3" for e in events))
        transcript = ""
        for event in events:
            if event["kind"] not in ("command", "untagged", "tagged", "continuation"):
                continue
            for line in event["raw"].split("\r\n")[:-1]:
                transcript += f"{event['dir']}: {line}\n"
        return result, transcript

    def test_01_plain_every_command_and_the_deletion(self):
        url = f"pop3://{USER}@127.0.0.1:{self.server.pop3_port}"
        result, transcript = self.run_session(url, SCRIPT, name="plain")
        for line in ("C: USER alice", "C: PASS ***", "C: STAT", "S: +OK 2 ", "C: UIDL",
                     "C: RETR 1", "S: ..a line with a leading dot", "C: TOP 2 0",
                     "S: Subject: second over POP3", "C: DELE 1", "C: QUIT"):
            self.assertIn(line, transcript)
        self.assertIn("AUTHORIZATION -> TRANSACTION (2: PASS accepted)", result.stdout)
        self.assertIn("TRANSACTION -> UPDATE (3: QUIT in TRANSACTION)", result.stdout)
        # The second LIST no longer shows message 1 (RFC 1939 5).
        last_list = transcript[transcript.rindex("C: LIST\n"):transcript.index("C: QUIT")]
        self.assertIn("S: 2 ", last_list)
        self.assertNotIn("S: 1 ", last_list)
        # QUIT carried the deletion out: the next session sees one message.
        after = connect(BINARY, url, ["STAT"])
        self.assertEqual(after.returncode, 0, after.stdout + after.stderr)
        self.assertIn("+OK 1 ", after.stdout)

    def test_02_stls(self):
        url = f"pop3://{USER}@localhost:{self.server.pop3_port}"
        result, transcript = self.run_session(
            url, ["STAT", "UIDL", "RETR 1"], extra=["--starttls", "--ca-file", self.pki.ca],
            name="stls")
        self.assertIn("TLS established", result.stdout)
        self.assertIn("certificate verified for localhost", result.stdout)
        # STLS goes first, the credentials only after TLS.
        self.assertLess(transcript.index("C: STLS"), transcript.index("C: USER alice"))
        self.assertIn("S: Subject: second over POP3", transcript)

    def test_03_pop3s(self):
        url = f"pop3s://{USER}@localhost:{self.server.pop3s_port}"
        result, transcript = self.run_session(url, ["STAT", "TOP 1 1"],
                                              extra=["--ca-file", self.pki.ca], name="pop3s")
        self.assertIn("TLS established", result.stdout)
        self.assertIn("C: TOP 1 1", transcript)

    def test_04_unverified_certificate_is_refused(self):
        url = f"pop3s://{USER}@127.0.0.1:{self.server.pop3s_port}"
        result = connect(BINARY, url, ["STAT"], extra=["--ca-file", self.pki.ca])
        self.assertNotEqual(result.returncode, 0)
        self.assert_no_secret(result.stdout, result.stderr)

    def test_05_wrong_password(self):
        url = f"pop3://{USER}@127.0.0.1:{self.server.pop3_port}"
        result = connect(BINARY, url, ["STAT"], password="not the password")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("login failed", result.stdout)
        self.assertNotIn("not the password", result.stdout + result.stderr)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    require_connect(BINARY)
    peers.require_for_suite("net_test_connect_pop3_dovecot", peers.dovecot("pop3"),
                            peers.openssl())
    unittest.main(verbosity=2)
