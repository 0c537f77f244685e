"""`mailscope proxy --client-tls starttls`: the proxy offers STARTTLS (POP3:
STLS) to clients that connect in clear and completes it with its own
certificate. Real clients (imaplib, poplib, smtplib, curl, mbsync) upgrade
towards the proxy and then log in; what a client sends after STARTTLS in
clear never reaches the server (RFC 3207 4.2, RFC 3501 6.2.1); a second
STARTTLS is refused; no password appears in anything the proxy prints or
writes."""

import imaplib
import os
import poplib
import shutil
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
import unittest

from net_helpers import (PASSWORD, USER, MailscopeServer, ProxyProcess, require_connect,
                         secrets)

BINARY = None
MESSAGE = ("From: alice@example.org\r\nTo: bob@example.org\r\nSubject: upgraded at the proxy\r\n"
           "\r\nHello over TLS to the proxy.\r\n")


class ClientStarttls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = MailscopeServer(BINARY, "--pop3", "127.0.0.1:0", "--smtp",
                                     "127.0.0.1:0").start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.tmp.cleanup()

    def tls_context(self):
        # The proxy shows the clients the certificate `serve` made for localhost.
        return ssl.create_default_context(cafile=self.server.cert)

    def relay(self, scheme, session, until, upstream_starttls=False):
        """Runs `session(port)` through a fresh proxy that completes the
        client's STARTTLS; returns the proxy and everything it printed."""
        args = ["--upstream", f"{scheme}://localhost:{self.server.ports[scheme]}",
                "--client-tls", "starttls", "--cert", self.server.cert, "--key", self.server.key]
        if upstream_starttls:
            args += ["--upstream-starttls", "--ca-file", self.server.cert]
        proxy = ProxyProcess(BINARY, *args)
        try:
            session(proxy.port)
            proxy.wait_for_transcript(until)
        finally:
            output = proxy.stop()
        self.assertIn("(STARTTLS offered)", output)
        return proxy, output

    def assert_upgraded_without_secrets(self, proxy, output, verb="STARTTLS"):
        self.assertIn(f"the proxy completes the client's {verb} itself", output)
        self.assertIn("client TLS established: TLSv1.3", output)
        everything = [output] + proxy.transcripts(".txt") + proxy.transcripts(".jsonl")
        for text in everything:
            for secret in secrets():
                self.assertNotIn(secret, text)

    # --- IMAP -----------------------------------------------------------------

    def imap_session(self, port):
        client = imaplib.IMAP4("localhost", port, timeout=15)
        self.assertIn("STARTTLS", client.capabilities)
        client.starttls(ssl_context=self.tls_context())
        # imaplib asks again after TLS: the list no longer offers it.
        self.assertNotIn("STARTTLS", client.capabilities)
        client.login(USER, PASSWORD)
        status, _ = client.select("INBOX")
        self.assertEqual(status, "OK")
        status, data = client.fetch("1", "(FLAGS)")
        self.assertEqual(status, "OK", data)
        client.logout()

    def test_imaplib(self):
        # The plain upstream offers STARTTLS itself: kept, then dropped after TLS.
        proxy, output = self.relay("imap", self.imap_session, "LOGOUT")
        self.assertIn("the proxy removes STARTTLS from the server's list", output)
        self.assert_upgraded_without_secrets(proxy, output)

    def test_imaplib_with_both_legs_upgraded(self):
        # Over TLS the upstream lists no STARTTLS: the proxy adds it.
        proxy, output = self.relay("imap", self.imap_session, "LOGOUT", upstream_starttls=True)
        self.assertIn("upstream STARTTLS done by the proxy", output)
        self.assertIn("upstream certificate verified for localhost", output)
        self.assertIn("subject CN=localhost", output)
        self.assertIn("the proxy adds STARTTLS to the server's list", output)
        self.assert_upgraded_without_secrets(proxy, output)

    def test_octets_sent_in_clear_after_starttls_never_reach_the_server(self):
        def session(port):
            with socket.create_connection(("127.0.0.1", port), timeout=15) as raw:
                reader = raw.makefile("rb")
                self.assertTrue(reader.readline().startswith(b"* OK"))
                raw.sendall(b"a1 STARTTLS\r\na2 LOGOUT\r\n")
                self.assertTrue(reader.readline().startswith(b"a1 OK"))
                with self.tls_context().wrap_socket(raw, server_hostname="localhost") as tls:
                    tls_reader = tls.makefile("rb")
                    tls.sendall(b"a3 NOOP\r\na4 STARTTLS\r\na5 LOGOUT\r\n")
                    lines = []
                    while not lines or not lines[-1].startswith(b"a5 "):
                        line = tls_reader.readline()
                        if not line:
                            break
                        lines.append(line)
            replies = b"".join(lines)
            # Had a2 LOGOUT reached the server, a3 would find the session gone.
            self.assertIn(b"a3 OK", replies)
            self.assertNotIn(b"a2 ", replies)
            self.assertIn(b"a4 BAD STARTTLS refused: TLS is already active", replies)
            self.assertIn(b"a5 OK", replies)

        proxy, output = self.relay("imap", session, "a5 LOGOUT")
        self.assertIn("11 octets the client sent after STARTTLS but before TLS are discarded",
                      output)
        transcript = "".join(proxy.transcripts(".txt"))
        self.assertNotIn("C: a2 ", transcript)
        self.assertNotIn("answers #4 a2", output)

    # --- POP3 -----------------------------------------------------------------

    def test_poplib(self):
        def session(port):
            client = poplib.POP3("localhost", port, timeout=15)
            self.assertIn("STLS", client.capa())
            client.stls(context=self.tls_context())
            self.assertNotIn("STLS", client.capa())
            client.user(USER)
            client.pass_(PASSWORD)
            count, _ = client.stat()
            self.assertGreaterEqual(count, 1)
            client.quit()

        proxy, output = self.relay("pop3", session, "QUIT", upstream_starttls=True)
        self.assertIn("the proxy adds STLS to the server's list", output)
        self.assert_upgraded_without_secrets(proxy, output, "STLS")

    # --- SMTP -----------------------------------------------------------------

    def test_smtplib(self):
        def session(port):
            client = smtplib.SMTP("localhost", port, timeout=15)
            client.ehlo()
            self.assertTrue(client.has_extn("starttls"))
            client.starttls(context=self.tls_context())
            client.ehlo()
            self.assertFalse(client.has_extn("starttls"))
            client.login(USER, PASSWORD)
            client.sendmail("alice@example.org", ["bob@example.org"], MESSAGE)
            client.quit()

        # smtplib writes its verbs in lower case; the server's 221 ends the session.
        proxy, output = self.relay("smtp", session, "221 2.0.0")
        self.assertIn("the proxy removes STARTTLS from the server's list", output)
        self.assert_upgraded_without_secrets(proxy, output)

    # --- curl, all three --------------------------------------------------------

    def curl(self, url, *args):
        with tempfile.NamedTemporaryFile("w", suffix=".netrc", delete=False) as netrc:
            netrc.write(f"machine localhost login {USER} password {PASSWORD}\n")
        try:
            return subprocess.run(["curl", "--silent", "--show-error", "--ssl-reqd", "--cacert",
                                   self.server.cert, "--netrc-file", netrc.name,
                                   "--max-time", "20", url, *args],
                                  capture_output=True, text=True, timeout=30)
        finally:
            os.unlink(netrc.name)

    def test_curl_upgrades_every_protocol(self):
        message = os.path.join(self.server.tmp.name, "curl-message.eml")
        with open(message, "w") as out:
            out.write(MESSAGE)
        cases = [
            ("imap", lambda port: self.curl(f"imap://localhost:{port}/INBOX", "-X",
                                            "EXAMINE INBOX"), "LOGOUT", "EXISTS"),
            ("pop3", lambda port: self.curl(f"pop3://localhost:{port}/"), "QUIT", "1 "),
            ("smtp", lambda port: self.curl(f"smtp://localhost:{port}", "--mail-from",
                                            "alice@example.org", "--mail-rcpt",
                                            "bob@example.org", "--upload-file", message),
             "QUIT", ""),
        ]
        for scheme, run, until, expected in cases:
            with self.subTest(scheme):
                results = []
                proxy, output = self.relay(scheme, lambda port: results.append(run(port)), until)
                result = results[0]
                self.assertEqual(result.returncode, 0, result.stderr + output)
                self.assertIn(expected, result.stdout)
                self.assert_upgraded_without_secrets(proxy, output,
                                                     "STLS" if scheme == "pop3" else "STARTTLS")

    # --- mbsync -----------------------------------------------------------------

    def test_mbsync_pulls_the_inbox_over_starttls(self):
        if not shutil.which("mbsync"):
            self.fail("mbsync (Debian package isync) is not installed; scripts/setup installs it")
        work = tempfile.TemporaryDirectory(prefix="mailscope-mbsync-")
        self.addCleanup(work.cleanup)
        local = os.path.join(work.name, "mail")
        os.makedirs(local)
        config = os.path.join(work.name, "mbsyncrc")

        def session(port):
            with open(config, "w") as out:
                out.write(f"""IMAPAccount proxy
Host localhost
Port {port}
User {USER}
PassCmd "printenv MAILSCOPE_PASSWORD"
SSLType STARTTLS
CertificateFile {self.server.cert}
AuthMechs LOGIN

IMAPStore remote
Account proxy

MaildirStore local
Path {local}/
Inbox {local}/INBOX

Channel inbox
Far :remote:
Near :local:
Patterns INBOX
Create Near
Sync Pull
""")
            env = dict(os.environ, MAILSCOPE_PASSWORD=PASSWORD, HOME=work.name)
            result = subprocess.run(["mbsync", "-c", config, "inbox"], capture_output=True,
                                    text=True, timeout=60, env=env, stdin=subprocess.DEVNULL)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

        proxy, output = self.relay("imap", session, "LOGOUT")
        pulled = os.listdir(os.path.join(local, "INBOX", "cur")) + \
            os.listdir(os.path.join(local, "INBOX", "new"))
        self.assertTrue(pulled, output)
        self.assert_upgraded_without_secrets(proxy, output)

    # --- msmtp and fetchmail ------------------------------------------------------

    def require(self, program):
        if not shutil.which(program):
            self.fail(f"{program} (its Debian package) is not installed; scripts/setup installs it")

    def test_msmtp_sends_over_starttls(self):
        self.require("msmtp")

        def session(port):
            env = dict(os.environ, MAILSCOPE_PASSWORD=PASSWORD)
            result = subprocess.run(
                ["msmtp", f"--host=localhost", f"--port={port}", "--tls=on",
                 "--tls-starttls=on", f"--tls-trust-file={self.server.cert}", "--auth=plain",
                 f"--user={USER}", "--passwordeval=printenv MAILSCOPE_PASSWORD",
                 "--from=alice@example.org", "bob@example.org"],
                input=MESSAGE, capture_output=True, text=True, timeout=60, env=env)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

        proxy, output = self.relay("smtp", session, "221 2.0.0")
        self.assertRegex(output, r"250 2\.0\.0 Ok: delivered")
        self.assert_upgraded_without_secrets(proxy, output)

    def test_fetchmail_retrieves_over_stls(self):
        self.require("fetchmail")
        work = tempfile.TemporaryDirectory(prefix="mailscope-fetchmail-")
        self.addCleanup(work.cleanup)
        delivered = os.path.join(work.name, "delivered.mbox")
        rcfile = os.path.join(work.name, "fetchmailrc")

        def session(port):
            # sslproto without "ssl": fetchmail insists on STLS (fetchmail(1)).
            with open(os.open(rcfile, os.O_WRONLY | os.O_CREAT, 0o600), "w") as out:
                out.write(f"""set no syslog
poll localhost proto POP3 port {port}
  user "{USER}" there with password "{PASSWORD}" is "root" here
  sslproto "tls1.2+" sslcertck sslcertfile "{self.server.cert}"
  keep fetchall
  mda "/bin/sh -c 'cat >> {delivered}'"
""")
            env = dict(os.environ, HOME=work.name)
            result = subprocess.run(
                ["fetchmail", "-f", rcfile, "--pidfile", os.path.join(work.name, "pid"),
                 "--nodetach", "--nosyslog"],
                capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

        proxy, output = self.relay("pop3", session, "QUIT")
        with open(delivered, errors="replace") as source:
            self.assertIn("Subject:", source.read())
        self.assert_upgraded_without_secrets(proxy, output, "STLS")


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    require_connect(BINARY)
    unittest.main(verbosity=2)
