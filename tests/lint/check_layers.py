#!/usr/bin/env python3
"""Checks the layering of docs/architecture.md over every source file.

usage: check_layers.py SOURCE_DIR

Each layer may include the project headers of the layers listed for it and
no others, so the arrows between layers point one way; the sans-I/O layers
include no socket, TLS or thread header. Prints every offending line as
file:line and exits 1 if there is one.
"""

import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])

# Which project folders each layer may include from.
ALLOWED = {
    "sim": {"sim"},
    "net": {"sim", "net"},
    "server_mock": {"sim", "server_mock"},
    "lessons": {"sim", "server_mock", "lessons"},
    "gui": {"sim", "net", "server_mock", "lessons", "gui"},
    "app": {"sim", "net", "server_mock", "lessons", "gui", "app"},
    # The browser build's entry points: the window and the lesson command,
    # without the network layer.
    "web": {"sim", "server_mock", "lessons", "gui", "app", "web"},
}
# Only net/ talks to the network or TLS: the GUI and the subcommands reach
# sockets through its classes (the I/O thread, the UI queue, the live client,
# the server and proxy loops), whose headers name no Asio type. Including a
# net/ header that brings Asio in counts as including Asio. sim/ does not
# even run threads: its engines are given bytes and a time and hand back
# bytes and events.
NETWORK_HEADER = re.compile(r"^(asio|openssl/|sys/socket\.h|netinet/|arpa/|netdb\.h)")
THREAD_HEADER = re.compile(r"^(thread|future|condition_variable|mutex)$")
NO_NETWORK = {"sim", "server_mock", "lessons", "gui", "app", "web"}
NO_THREADS = {"sim"}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')

def includes_of(path):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = INCLUDE.match(line)
        if match:
            yield number, match.group(1), match.group(2)


# The net/ headers that include a network header, directly or through
# other project headers.
def brings_network(header, seen=None):
    seen = set() if seen is None else seen
    if header in seen or not (root / header).is_file():
        return False
    seen.add(header)
    for _, kind, included in includes_of(root / header):
        if kind == "<" and NETWORK_HEADER.match(included):
            return True
        if kind == '"' and brings_network(included, seen):
            return True
    return False


problems = []
for layer, allowed in ALLOWED.items():
    for path in sorted((root / layer).rglob("*")):
        if path.suffix not in (".cpp", ".hpp", ".h"):
            continue
        for number, kind, header in includes_of(path):
            where = f"{path.relative_to(root)}:{number}"
            top = header.split("/", 1)[0]
            if kind == '"' and top in ALLOWED and top not in allowed:
                problems.append(f"{where}: {layer}/ must not include {header} "
                                f"({layer}/ may include {', '.join(sorted(allowed))})")
            if kind == "<" and layer in NO_NETWORK and NETWORK_HEADER.match(header):
                problems.append(f"{where}: only net/ may include <{header}>")
            if (kind == '"' and layer in NO_NETWORK and top == "net" and
                    brings_network(header)):
                problems.append(f"{where}: {header} brings in Asio or OpenSSL; only net/ "
                                f"may include it")
            if kind == "<" and layer in NO_THREADS and THREAD_HEADER.match(header):
                problems.append(f"{where}: sim/ is sans-I/O and must not include <{header}>")

for problem in problems:
    print(problem)
print(f"{len(problems)} layering problem(s)")
sys.exit(1 if problems else 0)
