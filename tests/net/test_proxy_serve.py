"""Real clients through `mailscope proxy` to `mailscope serve`: imaplib,
poplib and smtplib with the upstream plain and with STARTTLS/STLS done by
the proxy; the client's own STARTTLS/STLS answered by the proxy with the
protocol's refusal; no password in anything the proxy prints or writes."""

import base64
import imaplib
import os
import poplib
import smtplib
import socket
import sys
import threading
import unittest

from net_helpers import (PASSWORD, USER, MailscopeServer, ProxyProcess, require_connect,
                         sasl_plain, secrets)

BINARY = None
MESSAGE = ("From: alice@example.org\r\nTo: bob@example.org\r\nSubject: through the proxy\r\n"
           "\r\nHello via mailscope proxy.\r\n")


class ProxyToServe(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = MailscopeServer(BINARY, "--pop3", "127.0.0.1:0", "--smtp",
                                     "127.0.0.1:0").start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.tmp.cleanup()

    def proxy(self, scheme, starttls=False):
        listener = {"imap": "imap", "pop3": "pop3", "smtp": "smtp"}[scheme]
        args = ["--upstream", f"{scheme}://localhost:{self.server.ports[listener]}"]
        if starttls:
            args += ["--upstream-starttls", "--ca-file", self.server.cert]
        return ProxyProcess(BINARY, *args)

    def relay(self, scheme, session, until, starttls=False):
        """Runs `session(port)` through a fresh proxy and waits for the
        transcript to hold `until`, so that the files are complete; returns
        the proxy and everything it printed."""
        proxy = self.proxy(scheme, starttls=starttls)
        try:
            session(proxy.port)
            proxy.wait_for_transcript(until)
        finally:
            output = proxy.stop()
        return proxy, output

    def assert_no_secret(self, proxy, output):
        everything = [output] + proxy.transcripts(".txt") + proxy.transcripts(".jsonl")
        self.assertTrue(proxy.transcripts(".txt"), output)
        for text in everything:
            for secret in secrets():
                self.assertNotIn(secret, text)

    # --- POP3 ---------------------------------------------------------------

    def pop3_session(self, port):
        client = poplib.POP3("127.0.0.1", port, timeout=15)
        client.user(USER)
        client.pass_(PASSWORD)
        count, _ = client.stat()
        self.assertGreaterEqual(count, 1)
        response, lines, _ = client.retr(1)
        self.assertTrue(response.startswith(b"+OK"), response)
        self.assertTrue(lines)
        client.quit()

    def test_pop3_plain_upstream(self):
        proxy, output = self.relay("pop3", self.pop3_session, "QUIT")
        self.assertRegex(output, r"command +RETR 1")
        self.assertRegex(output, r"command +PASS \*\*\*")
        self.assert_no_secret(proxy, output)

    def test_pop3_stls_upstream_done_by_the_proxy(self):
        proxy, output = self.relay("pop3", self.pop3_session, "QUIT", starttls=True)
        self.assertIn("upstream STLS done by the proxy", output)
        self.assertRegex(output, r"upstream #\d+ +C→S command +STLS")
        for text in proxy.transcripts(".txt"):
            self.assertNotIn("C: STLS", text)
        self.assert_no_secret(proxy, output)

    def test_pop3_client_stls_gets_err(self):
        def session(port):
            client = poplib.POP3("127.0.0.1", port, timeout=15)
            with self.assertRaises(poplib.error_proto) as refused:
                client.stls()
            self.assertIn("STLS is not relayed", str(refused.exception))
            self.assertTrue(str(refused.exception).startswith("b'-ERR"), refused.exception)
            client.user(USER)
            client.pass_(PASSWORD)
            client.quit()

        proxy, output = self.relay("pop3", session, "QUIT")
        self.assertIn("the proxy answers STLS itself", output)
        self.assert_no_secret(proxy, output)

    # --- SMTP ---------------------------------------------------------------

    def smtp_session(self, port):
        with smtplib.SMTP("127.0.0.1", port, timeout=15) as client:
            client.ehlo("client.example")
            self.assertFalse(client.has_extn("starttls") and self._upstream_tls)
            client.login(USER, PASSWORD)
            refused = client.sendmail("alice@example.org", ["bob@example.org"], MESSAGE)
            self.assertEqual(refused, {})

    def test_smtp_plain_upstream(self):
        self._upstream_tls = False
        proxy, output = self.relay("smtp", self.smtp_session, "QUIT")
        self.assertRegex(output, r"command +AUTH PLAIN \*\*\*")
        self.assertRegex(output, r"command +data")
        self.assert_no_secret(proxy, output)

    def test_smtp_starttls_upstream_done_by_the_proxy(self):
        self._upstream_tls = True
        proxy, output = self.relay("smtp", self.smtp_session, "QUIT", starttls=True)
        self.assertIn("upstream STARTTLS done by the proxy", output)
        self.assertRegex(output, r"upstream #\d+ +C→S command +EHLO mailscope.localhost")
        texts = proxy.transcripts(".txt")
        self.assertTrue(any("C: ehlo client.example" in text for text in texts), texts)
        for text in texts:
            # The client's session holds none of the proxy's own exchange.
            self.assertNotIn("mailscope.localhost", text)
            self.assertNotIn("C: STARTTLS", text)
        self.assert_no_secret(proxy, output)

    def test_smtp_client_starttls_gets_454(self):
        def session(port):
            with smtplib.SMTP("127.0.0.1", port, timeout=15) as client:
                client.ehlo("client.example")
                with self.assertRaises(smtplib.SMTPResponseException) as refused:
                    client.starttls()
                self.assertEqual(refused.exception.smtp_code, 454)
                client.login(USER, PASSWORD)

        proxy, output = self.relay("smtp", session, "QUIT")
        self.assertIn("the proxy answers STARTTLS itself", output)
        self.assertRegex(output, r"tagged +454 4.7.0 TLS not available")
        self.assert_no_secret(proxy, output)

    def test_sasl_after_a_trailing_space_stays_masked(self):
        # As mutt's "AUTHENTICATE CRAM-MD5 " in IMAP: "AUTH PLAIN " and
        # "AUTH LOGIN " with a trailing space, followed by the client's
        # SASL responses.
        hidden = [base64.b64encode(USER.encode()).decode(),
                  base64.b64encode(PASSWORD.encode()).decode()]
        for protocol in ("pop3", "smtp"):
            proxy = self.proxy(protocol)
            try:
                with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as sock:
                    stream = sock.makefile("rb")

                    def say(line, expect):
                        sock.sendall(line.encode() + b"\r\n")
                        while True:
                            reply = stream.readline()
                            self.assertTrue(reply, f"the connection closed after {line!r}")
                            if protocol == "pop3" or reply[3:4] != b"-":
                                break
                        self.assertTrue(reply.startswith(expect.encode()), (line, reply))

                    stream.readline()
                    if protocol == "pop3":
                        say("AUTH PLAIN ", "+")
                        say(sasl_plain(USER, PASSWORD), "+OK")
                        say("QUIT", "+OK")
                    else:
                        say("EHLO client.example", "250")
                        # mailscope serve refuses the empty initial response
                        # after the space (RFC 4954 4: "=" says empty); a
                        # careless client sends its lines all the same.
                        say("AUTH PLAIN ", "501")
                        say(sasl_plain(USER, PASSWORD), "5")
                        say("AUTH LOGIN ", "501")
                        say(hidden[0], "5")
                        say(hidden[1], "5")
                        say("QUIT", "221")
                proxy.wait_for_transcript("QUIT")
            finally:
                output = proxy.stop()
            self.assertRegex(output, r"command +AUTH")
            everything = [output] + proxy.transcripts(".txt") + proxy.transcripts(".jsonl")
            for text in everything:
                for secret in secrets() + hidden[1:]:
                    self.assertNotIn(secret, text)

    # --- IMAP ---------------------------------------------------------------

    def imap_session(self, port):
        client = imaplib.IMAP4("127.0.0.1", port, timeout=15)
        client.login(USER, PASSWORD)
        typ, _ = client.select("INBOX")
        self.assertEqual(typ, "OK")
        typ, data = client.fetch("1", "(FLAGS)")
        self.assertEqual(typ, "OK", data)
        client.logout()

    def test_imap_plain_and_starttls_upstream(self):
        for starttls in (False, True):
            proxy, output = self.relay("imap", self.imap_session, "LOGOUT", starttls=starttls)
            self.assertIn("FETCH", output)
            if starttls:
                self.assertIn("upstream STARTTLS done by the proxy", output)
            self.assert_no_secret(proxy, output)

    def test_imap_client_starttls_gets_bad(self):
        def session(port):
            client = imaplib.IMAP4("127.0.0.1", port, timeout=15)
            with self.assertRaises(imaplib.IMAP4.error) as refused:
                client.starttls()
            self.assertIn("STARTTLS is not relayed", str(refused.exception))
            client.login(USER, PASSWORD)
            client.logout()

        proxy, output = self.relay("imap", session, "LOGOUT")
        self.assertRegex(output, r"tagged +\w+ BAD STARTTLS is not relayed")
        self.assert_no_secret(proxy, output)

    def test_a_silent_client_is_told_and_closed(self):
        proxy = ProxyProcess(BINARY, "--upstream",
                             f"imap://localhost:{self.server.ports['imap']}", "--idle-timeout",
                             "1")
        try:
            with socket.create_connection(("127.0.0.1", proxy.port), timeout=15) as raw:
                reader = raw.makefile("rb")
                self.assertTrue(reader.readline().startswith(b"* OK"))
                raw.sendall(b"a1 NOOP\r\n")
                self.assertTrue(reader.readline().startswith(b"a1 OK"))
                # Then nothing: the proxy ends the session in IMAP's words.
                farewell = reader.readline()
                self.assertTrue(farewell.startswith(b"* BYE"), farewell)
                self.assertIn(b"the client sent nothing for 1 s", farewell)
                self.assertEqual(reader.readline(), b"")
            proxy.wait_for_transcript("sent nothing for 1 s")
        finally:
            output = proxy.stop()
        self.assertIn("session ended", output)


class SilentImapServer:
    """An IMAP server on loopback that greets, answers IDLE with "+ idling"
    and then never says anything again: a hung upstream."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            while True:
                connection, _ = self.listener.accept()
                self.connections.append(connection)
                threading.Thread(target=self._talk, args=(connection,), daemon=True).start()
        except OSError:
            return

    @staticmethod
    def _talk(connection):
        try:
            connection.sendall(b"* OK silent server ready\r\n")
            for line in connection.makefile("rb"):
                if line.split()[1:2] == [b"IDLE"]:
                    connection.sendall(b"+ idling\r\n")
        except OSError:
            return

    def close(self):
        self.listener.close()
        for connection in self.connections:
            connection.close()


class UpstreamTimeout(unittest.TestCase):
    def test_a_silent_upstream_ends_the_session_but_idle_may_last(self):
        upstream = SilentImapServer()
        proxy = ProxyProcess(BINARY, "--upstream", f"imap://127.0.0.1:{upstream.port}",
                             "--timeout", "1")
        try:
            with socket.create_connection(("127.0.0.1", proxy.port), timeout=15) as raw:
                reader = raw.makefile("rb")
                self.assertTrue(reader.readline().startswith(b"* OK"))
                raw.sendall(b"a1 IDLE\r\n")
                self.assertEqual(reader.readline(), b"+ idling\r\n")
                # IDLE: the server may stay silent as long as the client likes.
                raw.settimeout(2.5)
                with self.assertRaises(socket.timeout):
                    reader.readline()
                # DONE asks for the tagged OK, which never comes: the session ends.
                raw.settimeout(15)
                reader = raw.makefile("rb")
                raw.sendall(b"DONE\r\n")
                self.assertEqual(reader.readline(), b"")
            proxy.wait_for_transcript("no answer from 127.0.0.1 for 1 s")
        finally:
            output = proxy.stop()
            upstream.close()
        self.assertIn("session ended", output)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    require_connect(BINARY)
    unittest.main(verbosity=2)
