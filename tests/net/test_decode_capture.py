"""`mailscope decode` of packet captures.

usage: test_decode_capture.py MAILSCOPE_BINARY

Captures built here byte by byte (SLL2 frames with IPv6, segments out of
order and sent twice, a capture cut inside a literal, a hole, implicit TLS)
check the reassembly and the notes; then tcpdump records curl talking
IMAP, POP3 and SMTP to `mailscope serve` on loopback, and each session
decoded from the capture must print exactly what decoding the transcript
the server wrote of it prints. tcpdump needs root: without tcpdump, curl or
root the live tests fail in CI and make the suite report itself skipped
elsewhere.
"""

import json
import os
import re
import selectors
import signal
import struct
import subprocess
import sys
import tempfile
import time
import unittest

from net_helpers import PASSWORD, USER, MailscopeServer, secrets

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import peers  # noqa: E402

BINARY = None
TIMEOUT = 20  # seconds, for each program the tests start
ENGLISH = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG")}
CYRILLIC = re.compile("[\u0400-\u04ff]")
SYN, FIN, RST, PSH, ACK = 0x02, 0x01, 0x04, 0x08, 0x10
LINKTYPE_LINUX_SLL2 = 276
LINKTYPE_ETHERNET = 1


def decode(*args, lang=None):
    command = [BINARY, "decode", *args] + (["--lang", lang] if lang else [])
    result = subprocess.run(command, capture_output=True, timeout=TIMEOUT, env=ENGLISH,
                            stdin=subprocess.DEVNULL)
    return result.returncode, result.stdout.decode("utf-8"), result.stderr.decode("utf-8")


def write_pcap(path, linktype, frames):
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, linktype))
        for number, frame in enumerate(frames):
            out.write(struct.pack("<IIII", 1700000000, number, len(frame), len(frame)))
            out.write(frame)


def tcp(source_port, destination_port, seq, flags, payload=b""):
    return struct.pack("!HHIIBBHHH", source_port, destination_port, seq & 0xFFFFFFFF, 0, 5 << 4,
                       flags, 65535, 0, 0) + payload


def sll2_ipv6_loopback(segment):
    """A frame as `tcpdump -i any` writes it for [::1] on both ends."""
    loopback = bytes(15) + b"\x01"
    ip = struct.pack("!IHBB", 0x60000000, len(segment), 6, 64) + loopback + loopback
    sll2 = struct.pack("!HHIHBB", 0x86DD, 0, 1, 772, 0, 6) + bytes(8)
    return sll2 + ip + segment


class Conversation:
    """The frames of one TCP connection to [::1]:`server_port`."""

    def __init__(self, client_port, server_port):
        self.client_port, self.server_port = client_port, server_port
        self.seq = {"C": 1000, "S": 9000}

    def opening(self):
        frames = [self.frame("C", self.seq["C"], SYN), self.frame("S", self.seq["S"], SYN | ACK)]
        self.seq = {"C": self.seq["C"] + 1, "S": self.seq["S"] + 1}
        return frames

    def frame(self, side, seq, flags, payload=b""):
        ports = ((self.client_port, self.server_port) if side == "C"
                 else (self.server_port, self.client_port))
        return sll2_ipv6_loopback(tcp(*ports, seq, flags, payload))

    def send(self, side, payload):
        """The next octets of `side`, in one segment."""
        frame = self.frame(side, self.seq[side], ACK | PSH, payload)
        self.seq[side] += len(payload)
        return frame

    def at(self, side, offset, payload):
        """A segment `offset` octets past the next octet of `side`, which
        does not move on: for segments sent out of order or again."""
        return self.frame(side, self.seq[side] + offset, ACK | PSH, payload)

    def closing(self):
        return [self.frame(side, self.seq[side], FIN | ACK) for side in ("C", "S")]


def event_lines(text):
    return [line for line in text.splitlines() if re.match(r"#\d+ ", line)]


def english_words(text):
    """Latin words of three letters or more, leaving out names, options,
    addresses, file names and upper-case protocol words."""
    text = re.sub(r"--[\w-]+|\S+\.\S+|\[[0-9a-f:]*\]:\d+|[A-Z]{2,}\S*", " ", text)
    return re.findall(r"[A-Za-z][A-Za-z0-9]{2,}", text)


class BuiltCaptures(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="mailscope-capture-")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def build(self):
        """Three sessions: IMAP cut inside an APPEND literal, its LOGIN in
        two segments out of order with one sent again; POP3 with a hole in
        the client's stream; IMAPS."""
        imap = Conversation(40001, 143)
        login = b"a1 LOGIN alice wonderland\r\n"
        frames = imap.opening() + [imap.send("S", b"* OK ready\r\n")]
        frames += [imap.at("C", 9, login[9:]), imap.at("C", 0, login[:12]),
                   imap.send("C", login[:9])]
        imap.seq["C"] += len(login) - 9
        frames += [imap.send("S", b"a1 OK LOGIN completed\r\n"),
                   imap.send("C", b"a2 APPEND INBOX {20}\r\n"), imap.send("S", b"+ go ahead\r\n"),
                   imap.send("C", b"Subject: hi")]

        pop3 = Conversation(40002, 110)
        frames += pop3.opening() + [pop3.send("S", b"+OK POP3 ready\r\n")]
        frames += [pop3.at("C", 12, b"PASS wonderland\r\n"), pop3.send("S", b"+OK\r\n")]
        pop3.seq["C"] += 12 + 17
        frames += pop3.closing()

        imaps = Conversation(40003, 993)
        frames += imaps.opening() + [imaps.send("C", b"\x16\x03\x01\x00\x05hello")]
        frames += imaps.closing()
        capture = self.path("built.pcap")
        write_pcap(capture, LINKTYPE_LINUX_SLL2, frames)
        return capture

    def test_the_list_of_sessions(self):
        code, out, err = decode(self.build())
        self.assertEqual(code, 0, out + err)
        self.assertIn("built.pcap: 3 TCP sessions on mail ports", out)
        self.assertRegex(out, r"#1 \[::1\]:40001 → \[::1\]:143 IMAP: 7 events, incomplete, "
                              r"its end is not in the capture")
        # The server's +OK waits behind the client's hole, and is given up with it.
        self.assertRegex(out, r"#2 \[::1\]:40002 → \[::1\]:110 POP3: 2 events, incomplete, "
                              r"its end is not in the capture, octets missing")
        self.assertRegex(out, r"#3 \[::1\]:40003 → \[::1\]:993 IMAPS: 0 events, complete, "
                              r"encrypted \(TLS\)")
        self.assertIn("port 993 is TLS from the first octet: encrypted, nothing to decode; "
                      "use --keylog next time", out)
        self.assertIn("the capture misses 12 octets sent by the client at octet 0 of its "
                      "stream; decoding stops there (22 octets held behind the hole, in both "
                      "directions, are given up)", out)
        self.assertIn("packet 10: the capture ends in the middle of a message from the client",
                      err)
        for secret in secrets():
            self.assertNotIn(secret, out + err)

    def test_a_session_prints_what_its_transcript_prints(self):
        capture = self.build()
        transcript = self.path("same.txt")
        with open(transcript, "w") as out:
            out.write("S: * OK ready\nC: a1 LOGIN alice wonderland\nS: a1 OK LOGIN completed\n"
                      "C: a2 APPEND INBOX {20}\nS: + go ahead\n")
        code, from_capture, err = decode(capture, "--session", "1")
        self.assertEqual(code, 0, err)
        _, from_transcript, _ = decode(transcript)
        self.assertEqual(from_capture, from_transcript)
        self.assertIn("(secret hidden)", from_capture)
        self.assertNotIn(PASSWORD, from_capture)
        code, json_lines, err = decode(capture, "--session", "1", "--json")
        self.assertEqual(code, 0, err)
        self.assertEqual(len(json_lines.splitlines()), 7)

    def test_russian(self):
        code, out, err = decode(self.build(), lang="ru")
        self.assertEqual(code, 0, err)
        notes = [line for line in out.splitlines() + err.splitlines()
                 if line and not re.match(r"#\d+ ", line)]
        self.assertGreaterEqual(len(notes), 7, out)
        for line in notes:
            self.assertRegex(line, CYRILLIC, line)
            self.assertEqual(english_words(line), [], line)

    def test_one_session_for_json_and_no_such_session(self):
        capture = self.build()
        code, _, err = decode(capture, "--json")
        self.assertEqual(code, 1)
        self.assertIn("add --session N (the capture has 3)", err)
        code, _, err = decode(capture, "--session", "4")
        self.assertEqual(code, 1)
        self.assertIn("--session 4: the capture has sessions 1 to 3", err)

    def test_no_session_on_a_mail_port_until_port_adds_it(self):
        other = Conversation(40004, 2143)
        frames = other.opening() + [other.send("S", b"* OK hi\r\n"),
                                    other.send("C", b"a LOGOUT\r\n")]
        capture = self.path("other.pcap")
        write_pcap(capture, LINKTYPE_LINUX_SLL2, frames)
        code, _, err = decode(capture)
        self.assertEqual(code, 1)
        self.assertIn("no TCP session on the ports", err)
        code, out, err = decode(capture, "--port", "2143")
        self.assertEqual(code, 0, err)
        self.assertIn("→ [::1]:2143 IMAP: 3 events", out)

    def test_a_mail_port_keeps_its_protocol_whatever_protocol_says(self):
        # An IMAP engine would not know SMTP's AUTH or POP3's PASS as secrets.
        smtp = Conversation(40005, 587)
        frames = smtp.opening() + [smtp.send("S", b"220 mx ESMTP\r\n"),
                                   smtp.send("C", b"EHLO me\r\n"),
                                   smtp.send("S", b"250-mx\r\n250 AUTH PLAIN\r\n"),
                                   smtp.send("C", f"AUTH PLAIN {secrets()[1]}\r\n".encode()),
                                   smtp.send("S", b"235 ok\r\n")]
        pop3 = Conversation(40006, 110)
        frames += pop3.opening() + [pop3.send("S", b"+OK ready\r\n"),
                                    pop3.send("C", b"USER alice\r\n"), pop3.send("S", b"+OK\r\n"),
                                    pop3.send("C", f"PASS {PASSWORD}\r\n".encode()),
                                    pop3.send("S", b"+OK in\r\n")]
        capture = self.path("protocol.pcap")
        write_pcap(capture, LINKTYPE_LINUX_SLL2, frames)
        code, out, err = decode(capture, "--protocol", "imap")
        self.assertIn("[::1]:587 SMTP", out)
        self.assertIn("[::1]:110 POP3", out)
        for secret in secrets():
            self.assertNotIn(secret, out + err)

    def test_the_window_opens_a_capture(self):
        peers.require_for_test(self, peers.xvfb())
        capture, png, screen = self.build(), self.path("capture.png"), self.path("screen.json")
        # Under the sanitizers the OpenGL driver leaks a few bytes at exit, as
        # the screenshot suite knows (tests/gui_screens/CMakeLists.txt).
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0:abort_on_error=1")
        result = subprocess.run(
            [BINARY, "gui", "--capture", capture, "--lang", "en", "--screenshot", png,
             "--screen-json", screen], capture_output=True, text=True, timeout=120,
            stdin=subprocess.DEVNULL, env=env)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        with open(screen) as source:
            shown = json.load(source)
        # The first decodable session is shown: the IMAP one, up to its literal.
        self.assertEqual(shown["protocol"], "imap")
        self.assertEqual(shown["state"], "Authenticated")
        self.assertEqual(shown["last_row"], "+ go ahead")
        self.assertGreater(os.path.getsize(png), 10000)
        broken = self.path("not-a-capture.pcap")
        with open(broken, "wb") as out:
            out.write(b"* OK not a capture\r\n")
        refused = subprocess.run([BINARY, "gui", "--capture", broken, "--screenshot", png],
                                 capture_output=True, text=True, timeout=60,
                                 stdin=subprocess.DEVNULL)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("the capture cannot be read", refused.stderr)

    def test_a_transcript_is_still_a_transcript(self):
        transcript = self.path("plain.txt")
        with open(transcript, "w") as out:
            out.write("S: +OK hi\nC: QUIT\nS: +OK bye\n")
        code, out, err = decode(transcript)
        self.assertEqual(code, 0, err)
        self.assertIn("QUIT", out)


class TcpdumpCapture:
    """tcpdump on loopback for the ports given, writing a pcap file, from
    when it says it listens until stop()."""

    def __init__(self, path, ports):
        self.path = path
        expression = " or ".join(f"tcp port {port}" for port in ports)
        # Packets go to the file as they come: without --immediate-mode the
        # last ones could wait in the kernel's buffer when tcpdump is stopped.
        self.process = subprocess.Popen(
            ["tcpdump", "-i", "lo", "-n", "-U", "--immediate-mode", "-B", "8192", "-Z", "root",
             "-w", path, expression], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE)
        self.said = b""
        selector = selectors.DefaultSelector()
        selector.register(self.process.stderr, selectors.EVENT_READ)
        deadline = time.monotonic() + TIMEOUT
        while b"listening on" not in self.said:
            left = deadline - time.monotonic()
            if left <= 0 or self.process.poll() is not None:
                self.stop()
                raise AssertionError(f"tcpdump did not start: {self.said!r}")
            if selector.select(timeout=left):
                self.said += os.read(self.process.stderr.fileno(), 4096)
        selector.close()

    def stop(self):
        """Returns how many packets the kernel dropped before tcpdump read
        them (a busy machine): such a capture misses what the test checks."""
        said = b""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                _, said = self.process.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.communicate()
        self.process.stderr.close()
        dropped = re.search(rb"(\d+) packets? dropped by kernel", said or b"")
        return int(dropped.group(1)) if dropped else 0


def live_peers():
    missing = peers.program("tcpdump", "tcpdump")
    if not missing and os.geteuid() != 0:
        missing = peers.Missing("root for tcpdump", "tcpdump", "the tests do not run as root")
    return missing, peers.curl()


class LiveCaptures(unittest.TestCase):
    """curl against `mailscope serve` on loopback, recorded by tcpdump."""

    @classmethod
    def setUpClass(cls):
        cls.server = None
        if peers.missing_of(*live_peers()):
            return
        cls.server = MailscopeServer(BINARY, "--pop3", "127.0.0.1:0", "--smtp",
                                     "127.0.0.1:0").start()

    @classmethod
    def tearDownClass(cls):
        if cls.server:
            cls.server.stop()
            cls.server.tmp.cleanup()

    def setUp(self):
        peers.require_for_test(self, *live_peers())
        self.tmp = tempfile.TemporaryDirectory(prefix="mailscope-tcpdump-")
        self.addCleanup(self.tmp.cleanup)

    def record(self, listener, curl_args, sessions=1):
        """Runs curl under tcpdump; returns the capture and the transcripts
        the server wrote of the `sessions` new sessions of `listener`. A
        capture the kernel dropped packets from is made again."""
        for _ in range(4):
            capture, transcripts, dropped = self.record_once(listener, curl_args, sessions)
            if not dropped:
                return capture, transcripts
        self.fail(f"tcpdump lost packets in four captures in a row ({dropped} in the last)")

    def record_once(self, listener, curl_args, sessions):
        before = len(self.server.closed_sessions(listener))
        capture = os.path.join(self.tmp.name, f"{listener}.pcap")
        tcpdump = TcpdumpCapture(capture, [self.server.ports[listener]])
        try:
            result = subprocess.run(["curl", "--silent", "--show-error", "--max-time", "15",
                                     *curl_args], capture_output=True, timeout=TIMEOUT,
                                    stdin=subprocess.DEVNULL)
            self.assertEqual(result.returncode, 0, result.stderr)
            closed = self.server.wait_for_closed_sessions(listener, before + sessions)
            # The last segments may still be on their way to tcpdump (a busy
            # machine): wait until the file holds every session whole.
            port = str(self.server.ports[listener])
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                _, listing, _ = decode(capture, "--port", port)
                if listing.count(", complete") >= sessions:
                    break
                time.sleep(0.1)
        finally:
            dropped = tcpdump.stop()
        return capture, [stem + ".txt" for stem in closed[before:]], dropped

    def assert_decodes_like(self, capture, port, transcript):
        code, from_capture, err = decode(capture, "--port", str(port), "--session", "1")
        self.assertEqual(code, 0, err)
        _, from_transcript, _ = decode(transcript)
        self.assertGreater(len(event_lines(from_capture)), 5, from_capture)
        self.assertEqual(event_lines(from_capture), event_lines(from_transcript))
        code, listing, err = decode(capture, "--port", str(port))
        self.assertEqual(code, 0, err)
        self.assertRegex(listing, rf"#1 127\.0\.0\.1:\d+ → 127\.0\.0\.1:{port} \w+: "
                                  rf"{len(event_lines(from_capture))} events, complete")
        for secret in secrets():
            self.assertNotIn(secret, from_capture + listing + err)
        return from_capture

    def test_imap_sasl_plain_in_clear(self):
        port = self.server.ports["imap"]
        capture, transcripts = self.record("imap", [
            f"imap://127.0.0.1:{port}/INBOX", "--user", f"{USER}:{PASSWORD}",
            "--login-options", "AUTH=PLAIN"])
        with open(capture, "rb") as raw:
            self.assertIn(secrets()[1].encode(), raw.read(), "the password should cross in clear")
        decoded = self.assert_decodes_like(capture, port, transcripts[0])
        self.assertRegex(decoded, r"AUTHENTICATE PLAIN .*secret hidden")

    def test_pop3(self):
        port = self.server.ports["pop3"]
        capture, transcripts = self.record("pop3", [
            f"pop3://127.0.0.1:{port}/1", "--user", f"{USER}:{PASSWORD}"])
        self.assert_decodes_like(capture, port, transcripts[0])

    def test_smtp(self):
        port = self.server.ports["smtp"]
        message = os.path.join(self.tmp.name, "message.eml")
        with open(message, "w") as out:
            out.write("From: alice@example.org\r\nTo: bob@example.org\r\nSubject: capture\r\n\r\n"
                      "Hello over SMTP.\r\n")
        capture, transcripts = self.record("smtp", [
            f"smtp://127.0.0.1:{port}", "--user", f"{USER}:{PASSWORD}", "--mail-from",
            "alice@example.org", "--mail-rcpt", "bob@example.org", "--upload-file", message])
        decoded = self.assert_decodes_like(capture, port, transcripts[0])
        self.assertIn(f"message: {os.path.getsize(message)} octets", decoded)

    def test_starttls_ends_what_can_be_decoded(self):
        port = self.server.ports["imap"]
        capture, transcripts = self.record("imap", [
            f"imap://127.0.0.1:{port}/INBOX", "--user", f"{USER}:{PASSWORD}", "--ssl-reqd",
            "--insecure"])
        code, from_capture, err = decode(capture, "--port", str(port), "--session", "1")
        self.assertEqual(code, 0, err)
        self.assertTrue(from_capture.rstrip().endswith(
            "encrypted from here on (STARTTLS succeeded); use --keylog next time"), from_capture)
        _, from_transcript, _ = decode(transcripts[0])
        before_tls = event_lines(from_capture)[:-1]
        self.assertRegex(before_tls[-2], r"OK .*completes #\d+ STARTTLS")
        self.assertEqual(before_tls, event_lines(from_transcript)[:len(before_tls)])
        _, listing, _ = decode(capture, "--port", str(port))
        self.assertIn("encrypted after STARTTLS", listing)
        self.assertNotIn("LOGOUT", from_capture)


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    outcome = unittest.main(exit=False, verbosity=2).result
    if not outcome.wasSuccessful():
        sys.exit(1)
    if peers.missing_of(*live_peers()) and not peers.in_ci():
        sys.exit(peers.SKIP)
