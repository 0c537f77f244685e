#!/usr/bin/env python3
"""Splits the test vectors into libFuzzer seed files.

usage: make_seeds.py VECTORS_DIR OUT_DIR

VECTORS_DIR is tests/vectors. Writes OUT_DIR/{imap_command,imap_response,
transcript,mime}/, one file per seed. The vector format is described at the
top of tests/vectors/imap/rfc3501_commands.txt.
"""

import hashlib
import pathlib
import sys


def load_vectors(path):
    messages = []
    current = None
    for line in path.read_bytes().split(b"\n"):
        line = line.rstrip(b"\r")
        if line.startswith(b"..") and current is not None:
            current += b"\r\n" + line[3:]
            continue
        if current is not None:
            messages.append(current + b"\r\n")
            current = None
        if not line or line.startswith(b"#"):
            continue
        current = line
    if current is not None:
        messages.append(current + b"\r\n")
    return messages


def as_transcript(prefix, message):
    return b"".join(prefix + line + b"\n" for line in message.split(b"\r\n")[:-1])


def write(directory, seeds):
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.iterdir():
        old.unlink()
    for seed in seeds:
        name = hashlib.sha1(seed).hexdigest()
        (directory / name).write_bytes(seed)


def main():
    vectors = pathlib.Path(sys.argv[1])
    out = pathlib.Path(sys.argv[2])
    commands = load_vectors(vectors / "imap" / "rfc3501_commands.txt")
    responses = load_vectors(vectors / "imap" / "rfc3501_responses.txt")

    # Single messages, plus runs of consecutive ones so that the framer sees
    # message boundaries and the sessions see conversations.
    def with_runs(messages, run):
        runs = [b"".join(messages[i:i + run]) for i in range(0, len(messages), run)]
        return messages + runs

    transcripts = [(vectors / "imap" / "rfc3501_section8.txt").read_bytes()]
    for i in range(0, min(len(commands), len(responses)), 6):
        text = b""
        for c, r in zip(commands[i:i + 6], responses[i:i + 6]):
            text += as_transcript(b"C: ", c) + as_transcript(b"S: ", r)
        transcripts.append(text)

    write(out / "imap_command", with_runs(commands, 5))
    write(out / "imap_response", with_runs(responses, 8))
    write(out / "transcript", transcripts)
    write(out / "mime", [p.read_bytes() for p in sorted((vectors / "mime").glob("*.eml"))])


if __name__ == "__main__":
    main()
