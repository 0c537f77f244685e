"""`--keylog FILE` on `mailscope connect` and `mailscope proxy`: the TLS
secrets in the NSS key log format, checked against the secrets the peers
themselves logged for the same connections (Python's ssl writes them through
the same OpenSSL callback). Equal secrets are what let Wireshark decrypt a
capture of the session; the file holds nothing else."""

import imaplib
import os
import re
import socket
import ssl
import stat
import sys
import tempfile
import threading
import unittest

from net_helpers import (PASSWORD, USER, ProxyProcess, TestPki, connect, proxy_refusal,
                         require_connect, secrets)

BINARY = None

# NSS key log lines: a label, the client random (32 octets), a secret.
KEY_LOG_LINE = re.compile(r"^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]{32,}$")


def key_log_lines(path):
    with open(path) as source:
        return [line.rstrip("\n") for line in source if line.strip() and not line.startswith("#")]


class TinyImapServer:
    """An IMAP4rev1 server with just enough verbs for a login and a LOGOUT,
    implicit TLS or STARTTLS, which logs its own TLS secrets."""

    def __init__(self, pki, key_log, implicit_tls):
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(pki.cert, pki.key)
        self.context.keylog_filename = key_log
        self.implicit_tls = implicit_tls
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(20)
        self.port = self.listener.getsockname()[1]
        self.commands = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def stop(self):
        # A close alone does not wake the thread blocked in accept(); a shutdown does.
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        self.thread.join(timeout=20)

    def _serve(self):
        try:
            while True:
                connection, _ = self.listener.accept()
                connection.settimeout(20)
                self._session(connection)
        except OSError:
            return

    def _session(self, connection):
        # wrap_socket() detaches the plain socket: the one in use is closed here.
        self.connection = connection
        try:
            self._converse(connection)
        except OSError:
            pass
        finally:
            self.connection.close()

    def _converse(self, connection):
        if self.implicit_tls:
            connection = self.connection = self.context.wrap_socket(connection, server_side=True)
        capability = "IMAP4rev1" if self.implicit_tls else "IMAP4rev1 STARTTLS LOGINDISABLED"
        reader = connection.makefile("rb")
        connection.sendall(f"* OK [CAPABILITY {capability}] tiny server ready\r\n".encode())
        while True:
            line = reader.readline()
            if not line:
                return
            tag, _, rest = line.decode("ascii", "replace").rstrip("\r\n").partition(" ")
            verb = rest.split(" ")[0].upper()
            self.commands.append(verb)
            if verb == "CAPABILITY":
                connection.sendall(f"* CAPABILITY {capability}\r\n{tag} OK done\r\n".encode())
            elif verb == "STARTTLS" and not self.implicit_tls:
                connection.sendall(f"{tag} OK begin TLS now\r\n".encode())
                connection = self.connection = self.context.wrap_socket(connection,
                                                                         server_side=True)
                reader = connection.makefile("rb")
                capability = "IMAP4rev1"
            elif verb == "LOGOUT":
                connection.sendall(f"* BYE tiny server leaving\r\n{tag} OK done\r\n".encode())
                return
            else:
                connection.sendall(f"{tag} OK {verb} done\r\n".encode())


class KeyLog(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pki = TestPki()

    @classmethod
    def tearDownClass(cls):
        cls.pki.tmp.cleanup()

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="mailscope-keylog-")
        self.addCleanup(self.tmp.cleanup)

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def assert_only_secrets(self, path):
        lines = key_log_lines(path)
        self.assertTrue(lines, f"{path} is empty")
        for line in lines:
            self.assertRegex(line, KEY_LOG_LINE)
        with open(path) as source:
            text = source.read()
        for secret in secrets():
            self.assertNotIn(secret, text)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        return set(lines)

    def run_connect(self, implicit_tls):
        server_log = self.path("server.keys")
        ours = self.path("connect.keys")
        server = TinyImapServer(self.pki, server_log, implicit_tls)
        try:
            scheme = "imaps" if implicit_tls else "imap"
            extra = ["--ca-file", self.pki.ca, "--keylog", ours]
            if not implicit_tls:
                extra.append("--starttls")
            result = connect(BINARY, f"{scheme}://{USER}@localhost:{server.port}", ["NOOP"],
                             extra=extra)
        finally:
            server.stop()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("LOGIN", server.commands)
        self.assertIn(f"--keylog: the TLS secrets of this session go to {ours}", result.stdout)
        logged = self.assert_only_secrets(ours)
        self.assertEqual(logged, set(key_log_lines(server_log)))
        labels = {line.split(" ")[0] for line in logged}
        self.assertTrue({"CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0"} <= labels or
                        "CLIENT_RANDOM" in labels, labels)
        for secret in secrets():
            self.assertNotIn(secret, result.stdout + result.stderr)

    def test_connect_with_implicit_tls_logs_the_servers_secrets(self):
        self.run_connect(implicit_tls=True)

    def test_connect_with_starttls_logs_the_secrets_of_the_upgrade(self):
        self.run_connect(implicit_tls=False)

    def test_a_second_session_appends_to_the_file(self):
        ours = self.path("twice.keys")
        server = TinyImapServer(self.pki, self.path("server.keys"), True)
        try:
            for _ in range(2):
                result = connect(BINARY, f"imaps://localhost:{server.port}", ["LOGOUT"],
                                 extra=["--ca-file", self.pki.ca, "--keylog", ours])
                self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        finally:
            server.stop()
        randoms = {line.split(" ")[1] for line in self.assert_only_secrets(ours)}
        self.assertEqual(len(randoms), 2)

    def test_proxy_logs_both_legs(self):
        server_log = self.path("server.keys")
        client_log = self.path("client.keys")
        ours = self.path("proxy.keys")
        server = TinyImapServer(self.pki, server_log, True)
        proxy = ProxyProcess(BINARY, "--upstream", f"imaps://localhost:{server.port}",
                             "--ca-file", self.pki.ca, "--cert", self.pki.cert, "--key",
                             self.pki.key, "--keylog", ours)
        try:
            context = ssl.create_default_context(cafile=self.pki.ca)
            context.keylog_filename = client_log
            with imaplib.IMAP4_SSL("localhost", proxy.port, ssl_context=context,
                                   timeout=20) as client:
                client.login(USER, PASSWORD)
                client.noop()
            proxy.wait_for_transcript("LOGOUT")
        finally:
            output = proxy.stop()
            server.stop()
        self.assertIn(f"--keylog: the TLS secrets of both legs of every session go to {ours}",
                      output)
        logged = self.assert_only_secrets(ours)
        client_leg = set(key_log_lines(client_log))
        server_leg = set(key_log_lines(server_log))
        self.assertTrue(client_leg and server_leg)
        self.assertEqual(logged, client_leg | server_leg)
        for secret in secrets():
            self.assertNotIn(secret, output)

    def test_an_unwritable_key_log_is_refused_before_connecting(self):
        missing = self.path("no/such/dir/keys")
        cases = [
            ("connect", lambda: connect(BINARY, "imaps://127.0.0.1:1", ["LOGOUT"],
                                        extra=["--keylog", missing])),
            ("proxy", lambda: proxy_refusal(BINARY, "--listen", "127.0.0.1:0", "--upstream",
                                            "imaps://127.0.0.1:1", "--keylog", missing)),
        ]
        for what, run in cases:
            with self.subTest(what):
                result = run()
                self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
                self.assertIn(f"cannot write the key log {missing}", result.stderr)
                self.assertNotIn("cannot connect", result.stderr)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    require_connect(BINARY)
    unittest.main(verbosity=2)
