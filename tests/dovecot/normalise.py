"""Turns IMAP responses into values that compare equal across servers.

Only what RFC 3501 leaves to the server is normalised: human text after
OK/NO/BAD, UIDVALIDITY values, CAPABILITY response codes, the order of
items inside one FETCH response, the order of untagged lines where the RFC
gives none (SELECT data, LIST, SEARCH results), BODYSTRUCTURE extension
data and mod-sequence values (RFC 7162 3.1 leaves them to the server: only
that they are there is compared). Further normalisations each stand for a difference documented in
docs/differences.md; they are marked "documented" below. Everything else,
including sequence numbers, UIDs, flags, envelopes and message bytes, is
kept as sent.
"""

# RFC 5530 codes only refine a NO; which one a server picks (or whether it
# sends one) is its choice. Documented.
RFC5530_CODES = {
    b"UNAVAILABLE", b"AUTHENTICATIONFAILED", b"AUTHORIZATIONFAILED", b"EXPIRED",
    b"PRIVACYREQUIRED", b"CONTACTADMIN", b"NOPERM", b"INUSE", b"EXPUNGEISSUED",
    b"CORRUPTION", b"SERVERBUG", b"CLIENTBUG", b"CANNOT", b"LIMIT", b"OVERQUOTA",
    b"ALREADYEXISTS", b"NONEXISTENT",
}

from imap_wire import parse


def _freeze(value):
    if isinstance(value, list):
        return tuple(_freeze(item) for item in value)
    return value


def _upper(value):
    return value.upper() if isinstance(value, bytes) else value


def response_code(tokens):
    """The response code of a status response as a tuple, or None."""
    if not tokens or not isinstance(tokens[0], bytes) or not tokens[0].startswith(b"["):
        return None
    # A code like [PERMANENTFLAGS (\Seen)] is split by the tokenizer; re-parse
    # the bracketed part as its own line.
    end = _bracket_end(tokens)
    inner_line = b" ".join(_render(t) for t in tokens[:end + 1])[1:-1]
    inner = parse(inner_line)
    name = inner[0].upper() if inner and isinstance(inner[0], bytes) else b""
    args = inner[1:]
    if name == b"CAPABILITY":
        return (b"CAPABILITY",)
    if name in RFC5530_CODES:
        return None
    if name == b"BADCHARSET":
        # The list of supported charsets is optional. Documented.
        return (name,)
    if name == b"UIDVALIDITY":
        return (name, b"V")
    if name in (b"APPENDUID", b"COPYUID"):
        return (name, b"V") + tuple(args[1:])
    if name == b"HIGHESTMODSEQ":
        return (name, b"N")
    if name == b"PERMANENTFLAGS":
        return (name, frozenset(args[0]) if args and isinstance(args[0], list) else None)
    return (name,) + tuple(_freeze(a) for a in args)


def _bracket_end(tokens):
    for index, token in enumerate(tokens):
        if isinstance(token, bytes) and token.endswith(b"]"):
            return index
    return len(tokens) - 1


def _render(token):
    if token is None:
        return b"NIL"
    if isinstance(token, list):
        return b"(" + b" ".join(_render(t) for t in token) + b")"
    return token


def strip_body_extensions(body):
    """BODYSTRUCTURE without extension data (RFC 3501 section 7.4.2)."""
    if not isinstance(body, list) or not body:
        return _freeze(body)
    if isinstance(body[0], list):
        parts = []
        index = 0
        while index < len(body) and isinstance(body[index], list):
            parts.append(strip_body_extensions(body[index]))
            index += 1
        subtype = _upper(body[index]) if index < len(body) else None
        return ("MULTIPART", tuple(parts), subtype)
    kind = _upper(body[0])
    subtype = _upper(body[1]) if len(body) > 1 else None
    params = body[2] if len(body) > 2 else None
    if kind == b"TEXT" and params is None:
        # RFC 2045 section 5.2 default, spelled out by Dovecot. Documented.
        params = [b"CHARSET", b"us-ascii"]
    # body-fld-enc is a MIME token, case-insensitive (RFC 2045). Documented.
    basic = [kind, subtype, _params(params)] + [
        _upper(v) if i == 5 else v for i, v in enumerate(body[3:7], start=3)
    ]
    rest = body[7:]
    if kind == b"TEXT":
        # body-fld-lines of a part that does not end in CRLF: compared in
        # test_body_lines instead. Documented.
        basic += [b"LINES"] if rest else []
    elif kind == b"MESSAGE" and subtype == b"RFC822":
        basic += [_freeze(rest[0]) if rest else None,
                  strip_body_extensions(rest[1]) if len(rest) > 1 else None, b"LINES"]
    return tuple(_freeze(v) for v in basic)


def _params(params):
    if not isinstance(params, list):
        return params
    pairs = zip(params[0::2], params[1::2])
    return tuple(sorted((_upper(k), v) for k, v in pairs))


def fetch_items(items):
    """A FETCH attribute list as a dict keyed by upper-case item name."""
    result = {}
    for key, value in zip(items[0::2], items[1::2]):
        name = b" ".join(key.upper().split())
        if name == b"FLAGS":
            value = frozenset(value)
        elif name == b"INTERNALDATE":
            # date-day-fixed is " 1" or "01" (RFC 3501 section 9). Documented.
            value = value.strip().zfill(len(b"01-Jan-2024 00:00:00 +0000"))
        elif name == b"MODSEQ":
            value = b"N"
        elif name == b"BODYSTRUCTURE":
            value = strip_body_extensions(value)
        elif name == b"BODY":
            value = strip_body_extensions(value)
        else:
            value = _freeze(value)
        result[name] = value
    return tuple(sorted(result.items(), key=lambda pair: pair[0]))


def untagged(line):
    """One untagged line as a comparable tuple, or None when it carries
    nothing two servers must agree on (CAPABILITY, plain OK text)."""
    tokens = parse(line)
    if len(tokens) < 2 or tokens[0] != b"*":
        return ("RAW", line)
    head = tokens[1].upper() if isinstance(tokens[1], bytes) else tokens[1]
    if head in (b"OK", b"NO", b"BAD", b"BYE", b"PREAUTH"):
        code = response_code(tokens[2:])
        if code is None and head == b"OK":
            return None
        return (head, code)
    if head == b"CAPABILITY":
        return None
    if head == b"FLAGS":
        return (b"FLAGS", frozenset(tokens[2]))
    if head == b"SEARCH":
        numbers = [t for t in tokens[2:] if not isinstance(t, list)]
        modseq = [b"N" for t in tokens[2:] if isinstance(t, list)]
        return (b"SEARCH", frozenset(int(n) for n in numbers)) + tuple(modseq)
    if head in (b"LIST", b"LSUB"):
        return (head, frozenset(a.lower() for a in tokens[2]), tokens[3], tokens[4])
    if head == b"STATUS":
        items = tokens[3]
        pairs = dict(zip((k.upper() for k in items[0::2]), items[1::2]))
        if b"UIDVALIDITY" in pairs:
            pairs[b"UIDVALIDITY"] = b"V"
        return (b"STATUS", tokens[2], tuple(sorted(pairs.items())))
    if len(tokens) >= 3 and isinstance(tokens[2], bytes):
        kind = tokens[2].upper()
        if kind == b"FETCH":
            return (b"FETCH", int(tokens[1]), fetch_items(tokens[3]))
        if kind in (b"EXISTS", b"RECENT", b"EXPUNGE"):
            return (kind, int(tokens[1]))
    return tuple(_freeze(t) for t in tokens[1:])


def tagged(response):
    tokens = parse(response.tagged_line)
    return (response.status, response_code(tokens[2:]))


def expunged_originals(sequence_numbers):
    """The sequence numbers, as they were before the first EXPUNGE, of the
    messages a run of EXPUNGE responses removed: servers may report them in
    any order (RFC 3501 section 7.4.1)."""
    alive = list(range(1, 1 + max(sequence_numbers) + len(sequence_numbers)))
    removed = set()
    for number in sequence_numbers:
        removed.add(alive.pop(number - 1))
    return frozenset(removed)


def transcript(response, ordered=False):
    """(status, tagged code, untagged lines); unordered lines are sorted by
    their repr so the comparison ignores the order the RFC leaves open.

    Ordered transcripts collapse the EXPUNGE responses into the set of
    messages removed, drop FETCH responses about those messages (Dovecot
    skips them, mailscope sends them; documented) and drop RECENT (mailscope
    omits it after an expunge: checked by test_defect_recent_after_expunge)."""
    lines = [u for u in (untagged(line) for line in response.untagged) if u is not None]
    if not ordered:
        return tagged(response) + (tuple(sorted(lines, key=repr)),)
    expunges = [line[1] for line in lines if line[0] == b"EXPUNGE"]
    if not expunges:
        return tagged(response) + (tuple(lines),)
    removed = expunged_originals(expunges)
    kept = [line for line in lines
            if line[0] not in (b"EXPUNGE", b"RECENT")
            and not (line[0] == b"FETCH" and line[1] in removed)]
    return tagged(response) + (tuple(kept) + ((b"EXPUNGED", removed),),)
