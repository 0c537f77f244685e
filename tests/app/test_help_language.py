#!/usr/bin/env python3
"""--help speaks the user's language.

usage: test_help_language.py MAILSCOPE_BINARY

For the main command and each subcommand, --help under a Russian locale
and with --lang ru is Russian: it exits 0, has Cyrillic, and no line's
description is English prose. Under LC_ALL=C.UTF-8 it stays English.
The gui subcommand is skipped when the binary was built without it.
"""

import os
import re
import subprocess
import sys

binary = sys.argv[1]
failures = []
BASE_ENV = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG")}
CYRILLIC = re.compile("[\u0400-\u04ff]")

# (the command's words, an English sentence its help must keep)
COMMANDS = [
    ([], "a teaching simulator and live visualizer"),
    (["decode"], "print the trace as JSON Lines"),
    (["serve"], "keep the store on disk (Maildir) so a restart loses nothing"),
    (["lesson", "list"], "List the lessons"),
    (["lesson", "run"], "start at step N (earlier steps run unseen)"),
    (["connect"], "seconds allowed for connecting and for each awaited answer"),
    (["proxy"], "certificate towards the clients (PEM)"),
    (["gui"], "run this many steps before showing"),
]

# Common English words that would mean a description was left untranslated.
ENGLISH = [" the ", " a ", " of ", " and ", " to ", " with ", " or ", " for ", " is "]


def check(condition, what):
    if not condition:
        failures.append(what)


def run(args, env):
    result = subprocess.run([binary, *args], capture_output=True, timeout=60,
                            stdin=subprocess.DEVNULL, env=env)
    return result.returncode, result.stdout.decode("utf-8"), result.stderr.decode("utf-8")


def prose(line):
    """The line without quotes, option names, URLs and upper-case words,
    padded so that words at its ends are matched too."""
    line = re.sub(r"«[^»]*»|\"[^\"]*\"|--?[\w-]+|\w+(\[s\])?://\S*|\b[A-Z][A-Z0-9_]+\b", " ", line)
    return " " + re.sub(r"[^\w\s]", " ", line) + " "


def check_russian(words, help_text, how):
    name = " ".join(["mailscope", *words])
    check(CYRILLIC.search(help_text) is not None, f"{name} --help {how}: no Cyrillic")
    for heading in ("Usage:", "Options:", "Positionals:", "Subcommands:", "REQUIRED"):
        check(heading not in help_text, f"{name} --help {how}: {heading!r} left in English")
    for line in help_text.splitlines():
        text = prose(line)
        for word in ENGLISH:
            check(word not in text, f"{name} --help {how}: English {word.strip()!r} in {line!r}")


def main():
    ru_env = dict(BASE_ENV, LANG="ru_RU.UTF-8")
    en_env = dict(BASE_ENV, LC_ALL="C.UTF-8")
    for words, english in COMMANDS:
        name = " ".join(["mailscope", *words])
        if words == ["gui"]:
            code, _, _ = run(["gui", "--help"], en_env)
            if code != 0:
                print("skipping gui: built without the GUI")
                continue
        code, out, err = run([*words, "--help"], ru_env)
        check(code == 0, f"{name} --help with LANG=ru_RU.UTF-8: exit {code}: {err}")
        check_russian(words, out, "with LANG=ru_RU.UTF-8")
        code, out, err = run([*words, "--help", "--lang", "ru"], en_env)
        check(code == 0, f"{name} --help --lang ru: exit {code}: {err}")
        check_russian(words, out, "with --lang ru")
        code, out, err = run([*words, "--help"], en_env)
        check(code == 0, f"{name} --help with LC_ALL=C.UTF-8: exit {code}: {err}")
        check(english in out, f"{name} --help with LC_ALL=C.UTF-8: {english!r} missing")
        check(CYRILLIC.search(out) is None, f"{name} --help with LC_ALL=C.UTF-8: Cyrillic")
    for failure in failures:
        print("FAIL:", failure)
    print(f"{len(COMMANDS)} commands, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
