#!/usr/bin/env python3
"""Screenshot tests of `mailscope gui` under xvfb-run.

For several lessons, steps and both languages: the PNG is not blank (many
distinct colours), the panels are there (their title bars' colour shows up
in the rows where each panel starts), two runs give the same pixels, what
the frame shows is what the lesson has at that step (the JSON the binary
writes with --screen-json: the state filled in the diagram, the exchange
rows and the last one's text, the question shown, the failed checks), a
step reached by going forward looks exactly like the same step reached by
going further and stepping back, and --step is honoured (steps 3 and 6
show different states and rows), and a lesson's clients side by side
(--exchanges all-clients) draw both lanes in one order. The sequence
diagram's PNG export, and the live session over STARTTLS and over IMAPS
against `mailscope serve`, and the lab's IMAP, POP3 and SMTP servers (--serve, --serve-pop3, --serve-smtp)
with Python's imaplib, poplib and smtplib.
Without Xvfb it fails in CI and exits 77 (CTest skip) elsewhere (tests/peers.py).
"""
import argparse
import hashlib
import imaplib
import json
import os
import poplib
import re
import signal
import smtplib
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
sys.path.insert(0, os.path.join(HERE, ".."))

import peers  # noqa: E402

try:
    import numpy
    import PIL.Image
except ImportError:  # main() says which package is missing (tests/peers.py)
    pass
from mailscope_server import MailscopeServer  # noqa: E402

PASSWORD = "wonderland"


class Image:
    """A PNG decoded to an RGB array (height x width x 3)."""

    def __init__(self, path):
        with PIL.Image.open(path) as source:
            self.rgb = numpy.asarray(source.convert("RGB"))
        self.height, self.width = self.rgb.shape[:2]

    def colour_count(self):
        packed = (self.rgb[..., 0].astype(numpy.uint32) << 16) | \
                 (self.rgb[..., 1].astype(numpy.uint32) << 8) | self.rgb[..., 2]
        return len(numpy.unique(packed))

    def digest(self):
        return hashlib.sha256(self.rgb.tobytes()).hexdigest()

    def count_of(self, colour):
        return int(numpy.all(self.rgb == numpy.array(colour, numpy.uint8), axis=2).sum())

    def title_bar_rows(self, colour, tolerance=6):
        """Rows where a run of at least 200 pixels has the title bar colour."""
        near = numpy.all(numpy.abs(self.rgb.astype(numpy.int16) - numpy.array(colour)) <= tolerance,
                         axis=2)
        # A run of 200 is a window of 200 whose count of matches is 200.
        window = 200
        if self.width < window:
            return 0
        counts = numpy.cumsum(numpy.pad(near, ((0, 0), (1, 0))).astype(numpy.int32), axis=1)
        runs = counts[:, window:] - counts[:, :-window]
        return int((runs.max(axis=1) >= window).sum())


def screen_json(png):
    return png[:-len(".png")] + ".json"


def screen(png):
    """What the frame saved as `png` shows (gui --screen-json)."""
    with open(screen_json(png), encoding="utf-8") as source:
        return json.load(source)


LESSON_PANELS = ["timeline", "state_diagram", "exchanges", "mailbox", "lesson"]

# What each shot must show, from the lessons themselves: two-clients step 1
# is A's greeting (transition 1) with step 2's question waiting; step 6 is
# A's APPEND in Selected; step 10 shown for B is B's EXPUNGE, and with all
# clients side by side A's NOOP after B's session; the broken
# lesson's step 2 is a refused LOGIN with its failed check and the question
# judged; step 4 is A's SELECT (transition 5). The POP3 step 6 is LIST in
# TRANSACTION before the UIDL question, the SMTP step 9 the end of the data
# (transition 7), and the end-to-end step 3 the SMTP client M greeted.
# The mailbox panel shows each protocol's own view: select-and-examine step 4
# (SELECT INBOX, nothing fetched) has six rows, every one greyed with the
# store's values; the POP3 LIST knows sizes but no UIDL yet, so the store
# fills that; the SMTP step shows the queued transaction's MAIL FROM, four
# RCPT TO, DATA and its end, all the client's own.
TWO_CLIENTS_STEP_3 = {"state": "Authenticated", "transition": 4, "rows": 11,
                      "last_row": "a2 OK LIST completed", "step": 3, "highlights": ["mailbox"]}
TWO_CLIENTS_STEP_6 = {"state": "Selected", "transition": 5, "rows": 41,
                      "last_row": "a5 OK [APPENDUID 7 4] APPEND completed", "step": 6,
                      "highlights": ["exchanges"], "quiz": ""}
# Step 10 with every client side by side: both lanes, A's and B's rows all
# drawn, A's NOOP (which heard of B's EXPUNGE) last.
LANE_ROWS_STEP_10 = 71
EXPECTED_SCREENS = {
    ("01-two-clients.yaml", 1, ()): {
        "panels": LESSON_PANELS, "highlights": ["state_diagram"], "protocol": "imap",
        "state": "Not Authenticated", "transition": 1, "rows": 2,
        "last_row": "Connection Established -> Not Authenticated (1: greeting * OK)",
        "last_row_ru": "Соединение установлено (Connection Established) → Не аутентифицирован "
                       "(Not Authenticated) (1: приветствие * OK)",
        "step": 1, "steps": 10, "quiz": "Which state comes next?", "failures": [],
        "client": "A"},
    ("01-two-clients.yaml", 6, ()): TWO_CLIENTS_STEP_6,
    ("01-two-clients.yaml", 10, ("--client", "B")): {
        "client": "B", "state": "Selected", "rows": 23, "last_row": "b4 OK EXPUNGE completed",
        "step": 10, "highlights": ["mailbox"]},
    ("01-two-clients.yaml", 10, ("--exchanges", "all-clients")): {
        "client": "A", "step": 10, "exchange_tab": "all-clients", "lanes": ["A", "B"],
        "lane_rows": LANE_ROWS_STEP_10, "last_lane_row": "A: a6 OK NOOP completed"},
    ("02-broken-check.yaml", 2, ()): {
        "state": "Not Authenticated", "step": 2, "steps": 3,
        "last_row": "a1 NO [AUTHENTICATIONFAILED] Invalid user name or password",
        "answered_quiz": "Чем ответит сервер?", "answered_right": None},
    ("01-two-clients.yaml", 4, ("--large-text",)): {
        "state": "Selected", "transition": 5, "rows": 21, "step": 4,
        "last_row": "Authenticated -> Selected (5: a3 SELECT completed OK)",
        "last_row_ru": "Аутентифицирован (Authenticated) → Выбран (Selected) "
                       "(5: a3 SELECT: ответ OK)"},
    ("01-pop3-session.yaml", 6, ()): {
        "protocol": "pop3", "state": "TRANSACTION", "transition": 2, "rows": 14, "step": 6,
        "steps": 17, "client": "P", "last_row": "+OK maildrop has 3 messages (814 octets)",
        "quiz": "A client downloaded message 2 yesterday. Today message 1 was deleted. "
                "What number will yesterday's message have?",
        "mailbox_view": "pop3", "mailbox_rows": 3, "mailbox_greyed_rows": 3},
    ("01-smtp-session.yaml", 9, ()): {
        "protocol": "smtp", "state": "Greeted", "transition": 7, "rows": 27, "step": 9,
        "last_row": "Data -> Greeted (7: end of data answered 250: delivered)",
        "last_row_ru": "Данные (Data) → Поприветствован (Greeted) "
                       "(7: на конец данных получен ответ 250: доставлено)",
        "mailbox_view": "smtp", "mailbox_rows": 7, "mailbox_greyed_rows": 0},
    ("01-smtp-to-imap.yaml", 3, ("--client", "M")): {
        "protocol": "smtp", "state": "Ready", "transition": 1, "rows": 2, "step": 3,
        "client": "M (SMTP)", "last_row": "Connection Established -> Ready (1: 220 greeting)",
        "last_row_ru": "Соединение установлено (Connection Established) → Готов (Ready) "
                       "(1: приветствие 220)",
        "mailbox_view": "smtp", "mailbox_rows": 0},
    ("08-select-and-examine.yaml", 4, ()): {
        "protocol": "imap", "state": "Selected", "step": 4, "mailbox_view": "imap",
        "mailbox_rows": 6, "mailbox_greyed_rows": 6},
}


def check_screen(path, lesson, step, extra, check, lang="en"):
    """The frame's content against EXPECTED_SCREENS; a transition's row reads
    in the language of the shot (last_row_ru for Russian)."""
    shown = screen(path)
    expected = dict(EXPECTED_SCREENS[(os.path.basename(lesson), step, tuple(extra))])
    russian = expected.pop("last_row_ru", None)
    if lang == "ru" and russian is not None:
        expected["last_row"] = russian
    for key, value in expected.items():
        check(shown.get(key) == value,
              f"{path}: {key} is {shown.get(key)!r}, the lesson has {value!r} at step {step}")
    return shown


class Runner:
    def __init__(self, binary, work):
        self.binary, self.work, self.count = binary, work, 0

    def run(self, args, env_extra=None, screen="1600x1000"):
        """The binary under a virtual X server; returns the CompletedProcess."""
        command = ["xvfb-run", "-a", "-s", f"-screen 0 {screen}x24", self.binary, *args]
        env = dict(os.environ)
        env.pop("DISPLAY", None)
        env.pop("MAILSCOPE_PASSWORD", None)
        env["MAILSCOPE_IN_XVFB"] = "1"
        env.update(env_extra or {})
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        if result.returncode != 0:
            raise AssertionError(f"{' '.join(command)} failed ({result.returncode}): {result.stderr}")
        return result

    def shot(self, lesson, step, lang, extra=()):
        """The PNG's path; what it shows is in screen(path)."""
        self.count += 1
        out = os.path.join(self.work, f"shot-{self.count}-{os.path.basename(lesson)}-{step}-{lang}.png")
        self.run(["--lesson", lesson, "--step", str(step), "--lang", lang, "--screenshot", out,
                  "--screen-json", screen_json(out), *extra])
        return out

    def sized_shot(self, lesson, step, lang, size, extra=()):
        """A shot with the window `size` ("WxH") on a screen of that size."""
        self.count += 1
        out = os.path.join(self.work, f"sized-{self.count}-{size}-{lang}.png")
        self.run(["--lesson", lesson, "--step", str(step), "--lang", lang, "--size", size,
                  "--screenshot", out, "--screen-json", screen_json(out), *extra], screen=size)
        return out

    def sequence_png(self, lesson, step, lang):
        self.count += 1
        out = os.path.join(self.work, f"sequence-{self.count}-{os.path.basename(lesson)}-{step}.png")
        self.run(["--lesson", lesson, "--step", str(step), "--lang", lang, "--export-png", out])
        return out


# Window sizes a classroom meets, from a laptop on a 720p projector to full
# HD, in normal text, large text and the projector preset, in both languages.
FIT_CASES = [("1280x720", "ru", ("--large-text",)), ("1280x720", "en", ()),
             ("1280x720", "ru", ("--projector",)), ("1920x1080", "en", ("--large-text",)),
             ("1920x1080", "ru", ()), ("1920x1080", "en", ("--projector",))]


def check_layout_fits(runner, lesson, check):
    """At each size nothing is cut (the frame's own check of titles, widths and
    the state diagram, in --screen-json), the tiles stay inside the window,
    and the picture is the window's size."""
    for size, lang, extra in FIT_CASES:
        path = runner.sized_shot(lesson, 4, lang, size, extra)
        shown = screen(path)
        width, height = (int(n) for n in size.split("x"))
        image = Image(path)
        print(f"{os.path.basename(path)} {' '.join(extra)}: diagram text x{shown['diagram_scale']:.2f}")
        check((image.width, image.height) == (width, height),
              f"{path}: {image.width}x{image.height}, not {size}")
        check(shown["layout_problems"] == [], f"{path}: cut off: {shown['layout_problems']}")
        check(shown["projector"] == ("--projector" in extra), f"{path}: projector preset not shown")
        expected_panels = {"state_diagram", "exchanges", "mailbox", "lesson"}
        if "--projector" not in extra:
            expected_panels.add("timeline")
        check(set(shown["layout"]) == expected_panels,
              f"{path}: panels laid out: {sorted(shown['layout'])}")
        for panel, (x, y, w, h) in shown["layout"].items():
            check(x >= 0 and y >= 0 and x + w <= width + 0.5 and y + h <= height + 0.5,
                  f"{path}: {panel} at {x},{y} {w}x{h} leaves the window")
        check(shown["diagram_scale"] >= 0.3, f"{path}: the diagram shrank to {shown['diagram_scale']}")


def check_sequence_png(runner, lesson, check):
    """The sequence diagram alone: a plausible size that grows with the
    exchange, not blank, the same pixels on every run."""
    early = Image(runner.sequence_png(lesson, 1, "en"))
    path = runner.sequence_png(lesson, 6, "en")
    late = Image(path)
    again = Image(runner.sequence_png(lesson, 6, "en"))
    width, height = late.width, late.height
    print(f"{os.path.basename(path)}: {width}x{height}, step 1: {early.width}x{early.height}")
    check(1000 <= width <= 3000, f"{path}: implausible width {width}")
    check(early.width == width, f"{path}: the width changes with the exchange")
    check(height > early.height + 200, f"{path}: the diagram does not grow with the exchange")
    check(height < 30000, f"{path}: implausible height {height}")
    colours = late.colour_count()
    check(colours >= 40, f"{path} looks blank: {colours} colours")
    check(late.digest() == again.digest(), f"{path}: two exports differ")
    # Not the window: no title bars, a white page.
    check(late.title_bar_rows((0xF5, 0xF5, 0xF5), tolerance=2) == 0,
          f"{path}: looks like the window, not the diagram alone")
    background = late.count_of((0xFF, 0xFF, 0xFF))
    check(background > width * height // 2, f"{path}: the page is not mostly white")


def check_live_sessions(runner, mailscope, work, check):
    """`mailscope gui --connect` over STARTTLS and over IMAPS, and POP3 and SMTP
    over STLS and STARTTLS, against `mailscope serve`: logged in, TLS on and
    said so before the credentials went out, the password nowhere."""
    with MailscopeServer(mailscope, "--pop3", "127.0.0.1:0", "--smtp", "127.0.0.1:0") as server:
        imap, imaps = server.ports["imap"], server.ports["imaps"]
        pop3, smtp = server.ports["pop3"], server.ports["smtp"]
        verified = "certificate verified for 127.0.0.1"
        # name, --connect arguments, the TLS note, the state reached, the login command
        cases = [
            ("starttls", [f"imap://alice@127.0.0.1:{imap}", "--starttls", "--ca-file", server.cert],
             verified, "Authenticated", "LOGIN"),
            ("imaps", [f"imaps://alice@127.0.0.1:{imaps}", "--ca-file", server.cert],
             verified, "Authenticated", "LOGIN"),
            ("insecure", [f"imaps://alice@127.0.0.1:{imaps}", "--insecure"],
             "certificate NOT verified (insecure)", "Authenticated", "LOGIN"),
            ("pop3-stls", [f"pop3://alice@127.0.0.1:{pop3}", "--starttls", "--ca-file",
                           server.cert], verified, "TRANSACTION", "PASS"),
            ("smtp-starttls", [f"smtp://alice@127.0.0.1:{smtp}", "--starttls", "--ca-file",
                               server.cert], verified, None, "AUTH"),
        ]
        for name, connect, tls_note, final_state, login_verb in cases:
            shot = os.path.join(work, f"live-{name}.png")
            transcript = os.path.join(work, f"live-{name}.jsonl")
            result = runner.run(["--connect", *connect, "--lang", "en", "--screenshot", shot,
                                 "--screen-json", screen_json(shot), "--transcript", transcript],
                                env_extra={"MAILSCOPE_PASSWORD": PASSWORD})
            with open(transcript, encoding="utf-8") as source:
                text = source.read()
            events = [json.loads(line) for line in text.splitlines()]
            states = [e["transition"]["to"] for e in events if e.get("transition")]
            notes = [e["summary"] for e in events if e["kind"] == "note"]
            print(f"live {name}: states {states}; {result.stdout.strip()}")
            if final_state:
                check(states and states[-1] == final_state,
                      f"live {name}: did not reach {final_state}: {states}")
                check(f"state {final_state}" in result.stdout, f"live {name}: {result.stdout}")
                # The screenshot waits for the login to settle: the frame shows its end.
                shown = screen(shot)
                check(shown["state"] == final_state,
                      f"live {name}: the screenshot shows {shown['state']!r}, not {final_state}")
            check(any(n.startswith("TLS established") and tls_note in n for n in notes),
                  f"live {name}: no TLS note with '{tls_note}': {notes}")
            login = [e for e in events if e["kind"] == "command" and e["name"] == login_verb]
            tls_at = next((i for i, e in enumerate(events)
                           if e["kind"] == "note" and e["summary"].startswith("TLS established")),
                          len(events))
            check(login and events.index(login[0]) > tls_at,
                  f"live {name}: {login_verb} went out before TLS")
            answered = [e for e in events
                        if login and e.get("link_seq") == login[-1]["seq"]]
            check(answered and answered[-1]["kind"] == "tagged" and
                  answered[-1].get("status") in ("OK", "+OK", "235"),
                  f"live {name}: {login_verb} not accepted: {answered}")
            if name == "starttls":
                check(any(e["name"] == "STARTTLS" for e in events), "live starttls: no STARTTLS")
            if name == "insecure":
                check("INSECURE TLS" in result.stdout, f"live insecure: not said loudly: "
                                                       f"{result.stdout}")
            for output in (text, result.stdout, result.stderr):
                check(PASSWORD not in output, f"live {name}: the password leaked")
            check(Image(shot).colour_count() >= 40, f"{shot} looks blank")

    # A server slow to accept the login: the screenshot still shows the
    # session logged in, because it waits for the login to settle.
    with MailscopeServer(mailscope, "--fault", "delay:LOGIN:1500ms") as server:
        shot = os.path.join(work, "live-slow-login.png")
        runner.run(["--connect", f"imap://alice@127.0.0.1:{server.ports['imap']}", "--lang",
                    "en", "--screenshot", shot, "--screen-json", screen_json(shot)],
                   env_extra={"MAILSCOPE_PASSWORD": PASSWORD})
        shown = screen(shot)
        check(shown["state"] == "Authenticated",
              f"live slow login: the screenshot shows {shown['state']!r}, not Authenticated")


def check_lab_servers(binary, check):
    """`mailscope gui --serve --serve-pop3 --serve-smtp`: the lab's three
    servers on loopback, on one store, answer Python's smtplib, poplib and
    imaplib while the window runs: a message sent by SMTP is the last one the
    POP3 and IMAP clients see."""
    command = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", binary, "--lang", "en",
               "--serve", "127.0.0.1:0", "--serve-pop3", "0", "--serve-smtp", "0"]
    env = dict(os.environ)
    env.pop("DISPLAY", None)
    env["MAILSCOPE_IN_XVFB"] = "1"
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, text=True, start_new_session=True)
    # The window never ends by itself: a watchdog ends it if the lab hangs.
    watchdog = threading.Timer(60, lambda: os.killpg(process.pid, signal.SIGKILL))
    watchdog.start()
    try:
        ports = {}
        while len(ports) < 3:
            line = process.stdout.readline()
            if not line:
                check(False, f"gui --serve ended early: {process.stderr.read()}")
                return
            match = re.match(r"lab: the mock (\w+) server listens on 127\.0\.0\.1:(\d+)$",
                             line.strip())
            if match:
                ports[match.group(1)] = int(match.group(2))
        subject = "from the lab's SMTP server"
        with smtplib.SMTP("127.0.0.1", ports["smtp"], timeout=10) as smtp:
            refused = smtp.sendmail("student@example.org", ["alice@example.org"],
                                    f"Subject: {subject}\r\n\r\nHello.\r\n")
            check(not refused, f"lab smtp: recipients refused: {refused}")
        pop = poplib.POP3("127.0.0.1", ports["pop3"], timeout=10)
        pop.user("alice")
        pop.pass_(PASSWORD)
        count, _ = pop.stat()
        headers = b"\n".join(pop.top(count, 0)[1]).decode()
        pop.quit()
        check(f"Subject: {subject}" in headers, f"lab pop3: message {count} is not the one sent")
        imap = imaplib.IMAP4("127.0.0.1", ports["imap"], timeout=10)
        imap.login("alice", PASSWORD)
        status, data = imap.select("INBOX", readonly=True)
        check(status == "OK" and int(data[0]) == count,
              f"lab imap: INBOX has {data}, POP3 saw {count}")
        imap.logout()
        print(f"lab: imap, pop3 and smtp on {ports}; alice has {count} messages")
    finally:
        watchdog.cancel()
        end_program_under_xvfb(process)


def children_of(parent):
    """(pid, name) of each running child of `parent`, read from /proc."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                fields = stat.read()
        except OSError:
            continue
        name = fields[fields.index("(") + 1:fields.rindex(")")]
        if int(fields[fields.rindex(")") + 2:].split()[1]) == parent:
            yield int(entry), name


def end_program_under_xvfb(process):
    """Ends the program xvfb-run runs, not xvfb-run itself: a terminated
    xvfb-run leaves its X server's directory behind in /tmp."""
    if process.poll() is None:
        for child, name in children_of(process.pid):
            if name != "Xvfb":
                os.kill(child, signal.SIGTERM)
    try:
        process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--lessons", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--mailscope", required=True, help="the mailscope binary, for serve")
    args = parser.parse_args()
    peers.require_for_suite("gui_screenshots", peers.xvfb(),
                            peers.python_module("numpy", "python3-numpy"),
                            peers.python_module("PIL.Image", "python3-pil"))
    os.makedirs(args.work, exist_ok=True)
    runner = Runner(args.binary, args.work)
    two = os.path.join(args.lessons, "01-two-clients.yaml")
    broken = os.path.join(args.lessons, "02-broken-check.yaml")
    failures = []

    def check(condition, message):
        if not condition:
            failures.append(message)
            print("FAIL:", message)

    cases = [(two, 1, "en", ()), (two, 6, "ru", ()), (two, 10, "en", ("--client", "B")),
             (broken, 2, "ru", ()), (two, 4, "en", ("--large-text",)),
             (two, 10, "ru", ("--exchanges", "all-clients"))]
    for lesson, step, lang, extra in cases:
        path = runner.shot(lesson, step, lang, extra)
        shown = check_screen(path, lesson, step, extra, check, lang)
        if lesson == broken:
            # The failed check with the lesson's own file and line.
            with open(broken, encoding="utf-8") as source:
                line = next(n for n, text in enumerate(source, 1) if "expect: {tagged: OK}" in text)
            check(len(shown["failures"]) == 1 and
                  shown["failures"][0].startswith(f"{broken}:{line}:"),
                  f"{path}: the failed check is not shown at {broken}:{line}: {shown['failures']}")
        image = Image(path)
        colours = image.colour_count()
        print(f"{os.path.basename(path)}: {colours} colours")
        check(colours >= 40, f"{path} looks blank: {colours} colours")
        again = Image(runner.shot(lesson, step, lang, extra))
        check(image.digest() == again.digest(), f"{path}: two runs differ")
        # The panels' title bars (ImGui's TitleBg of the light style, #f5f5f5):
        # the timeline's band and the band of the three middle panels, ~20 rows each.
        bar_rows = image.title_bar_rows((0xF5, 0xF5, 0xF5), tolerance=2)
        print(f"  title bar rows: {bar_rows}")
        check(bar_rows >= 2 * 15, f"{path}: panel title bars are missing ({bar_rows} rows)")

    # Step back reproduces exactly the earlier screen: step 3 reached forward
    # versus step 5 then two steps back (the runner replays from the start).
    forward_path = runner.shot(two, 3, "en")
    replayed_path = runner.shot(two, 5, "en", ("--back", "2"))
    check(Image(forward_path).digest() == Image(replayed_path).digest(),
          "step 3 forward and step 5 back twice differ")
    # --step is honoured: step 3 shows A authenticated after LIST, step 6 A
    # selected after its APPEND, and stepping back shows step 3's content.
    for path, expected in ((forward_path, TWO_CLIENTS_STEP_3), (replayed_path, TWO_CLIENTS_STEP_3),
                           (runner.shot(two, 6, "en"), TWO_CLIENTS_STEP_6)):
        shown = screen(path)
        for key, value in expected.items():
            check(shown.get(key) == value, f"{path}: {key} is {shown.get(key)!r}, not {value!r}")

    # Russian and English screens differ (the interface is translated).
    check(Image(runner.shot(two, 2, "en")).digest() !=
          Image(runner.shot(two, 2, "ru")).digest(), "ru and en screens are identical")

    svg = os.path.join(args.work, "exchange.svg")
    result = subprocess.run([args.binary, "--lesson", two, "--step", "6", "--export-svg", svg],
                            capture_output=True, text=True, timeout=60)
    check(result.returncode == 0 and open(svg, encoding="utf-8").read().endswith("</svg>\n"),
          f"--export-svg failed: {result.stderr}")

    # POP3 and SMTP lessons: their own diagram, reply colours and mailbox
    # view; the session shown speaks the lesson client's protocol. An IMAP
    # lesson's mailbox with the store's truth greyed beside it.
    lessons_dir = os.path.join(HERE, "..", "..", "lessons")
    for lesson, step, lang, extra, protocol in [
            (os.path.join(lessons_dir, "imap", "08-select-and-examine.yaml"), 4, "ru", (), "imap"),
            (os.path.join(lessons_dir, "pop3", "01-pop3-session.yaml"), 6, "en", (), "pop3"),
            (os.path.join(lessons_dir, "smtp", "01-smtp-session.yaml"), 9, "ru", (), "smtp"),
            (os.path.join(lessons_dir, "e2e", "01-smtp-to-imap.yaml"), 3, "en", ("--client", "M"),
             "smtp")]:
        transcript = os.path.join(args.work, f"{protocol}-{step}.jsonl")
        path = runner.shot(lesson, step, lang, (*extra, "--transcript", transcript))
        check_screen(path, lesson, step, extra, check, lang)
        image = Image(path)
        colours = image.colour_count()
        print(f"{os.path.basename(path)}: {colours} colours")
        check(colours >= 40, f"{path} looks blank: {colours} colours")
        check(image.title_bar_rows((0xF5, 0xF5, 0xF5), tolerance=2) >= 2 * 15,
              f"{path}: panel title bars are missing")
        again = Image(runner.shot(lesson, step, lang, extra))
        check(image.digest() == again.digest(), f"{path}: two runs differ")
        with open(transcript, encoding="utf-8") as source:
            protocols = {json.loads(line)["protocol"] for line in source}
        check(protocols == {protocol}, f"{path}: the session shown speaks {protocols}")

    check_layout_fits(runner, two, check)
    check_sequence_png(runner, two, check)
    check_live_sessions(runner, args.mailscope, args.work, check)
    check_lab_servers(args.binary, check)

    if failures:
        print(f"{len(failures)} screenshot checks failed")
        return 1
    print("all screenshot checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
