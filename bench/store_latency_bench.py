"""How long another user waits while one session copies a large mailbox.

    python3 bench/store_latency_bench.py build/app/mailscope [--messages 25000]
        [--command "COPY 1:* INBOX"]

Starts `mailscope serve --data-dir` on a fresh directory, writes --messages
small messages straight into alice's INBOX, restarts the server on it, then
runs the command as alice while bob sends NOOPs one after another on his own
connection. It prints how long the command took and bob's NOOP latencies
during it, and the same latencies for as long again with nothing running (the
machine's own noise). Everything stays on 127.0.0.1; the server is stopped
and the directory removed at the end. Not a CTest test: the numbers depend on
the machine (see bench/SERVER.md).
"""

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))

from mailscope_server import MailscopeServer  # noqa: E402
from store_latency import Line, copy_against_noops, fill_inbox, percentile  # noqa: E402


def idle_noops(port, seconds):
    client = Line(port)
    client.command("i1", "LOGIN bob builder")
    client.command("i2", "SELECT INBOX")
    latencies = []
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        n += 1
        sent = time.monotonic()
        client.command(f"n{n}", "NOOP")
        latencies.append(time.monotonic() - sent)
    client.command("i3", "LOGOUT")
    client.close()
    return latencies


def describe(name, latencies):
    return (f"{name}: {len(latencies)} NOOPs, p50 {percentile(latencies, 0.5) * 1000:.2f} ms, "
            f"p99 {percentile(latencies, 0.99) * 1000:.2f} ms, "
            f"max {max(latencies) * 1000 if latencies else 0:.1f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("--messages", type=int, default=25000)
    parser.add_argument("--command", default="COPY 1:* INBOX")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    with tempfile.TemporaryDirectory(prefix="mailscope-bench-") as tmp:
        data = os.path.join(tmp, "data")
        with MailscopeServer(binary, data_dir=data, tls=False):
            pass
        started = time.monotonic()
        fill_inbox(data, "alice", args.messages)
        print(f"wrote {args.messages} messages in {time.monotonic() - started:.1f} s")
        with MailscopeServer(binary, data_dir=data, tls=False, timeout=300) as server:
            port = server.ports["imap"]
            result = copy_against_noops(port, args.command)
            print(f"{args.command} on {result['exists']} messages: {result['done']}")
            print(f"took {result['seconds']:.2f} s")
            print(describe("bob during it", result["noops"]))
            print(describe("bob with nothing running", idle_noops(port, result["seconds"])))


if __name__ == "__main__":
    main()
