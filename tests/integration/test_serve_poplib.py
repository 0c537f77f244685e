"""Real POP3 clients (Python's poplib, curl) against `mailscope serve --pop3`,
with imaplib on the same server to put messages in and to see deletions.

Run by CTest as: python3 test_serve_poplib.py PATH/TO/mailscope
Every network operation stays on 127.0.0.1 and has a timeout.
"""

import hashlib
import imaplib
import os
import poplib
import re
import ssl
import subprocess
import sys
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import peers  # noqa: E402
from mailscope_server import PASSWORD, TIMEOUT, USER, ServerPerClass  # noqa: E402


def log_in(client):
    """USER and PASS as alice; poplib raises if either is refused."""
    client.user(USER)
    client.pass_(PASSWORD)


def curl(*args):
    result = subprocess.run(["curl", "--silent", "--show-error", "--max-time", "15", *args],
                            capture_output=True, timeout=30)
    return result.returncode, result.stdout.decode("utf-8", "replace"), result.stderr.decode()


class PopServer(ServerPerClass):
    listeners = ("pop3", "pop3s")

    def pop(self):
        client = poplib.POP3("127.0.0.1", self.server.ports["pop3"], timeout=TIMEOUT)
        self.addCleanup(self.close_quietly, client)
        return client

    def pops(self):
        context = ssl.create_default_context(cafile=self.server.cert)
        client = poplib.POP3_SSL("127.0.0.1", self.server.ports["pop3s"], timeout=TIMEOUT,
                                 context=context)
        self.addCleanup(self.close_quietly, client)
        return client

    @staticmethod
    def close_quietly(client):
        try:
            client.close()
        except OSError:
            pass

    def assert_refused(self, reply, command, *args):
        """command(*args) gets an -ERR holding `reply`."""
        with self.assertRaises(poplib.error_proto) as caught:
            command(*args)
        self.assertIn(reply, caught.exception.args[0])

    def imap_append(self, message):
        imap = imaplib.IMAP4("127.0.0.1", self.server.ports["imap"], timeout=TIMEOUT)
        imap.login(USER, PASSWORD)
        typ, _ = imap.append("INBOX", None, None, message)
        self.assertEqual(typ, "OK")
        imap.logout()


class PoplibTests(PopServer):
    def test_every_read_command(self):
        client = self.pop()
        self.assertIn(b"<", client.getwelcome())
        self.assertTrue(client.user(USER).startswith(b"+OK"))
        self.assertTrue(client.pass_(PASSWORD).startswith(b"+OK"))
        count, size = client.stat()
        self.assertGreater(count, 0)
        response, listing, octets = client.list()
        self.assertTrue(response.startswith(b"+OK"))
        self.assertEqual(len(listing), count)
        sizes = {int(n): int(s) for n, s in (line.split() for line in listing)}
        self.assertEqual(sum(sizes.values()), size)
        self.assertEqual(client.list(1), b"+OK 1 %d" % sizes[1])
        # RETR: the octets poplib reads add up to the size LIST announced.
        response, lines, octets = client.retr(1)
        self.assertEqual(sum(len(line) + 2 for line in lines), sizes[1])
        self.assertIn(b"", lines)  # the blank line after the headers
        response, top_lines, _ = client.top(1, 0)
        self.assertEqual(top_lines, lines[:lines.index(b"") + 1])
        response, uids, _ = client.uidl()
        self.assertEqual(len(uids), count)
        uid_of_1 = uids[0].split()[1]
        self.assertEqual(client.uidl(1), b"+OK 1 " + uid_of_1)
        self.assertTrue(client.noop().startswith(b"+OK"))
        with self.assertRaises(poplib.error_proto):
            client.list(count + 1)
        client.quit()
        # Unique-ids are stable across sessions (RFC 1939 7).
        again = self.pop()
        log_in(again)
        self.assertEqual(again.uidl()[1], uids)
        again.quit()

    def test_capa_and_what_it_promises(self):
        client = self.pop()
        capa = client.capa()
        for name in ("TOP", "USER", "UIDL", "RESP-CODES", "PIPELINING", "STLS", "SASL"):
            self.assertIn(name, capa)
        self.assertEqual(capa["SASL"], ["PLAIN", "XOAUTH2", "OAUTHBEARER"])
        client.quit()

    def test_wrong_password_and_wrong_state(self):
        client = self.pop()
        with self.assertRaises(poplib.error_proto):
            client.stat()
        client.user(USER)
        self.assert_refused(b"[AUTH]", client.pass_, "not the password")
        client.quit()

    def test_apop(self):
        client = self.pop()
        self.assertTrue(client.apop(USER, PASSWORD).startswith(b"+OK"))
        self.assertGreater(client.stat()[0], 0)
        client.quit()
        wrong = self.pop()
        with self.assertRaises(poplib.error_proto):
            wrong.apop(USER, "wrong")
        wrong.quit()
        # RFC 1939 7: the digest is MD5 over the greeting's timestamp and the
        # shared secret, in lower-case hex. Computed here with hashlib, not by
        # poplib, it must be accepted; over another timestamp, refused.
        by_hand = self.pop()
        timestamp = re.search(rb"<[^>]*>", by_hand.getwelcome()).group(0)
        digest = hashlib.md5(timestamp + PASSWORD.encode()).hexdigest()
        self.assertTrue(by_hand._shortcmd(f"APOP {USER} {digest}").startswith(b"+OK"))
        self.assertGreater(by_hand.stat()[0], 0)
        by_hand.quit()
        stale = self.pop()
        other = hashlib.md5(b"<1.1@elsewhere.example>" + PASSWORD.encode()).hexdigest()
        with self.assertRaises(poplib.error_proto):
            stale._shortcmd(f"APOP {USER} {other}")
        stale.quit()

    def test_rpop_is_not_offered(self):
        client = self.pop()
        client.user(USER)
        self.assert_refused(b"unknown command RPOP", client.rpop, USER)
        client.quit()

    def test_second_session_gets_in_use(self):
        first = self.pop()
        log_in(first)
        second = self.pop()
        second.user(USER)
        self.assert_refused(b"[IN-USE]", second.pass_, PASSWORD)
        first.quit()
        second.user(USER)
        self.assertTrue(second.pass_(PASSWORD).startswith(b"+OK"))
        second.quit()

    def test_leading_dots_round_trip(self):
        marker = uuid.uuid4().hex
        body = [b"From: dots@example.org", b"Subject: " + marker.encode(), b"", b".",
                b"..two", b".leading", b"end"]
        self.imap_append(b"\r\n".join(body) + b"\r\n")
        client = self.pop()
        log_in(client)
        count, _ = client.stat()
        response, lines, _ = client.retr(count)
        self.assertEqual(lines, body)
        client.quit()

    def test_stls(self):
        client = self.pop()
        client.stls(ssl.create_default_context(cafile=self.server.cert))
        self.assertNotIn("STLS", client.capa())
        log_in(client)
        self.assertGreater(client.stat()[0], 0)
        client.quit()

    def test_pop3s(self):
        client = self.pops()
        log_in(client)
        self.assertGreater(client.stat()[0], 0)
        self.assertNotIn("STLS", client.capa())
        client.quit()


class DeleteTests(PopServer):
    def login(self):
        client = self.pop()
        log_in(client)
        return client

    def test_dele_rset_quit(self):
        client = self.login()
        count, _ = client.stat()
        uids = client.uidl()[1]
        client.dele(1)
        self.assertEqual(client.stat()[0], count - 1)
        with self.assertRaises(poplib.error_proto):
            client.retr(1)
        client.rset()
        self.assertEqual(client.stat()[0], count)
        client.dele(1)
        # A connection that ends without QUIT deletes nothing.
        closed_before = len(self.server.closed_sessions("pop3"))
        client.close()  # no QUIT
        # Logging in again needs the maildrop lock the closed session held.
        self.server.wait_for_closed_sessions("pop3", closed_before + 1)
        client = self.login()
        self.assertEqual(client.stat()[0], count)
        client.dele(1)
        client.quit()
        client = self.login()
        self.assertEqual(client.stat()[0], count - 1)
        self.assertEqual(client.uidl()[1][0].split()[1], uids[1].split()[1])
        client.quit()


class CurlTests(PopServer):
    def setUp(self):
        peers.require_for_test(self, peers.curl())

    def url(self, path="", secure=False):
        scheme, port = ("pop3s", self.server.ports["pop3s"]) if secure else (
            "pop3", self.server.ports["pop3"])
        return f"{scheme}://127.0.0.1:{port}/{path}"

    def test_list_and_retr(self):
        code, out, err = curl(self.url(), "-u", f"{USER}:{PASSWORD}")
        self.assertEqual(code, 0, err)
        listing = [line.split() for line in out.splitlines()]
        self.assertGreater(len(listing), 0)
        code, message, err = curl(self.url("1"), "-u", f"{USER}:{PASSWORD}")
        self.assertEqual(code, 0, err)
        self.assertEqual(len(message.encode()), int(listing[0][1]))
        self.assertIn("Subject:", message)

    def test_stls_and_pop3s(self):
        code, out, err = curl(self.url(), "-u", f"{USER}:{PASSWORD}", "--ssl-reqd",
                              "--cacert", self.server.cert)
        self.assertEqual(code, 0, err)
        self.assertTrue(out.strip())
        code, message, err = curl(self.url("1", secure=True), "-u", f"{USER}:{PASSWORD}",
                                  "--cacert", self.server.cert)
        self.assertEqual(code, 0, err)
        self.assertIn("Subject:", message)
        code, _, _ = curl(self.url(secure=True), "-u", f"{USER}:{PASSWORD}")
        self.assertNotEqual(code, 0, "an unknown certificate must be refused")

    def test_dele(self):
        code, before, err = curl(self.url(), "-u", f"{USER}:{PASSWORD}")
        self.assertEqual(code, 0, err)
        code, _, err = curl(self.url(str(len(before.splitlines()))), "-u", f"{USER}:{PASSWORD}",
                            "-X", "DELE", "-I")
        self.assertEqual(code, 0, err)
        code, after, err = curl(self.url(), "-u", f"{USER}:{PASSWORD}")
        self.assertEqual(code, 0, err)
        self.assertEqual(len(after.splitlines()), len(before.splitlines()) - 1)


class AutologoutTests(PopServer):
    options = ("--autologout", "1")

    def test_autologout_closes_an_idle_pop3_session(self):
        client = self.pop()
        log_in(client)
        # RFC 1939 3: after the idle time the server closes without a
        # reply (the read returns end of file, within the socket's timeout)
        # and without UPDATE.
        self.assertEqual(client.file.readline(), b"")
        with self.assertRaises((poplib.error_proto, OSError, EOFError)):
            client.stat()


class TraceTests(PopServer):
    def test_traces_have_no_password(self):
        client = self.pop()
        log_in(client)
        client.stat()
        client.quit()
        (session,) = self.server.wait_for_closed_sessions("pop3", 1)
        for suffix in (".txt", ".jsonl", ".report.txt"):
            with open(session + suffix, "rb") as f:
                content = f.read()
            self.assertNotIn(PASSWORD.encode(), content, suffix)
            if suffix == ".txt":
                self.assertIn(b"C: PASS ***", content)


if __name__ == "__main__":
    ServerPerClass.binary = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
