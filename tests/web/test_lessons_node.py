#!/usr/bin/env python3
"""Every lesson's check in the browser's build, compared with the native one.

usage: test_lessons_node.py MAILSCOPE_BINARY WEB_CLI_JS SOURCE_DIR

Runs `lesson list` in both languages and, for every lesson it lists,
`lesson run ID --check --no-color` in English (and the first lesson of each
group in Russian too: the narration is the one thing a language changes, and
a node start costs a second), with the native binary and with the
WebAssembly build of the same command under node (web/cli_main.cpp), both
from SOURCE_DIR, and fails on any difference in exit status, output or
errors. Exits 77 (skipped) when node or the web build is missing, unless CI
is set: then 1.
"""

import concurrent.futures
import os
import shutil
import subprocess
import sys

binary, web_cli, source = sys.argv[1:4]
SKIPPED = 77

node = shutil.which("node")
if not node or not os.path.isfile(web_cli):
    print(f"needs node and {web_cli} (scripts/build-web)")
    sys.exit(1 if os.environ.get("CI") else SKIPPED)

# Debian's emscripten 3.1.6 takes node's fetch() for a browser's and loads
# the module with it; without it, from the file.
NODE = [node, "--no-experimental-fetch", web_cli]


def run(command, *args):
    result = subprocess.run([*command, "lesson", *args], capture_output=True, timeout=300,
                            stdin=subprocess.DEVNULL, cwd=source)
    return result.returncode, result.stdout.decode("utf-8"), result.stderr.decode("utf-8")


def differences(args):
    native = run([binary], *args)
    web = run(NODE, *args)
    if native == web:
        return None
    what = ["exit status", "output", "errors"]
    return (f"lesson {' '.join(args)}: the web build differs in " +
            ", ".join(name for name, a, b in zip(what, native, web) if a != b) +
            f"\n  native: {native}\n  web:    {web}")


code, listing, errors = run([binary], "list", "--lang", "en")
if code != 0:
    print(f"native lesson list failed ({code}): {errors}")
    sys.exit(1)
lessons = []
first_of_groups = []
for line in listing.splitlines():
    if line.startswith("  "):
        lessons.append(line.split()[0])
    elif line.strip():
        first_of_groups.append(len(lessons))
if len(lessons) < 30:
    print(f"only {len(lessons)} lessons listed:\n{listing}")
    sys.exit(1)

runs = [("list", "--lang", "en"), ("list", "--lang", "ru")]
runs += [("run", lesson, "--check", "--no-color", "--lang", "en") for lesson in lessons]
runs += [("run", lessons[i], "--check", "--no-color", "--lang", "ru") for i in first_of_groups]
with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
    problems = [problem for problem in pool.map(differences, runs) if problem]
for problem in problems:
    print(problem)
print(f"{len(lessons)} lessons, {len(runs)} runs, {len(problems)} different in the web build")
sys.exit(1 if problems else 0)
