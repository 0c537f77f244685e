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

LISTEN_RE = re.compile(r"listening: (\w+) ([0-9.]+):(\d+)")


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
        deadline = time.monotonic() + self.timeout
        wanted = {"imap", "imaps"} if self.tls else {"imap"}
        # Every other listener asked for on the command line, too.
        wanted |= {arg[2:] for arg in self.args
                   if arg in ("--pop3", "--pop3s", "--smtp", "--smtps")}
        while not wanted <= set(self.ports):
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("mailscope serve did not start: " + "".join(self.output))
            line = self.process.stdout.readline()
            if not line:
                self.process.wait(timeout=5)
                raise RuntimeError("mailscope serve exited: " + "".join(self.output))
            self.output.append(line)
            match = LISTEN_RE.search(line)
            if match:
                self.ports[match.group(1)] = int(match.group(3))
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                rest, _ = self.process.communicate(timeout=10)
                self.output.append(rest or "")
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.communicate()
        return self.process.returncode if self.process else None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        self.tmp.cleanup()
