#!/usr/bin/env python3
"""`mailscope serve --trace-dir`: each session's files are written as the
session runs (a killed server still leaves them), a restart never writes
over the previous run's files, and the report's line numbers point into the
session's transcript.

usage: test_trace_files.py MAILSCOPE_BINARY
"""

import glob
import imaplib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

BINARY = None
LISTEN_RE = re.compile(r"listening: imap [0-9.]+:(\d+)")


def start_server(trace_dir, *extra):
    process = subprocess.Popen([BINARY, "serve", "--imap", "127.0.0.1:0", "--trace-dir", trace_dir,
                                *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 20
    while True:
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("mailscope serve did not start")
        line = process.stdout.readline()
        match = LISTEN_RE.search(line)
        if match:
            return process, int(match.group(1))
        if not line:
            raise RuntimeError("mailscope serve exited")


def stop_server(process):
    process.send_signal(signal.SIGINT)
    try:
        process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()


class Client:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.stream = self.sock.makefile("rb")
        self.stream.readline()

    def command(self, tag, text):
        self.sock.sendall(f"{tag} {text}\r\n".encode())
        while True:
            line = self.stream.readline()
            if not line or line.startswith(tag.encode() + b" "):
                return line

    def close(self):
        self.sock.close()


def wait_for(predicate, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def read(path):
    with open(path, encoding="utf-8", errors="replace") as source:
        return source.read()


class TraceFiles(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="mailscope-trace-files-")
        self.trace_dir = os.path.join(self.tmp.name, "traces")

    def tearDown(self):
        self.tmp.cleanup()

    def files(self, pattern):
        return sorted(glob.glob(os.path.join(self.trace_dir, pattern)))

    def transcripts(self):
        return [path for path in self.files("imap-*.txt") if not path.endswith(".report.txt")]

    def report_and_transcript(self):
        """The violation report of the one session, and its transcript's lines."""
        return (read(self.files("*.report.txt")[0]),
                read(self.transcripts()[0]).splitlines())

    def run_session(self, talk, reports=1):
        """Starts a server and lets talk(client) hold one session with it;
        stops the server once `reports` session reports, those of earlier
        runs included, are written."""
        process, port = start_server(self.trace_dir)
        try:
            client = Client(port)
            talk(client)
            client.close()
            self.assertTrue(wait_for(lambda: len(self.files("*.report.txt")) == reports),
                            "the report of the ended session was not written")
        finally:
            stop_server(process)

    def cited_line(self, report, pattern):
        """The transcript line number that the report's entry matching
        `pattern` (the number its first group) cites."""
        match = re.search(pattern, report)
        self.assertIsNotNone(match, report)
        return int(match.group(1))

    def test_a_killed_server_leaves_the_trace_up_to_that_moment(self):
        process, port = start_server(self.trace_dir)
        try:
            client = Client(port)
            self.assertIn(b"OK", client.command("a1", "LOGIN alice wonderland"))
            self.assertIn(b"OK", client.command("a2", "SELECT INBOX"))
            self.assertIn(b"OK", client.command("a3", "NOOP"))
        finally:
            process.send_signal(signal.SIGKILL)
            process.communicate(timeout=10)
        client.close()
        transcripts = self.transcripts()
        self.assertEqual(len(transcripts), 1)
        text = read(transcripts[0])
        self.assertIn("C: a3 NOOP\n", text)
        self.assertRegex(text, r"S: a3 OK ")
        self.assertNotIn("wonderland", text)
        events = [json.loads(line) for line in read(self.files("imap-*.jsonl")[0]).splitlines()]
        self.assertEqual([event["seq"] for event in events], list(range(len(events))))
        self.assertTrue(any(event.get("raw", "").startswith("a3 OK") for event in events))

    def test_sessions_open_when_the_server_stops_get_whole_reports(self):
        # Reports are written after the session, away from the connections;
        # a server that stops writes those still to come before it exits.
        process, port = start_server(self.trace_dir)
        clients = []
        try:
            for n in range(3):
                client = Client(port)
                self.assertIn(b"OK", client.command(f"a{n}", "LOGIN alice wonderland"))
                self.assertIn(b"OK", client.command(f"b{n}", "SELECT INBOX"))
                self.assertIn(b"OK", client.command(f"c{n}", "FETCH 1:* (FLAGS ENVELOPE)"))
                clients.append(client)
        finally:
            stop_server(process)
        for client in clients:
            client.close()
        self.assertEqual(process.returncode, 0)
        reports = self.files("*.report.txt")
        self.assertEqual(len(reports), 3, self.files("*"))
        self.assertEqual(self.files("*.part"), [])
        for report in reports:
            transcript = read(report[:-len(".report.txt")] + ".txt").splitlines()
            text = read(report)
            self.assertIn(f"{len(transcript):>5} S: ", text)
            self.assertIn("FETCH 1:* (FLAGS ENVELOPE)", text)

    def test_a_restart_never_writes_over_the_last_run(self):
        runs = []
        for run in range(2):
            def talk(client):
                client.command("x", "LOGIN alice wonderland")
                client.command("y", f"NOOP run{run}")
                client.command("z", "LOGOUT")

            self.run_session(talk, reports=run + 1)
            runs.append({path: read(path) for path in self.files("*")})
        first, second = runs
        self.assertEqual(len(self.transcripts()), 2)
        for path, content in first.items():
            self.assertEqual(second[path], content, f"{path} changed in the second run")

    def test_the_report_points_at_transcript_lines(self):
        def talk(client):
            client.command("a1", "SELECT INBOX")
            client.command("a2", "LOGIN alice wonderland")
            client.command("a3", "FETCH 1 (FLAGS)")
            client.command("a4", "LOGOUT")

        self.run_session(talk)
        report, transcript = self.report_and_transcript()
        line = self.cited_line(report, r"line (\d+): RFC 3501 [0-9.]+: SELECT is not valid")
        self.assertEqual(transcript[line - 1], "C: a1 SELECT INBOX")
        line = self.cited_line(report, r"line (\d+): RFC 3501 [0-9.]+: FETCH is not valid")
        self.assertEqual(transcript[line - 1], "C: a3 FETCH 1 (FLAGS)")
        self.assertIn(f"{line:>5} C: a3 FETCH 1 (FLAGS)", report)

    def test_the_report_shows_literal_data_sent_before_the_continuation(self):
        # RFC 3501 4.3: "the client MUST wait to receive a command
        # continuation request [...] before sending the octet data".
        def talk(client):
            client.command("a1", "LOGIN alice wonderland")
            message = b"Subject: hi\r\n\r\nhello\r\n"
            # The announcement and the octets in one write, so the server
            # reads them together, before its "+".
            client.sock.sendall(b"a2 APPEND INBOX {%d}\r\n" % len(message) + message + b"\r\n")
            while True:
                line = client.stream.readline()
                self.assertTrue(line, "the server closed the connection")
                if line.startswith(b"a2 "):
                    break
            client.command("a3", "LOGOUT")

        self.run_session(talk)
        report, transcript = self.report_and_transcript()
        line = self.cited_line(report, r"line (\d+): RFC 3501 4\.3: literal data for a2 sent "
                                       r"before the server's \"\+\"")
        # The transcript keeps wire order: the announcement, the "+", the
        # octets, the line end that completes the command.
        self.assertEqual(transcript[line - 1:line + 5],
                         ["C: a2 APPEND INBOX {22}", "S: + Ready for literal data",
                          "C: Subject: hi", "C: ", "C: hello", "C: "], report)
        self.assertIn(f"{line + 1:>5} S: + Ready for literal data", report)


class ClassReport(unittest.TestCase):
    """`serve --class-report`: a lab of three students, one of whose clients
    sends literal data before the "+", gives one CSV row per student in
    which only that one has violations."""

    def test_three_students_and_the_one_whose_client_breaks_a_rule(self):
        with tempfile.TemporaryDirectory(prefix="mailscope-class-") as tmp:
            csv_path = os.path.join(tmp, "class.csv")
            process, port = start_server(os.path.join(tmp, "traces"), "--class-report", csv_path,
                                         "--user", "carol:violets")
            try:
                self.assertEqual(read(csv_path).splitlines()[0],
                                 "student,sessions,commands,violations,violations_by_rule,"
                                 "first_seen,last_seen")
                client = imaplib.IMAP4("127.0.0.1", port)
                client.login("alice", "wonderland")
                client.select("INBOX")
                client.fetch("1", "(FLAGS)")
                client.logout()

                curl = subprocess.run(["curl", "--silent", "--show-error", "--max-time", "15",
                                       "--user", "bob:builder", f"imap://127.0.0.1:{port}/"],
                                      capture_output=True, timeout=30)
                self.assertEqual(curl.returncode, 0, curl.stderr)

                raw = Client(port)
                raw.command("c1", "LOGIN carol violets")
                message = b"Subject: hi\r\n\r\nhello\r\n"
                raw.sock.sendall(b"c2 APPEND INBOX {%d}\r\n" % len(message) + message + b"\r\n")
                while not raw.stream.readline().startswith(b"c2 "):
                    pass
                raw.command("c3", "LOGOUT")
                raw.close()

                def rows():
                    lines = read(csv_path).splitlines()[1:]
                    return {line.split(",")[0]: line.split(",") for line in lines}

                self.assertTrue(wait_for(lambda: {"alice", "bob", "carol"} <= set(rows())),
                                read(csv_path))
            finally:
                stop_server(process)
            table = rows()
            self.assertEqual(set(table), {"alice", "bob", "carol"}, read(csv_path))
            for name in ("alice", "bob"):
                self.assertEqual(table[name][3], "0", table[name])
                self.assertEqual(table[name][4], "", table[name])
            self.assertEqual(table["carol"][1:4], ["1", "3", "1"], table["carol"])
            self.assertEqual(table["carol"][4], "RFC 3501 4.3: 1", table["carol"])
            self.assertTrue(int(table["alice"][2]) >= 4, table["alice"])
            for row in table.values():
                self.assertRegex(row[5], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
                self.assertLessEqual(row[5], row[6])
            self.assertNotIn("wonderland", read(csv_path))
            # With --trace-dir each student has a page to hand back.
            pages = os.path.join(tmp, "class-students")
            self.assertEqual(sorted(os.listdir(pages)), ["alice.html", "bob.html", "carol.html"])
            carol = read(os.path.join(pages, "carol.html"))
            self.assertIn("1 broken rule(s)", carol)
            self.assertIn("RFC 3501 4.3", carol)
            self.assertIn("c2 APPEND INBOX {22}", carol)
            self.assertIn("0 broken rule(s)", read(os.path.join(pages, "alice.html")))
            for page in os.listdir(pages):
                text = read(os.path.join(pages, page))
                self.assertNotIn("wonderland", text)
                self.assertNotIn("violets", text)
                self.assertNotIn("builder", text)

    def test_each_student_is_told_which_steps_of_the_assignment_they_did(self):
        """`--assignment`: the three students' real clients each did some of
        the example assignment's steps; the CSV and their pages say which,
        and the one whose client broke a rule is still the only one flagged."""
        assignment = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                                  "assignments", "imap-client-lab.yaml")
        with tempfile.TemporaryDirectory(prefix="mailscope-assignment-") as tmp:
            csv_path = os.path.join(tmp, "class.csv")
            process, port = start_server(os.path.join(tmp, "traces"), "--class-report", csv_path,
                                         "--assignment", assignment, "--user", "carol:violets")
            try:
                self.assertEqual(read(csv_path).splitlines()[0],
                                 "student,sessions,commands,violations,violations_by_rule,"
                                 "first_seen,last_seen,steps_done,steps_missing")
                # imaplib: a quoted password, an APPEND that waits for "+",
                # SEARCH and EXPUNGE.
                client = imaplib.IMAP4("127.0.0.1", port)
                client.login("alice", "wonderland")
                client.select("INBOX")
                client.append("INBOX", r"(\Seen)", None, b"Subject: hi\r\n\r\nhello\r\n")
                client.search(None, "ALL")
                client.store("1", "+FLAGS", r"(\Deleted)")
                client.expunge()
                client.logout()

                # curl: a URL with a query is a SEARCH in that mailbox.
                curl = subprocess.run(["curl", "--silent", "--show-error", "--max-time", "15",
                                       "--user", "bob:builder",
                                       f"imap://127.0.0.1:{port}/INBOX?ALL"],
                                      capture_output=True, timeout=30)
                self.assertEqual(curl.returncode, 0, curl.stderr)

                # The password as a literal, sent after the "+"; then literal
                # data sent before it.
                raw = Client(port)
                raw.sock.sendall(b"c1 LOGIN carol {7}\r\n")
                self.assertTrue(raw.stream.readline().startswith(b"+"))
                raw.sock.sendall(b"violets\r\n")
                line = raw.stream.readline()
                while line and not line.startswith(b"c1 "):
                    line = raw.stream.readline()
                self.assertTrue(line.startswith(b"c1 OK"), line)
                message = b"Subject: hi\r\n\r\nhello\r\n"
                raw.sock.sendall(b"c2 APPEND INBOX {%d}\r\n" % len(message) + message + b"\r\n")
                while not raw.stream.readline().startswith(b"c2 "):
                    pass
                raw.command("c3", "LOGOUT")
                raw.close()

                def rows():
                    lines = read(csv_path).splitlines()[1:]
                    return {line.split(",")[0]: line.split(",") for line in lines}

                self.assertTrue(wait_for(lambda: {"alice", "bob", "carol"} <= set(rows())),
                                read(csv_path))
            finally:
                stop_server(process)
            table = rows()
            self.assertEqual(set(table), {"alice", "bob", "carol"}, read(csv_path))
            self.assertEqual(table["alice"][7:], ["3/4", "login-literal"], table["alice"])
            self.assertEqual(table["bob"][7:], ["1/4", "login-literal; append-flag; expunge"],
                             table["bob"])
            self.assertEqual(table["carol"][7:], ["1/4", "append-flag; search; expunge"],
                             table["carol"])
            for name in ("alice", "bob"):
                self.assertEqual(table[name][3:5], ["0", ""], table[name])
            self.assertEqual(table["carol"][3:5], ["1", "RFC 3501 4.3: 1"], table["carol"])

            pages = os.path.join(tmp, "class-students")
            alice = read(os.path.join(pages, "alice.html"))
            carol = read(os.path.join(pages, "carol.html"))
            self.assertIn("Assignment: Lab 2: an IMAP client", alice)
            self.assertIn("3 of 4 step(s) done.", alice)
            self.assertIn("1 of 4 step(s) done.", carol)

            def step_state(page, step):
                match = re.search(r'<tr id="step-%s">.*?<td class="\w+">([^<]*)</td></tr>' % step,
                                  page)
                return match.group(1) if match else None

            self.assertEqual(step_state(alice, "login-literal"), "not done")
            self.assertEqual(step_state(alice, "append-flag"), "done in session 1")
            self.assertEqual(step_state(alice, "expunge"), "done in session 1")
            self.assertEqual(step_state(carol, "login-literal"), "done in session 1")
            self.assertEqual(step_state(carol, "append-flag"), "not done")
            self.assertIn("Log in with the password sent as a literal", carol)
            self.assertIn("the SEARCH command", carol)
            for page in os.listdir(pages):
                self.assertNotIn("violets", read(os.path.join(pages, page)))

    def test_a_broken_assignment_stops_the_server_with_its_line(self):
        with tempfile.TemporaryDirectory(prefix="mailscope-assignment-") as tmp:
            assignment = os.path.join(tmp, "lab.yaml")
            with open(assignment, "w", encoding="utf-8") as out:
                out.write('title: {ru: "т", en: "t"}\nsteps:\n  - {id: a, command: LOGON}\n')
            result = subprocess.run([BINARY, "serve", "--imap", "127.0.0.1:0", "--class-report",
                                     os.path.join(tmp, "class.csv"), "--assignment", assignment],
                                    capture_output=True, text=True, timeout=30,
                                    stdin=subprocess.DEVNULL)
            self.assertEqual(result.returncode, 1, result.stdout)
            self.assertIn(f"{assignment}:3: \"LOGON\" is not a command of imap.", result.stderr)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: test_trace_files.py PATH/TO/mailscope [unittest options]")
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
