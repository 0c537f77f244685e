"""Real SMTP clients (Python's smtplib, curl, swaks) against `mailscope serve`,
and imaplib on the same server reading what they delivered.

Run by CTest as: python3 test_serve_smtplib.py PATH/TO/mailscope
Every network operation stays on 127.0.0.1 and has a timeout.
"""

import imaplib
import os
import smtplib
import ssl
import subprocess
import sys
import tempfile
import unittest
import uuid
from email.message import EmailMessage

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import peers  # noqa: E402
from mailscope_server import PASSWORD, TIMEOUT, USER, ServerPerClass  # noqa: E402


def token():
    return uuid.uuid4().hex[:12]


class SmtpServeTests(ServerPerClass):
    listeners = ("smtp", "smtps")

    def tls_context(self):
        return ssl.create_default_context(cafile=self.server.cert)

    def smtp(self):
        return smtplib.SMTP("127.0.0.1", self.server.ports["smtp"], timeout=TIMEOUT)

    def inbox_message(self, subject_token, user=USER, password=PASSWORD):
        """The full octets of the INBOX message whose Subject holds the token."""
        client = imaplib.IMAP4("127.0.0.1", self.server.ports["imap"], timeout=TIMEOUT)
        try:
            client.login(user, password)
            typ, _ = client.select("INBOX")
            self.assertEqual(typ, "OK")
            typ, data = client.search(None, "SUBJECT", subject_token)
            self.assertEqual(typ, "OK")
            numbers = data[0].split()
            self.assertEqual(len(numbers), 1, f"{subject_token} in {user}'s INBOX: {numbers}")
            typ, data = client.fetch(numbers[0], "(FLAGS BODY.PEEK[])")
            self.assertEqual(typ, "OK")
            return data[0][0], data[0][1]
        finally:
            client.logout()

    def test_ehlo_starttls_login_sendmail(self):
        mark = token()
        client = self.smtp()
        code, _ = client.ehlo("client.example.net")
        self.assertEqual(code, 250)
        for extension in ["size", "8bitmime", "pipelining", "starttls", "auth",
                          "enhancedstatuscodes"]:
            self.assertTrue(client.has_extn(extension), extension)
        client.starttls(context=self.tls_context())
        client.ehlo("client.example.net")
        self.assertFalse(client.has_extn("starttls"))
        code, _ = client.login(USER, PASSWORD)
        self.assertEqual(code, 235)
        refused = client.sendmail("carol@example.net", ["alice@localhost", "bob@example.org"],
                                  f"Subject: both {mark}\r\n\r\nhello\r\n")
        self.assertEqual(refused, {})
        client.quit()
        flags, octets = self.inbox_message(mark)
        self.assertIn(b"\\Recent", flags)
        self.assertTrue(octets.startswith(b"Return-Path: <carol@example.net>\r\nReceived: from "
                                          b"client.example.net by mailscope.test with ESMTPSA"))
        _, bob_copy = self.inbox_message(mark, "bob", "builder")
        self.assertIn(b"\r\n\r\nhello\r\n", bob_copy)

    def test_relay_is_refused(self):
        client = self.smtp()
        with self.assertRaises(smtplib.SMTPRecipientsRefused) as refused:
            client.sendmail("carol@example.net", ["someone@elsewhere.net"],
                            "Subject: relay\r\n\r\nno\r\n")
        code, text = refused.exception.recipients["someone@elsewhere.net"]
        self.assertEqual(code, 550)
        self.assertIn(b"5.7.1 relaying denied", text)
        # One good and one refused recipient: delivered to the good one.
        mark = token()
        refused = client.sendmail("carol@example.net", ["alice@localhost", "x@elsewhere.net"],
                                  f"Subject: partial {mark}\r\n\r\nyes\r\n")
        self.assertEqual(list(refused), ["x@elsewhere.net"])
        client.quit()
        self.inbox_message(mark)

    def test_send_message_keeps_leading_dots(self):
        mark = token()
        message = EmailMessage()
        message["From"] = "carol@example.net"
        message["To"] = "alice@localhost"
        message["Subject"] = f"dots {mark}"
        message.set_content(".starts with a dot\n..two dots\n.\nlast\n")
        client = self.smtp()
        client.send_message(message)
        client.quit()
        _, octets = self.inbox_message(mark)
        body = octets.split(b"\r\n\r\n", 2)[-1]
        self.assertIn(b"\r\n.starts with a dot\r\n..two dots\r\n.\r\nlast\r\n",
                      b"\r\n" + body)

    def test_smtps(self):
        mark = token()
        client = smtplib.SMTP_SSL("127.0.0.1", self.server.ports["smtps"], timeout=TIMEOUT,
                                  context=self.tls_context())
        client.ehlo()
        self.assertFalse(client.has_extn("starttls"))
        client.sendmail("carol@example.net", ["alice@localhost"],
                        f"Subject: implicit {mark}\r\n\r\ntls\r\n")
        client.quit()
        _, octets = self.inbox_message(mark)
        self.assertIn(b"with ESMTPS", octets)

    def curl(self, url, mark, *extra):
        peers.require_for_test(self, peers.curl())
        with tempfile.NamedTemporaryFile("wb", suffix=".eml", delete=False) as f:
            f.write(f"Subject: curl {mark}\r\n\r\n.curl body\r\n".encode())
            path = f.name
        try:
            result = subprocess.run(
                ["curl", "--silent", "--show-error", "--max-time", "15", url,
                 "--mail-from", "carol@example.net", "--mail-rcpt", "alice@localhost",
                 "-T", path, *extra],
                capture_output=True, text=True, timeout=30)
        finally:
            os.unlink(path)
        self.assertEqual(result.returncode, 0, result.stderr)
        _, octets = self.inbox_message(mark)
        self.assertIn(b"\r\n\r\n.curl body\r\n", octets)

    def test_curl_smtp(self):
        self.curl(f"smtp://127.0.0.1:{self.server.ports['smtp']}", token())

    def test_curl_smtp_starttls(self):
        self.curl(f"smtp://127.0.0.1:{self.server.ports['smtp']}", token(), "--ssl-reqd",
                  "--cacert", self.server.cert)

    def test_curl_smtps(self):
        self.curl(f"smtps://127.0.0.1:{self.server.ports['smtps']}", token(), "--cacert",
                  self.server.cert)

    def swaks(self, mark, *extra):
        checks = [peers.swaks()] + ([peers.swaks_tls()] if "--tls" in extra else [])
        peers.require_for_test(self, *checks)
        result = subprocess.run(
            ["swaks", "--to", "alice@localhost", "--from", "carol@example.net", "--server",
             f"127.0.0.1:{self.server.ports['smtp']}", "--timeout", "10",
             "--header", f"Subject: swaks {mark}", *extra],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("250 2.0.0 Ok: delivered to 1 mailbox", result.stdout)
        self.inbox_message(mark)
        return result.stdout

    def test_swaks_plain(self):
        self.swaks(token())

    def test_swaks_tls(self):
        out = self.swaks(token(), "--tls")
        self.assertIn("220 2.0.0 Ready to start TLS", out)

    def test_swaks_auth_plain(self):
        out = self.swaks(token(), "--auth", "PLAIN", "--auth-user", USER, "--auth-password",
                         PASSWORD)
        self.assertIn("235 2.7.0 authentication successful", out)

    def test_swaks_pipelining(self):
        out = self.swaks(token(), "--pipeline")
        self.assertIn("PIPELINING", out)

    def test_mailscope_connect_smtp(self):
        mark = token()
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write("MAIL FROM:<carol@example.net>\nRCPT TO:<alice@localhost>\nDATA\n"
                    f"Subject: connect {mark}\n\n.dotted line\n.\n")
            script = f.name
        try:
            result = subprocess.run(
                [self.binary, "connect", f"smtp://{USER}@127.0.0.1:{self.server.ports['smtp']}",
                 "--starttls", "--ca-file", self.server.cert, "--script", script,
                 "--timeout", "10"],
                capture_output=True, text=True, timeout=60,
                env=dict(os.environ, MAILSCOPE_PASSWORD=PASSWORD), stdin=subprocess.DEVNULL)
        finally:
            os.unlink(script)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        for expected in ["Greeted -> Ready (8: 220 after STARTTLS)", "AUTH PLAIN ***",
                         "235 2.7.0", "Rcpt -> Data (6: DATA answered 354)",
                         "250 2.0.0 Ok: delivered to 1 mailbox", "221 2.0.0"]:
            self.assertIn(expected, result.stdout)
        self.assertNotIn(PASSWORD, result.stdout)
        _, octets = self.inbox_message(mark)
        self.assertIn(b"\r\n\r\n.dotted line\r\n", octets)

    def test_traces_hide_passwords(self):
        mark = f"traces-{token()}.example"
        client = self.smtp()
        client.ehlo(mark)
        client.login(USER, PASSWORD)
        client.quit()
        # This session's files, once the server closed it and wrote them.
        transcript = self.server.wait_for_session("smtp", mark.encode())
        session = transcript[:-len(".txt")]
        with open(transcript, "rb") as f:
            self.assertIn(b"AUTH PLAIN ***", f.read())
        for suffix in (".txt", ".jsonl", ".report.txt"):
            with open(session + suffix, "rb") as f:
                text = f.read()
            self.assertNotIn(PASSWORD.encode(), text, suffix)
            self.assertNotIn(b"AGFsaWNlAHdvbmRlcmxhbmQ", text, suffix)


if __name__ == "__main__":
    ServerPerClass.binary = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
