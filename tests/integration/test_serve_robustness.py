"""Faults a classroom finds in a lab server, each against `mailscope serve`
with real clients (Python's imaplib, poplib and smtplib) or raw sockets:
clear-text logins under --login-disabled, NUL octets, non-canonical mailbox
names and a full disk.

Run by CTest as: python3 test_serve_robustness.py PATH/TO/mailscope
Every network operation stays on 127.0.0.1 and has a timeout.
"""

import base64
import imaplib
import os
import poplib
import resource
import smtplib
import socket
import ssl
import sys
import tempfile
import time
import unittest

from mailscope_server import MailscopeServer

BINARY = None
TIMEOUT = 10
USER, PASSWORD = "alice", "wonderland"


def start(*args, listeners=("pop3", "smtp"), data_dir=None):
    """A server with IMAP plus the named listeners; start() waits for every one."""
    extra = []
    for name in listeners:
        extra += [f"--{name}", "127.0.0.1:0"]
    return MailscopeServer(BINARY, *extra, *args, data_dir=data_dir).start()


def stop(server):
    server.stop()
    server.tmp.cleanup()


class LoginDisabled(unittest.TestCase):
    """RFC 2595 2.3: clear-text logins can be refused until TLS, in POP3 and SMTP too."""

    @classmethod
    def setUpClass(cls):
        cls.server = start("--login-disabled")

    @classmethod
    def tearDownClass(cls):
        stop(cls.server)

    def tls_context(self):
        return ssl.create_default_context(cafile=self.server.cert)

    def pop(self):
        client = poplib.POP3("127.0.0.1", self.server.ports["pop3"], timeout=TIMEOUT)
        self.addCleanup(client.close)
        return client

    def test_pop3_capa_offers_no_plaintext_login_before_stls(self):
        client = self.pop()
        capabilities = client.capa()
        self.assertNotIn("USER", capabilities)
        self.assertNotIn("SASL", capabilities)
        self.assertIn("STLS", capabilities)
        client.stls(self.tls_context())
        capabilities = client.capa()
        self.assertIn("USER", capabilities)
        self.assertEqual(capabilities.get("SASL"), ["PLAIN", "XOAUTH2", "OAUTHBEARER"])
        self.assertTrue(client.user(USER).startswith(b"+OK"))
        self.assertTrue(client.pass_(PASSWORD).startswith(b"+OK"))
        client.quit()

    def test_pop3_user_and_auth_plain_get_err_auth(self):
        client = self.pop()
        with self.assertRaises(poplib.error_proto) as refused:
            client.user(USER)
        self.assertTrue(str(refused.exception).startswith("b'-ERR [AUTH] USER is disabled until "
                                                          "STLS"), refused.exception)
        plain = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()
        for command in (f"AUTH PLAIN {plain}", "AUTH PLAIN", "AUTH LOGIN"):
            with self.assertRaises(poplib.error_proto) as refused:
                client._shortcmd(command)
            self.assertIn("-ERR [AUTH] AUTH", str(refused.exception))
        # Still in AUTHORIZATION: STAT needs a login.
        with self.assertRaises(poplib.error_proto):
            client.stat()

    def test_pop3_apop_is_not_clear_text_and_stays_allowed(self):
        client = self.pop()
        self.assertTrue(client.apop(USER, PASSWORD).startswith(b"+OK"))
        client.quit()

    def test_smtp_ehlo_offers_auth_only_after_starttls(self):
        client = smtplib.SMTP("127.0.0.1", self.server.ports["smtp"], timeout=TIMEOUT)
        self.addCleanup(client.close)
        client.ehlo("client.example.net")
        self.assertFalse(client.has_extn("auth"))
        self.assertTrue(client.has_extn("starttls"))
        plain = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()
        code, text = client.docmd("AUTH", f"PLAIN {plain}")
        self.assertEqual((code, text),
                         (538, b"5.7.11 Encryption required for requested authentication "
                               b"mechanism"))
        code, _ = client.docmd("AUTH", "LOGIN")
        self.assertEqual(code, 538)
        client.starttls(context=self.tls_context())
        client.ehlo("client.example.net")
        self.assertTrue(client.has_extn("auth"))
        self.assertEqual(client.login(USER, PASSWORD)[0], 235)
        client.quit()


def raw_exchange(port, payload, marker, wait=TIMEOUT):
    """Sends `payload` on a fresh connection; returns every octet received
    until `marker` has arrived (or the server closed)."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        received = b""
        deadline = time.monotonic() + wait
        greeted = False
        while time.monotonic() < deadline:
            if not greeted and b"\r\n" in received:
                sock.sendall(payload)
                greeted = True
            if greeted and marker in received:
                break
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
        return received


# Lines with a NUL in every place a parser may quote back: the tag, the
# command name, arguments, quoted strings, a line of its own.
IMAP_HOSTILE = [b"\0a1 NOOP", b"a\0 NOOP", b"a2 NO\0OP", b"a3 LOGIN alice \"wonder\0land\"",
                b"\0", b"a4 SELECT \"IN\0BOX\"", b"a5 AUTHENTICATE PL\0AIN", b"a6 ID (\"x\0\" NIL)"]
POP3_HOSTILE = [b"\0", b"US\0ER alice", b"USER al\0ice", b"LIST \0", b"AUTH PL\0AIN", b"\0\0\0"]
SMTP_HOSTILE = [b"\0", b"EH\0LO x", b"EHLO client\0.example", b"MAIL FROM:<a\0b@example.org>",
                b"AUTH PL\0AIN", b"VRFY ali\0ce"]
MESSAGE_WITH_NUL = b"Subject: zero\0here\r\n\r\nbefore\0after\r\n"
AS_SENT = b"Subject: zero\x80here\r\n\r\nbefore\x80after\r\n"


class NulOctets(unittest.TestCase):
    """No NUL ever leaves the server (RFC 3501 9: CHAR8 excludes NUL)."""

    @classmethod
    def setUpClass(cls):
        cls.server = start()

    @classmethod
    def tearDownClass(cls):
        stop(cls.server)

    def test_imap_errors_never_echo_a_nul(self):
        for line in IMAP_HOSTILE:
            with self.subTest(line=line):
                received = raw_exchange(self.server.ports["imap"], line + b"\r\nzz NOOP\r\n",
                                        b"zz OK")
                self.assertIn(b"zz OK", received)
                self.assertNotIn(b"\0", received)
        received = raw_exchange(self.server.ports["imap"], b"\0a1 NOOP\r\nzz NOOP\r\n", b"zz OK")
        self.assertIn(b"* BAD the tag '\\x00a1' contains a character a tag cannot hold", received)

    def test_pop3_and_smtp_errors_never_echo_a_nul(self):
        for port, lines, farewell in ((self.server.ports["pop3"], POP3_HOSTILE, b"signing off"),
                                      (self.server.ports["smtp"], SMTP_HOSTILE, b"221 ")):
            for line in lines:
                with self.subTest(line=line):
                    received = raw_exchange(port, line + b"\r\nQUIT\r\n", farewell)
                    self.assertIn(farewell, received)
                    self.assertNotIn(b"\0", received)

    def test_append_with_a_nul_literal_is_refused(self):
        client = imaplib.IMAP4("127.0.0.1", self.server.ports["imap"], timeout=TIMEOUT)
        self.addCleanup(client.logout)
        client.login(USER, PASSWORD)
        _, before = client.select("INBOX")
        # RFC 3501 9: literal = "{" number "}" CRLF *CHAR8, and CHAR8 is %x01-ff.
        with self.assertRaises(imaplib.IMAP4.error) as refused:
            client.append("INBOX", None, None, MESSAGE_WITH_NUL)
        self.assertIn("NUL", str(refused.exception))
        _, after = client.select("INBOX")
        self.assertEqual(before, after)

    def test_a_message_delivered_with_nul_is_read_with_0x80(self):
        mark = f"nul-{time.monotonic_ns()}"
        message = MESSAGE_WITH_NUL.replace(b"zero", mark.encode())
        smtp = smtplib.SMTP("127.0.0.1", self.server.ports["smtp"], timeout=TIMEOUT)
        self.assertEqual(smtp.sendmail("carol@example.org", ["bob@localhost"], message), {})
        smtp.quit()
        expected = AS_SENT.replace(b"zero", mark.encode())

        imap = imaplib.IMAP4("127.0.0.1", self.server.ports["imap"], timeout=TIMEOUT)
        imap.login("bob", "builder")
        imap.select("INBOX")
        _, found = imap.search(None, "SUBJECT", mark)
        number = found[0].split()[-1].decode()
        imap.logout()
        # On the socket itself: the literal carries 0x80 where the NUL was.
        login = b"l LOGIN bob builder\r\ns SELECT INBOX\r\n"
        fetch = f"f FETCH {number} (RFC822.SIZE BODY.PEEK[] ENVELOPE)\r\n".encode()
        received = raw_exchange(self.server.ports["imap"], login + fetch, b"f OK")
        self.assertIn(b"f OK FETCH completed", received)
        self.assertNotIn(b"\0", received)
        self.assertIn(expected, received)

        pop = poplib.POP3("127.0.0.1", self.server.ports["pop3"], timeout=TIMEOUT)
        pop.user("bob")
        pop.pass_("builder")
        count, _ = pop.stat()
        _, lines, _ = pop.retr(count)
        self.assertTrue(b"\r\n".join(lines).endswith(expected.rstrip(b"\r\n")))
        pop.quit()
        sent = raw_exchange(self.server.ports["pop3"],
                            f"USER bob\r\nPASS builder\r\nRETR {count}\r\nTOP {count} 0\r\n"
                            "QUIT\r\n".encode(), b"signing off")
        self.assertIn(b"signing off", sent)
        self.assertNotIn(b"\0", sent)

        # The lab report of the reading sessions says what happened. Reports
        # are written just after their sessions end: wait for both.
        imap_said = ("NUL octets, which IMAP never allows (RFC 3501 9); each was sent as the "
                     "octet 0x80")
        pop3_said = "NUL octets, which mail data never holds (RFC 2045 2.8)"
        deadline = time.monotonic() + TIMEOUT
        reports = ""
        while time.monotonic() < deadline and not (imap_said in reports
                                                   and pop3_said in reports):
            reports = ""
            for name in os.listdir(self.server.trace_dir):
                if name.endswith(".report.txt"):
                    with open(os.path.join(self.server.trace_dir, name), encoding="utf-8",
                              errors="replace") as f:
                        reports += f.read()
            time.sleep(0.05)
        self.assertIn(imap_said, reports)
        self.assertIn(pop3_said, reports)


class MailboxNames(unittest.TestCase):
    """RFC 3501 5.1.3: one spelling per name; anything else is a BAD that says why."""

    @classmethod
    def setUpClass(cls):
        cls.server = start(listeners=())

    @classmethod
    def tearDownClass(cls):
        stop(cls.server)

    def test_non_canonical_names_get_bad(self):
        client = imaplib.IMAP4("127.0.0.1", self.server.ports["imap"], timeout=TIMEOUT)
        self.addCleanup(client.logout)
        client.login(USER, PASSWORD)
        client.select("INBOX")
        for name in ("&AGE-", "&2D0-", "&AEkATgBCAE8AWA-", "&AGEAYg-", "&AOl-", "&AOk-&AOk-"):
            attempts = {
                "CREATE": lambda: client.create(name),
                "SELECT": lambda: client.select(name),
                "RENAME": lambda: client.rename("INBOX", name),
                "APPEND": lambda: client.append(name, None, None, b"Subject: x\r\n\r\n"),
                "COPY": lambda: client.copy("1", name),
                "STATUS": lambda: client.status(name, "(MESSAGES)"),
                "LIST": lambda: client.list('""', name),
            }
            for command, attempt in attempts.items():
                with self.subTest(name=name, command=command):
                    with self.assertRaises(imaplib.IMAP4.error) as refused:
                        attempt()
                    self.assertIn("RFC 3501 5.1.3", str(refused.exception))
                    client.select("INBOX")
        typ, listed = client.list()
        self.assertEqual(typ, "OK")
        self.assertFalse([line for line in listed if b"&A" in line], listed)
        self.assertEqual(client.create("&AOkA6Q-")[0], "OK")


def temporaries(root):
    """Half-written files: anything in a tmp/ directory, and '*.tmp' state files."""
    found = []
    for directory, _, files in os.walk(root):
        for name in files:
            if os.path.basename(directory) == "tmp" or name.endswith(".tmp"):
                found.append(os.path.join(directory, name))
    return found


class FullDisk(unittest.TestCase):
    """A write that fails (here: past the file size limit, EFBIG) is a temporary
    failure without a path: NO [UNAVAILABLE] (RFC 5530), 452 4.3.1 (RFC 3463)."""

    LIMIT = 256 * 1024

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="mailscope-full-")
        self.addCleanup(self.tmp.cleanup)
        self.data_dir = os.path.join(self.tmp.name, "data")

    def start_limited(self):
        # The server inherits the limit; it ignores SIGXFSZ so writes fail instead.
        soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (self.LIMIT, hard))
        try:
            return start(listeners=("smtp",), data_dir=self.data_dir)
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))

    def test_refused_writes_keep_everything_stored(self):
        big = b"Subject: too big\r\n\r\n" + b"x" * (2 * self.LIMIT) + b"\r\n"
        server = self.start_limited()
        try:
            client = imaplib.IMAP4("127.0.0.1", server.ports["imap"], timeout=TIMEOUT)
            client.login(USER, PASSWORD)
            _, [count] = client.select("INBOX")
            before = int(count)
            typ, answer = client.append("INBOX", None, None, big)
            self.assertEqual(typ, "NO")
            text = answer[0].decode()
            self.assertTrue(text.startswith("[UNAVAILABLE] the server could not write to its "
                                            "disk (File too large)"), text)
            self.assertNotIn("/", text)
            self.assertNotIn(self.data_dir, text)
            self.assertEqual(client.append("INBOX", None, None, b"Subject: small\r\n\r\nok\r\n")[0],
                             "OK")
            client.logout()

            smtp = smtplib.SMTP("127.0.0.1", server.ports["smtp"], timeout=TIMEOUT)
            with self.assertRaises(smtplib.SMTPDataError) as refused:
                smtp.sendmail("carol@example.org", ["alice@localhost"], big)
            self.assertEqual(refused.exception.smtp_code, 452)
            self.assertTrue(refused.exception.smtp_error.startswith(b"4.3.1 "))
            self.assertNotIn(self.data_dir.encode(), refused.exception.smtp_error)
            smtp.quit()
        finally:
            server.stop()
        self.assertEqual(temporaries(self.data_dir), [])

        with MailscopeServer(BINARY, data_dir=self.data_dir, tls=False) as restarted:
            client = imaplib.IMAP4("127.0.0.1", restarted.ports["imap"], timeout=TIMEOUT)
            _, [count] = (client.login(USER, PASSWORD), client.select("INBOX"))[1]
            self.assertEqual(int(count), before + 1)
            _, found = client.search(None, "SUBJECT", "small")
            self.assertEqual(len(found[0].split()), 1)
            _, found = client.search(None, "SUBJECT", "big")
            self.assertEqual(found[0], b"")
            client.logout()

    def test_temporaries_are_removed_at_start(self):
        with MailscopeServer(BINARY, data_dir=self.data_dir, tls=False):
            pass
        inbox = os.path.join(self.data_dir, "users", USER, "mail", "_INBOX")
        for stray in (os.path.join(self.data_dir, "mailscope-state.tmp"),
                      os.path.join(inbox, "mailscope-uidlist.tmp"),
                      os.path.join(inbox, "tmp", "99.1709294400+0000:2,")):
            with open(stray, "w") as f:
                f.write("half")
        with MailscopeServer(BINARY, data_dir=self.data_dir, tls=False):
            self.assertEqual(temporaries(self.data_dir), [])


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
