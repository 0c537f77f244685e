#!/usr/bin/env python3
"""Compiles every header of the project on its own (-fsyntax-only), so that
each one includes what it uses and can be included first anywhere.

usage: check_headers_alone.py SOURCE_DIR COMPILER
"""

import concurrent.futures
import os
import pathlib
import subprocess
import sys

root = pathlib.Path(sys.argv[1]).resolve()
compiler = sys.argv[2]
LAYERS = ("sim", "net", "server_mock", "lessons", "gui", "app")
FLAGS = ["-std=c++20", "-fsyntax-only", "-x", "c++", f"-I{root}",
         "-I/usr/include/imgui", "-I/usr/include/imgui/backends",
         "-I/usr/share/doc/libimgui-dev/examples/backends",
         "-DASIO_STANDALONE", "-DASIO_NO_DEPRECATED", "-DFMT_SHARED"]

headers = sorted(path for layer in LAYERS for path in (root / layer).rglob("*.hpp"))


def compile_alone(header):
    result = subprocess.run([compiler, *FLAGS, str(header)], capture_output=True, text=True,
                            timeout=300)
    return header, result.returncode, result.stderr


failed = 0
with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
    for header, code, errors in pool.map(compile_alone, headers):
        if code != 0:
            failed += 1
            print(f"{header.relative_to(root)} does not compile on its own:")
            print("\n".join(errors.splitlines()[:10]))
print(f"{len(headers)} headers, {failed} not self-contained")
sys.exit(1 if failed else 0)
