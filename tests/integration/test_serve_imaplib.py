"""Python's imaplib as a real client against `mailscope serve`.

Run by CTest as: python3 test_serve_imaplib.py PATH/TO/mailscope
Every network operation stays on 127.0.0.1 and has a timeout.
"""

import imaplib
import os
import smtplib
import socket
import ssl
import sys
import tempfile
import time
import unittest
import uuid

from mailscope_server import MailscopeServer

BINARY = None
TIMEOUT = 10
USER, PASSWORD = "alice", "wonderland"


def tls_context(server):
    context = ssl.create_default_context(cafile=server.cert)
    return context


def connect(server):
    return imaplib.IMAP4("127.0.0.1", server.ports["imap"], timeout=TIMEOUT)


def logged_in(server):
    client = connect(server)
    client.login(USER, PASSWORD)
    return client


def raw_exchange(port, lines, end_marker, wait=10.0):
    """Sends raw bytes; returns what the server wrote until `end_marker` (a tag
    followed by a space at the start of a line) was seen, or the time is up."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.settimeout(wait)
        greeting = sock.recv(4096)
        for line in lines:
            sock.sendall(line)
        data = b""
        end = time.monotonic() + wait
        while time.monotonic() < end:
            if (b"\r\n" + end_marker + b" ") in b"\r\n" + data and data.endswith(b"\r\n"):
                break
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            data += chunk
        return greeting, data


def read_until(sock, marker, wait=10.0):
    """What the server sent on `sock` up to and including the first line that
    starts with `marker`; fails when that line has not come within `wait` seconds."""
    data = b""
    deadline = time.monotonic() + wait
    while not any(line.startswith(marker) for line in data.split(b"\r\n")[:-1]):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"no line starting with {marker!r} within {wait} s: {data!r}")
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        if not chunk:
            raise AssertionError(f"the server closed before {marker!r}: {data!r}")
        data += chunk
    return data


class ServeTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = MailscopeServer(BINARY).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.tmp.cleanup()

    def login(self):
        client = connect(self.server)
        typ, _ = client.login(USER, PASSWORD)
        self.assertEqual(typ, "OK")
        return client

    def test_greeting_and_capability(self):
        client = connect(self.server)
        self.assertIn(b"IMAP4rev1", client.welcome)
        typ, data = client.capability()
        self.assertEqual(typ, "OK")
        caps = data[0].split()
        for cap in [b"IMAP4rev1", b"STARTTLS", b"IDLE", b"UIDPLUS", b"MOVE", b"NAMESPACE",
                    b"LITERAL+", b"UNSELECT", b"ID", b"CHILDREN", b"ENABLE", b"AUTH=PLAIN"]:
            self.assertIn(cap, caps)
        self.assertEqual(client.noop()[0], "OK")
        self.assertEqual(client.logout()[0], "BYE")

    def test_login_failure_is_no(self):
        # RFC 3501 6.2.3: "NO - login failure: user name or password
        # rejected"; BAD would mean the command itself was wrong. login()
        # raises for both, so the completion is read as it came.
        client = connect(self.server)
        typ, data = client._simple_command("LOGIN", USER, client._quote("wrong"))
        self.assertEqual(typ, "NO")
        self.assertTrue(data[0].startswith(b"[AUTHENTICATIONFAILED]"), data)
        self.assertEqual(client.state, "NONAUTH")
        client.shutdown()

    def test_authenticate_plain_and_cram_md5(self):
        client = connect(self.server)
        typ, _ = client.authenticate("PLAIN", lambda _: f"\0{USER}\0{PASSWORD}".encode())
        self.assertEqual(typ, "OK")
        client.logout()
        client = connect(self.server)
        typ, _ = client.login_cram_md5(USER, PASSWORD)
        self.assertEqual(typ, "OK")
        client.logout()

    def test_select_examine_fetch_search_store(self):
        client = self.login()
        typ, data = client.select("INBOX")
        self.assertEqual(typ, "OK")
        count = int(data[0])
        self.assertGreaterEqual(count, 5)
        self.assertTrue(client.response("UIDVALIDITY")[1][0])
        typ, data = client.fetch("1", "(FLAGS UID RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE)")
        self.assertEqual(typ, "OK")
        self.assertIn(b"ENVELOPE", data[0] if isinstance(data[0], bytes) else data[0][0])
        typ, data = client.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)])")
        self.assertEqual(typ, "OK")
        self.assertIn(b"Subject:", data[0][1])
        # RFC 3501 6.4.5: BODY[...] sets \Seen; shown on a message without it.
        typ, data = client.search(None, "UNSEEN")
        unseen = data[0].split()
        self.assertTrue(unseen, "the classroom INBOX has no unseen message")
        typ, data = client.fetch(unseen[0], "(FLAGS)")
        self.assertNotIn(b"\\Seen", data[0])
        typ, data = client.fetch(unseen[0], "(BODY[TEXT])")
        self.assertEqual(typ, "OK")
        typ, data = client.fetch(unseen[0], "(FLAGS)")
        self.assertIn(b"\\Seen", data[0])
        typ, data = client.search(None, "ALL")
        self.assertEqual(len(data[0].split()), count)
        typ, data = client.search("UTF-8", "NOT", "DELETED", "SINCE", "1-Jan-2000")
        self.assertEqual(typ, "OK")
        typ, data = client.store("1", "+FLAGS", "(\\Flagged)")
        self.assertEqual(typ, "OK")
        self.assertIn(b"\\Flagged", data[0])
        typ, data = client.store("1", "-FLAGS.SILENT", "(\\Flagged)")
        self.assertEqual(typ, "OK")
        typ, data = client.uid("FETCH", "1:*", "(FLAGS)")
        self.assertEqual(typ, "OK")
        self.assertIn(b"UID", data[0])
        typ, data = client.uid("SEARCH", None, "ALL")
        self.assertTrue(data[0].split())
        self.assertEqual(client.check()[0], "OK")
        self.assertEqual(client.close()[0], "OK")
        typ, data = client.select("INBOX", readonly=True)
        self.assertEqual(typ, "OK")
        typ, _ = client.store("1", "+FLAGS", "(\\Seen)")
        self.assertEqual(typ, "NO")
        client.logout()

    def test_esearch(self):
        # RFC 4731 through imaplib: one ESEARCH that names the command's tag.
        client = self.login()
        self.assertIn("ESEARCH", client.capabilities)
        typ, data = client.select("INBOX")
        count = int(data[0])
        typ, _ = client.search(None, "RETURN", "(MIN MAX COUNT)", "ALL")
        self.assertEqual(typ, "OK")
        _, esearch = client.response("ESEARCH")
        self.assertRegex(esearch[0].decode(),
                         r'^\(TAG "[A-Za-z0-9]+"\) MIN 1 MAX %d COUNT %d$' % (count, count))
        typ, _ = client.uid("SEARCH", "RETURN", "()", "ALL")
        self.assertEqual(typ, "OK")
        _, esearch = client.response("ESEARCH")
        self.assertRegex(esearch[0].decode(), r'^\(TAG "[A-Za-z0-9]+"\) UID ALL [0-9:,]+$')
        client.logout()

    def test_special_use(self):
        # RFC 6154 through imaplib: the selection option lists the folders
        # with a special use, each with its attribute.
        client = self.login()
        self.assertIn("SPECIAL-USE", client.capabilities)
        typ, _ = client._simple_command("LIST", "(SPECIAL-USE)", '""', "*")
        self.assertEqual(typ, "OK")
        _, listed = client.response("LIST")
        self.assertIn(b'(\\Sent) "/" Sent', listed)
        self.assertIn(b'(\\Drafts) "/" Drafts', listed)
        self.assertFalse(any(b"INBOX" in line for line in listed), listed)
        client.logout()

    def test_binary(self):
        # RFC 3516 through imaplib: BINARY[1] is the base64 part decoded, its
        # NUL octet carried by a literal8; BINARY.SIZE is the decoded size.
        client = self.login()
        self.assertIn("BINARY", client.capabilities)
        message = (b"Subject: binary\r\nMIME-Version: 1.0\r\n"
                   b"Content-Type: multipart/mixed; boundary=x\r\n\r\n"
                   b"--x\r\nContent-Type: application/octet-stream\r\n"
                   b"Content-Transfer-Encoding: base64\r\n\r\nAAEC/w==\r\n--x--\r\n")
        client.create("BinaryBox")
        typ, _ = client.append("BinaryBox", None, None, message)
        self.assertEqual(typ, "OK")
        client.select("BinaryBox")
        typ, data = client.fetch("1", "(BINARY.PEEK[1] BINARY.SIZE[1])")
        self.assertEqual(typ, "OK")
        self.assertIn(b"BINARY[1] ~{4}", data[0][0])
        self.assertEqual(data[0][1], b"\x00\x01\x02\xff")
        self.assertIn(b"BINARY.SIZE[1] 4", data[1])
        client.close()
        client.delete("BinaryBox")
        client.logout()

    def test_list_status(self):
        # RFC 5819 through imaplib: one LIST gives each mailbox's STATUS.
        client = self.login()
        self.assertIn("LIST-STATUS", client.capabilities)
        typ, _ = client._simple_command("LIST", '""', "%", "RETURN", "(STATUS (MESSAGES UNSEEN))")
        self.assertEqual(typ, "OK")
        _, listed = client.response("LIST")
        _, statuses = client.response("STATUS")
        self.assertTrue(any(b"INBOX" in line for line in listed))
        self.assertTrue(any(line.startswith(b"INBOX (MESSAGES ") for line in statuses), statuses)
        client.logout()

    def test_utf8_accept(self):
        # RFC 6855 through imaplib: after ENABLE UTF8=ACCEPT it writes and
        # reads mailbox names in UTF-8 and searches UTF-8 text without CHARSET.
        # (Its append() puts "UTF8 (" inside the literal, so no APPEND here.)
        client = self.login()
        self.assertIn("UTF8=ACCEPT", client.capabilities)
        self.assertEqual(client.enable("UTF8=ACCEPT")[0], "OK")
        self.assertEqual(client.response("ENABLED")[1], [b"UTF8=ACCEPT"])
        self.assertTrue(client.utf8_enabled)
        name = '"\u0417\u0430\u043c\u0435\u0442\u043a\u0438 2026"'
        self.assertEqual(client.create(name)[0], "OK")
        typ, listed = client.list('""', '"\u0417\u0430\u043c\u0435\u0442\u043a\u0438*"')
        self.assertEqual(typ, "OK")
        self.assertEqual(len(listed), 1, listed)
        self.assertTrue(listed[0].decode("utf-8").endswith(name), listed)
        # The store keeps modified UTF-7 (RFC 3501 5.1.3): a client that did
        # not enable UTF-8 sees that form of the same name.
        other = self.login()
        typ, seen = other.list('""', '"&BBcEMAQ8BDUEQgQ6BDg-*"')
        self.assertEqual(len(seen), 1, seen)
        self.assertTrue(seen[0].endswith(b' "/" "&BBcEMAQ8BDUEQgQ6BDg- 2026"'), seen)
        other.logout()
        self.assertEqual(client.select(name)[0], "OK")
        self.assertEqual(client.select("INBOX")[0], "OK")
        typ, found = client.search(None, 'SUBJECT "\u0420\u0430\u0441\u043f\u0438\u0441\u0430\u043d\u0438\u0435"')
        self.assertEqual(typ, "OK")
        self.assertNotEqual(found[0], b"", "the Russian subject of the sample INBOX")
        with self.assertRaises(imaplib.IMAP4.error):
            client._simple_command("SEARCH", "CHARSET", "UTF-8", "ALL")
        self.assertEqual(client.delete(name)[0], "OK")
        client.logout()

    def test_mailbox_management(self):
        client = self.login()
        self.assertEqual(client.create("Lab/Week1")[0], "OK")
        typ, data = client.list('""', "Lab/*")
        self.assertEqual(typ, "OK")
        self.assertTrue(any(b"Lab/Week1" in line for line in data))
        typ, data = client.list('""', "%")
        self.assertTrue(any(b"\\HasChildren" in line and b"Lab" in line for line in data))
        self.assertEqual(client.rename("Lab/Week1", "Lab/Week2")[0], "OK")
        self.assertEqual(client.subscribe("Lab/Week2")[0], "OK")
        typ, data = client.lsub('""', "Lab/*")
        self.assertTrue(any(b"Lab/Week2" in line for line in data))
        self.assertEqual(client.unsubscribe("Lab/Week2")[0], "OK")
        typ, data = client.status("Lab/Week2", "(MESSAGES UIDNEXT UIDVALIDITY UNSEEN RECENT)")
        self.assertEqual(typ, "OK")
        self.assertIn(b"MESSAGES 0", data[0])
        self.assertEqual(client.delete("Lab/Week2")[0], "OK")
        typ, _ = client.delete("Lab/Week2")
        self.assertEqual(typ, "NO")
        typ, data = client.list('""', '""')
        self.assertIn(b'"/"', data[0])
        typ, data = client.namespace()
        self.assertEqual(typ, "OK")
        client.logout()

    def test_append_copy_move_expunge(self):
        client = self.login()
        client.create("Work")
        message = b"From: bob@example.org\r\nSubject: lab report\r\n\r\nhello\r\n"
        typ, data = client.append("Work", "(\\Seen)", imaplib.Time2Internaldate(time.time()), message)
        self.assertEqual(typ, "OK")
        self.assertIn(b"APPENDUID", data[0])
        # RFC 3501 6.3.11: NO [TRYCREATE] when the mailbox does not exist;
        # the tagged text comes back as the data of the NO.
        typ, data = client.append("NoSuchFolder", None, None, message)
        self.assertEqual(typ, "NO")
        self.assertTrue(data[0].startswith(b"[TRYCREATE]"), data)
        client.select("Work")
        typ, data = client.copy("1", "Trash")
        self.assertEqual(typ, "OK")
        typ, data = client._simple_command("MOVE", "1", "Archive/2024")
        self.assertEqual(typ, "OK")
        typ, data = client.select("Work")
        self.assertEqual(int(data[0]), 0)
        client.select("Trash")
        client.store("1:*", "+FLAGS", "(\\Deleted)")
        typ, data = client.expunge()
        self.assertEqual(typ, "OK")
        self.assertTrue(data[0])
        self.assertEqual(client._simple_command("UNSELECT")[0], "OK")
        client.delete("Work")
        client.logout()

    def test_id_enable_idle(self):
        client = self.login()
        typ, data = client.xatom("ID", '("name" "imaplib")')
        self.assertEqual(typ, "OK")
        self.assertEqual(client._simple_command("ENABLE", "CONDSTORE")[0], "OK")
        client.select("INBOX")
        tag = client._new_tag()
        client.send(tag + b" IDLE\r\n")
        line = client.readline()
        self.assertTrue(line.startswith(b"+"))
        other = self.login()
        other.append("INBOX", None, None, b"Subject: while idling\r\n\r\nhi\r\n")
        other.logout()
        line = client.readline()
        self.assertRegex(line, rb"^\* \d+ EXISTS")
        client.send(b"DONE\r\n")
        while True:
            line = client.readline()
            if line.startswith(tag):
                self.assertIn(b"OK", line)
                break
        client.logout()

    def test_two_sessions_see_each_other(self):
        first = self.login()
        second = self.login()
        first.create("Shared")
        first.select("Shared")
        second.select("Shared")
        second.append("Shared", None, None, b"Subject: one\r\n\r\nbody\r\n")
        typ, _ = first.noop()
        self.assertTrue(first.response("EXISTS")[1][0])
        # \Recent belongs to one session only.
        typ, data = first.fetch("1", "(FLAGS)")
        typ2, data2 = second.fetch("1", "(FLAGS)")
        recent = [b"\\Recent" in data[0], b"\\Recent" in data2[0]]
        self.assertEqual(recent.count(True), 1)
        second.store("1", "+FLAGS", "(\\Flagged)")
        first.noop()
        fetches = first.response("FETCH")[1]
        self.assertTrue(any(b"\\Flagged" in f for f in fetches if f))
        second.store("1", "+FLAGS", "(\\Deleted)")
        second.expunge()
        typ, _ = first.noop()
        self.assertTrue(first.response("EXPUNGE")[1][0])
        first.logout()
        second.logout()

    def test_condstore_and_qresync(self):
        # RFC 7162: a client that was away resynchronises with SELECT
        # (QRESYNC ...); imaplib has no call for it, so the commands go out
        # as written.
        laptop = self.login()
        self.assertEqual(laptop.enable("QRESYNC")[0], "OK")
        self.assertEqual(laptop.response("ENABLED")[1], [b"QRESYNC"])
        laptop.create("Resync")
        for n in range(3):
            laptop.append("Resync", None, None, f"Subject: m{n}\r\n\r\nx\r\n".encode())
        laptop.select("Resync")
        highest = int(laptop.response("HIGHESTMODSEQ")[1][0])
        validity = int(laptop.response("UIDVALIDITY")[1][0])
        laptop.logout()

        phone = self.login()
        phone.select("Resync")
        phone.store("2", "+FLAGS", "(\\Flagged)")
        phone.store("3", "+FLAGS", "(\\Deleted)")
        phone.expunge()

        back = self.login()
        back.enable("QRESYNC")
        typ, _ = back._simple_command("SELECT", "Resync", f"(QRESYNC ({validity} {highest}))")
        self.assertEqual(typ, "OK")
        self.assertEqual(back.response("VANISHED")[1], [b"(EARLIER) 3"])
        changed = back.response("FETCH")[1]
        self.assertEqual(len(changed), 1)
        self.assertRegex(changed[0], rb"^2 \(UID 2 FLAGS \(\\Flagged\) MODSEQ \(\d+\)\)$")
        self.assertGreater(int(back.response("HIGHESTMODSEQ")[1][0]), highest)
        back.state = "SELECTED"
        # A change made on the old state is refused for the message the phone changed.
        typ, data = back._simple_command("UID", "STORE", "2", f"(UNCHANGEDSINCE {highest})",
                                         "+FLAGS", "(\\Seen)")
        self.assertEqual(typ, "OK")
        self.assertEqual(back.response("MODIFIED")[1], [b"2"])
        phone.store("1", "+FLAGS", "(\\Deleted)")
        phone.expunge()
        back.noop()
        self.assertEqual(back.response("VANISHED")[1], [b"1"])
        for client in (phone, back):
            client.logout()

    def test_starttls_and_imaps(self):
        client = connect(self.server)
        client.starttls(ssl_context=tls_context(self.server))
        self.assertEqual(client.login(USER, PASSWORD)[0], "OK")
        client.logout()
        secure = imaplib.IMAP4_SSL("127.0.0.1", self.server.ports["imaps"],
                                   ssl_context=tls_context(self.server), timeout=TIMEOUT)
        self.assertEqual(secure.login(USER, PASSWORD)[0], "OK")
        self.assertEqual(secure.select("INBOX")[0], "OK")
        secure.logout()

    def test_hostile_input(self):
        port = self.server.ports["imap"]
        _, data = raw_exchange(port, [b"a1 NOOP " + b"x" * (1 << 20) + b"\r\n", b"a2 NOOP\r\n"],
                               b"a2")
        self.assertIn(b"a1 BAD", data)
        self.assertIn(b"a2 OK", data)
        _, data = raw_exchange(port, [b"a1 LOGIN alice wonderland\r\n",
                                      b"a2 APPEND INBOX {4294967296}\r\n", b"a3 NOOP\r\n"],
                               b"a3")
        self.assertRegex(data, rb"a2 (NO|BAD)")
        self.assertIn(b"a3 OK", data)
        _, data = raw_exchange(port, [b"a1 LOGIN alice wonderland\r\n"] +
                               [b"p%d NOOP\r\n" % i for i in range(1000)] + [b"z LOGOUT\r\n"],
                               b"z", wait=20)
        self.assertEqual(data.count(b" OK"), 1002)

    def test_disconnect_mid_append_keeps_store(self):
        client = self.login()
        typ, before = client.status("INBOX", "(MESSAGES UIDNEXT)")
        port = self.server.ports["imap"]
        tag = b"half" + uuid.uuid4().hex.encode()
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
            read_until(sock, b"* OK")
            sock.sendall(b"a1 LOGIN alice wonderland\r\n")
            read_until(sock, b"a1 OK")
            sock.sendall(tag + b" APPEND INBOX {100}\r\n")
            # The literal goes only after the server asked for it.
            read_until(sock, b"+ ")
            sock.sendall(b"Subject: half\r\n\r\nonly part")
        # The server has dropped the session once it wrote its transcript.
        self.server.wait_for_session("imap", tag + b" APPEND INBOX {100}")
        typ, after = client.status("INBOX", "(MESSAGES UIDNEXT)")
        self.assertEqual(before, after)
        client.logout()


class RestartTests(unittest.TestCase):
    def test_data_dir_survives_restart(self):
        with tempfile.TemporaryDirectory() as data_dir:
            with MailscopeServer(BINARY, data_dir=data_dir, tls=False) as server:
                client = logged_in(server)
                client.create("Kept")
                typ, data = client.append("Kept", "(\\Flagged)", None,
                                          b"Subject: kept\r\n\r\nstill here\r\n")
                self.assertEqual(typ, "OK")
                client.select("INBOX")
                client.store("1", "+FLAGS", "(\\Answered)")
                client.logout()
            with MailscopeServer(BINARY, data_dir=data_dir, tls=False) as server:
                client = logged_in(server)
                typ, data = client.select("Kept")
                self.assertEqual(int(data[0]), 1)
                typ, data = client.fetch("1", "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
                self.assertIn(b"\\Flagged", data[0][0])
                self.assertIn(b"kept", data[0][1])
                client.select("INBOX")
                typ, data = client.fetch("1", "(FLAGS)")
                self.assertIn(b"\\Answered", data[0])
                client.logout()


class QuotaTests(unittest.TestCase):
    def test_quota_through_imaplib_and_smtplib(self):
        # RFC 9208 through imaplib's getquotaroot/setquota, and the full
        # mailbox as smtplib sees it: 552 5.2.2, nothing delivered.
        with MailscopeServer(BINARY, "--quota-messages", "1000", "--smtp", "127.0.0.1:0",
                             tls=False) as server:
            client = logged_in(server)
            for capability in ("QUOTA", "QUOTASET", "QUOTA=RES-MESSAGE", "QUOTA=RES-STORAGE"):
                self.assertIn(capability, client.capabilities)
            typ, data = client.getquotaroot("INBOX")
            self.assertEqual(typ, "OK")
            self.assertEqual(data[0], [b"INBOX #user/alice"])
            used = int(data[1][0].split(b"(MESSAGE ")[1].split()[0])
            self.assertEqual(data[1], [b"#user/alice (MESSAGE %d 1000)" % used])
            typ, data = client.setquota("#user/alice", "(MESSAGE %d)" % (used + 1))
            self.assertEqual(typ, "OK")
            message = b"Subject: q\r\n\r\nquota\r\n"
            self.assertEqual(client.append("INBOX", None, None, message)[0], "OK")
            typ, data = client.append("INBOX", None, None, message)
            self.assertEqual(typ, "NO")
            self.assertTrue(data[0].startswith(b"[OVERQUOTA]"), data)

            with smtplib.SMTP("127.0.0.1", server.ports["smtp"], timeout=TIMEOUT) as smtp:
                with self.assertRaises(smtplib.SMTPDataError) as refused:
                    smtp.sendmail("carol@example.org", ["alice@mailscope.test"],
                                  b"Subject: full\r\n\r\nto a full mailbox\r\n")
                self.assertEqual(refused.exception.smtp_code, 552)
                self.assertTrue(refused.exception.smtp_error.startswith(b"5.2.2"))
            typ, data = client.getquota("#user/alice")
            self.assertEqual(data, [b"#user/alice (MESSAGE %d %d)" % (used + 1, used + 1)])
            client.logout()


class FaultTests(unittest.TestCase):
    def test_no_to_select_and_split_writes(self):
        with MailscopeServer(BINARY, "--fault", "no:SELECT", "--fault", "split:*",
                             tls=False) as server:
            client = logged_in(server)
            typ, _ = client.select("INBOX")
            self.assertEqual(typ, "NO")
            typ, _ = client.list()
            self.assertEqual(typ, "OK")
            client.logout()

    def test_login_disabled_before_starttls(self):
        with MailscopeServer(BINARY, "--login-disabled") as server:
            client = connect(server)
            typ, data = client.capability()
            self.assertIn(b"LOGINDISABLED", data[0])
            typ, data = client._simple_command("LOGIN", USER, client._quote(PASSWORD))
            self.assertEqual(typ, "NO")
            self.assertTrue(data[0].startswith(b"[PRIVACYREQUIRED]"), data)
            client.starttls(ssl_context=tls_context(server))
            self.assertEqual(client.login(USER, PASSWORD)[0], "OK")
            client.logout()

    def test_trace_dir_has_transcripts_without_passwords(self):
        with MailscopeServer(BINARY, tls=False) as server:
            client = logged_in(server)
            client.logout()
            (session,) = server.wait_for_closed_sessions("imap", 1)
            with open(session + ".txt", "rb") as f:
                self.assertIn(b' LOGIN alice "***"', f.read())
            for suffix in (".txt", ".jsonl", ".report.txt"):
                with open(session + suffix, "rb") as f:
                    self.assertNotIn(PASSWORD.encode(), f.read(), suffix)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
