#!/usr/bin/env python3
"""Writes one libFuzzer seed per exchange of tests/vectors/pop3/*.txt.

usage: make_pop3_seeds.py VECTORS_DIR OUT_DIR

A seed is the exchange in the fuzzer's input format (pop3_fuzz_checks.hpp):
"C: " and "S: " lines with CRLF, after the greeting and login the block's
"# state:" line asks for.
"""

import pathlib
import sys

PREAMBLE = {
    "start": [],
    "AUTHORIZATION": ["S: +OK ready <1.1@seed>"],
    "TRANSACTION": ["S: +OK ready <1.1@seed>", "C: USER mrose", "S: +OK", "C: PASS secret",
                    "S: +OK logged in"],
}


def blocks(path):
    current = None
    for line in path.read_text().splitlines():
        if line.startswith("# RFC"):
            if current:
                yield current
            current = {"start": "start", "lines": []}
        elif line.startswith("# state: ") and current is not None:
            current["start"] = line[len("# state: "):]
        elif line[:3] in ("C: ", "S: ") and current is not None:
            current["lines"].append(line)
    if current:
        yield current


def main():
    vectors, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]) / "pop3"
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in sorted(vectors.glob("pop3/*.txt")):
        for block in blocks(path):
            lines = PREAMBLE[block["start"]] + block["lines"]
            (out / f"{path.stem}-{count:03}").write_bytes(
                "".join(line + "\r\n" for line in lines).encode())
            count += 1


if __name__ == "__main__":
    main()
