#!/usr/bin/env python3
"""CLI tests of `mailscope decode`.

usage: test_decode.py MAILSCOPE_BINARY VECTORS_DIR

Runs the binary on the RFC 3501 section 8 example, on a session that breaks
a state rule and on malformed transcripts, and checks the exit codes and
what is printed.
"""

import json
import os
import subprocess
import sys
import tempfile

binary = sys.argv[1]
vectors = sys.argv[2]
section8 = os.path.join(vectors, "imap", "rfc3501_section8.txt")
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


# The annotations follow the locale unless --lang says otherwise: the tests
# that read English ones run in the C locale whatever the machine's is.
ENGLISH = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG")}


def decode(*args, env=None):
    result = subprocess.run([binary, "decode", *args], capture_output=True, timeout=60,
                            env=ENGLISH if env is None else env)
    return result.returncode, result.stdout.decode("utf-8"), result.stderr.decode("utf-8")


def test_section8_annotations():
    code, out, err = decode(section8)
    check(code == 0, f"section 8 example: exit {code}, stderr {err!r}")
    # The RFC 3501 section 3 diagram: greeting (1), LOGIN (4), SELECT (5), LOGOUT (7).
    for number in (1, 4, 5, 7):
        check(f"({number}: " in out, f"section 8 example: transition {number} not shown")
    check("completes #" in out, "section 8 example: no completion linked to its command")
    check("{342} 342 octets" in out, "section 8 example: the 342-octet literal not shown")
    check("mrc secret" not in out, "section 8 example: the LOGIN password is printed")
    check("(secret hidden)" in out, "section 8 example: the password is not marked hidden")


def test_reveal_secrets():
    code, out, _ = decode("--reveal-secrets", section8)
    check(code == 0 and "mrc secret" in out, "--reveal-secrets does not show the password")


def test_json_lines():
    code, out, err = decode("--json", section8)
    check(code == 0, f"--json: exit {code}, stderr {err!r}")
    events = []
    for number, line in enumerate(out.splitlines(), 1):
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError as error:
            failures.append(f"--json: line {number} is not JSON ({error}): {line!r}")
    check([e.get("seq") for e in events] == list(range(len(events))),
          "--json: sequence numbers are not 0, 1, 2...")
    transitions = [e["transition"]["number"] for e in events if e.get("kind") == "transition"]
    check(transitions == [1, 4, 5, 7], f"--json: transitions {transitions}")
    literals = [e for e in events if e.get("kind") == "literal"]
    check(len(literals) == 1 and literals[0]["literal"]["size"] == 342,
          "--json: the 342-octet literal is missing")
    check("mrc secret" not in out, "--json: the LOGIN password is printed")


def expect_malformed(text, line, what):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(text)
        path = f.name
    try:
        code, _, err = decode(path)
        check(code == 1, f"{what}: exit {code} instead of 1")
        check(f"{path}:{line}:" in err, f"{what}: stderr lacks {path}:{line}: ({err!r})")
    finally:
        os.unlink(path)


def test_malformed():
    expect_malformed("S: * OK ready\nC: a1 NOOP\nhello there\nS: a1 OK done\n", 3,
                     "a line without C: or S:")
    expect_malformed("S: * OK ready\nC: a1 NOOP\nS: * 12 FETCH (FLAGS (\\Seen)\nS: a1 OK done\n",
                     3, "a response that does not parse")


def decode_text(text, *args):
    with tempfile.NamedTemporaryFile("wb", suffix=".txt", delete=False) as f:
        f.write(text if isinstance(text, bytes) else text.encode("utf-8"))
    try:
        return decode(*args, f.name)
    finally:
        os.unlink(f.name)


def json_events(out):
    return [json.loads(line) for line in out.splitlines()]


def commands_tagged(events, tag):
    return [e for e in events if e.get("kind") == "command" and e.get("tag") == tag]


def expect_one_violation(what, session, section, summary):
    """Decodes the transcript `session` with --json and as text: both exit 0
    and flag exactly one violation, of `section`, its summary holding
    `summary`. Returns the JSON output, its events and the violation (None
    unless there is exactly one)."""
    code, out, err = decode_text(session, "--json")
    check(code == 0, f"{what}: exit {code}, stderr {err!r}")
    events = json_events(out)
    found = [e for e in events if e.get("kind") == "violation"]
    check(len(found) == 1, f"{what}: violations {found}")
    violation = found[0] if len(found) == 1 else None
    if violation:
        check(violation.get("section") == section,
              f"{what}: section {violation.get('section')!r}")
        check(summary in violation.get("summary", ""), f"{what}: summary {violation}")
    code, text, err = decode_text(session)
    check(code == 0 and section in text and summary in text,
          f"{what}: the text output does not flag it: {text!r} {err!r}")
    return out, events, violation


def test_every_protocol():
    # The protocol is told by the server's first line; no false violation.
    pop3 = os.path.join(vectors, "pop3", "rfc1939_section10.txt")
    code, out, err = decode(pop3)
    check(code == 0, f"RFC 1939 10: exit {code}, stderr {err!r}")
    check("VIOLATION" not in out and "violation" not in out,
          f"RFC 1939 10: a false violation:\n{out}")
    check("AUTHORIZATION -> TRANSACTION (2: APOP accepted)" in out,
          "RFC 1939 10: transition 2 not shown")
    check("c4c9334bac560ecc979e58001b3e22fb" not in out, "RFC 1939 10: the APOP digest is shown")
    check("completes #9 RETR" in out, "RFC 1939 10: RETR's reply not linked")
    smtp = os.path.join(vectors, "smtp", "rfc5321_d1_typical.txt")
    code, out, err = decode(smtp)
    check(code == 0, f"RFC 5321 D.1: exit {code}, stderr {err!r}")
    check("violation" not in out, f"RFC 5321 D.1: a false violation:\n{out}")
    check("Ready -> Greeted (3: 250 after EHLO)" in out, "RFC 5321 D.1: EHLO transition missing")
    # --protocol overrides the guess: read as IMAP, the SMTP dialogue is wrong.
    code, out, _ = decode("--protocol", "imap", smtp)
    check(code == 1, f"--protocol imap on SMTP: exit {code}, expected 1")


def test_byte_order_mark_and_look_alikes():
    code, out, err = decode_text(b"\xef\xbb\xbfS: * OK ready\nC: a1 NOOP\nS: a1 OK done\n")
    check(code == 0 and "completes #" in out, f"a byte order mark: exit {code}, stderr {err!r}")
    code, _, err = decode_text("S: * OK ready\n\u0421: a1 NOOP\n")
    check(code == 1 and ":2:" in err and "Cyrillic" in err,
          f"a Cyrillic C: exit {code}, stderr {err!r}")
    code, _, err = decode_text("S: * OK ready\nS; a1 OK done\n")
    check(code == 1 and ":2:" in err and "colon" in err, f"S; instead of S: exit {code}, {err!r}")


def peak_memory_kb(*args):
    """Runs decode and returns the child's peak resident set in KiB."""
    process = subprocess.Popen([binary, "decode", *args], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    check(os.waitstatus_to_exitcode(status) == 0, f"decode {args}: failed")
    return usage.ru_maxrss


def built_with_address_sanitizer():
    with open(binary, "rb") as f:
        return b"__asan_init" in f.read()


def test_memory_does_not_grow_with_lines():
    # AddressSanitizer keeps freed memory in quarantine (256 MiB by default),
    # so peak memory there says nothing about what decode holds.
    if built_with_address_sanitizer():
        print("decode memory: not measured under AddressSanitizer")
        return
    sizes = {}
    with tempfile.TemporaryDirectory() as tmp:
        for commands in (20_000, 200_000):
            path = os.path.join(tmp, f"noop{commands}.txt")
            with open(path, "w") as f:
                f.write("S: * OK ready\nC: a1 LOGIN alice wonderland\nS: a1 OK done\n")
                for i in range(commands):
                    f.write(f"C: n{i} NOOP\nS: n{i} OK NOOP completed\n")
            sizes[commands] = (os.path.getsize(path) // 1024, peak_memory_kb(path),
                               peak_memory_kb("--json", path))
    small, large = sizes[20_000], sizes[200_000]
    # Ten times the lines: the text output needs no more memory (4 MiB of slack).
    check(large[1] - small[1] < 4096, f"decode memory grows with lines: {small} vs {large}")
    check(large[2] - small[2] < 4096, f"decode --json memory grows with lines: {small} vs {large}")
    check(large[2] < 10 * large[0], f"decode --json takes over 10x the input: {large}")


ENABLE_SESSION = """S: * OK ready
C: a1 LOGIN joe secret
S: a1 OK LOGIN completed
C: a2 ENABLE CONDSTORE
S: * ENABLED CONDSTORE
S: a2 OK ENABLE completed
C: a3 SELECT INBOX
S: * 2 EXISTS
S: a3 OK [READ-WRITE] SELECT completed
C: a4 ENABLE CONDSTORE
S: a4 BAD ENABLE is not valid in the Selected state
C: a5 LOGOUT
S: * BYE bye
S: a5 OK LOGOUT completed
"""


def test_enable_after_select():
    # RFC 5161 3.1: ENABLE only in Authenticated, before any SELECT or EXAMINE.
    _, events, violation = expect_one_violation("ENABLE after SELECT", ENABLE_SESSION,
                                                "RFC 5161 3.1",
                                                "ENABLE is not valid in the Selected state")
    if violation:
        # Flagged on a4, the second ENABLE, not on a2 before the SELECT.
        a4 = commands_tagged(events, "a4")
        check(a4 and violation["seq"] > a4[0]["seq"], "ENABLE after SELECT: not flagged on a4")


def test_literals_in_wire_order():
    # LOGIN's literals and APPEND's "+ go ahead": each literal's octets after
    # the "+" that allows them, the rest of the line after the octets.
    path = os.path.join(vectors, "imap", "literals_wire_order.txt")
    code, out, err = decode(path)
    check(code == 0, f"literals in wire order: exit {code}, stderr {err!r}")
    rows = [line.split(None, 3) for line in out.splitlines()]
    login = [f"{row[2]} {row[3]}" for row in rows if len(row) == 4 and row[0] in
             ("#2", "#3", "#4", "#5", "#6", "#7", "#8", "#9")]
    expected = [
        'command a1 LOGIN {5}⏎  (waits for "+" before the 5 octets)  ← [RFC 3501 6.2.3]',
        "continuation + go ahead⏎  ← answers #2 a1 LOGIN [RFC 3501 7.5]",
        "literal {5} 5 octets: alice  ← in #2 a1 LOGIN [RFC 3501 4.3]",
        'command {10}⏎  (waits for "+" before the 10 octets)  ← continues #2 a1 LOGIN '
        "[RFC 3501 6.2.3]",
        "continuation + go ahead⏎  ← answers #2 a1 LOGIN [RFC 3501 7.5]",
        "literal {10} 10 octets (hidden)  ← in #2 a1 LOGIN [RFC 3501 4.3]",
        "command ⏎  ← continues #2 a1 LOGIN [RFC 3501 6.2.3]",
        "tagged a1 OK LOGIN completed⏎  ← completes #2 LOGIN [RFC 3501 7.1.1]",
    ]
    check(login == expected, f"literals in wire order: the LOGIN rows are {login}")
    check("ANNOUNCE" not in out, "literals in wire order: ANNOUNCE is shown")
    check("wonderland" not in out, "literals in wire order: the password is shown")

    code, out, err = decode("--json", path)
    check(code == 0, f"literals in wire order --json: exit {code}, stderr {err!r}")
    events = json_events(out)
    append = commands_tagged(events, "a2")[0]
    tied = [e for e in events if e["seq"] == append["seq"] or
            (e.get("link_seq") == append["seq"] and e["kind"] != "untagged")]
    check([e["kind"] for e in tied] == ["command", "continuation", "literal", "command", "tagged"],
          f"--json: the APPEND's events are {[e['kind'] for e in tied]}")
    check(append.get("piece") == {"index": 0, "awaits_continuation": True,
                                  "announces": {"size": 107, "synchronizing": True}},
          f"--json: the APPEND's first piece is {append.get('piece')}")
    if len(tied) == 5:
        check(tied[2]["raw"].startswith("From: Alice") and tied[3]["raw"] == "\r\n" and
              tied[3]["piece"]["index"] == 1, f"--json: the literal and the rest: {tied[2:4]}")
    literal_plus = commands_tagged(events, "a3")[0]
    following = events[literal_plus["seq"] + 1]
    check(following["kind"] == "literal" and not following["literal"]["synchronizing"],
          f"--json: LITERAL+ is not followed by its octets: {following}")
    check("ANNOUNCE" not in out and "shown_before" not in out, "--json: ANNOUNCE is shown")


def test_literal_size_mismatch():
    # A name of 31 characters, 58 octets in UTF-8, announced as {31}.
    path = os.path.join(vectors, "imap", "literal_counted_in_characters.txt")
    code, out, err = decode(path)
    check(code == 1, f"{{31}} for 58 octets: exit {code}, expected 1")
    check(f"{path}:7: literal size mismatch: {{31}} was announced, but the text is 58 octets of "
          "UTF-8 (31 characters, 31 octets in windows-1251)" in err,
          f"{{31}} for 58 octets: stderr {err!r}")
    check("characters-versus-octets mistake" in err and "needs {58}" in err,
          f"{{31}} for 58 octets: the count is not explained: {err!r}")
    check("0xB8" not in out + err and "syntax error" not in out + err,
          "{31} for 58 octets: a parse error instead of the count")
    # {350} for 186 octets: the rest of the file is still read as commands.
    path = os.path.join(vectors, "imap", "literal_announced_too_large.txt")
    code, out, err = decode(path)
    check(code == 1, f"{{350}} for 186 octets: exit {code}, expected 1")
    check(f"{path}:7: literal size mismatch: the server completed a1 after 186 octets" in err and
          "{350} was announced" in err, f"{{350}} for 186 octets: stderr {err!r}")
    check("completes #2 APPEND" in out and "a2 NOOP" in out and "completes #8 NOOP" in out,
          f"{{350}} for 186 octets: what follows is not read as commands:\n{out}")


LOGINDISABLED_SESSION = """S: * OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready
C: a1 LOGIN joe secret
S: a1 NO [PRIVACYREQUIRED] LOGIN is disabled
C: a2 FROBNICATE
S: a2 BAD unknown command
C: a3 LOGOUT
S: * BYE bye
S: a3 OK LOGOUT completed
"""


def test_login_after_logindisabled():
    # RFC 3501 6.2.3: "A client implementation MUST NOT send a LOGIN command
    # if the LOGINDISABLED capability is advertised."
    out, events, _ = expect_one_violation("LOGINDISABLED", LOGINDISABLED_SESSION, "RFC 3501 6.2.3",
                                          "LOGINDISABLED")
    check("secret" not in out, "LOGINDISABLED: the password is printed")
    # RFC 3501 9: the command grammar has no FROBNICATE; 6.5.1 is X<atom>.
    a2 = commands_tagged(events, "a2")
    check(a2 and a2[0].get("section") == "RFC 3501 9",
          f"an unknown command: section {a2[0].get('section') if a2 else None!r}")


def test_russian_annotations():
    code, out, err = decode("--lang", "ru", section8)
    check(code == 0, f"--lang ru: exit {code}, stderr {err!r}")
    for words in ("завершает #", "(секрет скрыт)", "Выбран (Selected)", "{342} октетов: 342",
                  "переход", "без запроса (unsolicited)"):
        check(words in out, f"--lang ru: {words!r} not shown")
    for words in ("completes #", "(secret hidden)", " octets", "unsolicited  ", "transition "):
        check(words not in out, f"--lang ru: English {words!r} shown")
    # The wire stays as it was sent.
    check("a001 LOGIN" in out or "A001 LOGIN" in out, "--lang ru: the wire text changed")


def test_language_from_the_locale():
    for variables, russian in (({"LANG": "ru_RU.UTF-8"}, True),
                               ({"LC_MESSAGES": "ru_RU.UTF-8", "LANG": "en_US.UTF-8"}, True),
                               ({"LC_ALL": "C.UTF-8", "LANG": "ru_RU.UTF-8"}, False),
                               ({"LANG": "en_GB.UTF-8"}, False)):
        code, out, _ = decode(section8, env={**ENGLISH, **variables})
        check(code == 0 and ("завершает #" in out) == russian,
              f"locale {variables}: Russian {russian} expected")
    code, out, _ = decode("--lang", "en", section8, env={**ENGLISH, "LANG": "ru_RU.UTF-8"})
    check(code == 0 and "completes #" in out, "--lang en does not win over the locale")


def test_handouts():
    """--html and --mermaid write the whole session as a page for printing and
    as a diagram, in the language asked for, the password masked."""
    with tempfile.TemporaryDirectory(prefix="mailscope-handout-") as tmp:
        page, diagram = os.path.join(tmp, "s8.html"), os.path.join(tmp, "s8.mmd")
        code, out, err = decode("--lang", "ru", "--html", page, "--mermaid", diagram, section8)
        check(code == 0 and "завершает #" in out, f"--html: exit {code}, stderr {err!r}")
        with open(page, encoding="utf-8") as source:
            html = source.read()
        check(html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>"),
              "--html: not a whole page")
        for words in ("Путь по состояниям", "Выбран (Selected)", "RFC 3501", "@page { size: A4"):
            check(words in html, f"--html: {words!r} missing")
        check("mrc secret" not in html, "--html: the password is in the page")
        check("<script" not in html and "http://" not in html and "https://" not in html,
              "--html: the page is not self-contained")
        with open(diagram, encoding="utf-8") as source:
            mermaid = source.read()
        check(mermaid.startswith("sequenceDiagram\n"), "--mermaid: not a sequence diagram")
        check("C1->>S: a001 login mrc \"***\"" in mermaid,
              "--mermaid: the LOGIN is not drawn")
        check("mrc secret" not in mermaid, "--mermaid: the password is in the diagram")
        code, _, err = decode("--html", os.path.join(tmp, "no", "such", "dir.html"), section8)
        check(code == 2 and "cannot write" in err, f"--html to a missing folder: exit {code}")


def test_missing_file():
    code, _, err = decode("/nonexistent/transcript.txt")
    check(code == 2 and "cannot read" in err, f"a missing file: exit {code}, stderr {err!r}")
    code, _, err = decode("--lang", "ru", "/nonexistent/transcript.txt")
    check(code == 2 and "не удаётся прочитать" in err,
          f"a missing file in Russian: exit {code}, stderr {err!r}")


def test_russian_errors():
    """The reasons decode gives on stderr are in the language asked for."""
    code, _, err = decode_text("S: * OK ready\nC: a1 NOOP\nS: * 12 FETCH (FLAGS (\\Seen)\n"
                               "S: a1 OK done\n", "--lang", "ru")
    check(code == 1 and ":3: " in err and any("а" <= c <= "я" for c in err),
          f"a response that does not parse, in Russian: exit {code}, stderr {err!r}")
    code, _, err = decode_text("S: * OK ready\nC: a1 LOGIN alice {5}\nS: + go\nC: ab\n",
                               "--lang", "ru")
    check(code == 1 and "посреди сообщения" in err and "клиент" in err,
          f"a transcript cut mid-literal, in Russian: exit {code}, stderr {err!r}")
    code, _, err = decode_text("S: * OK ready\n\u0421: a1 NOOP\n", "--lang", "ru")
    check(code == 1 and ":2: " in err and "кириллической" in err and "Cyrillic" not in err,
          f"a Cyrillic C, in Russian: exit {code}, stderr {err!r}")
    code, _, err = decode_text("S: * OK ready\nS; a1 OK done\n", "--lang", "ru")
    check(code == 1 and ":2: " in err and "двоеточие" in err and "colon" not in err,
          f"S; instead of S:, in Russian: exit {code}, stderr {err!r}")


for test in (test_section8_annotations, test_reveal_secrets, test_json_lines, test_malformed,
             test_every_protocol, test_byte_order_mark_and_look_alikes,
             test_memory_does_not_grow_with_lines, test_enable_after_select,
             test_literals_in_wire_order, test_literal_size_mismatch,
             test_login_after_logindisabled, test_russian_annotations,
             test_language_from_the_locale, test_handouts, test_missing_file,
             test_russian_errors):
    test()

for failure in failures:
    print("FAIL:", failure)
print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
