"""Starts `mailscope serve` on loopback for a test and stops it afterwards.

The server prints one line per listener ("listening: imap 127.0.0.1:PORT")
before it accepts connections; the ports are read from there, so every test
uses ports the kernel picked and runs alongside other tests.
"""

import os
import re
import signal
import subprocess
import tempfile
import time
import unittest

LISTEN_RE = re.compile(r"listening: (\w+) ([0-9.]+):(\d+)")
USER, PASSWORD = "alice", "wonderland"  # in the mail store serve starts with
TIMEOUT = 10  # seconds, for each network operation of a client


def wait_for_listeners(process, wanted, timeout, output, name="mailscope serve"):
    """Reads what `process` prints, keeping it in `output`, until it has
    announced a listener of every kind in `wanted` ("imap", "proxy"...);
    returns {kind: port}. Raises RuntimeError, with the output, when the
    process exits first or `timeout` seconds pass."""
    ports = {}
    deadline = time.monotonic() + timeout
    while not wanted <= set(ports):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not start: " + "".join(output))
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"{name} exited: " + "".join(output))
        output.append(line)
        match = LISTEN_RE.search(line)
        if match:
            ports[match.group(1)] = int(match.group(3))
    return ports


def interrupt(process, output, timeout):
    """Ends `process` with SIGINT, as Ctrl-C would, so that it flushes its
    traces; kills it when it has not exited after `timeout` seconds. What it
    printed meanwhile goes to `output`. Returns False when it had to be
    killed."""
    process.send_signal(signal.SIGINT)
    try:
        rest, _ = process.communicate(timeout=timeout)
        stopped = True
    except subprocess.TimeoutExpired:
        process.kill()
        rest, _ = process.communicate()
        stopped = False
    output.append(rest or "")
    return stopped


class MailscopeServer:
    def __init__(self, binary, *args, data_dir=None, tls=True, timeout=20):
        self.binary = binary
        self.tmp = tempfile.TemporaryDirectory(prefix="mailscope-serve-")
        self.cert = os.path.join(self.tmp.name, "cert.pem")
        self.key = os.path.join(self.tmp.name, "key.pem")
        self.trace_dir = os.path.join(self.tmp.name, "traces")
        self.args = list(args)
        self.data_dir = data_dir
        self.tls = tls
        self.timeout = timeout
        self.ports = {}
        self.process = None
        self.output = []

    def start(self):
        command = [self.binary, "serve", "--imap", "127.0.0.1:0", "--trace-dir", self.trace_dir]
        if self.tls:
            command += ["--imaps", "127.0.0.1:0", "--cert", self.cert, "--key", self.key]
        if self.data_dir:
            command += ["--data-dir", self.data_dir]
        command += self.args
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            text=True)
        wanted = {"imap", "imaps"} if self.tls else {"imap"}
        # Every other listener asked for on the command line, too.
        wanted |= {arg[2:] for arg in self.args
                   if arg in ("--pop3", "--pop3s", "--smtp", "--smtps")}
        try:
            self.ports = wait_for_listeners(self.process, wanted, self.timeout, self.output)
        except RuntimeError:
            self.stop()
            raise
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            interrupt(self.process, self.output, timeout=10)
        return self.process.returncode if self.process else None

    def closed_sessions(self, listener):
        """The sessions of `listener` ("imap", "pop3", "smtp"...) that have
        ended, as paths without extension. The server writes a session's
        transcript (.txt), JSON Lines and violation report when the session
        closes, the report last: once it exists the other two are complete."""
        try:
            names = os.listdir(self.trace_dir)
        except FileNotFoundError:
            return []
        suffix = ".report.txt"
        return sorted(os.path.join(self.trace_dir, name[:-len(suffix)]) for name in names
                      if name.startswith(listener + "-") and name.endswith(suffix))

    def wait_for_closed_sessions(self, listener, count, timeout=10):
        """Waits until at least `count` sessions of `listener` have closed."""
        deadline = time.monotonic() + timeout
        while len(self.closed_sessions(listener)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{listener}: {count} sessions did not close within "
                                     f"{timeout} s: {self.closed_sessions(listener)}")
            time.sleep(0.02)
        return self.closed_sessions(listener)

    def wait_for_session(self, listener, needle, timeout=10):
        """Waits until a closed session of `listener` whose transcript holds
        `needle` (bytes) exists; returns the transcript's path."""
        deadline = time.monotonic() + timeout
        while True:
            for stem in self.closed_sessions(listener):
                with open(stem + ".txt", "rb") as transcript:
                    if needle in transcript.read():
                        return stem + ".txt"
            if time.monotonic() > deadline:
                raise AssertionError(f"no closed {listener} session with {needle!r} within "
                                     f"{timeout} s")
            time.sleep(0.02)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        self.tmp.cleanup()


class ServerPerClass(unittest.TestCase):
    """A server of its own for each test class, so that what one class's
    tests do to the mailboxes cannot disturb another's. It listens on a
    loopback port for IMAP, IMAPS and each kind named in `listeners`
    ("pop3", "smtps"...), with `options` added to its command line.
    `binary` is set by the suite, from its command line."""

    binary = None
    listeners = ()
    options = ()

    @classmethod
    def setUpClass(cls):
        listen = [arg for kind in cls.listeners for arg in (f"--{kind}", "127.0.0.1:0")]
        cls.server = MailscopeServer(cls.binary, *listen, *cls.options).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.tmp.cleanup()
