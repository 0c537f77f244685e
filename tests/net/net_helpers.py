"""Shared pieces of the `net` tests: a test CA and a server certificate made
with the openssl command line, a private Dovecot that also speaks TLS, and
`mailscope connect` runs that never put a password on a command line."""

import base64
import glob
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "dovecot"))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
sys.path.insert(0, os.path.join(HERE, ".."))

from dovecot_fixture import DovecotServer, free_port  # noqa: E402
from mailscope_server import MailscopeServer, interrupt  # noqa: E402

USER = "alice"
PASSWORD = "wonderland"


def require_connect(binary):
    """Every net suite runs `connect` or `proxy`: a mailscope whose --help
    does not list both is broken, never a reason to skip."""
    result = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=60)
    commands = {line.split()[0] for line in result.stdout.splitlines() if line.startswith("  ")
                and line.split()}
    if result.returncode != 0 or not {"connect", "proxy"} <= commands:
        print(f"FAIL: `{binary} --help` (exit {result.returncode}) does not list the connect and "
              f"proxy subcommands:\n{result.stdout}{result.stderr}", file=sys.stderr)
        sys.exit(1)


def sasl_plain(user, password):
    return base64.b64encode(f"\0{user}\0{password}".encode()).decode()


def secrets(user=USER, password=PASSWORD):
    """Every form in which the password could leak."""
    return [password, sasl_plain(user, password)]


class TestPki:
    """A CA and a certificate for "localhost" only (no IP address), so that
    connecting to 127.0.0.1 must fail host verification."""

    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="mailscope-pki-")
        d = self.tmp.name
        self.ca = os.path.join(d, "ca.pem")
        self.ca_key = os.path.join(d, "ca.key")
        self.cert = os.path.join(d, "server.pem")
        self.key = os.path.join(d, "server.key")
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        self._run(["openssl", "req", "-x509", *ec, "-keyout", self.ca_key, "-out", self.ca,
                   "-days", "2", "-subj", "/CN=mailscope test CA",
                   "-addext", "basicConstraints=critical,CA:TRUE",
                   "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        csr = os.path.join(d, "server.csr")
        self._run(["openssl", "req", *ec, "-keyout", self.key, "-out", csr,
                   "-subj", "/CN=localhost"])
        ext = os.path.join(d, "server.ext")
        with open(ext, "w") as out:
            out.write("subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n"
                      "extendedKeyUsage=serverAuth\n")
        self._run(["openssl", "x509", "-req", "-in", csr, "-CA", self.ca, "-CAkey", self.ca_key,
                   "-CAcreateserial", "-out", self.cert, "-days", "2", "-extfile", ext])
        os.chmod(d, 0o755)
        for path in (self.cert, self.key, self.ca):
            os.chmod(path, 0o644)

    @staticmethod
    def _run(command):
        subprocess.run(command, check=True, capture_output=True)

    def cleanup(self):
        self.tmp.cleanup()


class TlsDovecot(DovecotServer):
    """The shared Dovecot fixture with TLS on: STARTTLS on the imap port and
    an imaps listener, both with the test PKI's certificate."""

    def __init__(self, pki, **kwargs):
        super().__init__(**kwargs)
        self.pki = pki
        self.imaps_port = None

    def services(self):
        services = super().services()
        services["imap"]["imaps"] = self.imaps_port
        return services

    def _write_config(self):
        self.imaps_port = free_port()
        super()._write_config()
        with open(self.config) as source:
            config = source.read()
        config = config.replace(
            "ssl = no",
            f"ssl = yes\nssl_cert = <{self.pki.cert}\nssl_key = <{self.pki.key}\n")
        with open(self.config, "w") as out:
            out.write(config)


class TlsDovecotSessions(unittest.TestCase):
    """One TLS Dovecot (of SERVER_CLASS) shared by a whole class, since
    starting Dovecot costs more than most of the tests, and a scratch
    directory for their transcripts."""

    SERVER_CLASS = TlsDovecot
    TMP_PREFIX = "mailscope-net-"

    @classmethod
    def setUpClass(cls):
        cls.pki = TestPki()
        cls.server = cls.SERVER_CLASS(cls.pki).start()
        cls.tmp = tempfile.TemporaryDirectory(prefix=cls.TMP_PREFIX)

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()
        cls.pki.cleanup()
        cls.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def read(self, path):
        with open(path, encoding="utf-8", errors="replace") as source:
            return source.read()

    def assert_no_secret(self, *texts):
        for text in texts:
            for secret in secrets():
                self.assertNotIn(secret, text)


def connect(binary, url, script_lines=None, extra=(), transcript=None, timeout=30,
            password=PASSWORD):
    """Runs `mailscope connect --script`; the password travels in the
    environment only. Returns the CompletedProcess."""
    args = [binary, "connect", url, "--timeout", "10"]
    tmp = None
    if script_lines is not None:
        tmp = tempfile.NamedTemporaryFile("w", suffix=".imap", delete=False)
        tmp.write("\n".join(script_lines) + "\n")
        tmp.close()
        args += ["--script", tmp.name]
    if transcript:
        args += ["--transcript", transcript]
    args += list(extra)
    env = dict(os.environ)
    if password is not None:
        env["MAILSCOPE_PASSWORD"] = password
    else:
        env.pop("MAILSCOPE_PASSWORD", None)
    try:
        # A new session has no controlling terminal, so no prompt can wait.
        return subprocess.run(args, capture_output=True, text=True, env=env, timeout=timeout,
                              stdin=subprocess.DEVNULL, start_new_session=True)
    finally:
        if tmp:
            os.unlink(tmp.name)


def append_lines(mailbox, message_lines):
    """An APPEND whose literal is typed on the following script lines; the
    empty line after it ends the command."""
    size = sum(len(line.encode()) + 2 for line in message_lines)
    return [f"APPEND {mailbox} {{{size}}}"] + message_lines + [""]


SAMPLE_MESSAGE = [
    "From: Alice <alice@example.org>",
    "To: Bob <bob@example.org>",
    "Subject: mailscope net test",
    "Date: Mon, 15 Jan 2024 10:00:00 +0000",
    "",
    "Hello through the real network.",
]


def proxy_refusal(binary, *args):
    """Runs a `mailscope proxy` whose arguments should be refused before it
    listens; the timeout ends the test should it start all the same."""
    return subprocess.run([binary, "proxy", *args], capture_output=True, text=True, timeout=30,
                          stdin=subprocess.DEVNULL)


class ProxyProcess:
    """`mailscope proxy` on a free port with a trace directory; stop() ends
    it with SIGINT and returns everything it printed."""

    LISTEN_RE = re.compile(r"listening: proxy ([0-9.]+):(\d+)")

    def __init__(self, binary, *args):
        # Removed when the proxy object goes, after the test has read its files.
        self._trace_tmp = tempfile.TemporaryDirectory(prefix="mailscope-proxy-")
        self.trace_dir = self._trace_tmp.name
        self.process = subprocess.Popen(
            [binary, "proxy", "--listen", "127.0.0.1:0", "--trace-dir", self.trace_dir,
             *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            text=True)
        self.output = []
        deadline = time.monotonic() + 20
        self.port = None
        while self.port is None:
            line = self.process.stdout.readline()
            if not line or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the proxy did not start: " + "".join(self.output))
            self.output.append(line)
            match = self.LISTEN_RE.search(line)
            if match:
                self.port = int(match.group(2))

    def stop(self):
        if self.process.poll() is None:
            interrupt(self.process, self.output, timeout=10)
        return "".join(self.output)

    def transcripts(self, suffix):
        texts = []
        for name in sorted(glob.glob(os.path.join(self.trace_dir, "*" + suffix))):
            with open(name, encoding="utf-8", errors="replace") as source:
                texts.append(source.read())
        return texts

    def wait_for_transcript(self, needle, timeout=10):
        """The proxy writes a session's files as it runs: waits until both
        the text and the JSON Lines hold `needle`."""
        deadline = time.monotonic() + timeout
        while not (any(needle in text for text in self.transcripts(".txt")) and
                   any(needle in text for text in self.transcripts(".jsonl"))):
            if time.monotonic() > deadline:
                raise AssertionError(f"no transcript with {needle!r} within {timeout} s")
            time.sleep(0.05)
