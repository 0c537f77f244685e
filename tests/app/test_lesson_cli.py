#!/usr/bin/env python3
"""CLI tests of `mailscope lesson` for the POP3 and SMTP lessons, and IMAP literals.

usage: test_lesson_cli.py MAILSCOPE_BINARY

Checks the grouped list, how message content is printed (dot-stuffed lines
as they went on the wire, and control octets never shown as ".": a leading
"." is what the transparency lessons point at), and that `run --check` on a
lesson with a failing expectation exits 1 and names the file and line.
"""

import os
import subprocess
import sys
import tempfile

binary = sys.argv[1]
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


def run(*args, env=None):
    result = subprocess.run([binary, "lesson", *args], capture_output=True, timeout=120,
                            stdin=subprocess.DEVNULL, env=env)
    return result.returncode, result.stdout.decode("utf-8"), result.stderr.decode("utf-8")


def test_list_groups():
    code, out, err = run("list", "--lang", "en")
    check(code == 0, f"lesson list: exit {code}, {err!r}")
    order = [out.find(heading) for heading in ("POP3 (RFC 1939)", "SMTP (RFC 5321)", "End to end")]
    check(all(i > 0 for i in order) and order == sorted(order),
          f"lesson list: protocol groups missing or out of order: {order}")
    for lesson in ("pop3-session", "pop3-apop", "pop3-against-imap", "smtp-session", "smtp-to-imap"):
        check(lesson in out, f"lesson list: {lesson} missing")


def test_language_from_the_locale():
    # Without --lang the list speaks the locale's language; LC_ALL wins.
    base = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    code, out, err = run("list", env=dict(base, LANG="ru_RU.UTF-8"))
    check(code == 0 and "шагов" in out, f"list with LANG=ru_RU.UTF-8 is not Russian: {out[:200]!r}")
    code, out, err = run("list", env=dict(base, LANG="ru_RU.UTF-8", LC_ALL="C.UTF-8"))
    check(code == 0 and "steps" in out, f"list with LC_ALL=C.UTF-8 is not English: {out[:200]!r}")
    code, out, err = run("list", "--lang", "en", env=dict(base, LANG="ru_RU.UTF-8"))
    check(code == 0 and "steps" in out, "--lang en does not win over the locale")


def test_message_lines():
    code, out, err = run("run", "smtp-to-imap", "--lang", "en", "--no-color", "--check")
    check(code == 0, f"smtp-to-imap --check: exit {code}, {err!r}")
    code, out, err = run("run", "smtp-to-imap", "--lang", "en", "--no-color")
    check(code == 0, f"smtp-to-imap: exit {code}")
    body = [line for line in out.splitlines() if line.startswith("[P]        | ")]
    check(any("Received: from" in line for line in body), "TOP body: Received line not shown")
    # The Received field is folded with a tab: shown as spaces, never as a dot.
    check(not any(line.startswith("[P]        | .for") for line in body),
          "TOP body: a folding tab printed as '.'")
    check(any(line.startswith("[P]        |     for <alice@") for line in body),
          "TOP body: the folded line not shown with its indentation")
    code, out, err = run("run", "smtp-session", "--lang", "en", "--no-color")
    check(code == 0, f"smtp-session: exit {code}")
    check("| .." in out, "smtp-session: the dot-stuffed line not shown as sent")


def test_literals_in_wire_order():
    # The terminal prints an IMAP literal's pieces as they went on the wire:
    # the line up to {n}, the server's "+", the octets, the rest of the line.
    code, out, err = run("run", "client-literals", "--lang", "en", "--no-color", "--check")
    check(code == 0, f"client-literals --check: exit {code}, {err!r}")
    rows = [line.split(None, 3) for line in out.splitlines() if line.startswith("#")]
    kinds = [row[2] for row in rows if len(row) >= 3]
    login = next((i for i, row in enumerate(rows) if len(row) == 4 and
                  row[3].startswith("a1 LOGIN alice {10}")), None)
    check(login is not None, f"client-literals: no LOGIN row:\n{out}")
    if login is not None:
        check(kinds[login:login + 5] == ["command", "continuation", "literal", "command",
                                         "tagged"],
              f"client-literals: LOGIN's rows are {kinds[login:login + 5]}")
        check('(waits for "+" before the 10 octets)' in rows[login][3],
              f"client-literals: the LOGIN row does not say it waits: {rows[login]}")
    check("ANNOUNCE" not in out, "client-literals: ANNOUNCE is shown")
    check("RFC 3501 4.3" in out and "before the server's" in out,
          "client-literals: data before the '+' is not flagged with RFC 3501 4.3")


def test_check_fails_on_a_broken_lesson():
    lesson = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lessons",
                          "failing-check.yaml")
    with open(lesson, encoding="utf-8") as source:
        line = next(number for number, text in enumerate(source, 1) if "the failing check" in text)
    for lang, summary in (("en", "1 check(s) failed."), ("ru", "Проверок не прошло: 1.")):
        code, out, err = run("run", lesson, "--lang", lang, "--no-color", "--check")
        check(code == 1, f"--check on a failing lesson ({lang}): exit {code}, {err!r}")
        check(f"{lesson}:{line}:" in out,
              f"--check on a failing lesson ({lang}): {lesson}:{line}: not printed: {out!r}")
        check(summary in out, f"--check on a failing lesson ({lang}): no '{summary}': {out!r}")
    # The lesson's other checks hold: one failure, on that line only.
    check(out.count(f"{lesson}:") == 1, f"--check: more than the one failure: {out!r}")


TEACHER_LESSON = """id: {id}
title: {{ru: "Свой урок", en: "A teacher's own lesson"}}
summary: {{ru: "Вход.", en: "A login."}}
store:
  users:
    - {{name: alice, password: wonderland}}
steps:
  - narration: {{ru: "Подключаемся.", en: "We connect."}}
    connect: true
    expect: {{state: Not Authenticated}}
"""


def test_teacher_lessons_add_to_the_library():
    # MAILSCOPE_LESSONS adds a teacher's folders after the library; an id
    # that is taken already is an error with the file and line of the id.
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        os.makedirs(os.path.join(first, "imap"))
        with open(os.path.join(first, "imap", "90-own.yaml"), "w", encoding="utf-8") as out:
            out.write(TEACHER_LESSON.format(id="teacher-own"))
        env = dict(os.environ, MAILSCOPE_LESSONS=f"{first}:{second}")
        code, out, err = run("list", "--lang", "en", env=env)
        check(code == 0, f"list with a teacher's folder: exit {code}, {err!r}")
        check("teacher-own" in out and "pop3-apop" in out,
              f"list with a teacher's folder: the library and the teacher's lesson: {out!r}")
        check(out.find("teacher-own") > out.find("imap4rev1-and-imap4rev2"),
              "list: the teacher's lesson does not come after the library's")
        code, out, err = run("run", "teacher-own", "--lang", "en", "--no-color", "--check",
                             env=env)
        check(code == 0, f"run of the teacher's lesson by id: exit {code}, {err!r}")

        clash = os.path.join(second, "greeting-again.yaml")
        with open(clash, "w", encoding="utf-8") as out:
            out.write(TEACHER_LESSON.format(id="teacher-own"))
        code, out, err = run("list", "--lang", "en", env=env)
        check(code == 1, f"list with a duplicate id: exit {code}")
        check(f"{clash}:1:5: the id \"teacher-own\" is already the id of" in err,
              f"list with a duplicate id: no error at the id: {err!r}")
        code, out, err = run("run", "teacher-own", "--check", env=env)
        check(code == 0, f"run by an id a later file repeats: exit {code}, {err!r}")


def test_handouts_of_a_step_range():
    """run --step N --last-step M --html/--mermaid: only those steps, each
    client of a two-client lesson in its own section and lane."""
    with tempfile.TemporaryDirectory(prefix="mailscope-handout-") as tmp:
        page, diagram = os.path.join(tmp, "steps.html"), os.path.join(tmp, "steps.mmd")
        code, out, err = run("run", "two-clients", "--check", "--no-color", "--lang", "en",
                             "--step", "2", "--last-step", "6", "--html", page,
                             "--mermaid", diagram)
        check(code == 0, f"run with handouts: exit {code}, {err!r}")
        check("Step 7/" not in out and "Step 6/" in out, "--last-step 6 played past step 6")
        with open(page, encoding="utf-8") as source:
            html = source.read()
        check("steps 2 to 6" in html, "the page does not name its steps")
        check(html.count("<h2>") == 2, "the page does not have a section per client")
        with open(diagram, encoding="utf-8") as source:
            mermaid = source.read()
        check("participant C1 as client A" in mermaid and "participant C2 as client B" in mermaid,
              "the diagram does not have a lane per client")
        check("wonderland" not in html + mermaid, "a password is in a handout")
        code, _, err = run("run", "two-clients", "--check", "--step", "5", "--last-step", "3")
        check(code == 2 and "--last-step 3 comes before --step 5" in err,
              f"a step range that plays nothing: exit {code}, {err!r}")


for test in (test_list_groups, test_language_from_the_locale, test_message_lines, test_literals_in_wire_order,
             test_check_fails_on_a_broken_lesson, test_teacher_lessons_add_to_the_library,
             test_handouts_of_a_step_range):
    test()

if failures:
    for failure in failures:
        print("FAIL:", failure)
    sys.exit(1)
print("ok")
