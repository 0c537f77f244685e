#!/usr/bin/env python3
"""The command line's own errors and notes speak the user's language.

usage: test_cli_language.py MAILSCOPE_BINARY

Each case runs a command that stops before doing anything (no socket is
opened, no file written), once with --lang ru and once with --lang en, and
checks the sentence in both, that the Russian one is Russian, and that no
password given on the command line is echoed.
"""

import os
import re
import subprocess
import sys

binary = sys.argv[1]
failures = []
BASE_ENV = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG")}
BASE_ENV["MAILSCOPE_PASSWORD"] = ""
CYRILLIC = re.compile("[\u0400-\u04ff]")


def check(condition, what):
    if not condition:
        failures.append(what)


def run(args, env=None):
    result = subprocess.run([binary, *args], capture_output=True, timeout=60,
                            stdin=subprocess.DEVNULL, env=env or BASE_ENV)
    return result.returncode, result.stdout.decode("utf-8"), result.stderr.decode("utf-8")


# Words that are names, not English: option values, URL schemes, protocols.
NAMES = {"none", "starttls", "implicit", "imap", "pop3", "smtp", "imaps", "pop3s", "smtps"}


def english_words(text):
    """Words of three or more Latin letters outside the command's name, quotes,
    options, URLs, host and file names."""
    text = re.sub(r"(?m)^mailscope[^:]*:", " ", text)
    text = re.sub(r"«[^»]*»|\"[^\"]*\"|--[\w-]+|\w+://\S*|\S+@\S+|\S+\.\S+|[A-Z]{2,}\S*", " ", text)
    return [w for w in re.findall(r"[A-Za-z][A-Za-z0-9]{2,}", text) if w not in NAMES]


CASES = [
    # (arguments before --lang, the English words expected, the Russian ones)
    (["serve", "--cert", "c.pem"], "--cert and --key go together", "--cert и --key задаются только вместе"),
    (["serve", "--user", "alice"], "expected NAME:PASSWORD", "ожидалось ИМЯ:ПАРОЛЬ"),
    (["serve", "--user", ":hunter2secret"], "the value is not shown", "значение не показано"),
    (["connect", "imap://alice@mail.example.org"], "would send the password in clear",
     "отправил бы пароль открытым текстом"),
    (["connect", "--starttls", "imaps://mail.example.org"], "is TLS from the first octet",
     "шифруется TLS с первого октета"),
    (["proxy", "--upstream", "imap://mail.example.org", "--client-tls", "sometimes"],
     "--client-tls takes none, starttls or implicit",
     "--client-tls принимает none, starttls или implicit"),
    (["proxy", "--upstream", "imap://bob@mail.example.org"], "names no user",
     "не указывают пользователя"),
    (["lesson", "run", "--step", "3", "--last-step", "2", "hello"], "comes before --step",
     "идёт раньше --step"),
    (["decode", "--protocol", "nntp", "x.txt"], '"nntp" is not one of imap, pop3, smtp',
     "«nntp» — не одно из значений imap, pop3, smtp"),
    (["decode", "x.txt", "y.txt"], "unexpected arguments: y.txt", "лишние аргументы: y.txt"),
    (["lesson", "run", "--step", "many", "hello"], '"many" is not a number this option accepts',
     "«many» — не число, которое принимает этот параметр"),
    # A value of any length is reworded, not matched by a recursive pattern.
    (["decode", "--protocol", "n" * 100000, "x.txt"], "is not one of imap, pop3, smtp",
     "не одно из значений imap, pop3, smtp"),
    (["serve", "--trace-window", "3"], '"3" is not a number from 16 to 10000000',
     "«3» — не число от 16 до 10000000"),
]


def test_errors_in_both_languages():
    for args, english, russian in CASES:
        for lang, wanted in (("en", english), ("ru", russian)):
            code, out, err = run([*args, "--lang", lang])
            said = out + err
            check(code != 0, f"{args} --lang {lang}: exit 0")
            check(wanted in said, f"{args} --lang {lang}: {wanted!r} not in {said!r}")
            check("hunter2secret" not in said, f"{args}: the password was echoed: {said!r}")
            if lang == "ru":
                check(CYRILLIC.search(err) is not None, f"{args} --lang ru: not Russian: {err!r}")
                extra = english_words(err)
                check(not extra, f"{args} --lang ru: English words {extra} in {err!r}")


def test_the_locale_chooses_when_lang_is_absent():
    code, out, err = run(["decode"], env=dict(BASE_ENV, LANG="ru_RU.UTF-8"))
    check(code != 0 and "не задан обязательный аргумент FILE" in err,
          f"decode without FILE under LANG=ru: {err!r}")
    check("Параметры: «mailscope decode --help»" in err, f"no pointer to --help: {err!r}")
    code, out, err = run(["decode"], env=dict(BASE_ENV, LANG="ru_RU.UTF-8", LC_ALL="C.UTF-8"))
    check("FILE is required" in err and 'Run "mailscope decode --help"' in err,
          f"decode without FILE under LC_ALL=C: {err!r}")


def test_help_still_prints():
    code, out, err = run(["serve", "--help"])
    check(code == 0 and "--fixture" in out, f"serve --help: exit {code}, {out[:200]!r}")


def main():
    for test in (test_errors_in_both_languages, test_the_locale_chooses_when_lang_is_absent,
                 test_help_still_prints):
        test()
    for failure in failures:
        print("FAIL:", failure)
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
