"""`mailscope serve --mbox` with an mbox of about 1 GB: 80,000 messages, far
over what the importer could once read whole. The server must hold every
message, give back the first, a middle and the last one as they were
written, and refuse a message over the store's limit by naming it.

The import rate and the server's memory after the import are printed for
whoever reads the log; they are never asserted, the machine may be loaded.

Run by CTest as: python3 test_serve_big_mbox.py PATH/TO/mailscope [MESSAGES]
Every network operation stays on 127.0.0.1 and has a timeout.
"""

import imaplib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

from mailscope_server import MailscopeServer

BINARY = None
MESSAGES = 80000
MESSAGE_SIZE = 13100  # octets a message has, about; 80,000 of them make 1 GB
USER, PASSWORD = "alice", "wonderland"
IMPORT_TIMEOUT = 600  # seconds for the server to import and listen
TIMEOUT = 120  # seconds for each network operation of the client
MAX_MESSAGE_SIZE = 64 * 1024 * 1024  # kMaxMessageSize, server_mock/mail_store.hpp
FROM_LINE = b"From sender@example.org Mon Jan 15 09:30:00 2024\n"


def body_variants():
    """A few bodies of MESSAGE_SIZE octets or so, with what an mbox writer
    quotes (">From ") and lines of several lengths."""
    variants = []
    for v in range(4):
        lines = [b"Body variant %d." % v, b"", b">From the archives, quoted by the writer."]
        n = 0
        while sum(len(line) + 1 for line in lines) < MESSAGE_SIZE - 300:
            lines.append(b"%d-%d " % (v, n) + b"lorem ipsum dolor sit amet " * (1 + (n + v) % 3))
            n += 1
        variants.append(b"\n".join(lines) + b"\n")
    return variants


def message(number, bodies):
    """Message `number` as the mbox holds it, LF line ends and quoting."""
    head = (b"From: Sender %d <sender@example.org>\nTo: alice@example.org\n"
            b"Subject: message %d of the big mbox\nMessage-ID: <%d@big.example.org>\n"
            b"Date: Mon, 15 Jan 2024 09:30:00 +0000\n\n" % (number, number, number))
    return head + bodies[number % len(bodies)]


def as_fetched(text):
    """What IMAP gives back for `text`: CRLF line ends, one ">" fewer before From."""
    lines = text.split(b"\n")[:-1]
    unquoted = [line[1:] if line.lstrip(b">").startswith(b"From ") and line.startswith(b">")
                else line for line in lines]
    return b"".join(line + b"\r\n" for line in unquoted)


def write_mbox(path, count):
    bodies = body_variants()
    with open(path, "wb", buffering=8 * 1024 * 1024) as out:
        for number in range(1, count + 1):
            out.write(FROM_LINE)
            out.write(message(number, bodies))
            out.write(b"\n")
    return bodies


def memory_kib(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class BigMbox(unittest.TestCase):
    def test_a_gigabyte_mbox_is_served_whole(self):
        with tempfile.TemporaryDirectory(prefix="mailscope-big-mbox-") as tmp:
            if shutil.disk_usage(tmp).free < 3 * 1024**3:
                self.skipTest("less than 3 GB free for the mbox")
            path = os.path.join(tmp, "big.mbox")
            began = time.monotonic()
            bodies = write_mbox(path, MESSAGES)
            size = os.path.getsize(path)
            print(f"\nwrote {MESSAGES} messages, {size / 1e6:.0f} MB, in "
                  f"{time.monotonic() - began:.1f} s", flush=True)

            server = MailscopeServer(BINARY, "--mbox", path, "--user", f"{USER}:{PASSWORD}",
                                     tls=False, timeout=IMPORT_TIMEOUT)
            try:
                began = time.monotonic()
                server.start()
                took = time.monotonic() - began
                pid = server.process.pid
                print(f"imported and listening after {took:.1f} s: {size / 1e6 / took:.0f} MB/s; "
                      f"server VmRSS {memory_kib(pid, 'VmRSS') / 1024:.0f} MiB, "
                      f"VmHWM {memory_kib(pid, 'VmHWM') / 1024:.0f} MiB", flush=True)
                self.assertIn(f"imported {MESSAGES} messages into {USER}'s INBOX",
                              "".join(server.output))

                client = imaplib.IMAP4("127.0.0.1", server.ports["imap"], timeout=TIMEOUT)
                try:
                    client.login(USER, PASSWORD)
                    typ, data = client.select("INBOX")
                    self.assertEqual((typ, data), ("OK", [str(MESSAGES).encode()]))
                    for number in (1, MESSAGES // 2, MESSAGES):
                        typ, data = client.fetch(str(number), "(BODY.PEEK[])")
                        self.assertEqual(typ, "OK")
                        self.assertEqual(data[0][1], as_fetched(message(number, bodies)),
                                         f"message {number}")
                    client.logout()
                finally:
                    if client.state != "LOGOUT":
                        client.shutdown()
            finally:
                server.stop()
                server.tmp.cleanup()


class MessageOverTheLimit(unittest.TestCase):
    """A message of more than 64 MiB is refused with its number, its line
    and the limit, from the command line and from a fixture."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="mailscope-big-message-")
        cls.mbox = os.path.join(cls.tmp.name, "huge.mbox")
        line = b"x" * 999 + b"\n"
        with open(cls.mbox, "wb") as out:
            out.write(FROM_LINE + b"Subject: small\n\nsmall\n\n")
            out.write(FROM_LINE + b"Subject: huge\n\n")
            out.write(line * (MAX_MESSAGE_SIZE // len(line) + 1))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def serve(self, *args):
        return subprocess.run([BINARY, "serve", "--imap", "127.0.0.1:0", *args],
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=IMPORT_TIMEOUT)

    def test_serve_mbox_names_the_message_and_the_limit(self):
        done = self.serve("--mbox", self.mbox, "--user", f"{USER}:{PASSWORD}")
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        self.assertIn(f"{self.mbox} line 6: message 2 of the mbox is larger than "
                      f"{MAX_MESSAGE_SIZE} octets, the most the store accepts.", done.stderr)

    def test_a_fixture_names_its_line_and_the_mbox_line(self):
        fixture = os.path.join(self.tmp.name, "fixture.yaml")
        with open(fixture, "w") as out:
            out.write(f"users:\n  - name: {USER}\n    password: {PASSWORD}\n"
                      "    mailboxes:\n      - {name: Archive, mbox: huge.mbox}\n")
        done = self.serve("--fixture", fixture)
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        self.assertIn(f"{fixture} line 5: {self.mbox} line 6: message 2 of the mbox is larger "
                      f"than {MAX_MESSAGE_SIZE} octets", done.stderr)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    if len(sys.argv) > 1 and sys.argv[1].isdigit():
        MESSAGES = int(sys.argv.pop(1))
    unittest.main(verbosity=2)
