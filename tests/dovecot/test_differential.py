"""Differential tests: the same IMAP sessions against mailscope and Dovecot.

Run by CTest as: python3 test_differential.py PATH/TO/mailscope
Both servers run on 127.0.0.1 with ports the kernel picked. Every test loads
the same messages (corpus.py) into a fresh mailbox on both servers, runs one
scripted session on each and compares the normalised answers (normalise.py).
Where the two servers differ in a way RFC 3501 allows, the test asserts the
documented difference (docs/differences.md) instead of equality.
"""

import imaplib
import os
import re
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
sys.path.insert(0, os.path.join(HERE, ".."))

import peers  # noqa: E402
from corpus import MESSAGES  # noqa: E402
from dovecot_fixture import DovecotServer  # noqa: E402
import imap_wire  # noqa: E402
from imap_wire import RawImap, parse  # noqa: E402
from mailscope_server import MailscopeServer  # noqa: E402
from normalise import transcript, untagged  # noqa: E402

BINARY = None
USERS = {"alice": "wonderland", "bob": "builder", "carol": "singer"}
# Dovecot gives special uses by configuration; mailscope gives the user's own
# top-level mailboxes of these names theirs (RFC 6154 2). NOTIFY needs the
# mailbox list index and the notify plugin in Dovecot.
SPECIAL_USES = ("Sent", "Drafts", "Trash", "Junk", "Archive")
DOVECOT_EXTRA = "\n".join(
    ["mailbox_list_index = yes", "mail_plugins = $mail_plugins notify", "namespace inbox {"]
    + [f"  mailbox {name} {{\n    special_use = \\{name}\n  }}" for name in SPECIAL_USES]
    + ["}"])
SERVERS = {}


def setUpModule():
    empty = tempfile.NamedTemporaryFile(prefix="mailscope-empty-", suffix=".mbox", delete=False)
    empty.close()
    SERVERS["empty_mbox"] = empty.name
    users = []
    for name, password in USERS.items():
        users += ["--user", f"{name}:{password}"]
    dovecot = DovecotServer(USERS, extra_config=DOVECOT_EXTRA)
    mailscope = MailscopeServer(BINARY, "--mbox", empty.name, *users, tls=False)
    try:
        SERVERS["dovecot"] = dovecot.start()
        SERVERS["mailscope"] = mailscope.start()
    except Exception:
        tearDownModule()
        raise


def tearDownModule():
    if "mailscope" in SERVERS:
        SERVERS.pop("mailscope").stop()
    if "dovecot" in SERVERS:
        SERVERS.pop("dovecot").cleanup()
    if "empty_mbox" in SERVERS:
        os.unlink(SERVERS.pop("empty_mbox"))


def connect(name, user="alice"):
    client = RawImap(SERVERS[name].ports["imap"])
    client.login(user, USERS[user])
    return client


def populate(client, mailbox):
    assert client.command(f'CREATE "{mailbox}"').status == "OK"
    for flags, date, message in MESSAGES:
        response = client.command(f'APPEND "{mailbox}" {flags} "{date}"', message)
        assert response.status == "OK", response


def send_each(client, commands, only=None, ordered=False):
    """Sends `commands` one at a time; returns each with its transcript,
    keeping only the untagged responses named `only` (b"SEARCH"...) when
    it is given."""
    results = []
    for command in commands:
        status, code, lines = transcript(client.command(command), ordered=ordered)
        if only is not None:
            lines = tuple(line for line in lines if line[0] == only)
        results.append((command, (status, code, lines)))
    return results


def after_select(commands, **options):
    """The scenario that selects the test's mailbox, then sends `commands`
    as send_each() does."""
    def scenario(client, box):
        client.command(f'SELECT "{box}"')
        return send_each(client, commands, **options)

    return scenario


def create_tree(client, box, names, subscribed):
    """Creates `names` under `box` and subscribes to those in `subscribed`."""
    for name in names:
        client.command(f'CREATE "{box}/{name}"')
    for name in subscribed:
        client.command(f'SUBSCRIBE "{box}/{name}"')


def strip_recent_flag(value):
    if isinstance(value, frozenset):
        return value - {b"\\Recent"}
    if isinstance(value, tuple):
        return tuple(strip_recent_flag(item) for item in value)
    return value


def without_recent(results):
    def strip(step):
        if isinstance(step, tuple) and len(step) == 3 and isinstance(step[2], tuple):
            return step[:2] + (tuple(line for line in step[2] if line[0] != b"RECENT"),)
        return step

    return {name: [strip(step) for step in steps] for name, steps in results.items()}


class Differential(unittest.TestCase):
    maxDiff = None

    def mailbox(self):
        return "T" + self._testMethodName.removeprefix("test_")

    def both(self, scenario, user="alice"):
        """Runs scenario(client, mailbox) on each server with a fresh mailbox,
        logged in as `user`; returns {"mailscope": result, "dovecot": result}.
        self.current names the server while its scenario runs."""
        results = {}
        for name in ("mailscope", "dovecot"):
            self.current = name
            with connect(name, user) as client:
                populate(client, self.mailbox())
                results[name] = scenario(client, self.mailbox())
        return results

    def assert_same(self, results):
        mock, real = results["mailscope"], results["dovecot"]
        if mock == real:
            return
        lines = []
        for index, (left, right) in enumerate(zip(mock, real)):
            if left != right:
                lines += [f"step {index}:", f"  mailscope: {left!r}", f"  dovecot:   {right!r}"]
        if len(mock) != len(real):
            lines.append(f"{len(mock)} steps against {len(real)}")
        self.fail("mailscope and Dovecot answer differently:\n" + "\n".join(lines))

    def test_login(self):
        for name in ("mailscope", "dovecot"):
            with RawImap(SERVERS[name].ports["imap"]) as client:
                self.assertTrue(client.greeting.startswith(b"* OK"), name)
                self.assertEqual(client.command('LOGIN alice "nope"').status, "NO", name)
                self.assertEqual(client.command('LOGIN nobody "x"').status, "NO", name)
                self.assertEqual(client.command("SELECT INBOX").status, "BAD", name)
                self.assertEqual(client.command('LOGIN alice "wonderland"').status, "OK", name)
                caps = client.command("CAPABILITY").untagged[0].upper().split()
                for cap in (b"IMAP4REV1", b"IDLE", b"UIDPLUS", b"MOVE", b"LITERAL+",
                            b"NAMESPACE", b"UNSELECT", b"CHILDREN", b"ID", b"ENABLE"):
                    self.assertIn(cap, caps, name)
        imap = imaplib.IMAP4("127.0.0.1", SERVERS["mailscope"].ports["imap"], timeout=10)
        with self.assertRaises(imaplib.IMAP4.error):
            imap.login("alice", "wrong")
        imap.shutdown()

    def test_select_examine(self):
        def scenario(client, box):
            return [
                transcript(client.command(f'SELECT "{box}"')),
                transcript(client.command(f'EXAMINE "{box}"')),
                transcript(client.command("CLOSE")),
                transcript(client.command(f'SELECT "{box}"')),
            ]

        results = self.both(scenario)
        # Documented: after the session that saw the messages first selects
        # the mailbox again, mailscope still counts them \Recent, Dovecot not.
        for step in (1, 3):
            self.assertIn((b"RECENT", 5), results["mailscope"][step][2])
            self.assertIn((b"RECENT", 0), results["dovecot"][step][2])
        self.assert_same(without_recent(results))

    def test_list_lsub(self):
        def scenario(client, box):
            create_tree(client, box, ("a", "b", "a/x", "a/y/z"), ("a/y/z", "b"))
            return send_each(client, [
                f'LIST "" "{box}/%"', f'LIST "" "{box}/*"', f'LIST "" "{box}"',
                f'LIST "{box}/" "%"', f'LIST "" "{box}/a/%"', 'LIST "" ""',
                f'LSUB "" "{box}/*"', f'LSUB "" "{box}/%"', f'LSUB "" "{box}/a/%"',
                f'LIST "" "{box}/nothing*"',
            ])

        self.assert_same(self.both(scenario))

    def test_create_rename_delete(self):
        def scenario(client, box):
            steps = [
                f'CREATE "{box}/p/q/r"', f'LIST "" "{box}/*"', f'CREATE "{box}/p/q/r"',
                'CREATE "INBOX"', f'CREATE "{box}/p/"', f'LIST "" "{box}/*"',
                f'DELETE "{box}/p/q"', f'LIST "" "{box}/*"',
                f'DELETE "{box}/p/q/r"', f'DELETE "{box}/p/q"', f'LIST "" "{box}/*"',
                f'RENAME "{box}/p" "{box}/s"', f'LIST "" "{box}/*"',
                f'RENAME "{box}/s" "{box}"', f'RENAME "{box}/nothing" "{box}/t"',
                'DELETE "INBOX"', f'DELETE "{box}/nothing"',
                f'CREATE "{box}/s/q/r"', f'DELETE "{box}/s"', f'LIST "" "{box}/*"',
            ]
            return send_each(client, steps)

        results = self.both(scenario)
        mock, real = results["mailscope"], results["dovecot"]
        # Documented: RFC 3501 section 6.3.4's example keeps a \Noselect
        # parent after its last child is deleted, as mailscope does; Dovecot
        # drops it, so deleting it afterwards is NO there.
        self.assertEqual(mock[9][1][0], "OK")
        self.assertEqual(real[9][1][0], "NO")
        # Documented: DELETE of a mailbox with inferiors leaves it \Noselect
        # in mailscope (RFC 3501 section 6.3.4); Dovecot lists it selectable.
        parent = f"{self.mailbox()}/s".encode()
        attributes = {name: next(line[1] for line in steps[-1][1][2] if line[3] == parent)
                      for name, steps in results.items()}
        self.assertEqual(attributes["mailscope"], {b"\\noselect", b"\\haschildren"})
        self.assertEqual(attributes["dovecot"], {b"\\haschildren"})
        for steps in results.values():
            del steps[9]
            steps.pop()
        self.assert_same(results)

    def test_rename_inbox(self):
        """RFC 3501 section 6.3.5: renaming INBOX moves its messages to the
        new mailbox and leaves INBOX empty. Dovecot's Maildir storage refuses
        (documented), so mailscope is checked against the RFC directly."""

        def scenario(client, box):
            for flags, date, message in MESSAGES[:2]:
                client.command(f'APPEND INBOX {flags} "{date}"', message)
            target = f"{box}/old-inbox"
            result = [transcript(client.command(f'RENAME INBOX "{target}"'))]
            result.append(transcript(client.command('LIST "" INBOX')))
            for name in ("INBOX", target):
                result.append(transcript(client.command(f'STATUS "{name}" (MESSAGES UIDNEXT)')))
            client.command(f'SELECT "{target}"')
            result.append(transcript(client.command("FETCH 1:* (FLAGS INTERNALDATE UID)")))
            return result

        results = self.both(scenario, "bob")
        mock, real = results["mailscope"], results["dovecot"]
        self.assertEqual(real[0][0], "NO")
        self.assertEqual(mock[0], ("OK", None, ()))
        self.assertEqual(mock[1], real[1])
        self.assertEqual(mock[2][2], ((b"STATUS", b"INBOX", ((b"MESSAGES", b"0"),
                                                            (b"UIDNEXT", b"3"))),))
        self.assertIn(b"MESSAGES", dict(mock[3][2][0][2]))
        self.assertEqual(dict(mock[3][2][0][2])[b"MESSAGES"], b"2")
        self.assertEqual([line[1] for line in mock[4][2]], [1, 2])

    def test_status(self):
        def scenario(client, box):
            items = "(MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)"
            before = transcript(client.command(f'STATUS "{box}" {items}'))
            client.command(f'EXAMINE "{box}"')
            client.command("CLOSE")
            after = transcript(client.command(f'STATUS "{box}" {items}'))
            missing = transcript(client.command(f'STATUS "{box}/none" (MESSAGES)'))
            return [before, after, missing]

        self.assert_same(self.both(scenario))

    def test_append(self):
        def scenario(client, box):
            message = MESSAGES[0][2]
            results = [
                transcript(client.command(f'APPEND "{box}" (\\Flagged $Lab) '
                                          f'"24-Dec-2023 23:59:59 +0000"', message)),
                transcript(client.command(f'APPEND "{box}"', message)),
                transcript(client.command(f'APPEND "{box}/missing" ()', message, True)),
                transcript(client.command(f'APPEND "{box}" (\\Recent)', message, True)),
                transcript(client.command(f'APPEND "{box}" () "31-Feb-2024 00:00:00 +0000"',
                                          message, True)),
            ]
            client.command(f'SELECT "{box}"')
            fetched = client.command("FETCH 6:* (FLAGS RFC822.SIZE UID)")
            results.append(transcript(fetched))
            dated = client.command("FETCH 6 INTERNALDATE")
            results.append(transcript(dated))
            return results

        results = self.both(scenario)
        # Documented: an impossible date (31-Feb) is BAD in mailscope; Dovecot
        # stores the message.
        self.assertEqual(results["mailscope"][4], ("BAD", None, ()))
        self.assertEqual(results["dovecot"][4][0], "OK")
        for name in results:
            results[name] = results[name][:4] + [
                (status, code, tuple(line for line in lines if line[:2] != (b"FETCH", 8)))
                for status, code, lines in results[name][5:]]
        self.assert_same(results)

    def test_catenate(self):
        # RFC 4469: a message built from the client's text, a whole stored
        # message and a part of another; then URLs that name nothing. The
        # BADURL texts are each server's own: status and code are compared.
        def scenario(client, box):
            selected = client.command(f'SELECT "{box}"')
            validity = next(int(match.group(1)) for line in selected.untagged
                            for match in [re.search(rb"\[UIDVALIDITY (\d+)\]", line)] if match)
            head = (b"From: lab@example.org\r\nSubject: Forwarded\r\nMIME-Version: 1.0\r\n"
                    b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"
                    b"Content-Type: message/rfc822\r\n\r\n")
            middle = b"\r\n--x\r\nContent-Type: text/plain\r\n\r\n"
            tail = b"\r\n--x--\r\n"

            def catenate(whole, part):
                tag = client.next_tag()
                client.send(tag + f' APPEND "{box}" CATENATE (TEXT '.encode()
                            + b"{%d+}\r\n" % len(head) + head
                            + f' URL "{whole}" TEXT '.encode() + b"{%d+}\r\n" % len(middle)
                            + middle + f' URL "{part}" TEXT '.encode()
                            + b"{%d+}\r\n" % len(tail) + tail + b")\r\n")
                return client.read_until_tag(tag)

            base = f"/{box};UIDVALIDITY={validity}"
            result = [transcript(catenate(f"{base}/;UID=1", f"{base}/;UID=2/;SECTION=1"))]
            result.append(transcript(client.command("NOOP")))
            result.append(transcript(client.command("FETCH * (RFC822.SIZE BODY.PEEK[])")))
            for whole, part in [(f"/{box};UIDVALIDITY={validity + 1}/;UID=1", f"{base}/;UID=1"),
                                (f"{base}/;UID=99", f"{base}/;UID=1"),
                                (f"{base}/;UID=1", f"/{box}-missing/;UID=1")]:
                status, code, _lines = transcript(catenate(whole, part))
                result.append((status, code[0] if code else None))
            return result

        results = without_recent(self.both(scenario))
        self.assert_same({name: [strip_recent_flag(step) for step in steps]
                          for name, steps in results.items()})

    def test_fetch_items(self):
        items = [
            "1:* (FLAGS UID RFC822.SIZE INTERNALDATE)",
            "1:* ENVELOPE",
            "1:* BODYSTRUCTURE",
            "1:* BODY",
            "1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)])",
            "1:* (BODY.PEEK[HEADER.FIELDS.NOT (SUBJECT FROM DATE)])",
            "1:* (BODY.PEEK[TEXT])",
            "1:* (BODY.PEEK[HEADER])",
            "1:* (BODY.PEEK[])",
            "2:3 (BODY.PEEK[1] BODY.PEEK[2] BODY.PEEK[1.MIME] BODY.PEEK[2.MIME])",
            "5 (BODY.PEEK[2.HEADER] BODY.PEEK[2.TEXT] BODY.PEEK[2.1])",
            "1 (BODY.PEEK[1])",
            "5 (BODY.PEEK[]<0.20> BODY.PEEK[TEXT]<100.50> BODY.PEEK[1]<4000.10>)",
            "1 (BODY.PEEK[]<5000.10>)",
            "1:* (RFC822.HEADER)",
            "1 FAST", "1 ALL", "1 FULL",
        ]
        self.assert_same(self.both(after_select(["FETCH " + fetch for fetch in items])))

    def test_binary(self):
        # RFC 3516 4.2: each part decoded (base64 with NUL octets, quoted-
        # printable), BINARY.SIZE, partial ranges, the whole message, a part
        # that does not exist, and \Seen set by BINARY but not BINARY.PEEK.
        steps = [
            "FETCH 2 (BINARY.PEEK[2] BINARY.SIZE[2])",
            "FETCH 2 (BINARY.PEEK[2]<10.20> BINARY.PEEK[1])",
            "FETCH 3 (BINARY.PEEK[1] BINARY.SIZE[1] BINARY.SIZE[2])",
            "FETCH 1 (BINARY.PEEK[1] BINARY.SIZE[1])",
            "FETCH 1 (BINARY.PEEK[])",
            "FETCH 3 (BINARY.PEEK[9])",
            "FETCH 3 FLAGS",
            "FETCH 3 (BINARY[1]<0.4>)",
            "FETCH 3 FLAGS",
        ]
        results = self.both(after_select(steps))
        self.assert_same({name: [strip_recent_flag(step) for step in steps]
                          for name, steps in results.items()})

    def test_sort_and_thread(self):
        # RFC 5256: each sort key alone and together, UID SORT with a search,
        # and THREAD=ORDEREDSUBJECT, which both servers offer.
        steps = [
            "SORT (ARRIVAL) UTF-8 ALL", "SORT (REVERSE ARRIVAL) UTF-8 ALL",
            "SORT (DATE) UTF-8 ALL", "SORT (REVERSE DATE) UTF-8 ALL",
            "SORT (SIZE) UTF-8 ALL", "SORT (SUBJECT) UTF-8 ALL", "SORT (FROM) UTF-8 ALL",
            "SORT (TO) UTF-8 ALL", "SORT (CC) UTF-8 ALL", "SORT (SUBJECT REVERSE DATE) UTF-8 ALL",
            "UID SORT (DATE) US-ASCII NOT SEEN", "SORT (SIZE) UTF-8 SUBJECT nothing-like-this",
            "THREAD ORDEREDSUBJECT UTF-8 ALL", "UID THREAD ORDEREDSUBJECT UTF-8 SEEN",
            "THREAD REFERENCES UTF-8 ALL", "UID THREAD REFERENCES UTF-8 NOT SEEN",
        ]
        self.assert_same(self.both(after_select(steps, ordered=True)))

    def test_esort_and_contexts(self):
        # RFC 5267: SORT RETURN answers with ESEARCH in sort order (ESORT);
        # CONTEXT, PARTIAL and UPDATE of SEARCH (CONTEXT=SEARCH, which both
        # servers offer). The tags name the commands and are left out.
        def without_tag(line):
            if line and line[0] == b"ESEARCH" and len(line) > 1 and isinstance(line[1], tuple):
                return line[:1] + line[2:]
            return line

        def scenario(client, box):
            client.command(f'SELECT "{box}"')
            result = send_each(client, [
                "SORT RETURN (MIN MAX COUNT ALL) (SUBJECT) UTF-8 ALL",
                "UID SORT RETURN () (REVERSE DATE) UTF-8 ALL",
                "SORT RETURN (COUNT) (DATE) UTF-8 DELETED",
                "SEARCH RETURN (CONTEXT COUNT) ALL",
                "SEARCH RETURN (PARTIAL 2:4) ALL",
                "UID SEARCH RETURN (PARTIAL 3:2) NOT SEEN",
                "SEARCH RETURN (PARTIAL 40:50) ALL",
                "UID SEARCH RETURN (UPDATE COUNT) FLAGGED",
            ], only=b"ESEARCH")
            with connect(self.current) as other:
                other.command(f'SELECT "{box}"')
                other.command("STORE 2 +FLAGS (\\Flagged)")
            result.append(("NOOP", transcript(client.command("NOOP"), ordered=True)))
            return [(command, (status, code, [without_tag(line) for line in lines]))
                    for command, (status, code, lines) in result]

        results = without_recent(self.both(scenario))
        self.assert_same({name: [strip_recent_flag(step) for step in steps]
                          for name, steps in results.items()})

    def test_fetch_sets_seen(self):
        def scenario(client, box):
            client.command(f'SELECT "{box}"')
            steps = ["FETCH 2 (BODY.PEEK[TEXT])", "FETCH 2 (FLAGS)", "FETCH 2 (BODY[TEXT])",
                     "FETCH 2 (FLAGS)", "FETCH 3 (RFC822.TEXT)", "FETCH 5 (BODY[1]<0.10>)",
                     "FETCH 1:* FLAGS"]
            result = send_each(client, steps)
            client.command("STORE 3 -FLAGS.SILENT (\\Seen)")
            client.command(f'EXAMINE "{box}"')
            result.append(transcript(client.command("FETCH 4 (FLAGS)")))
            result.append(transcript(client.command("FETCH 3 (BODY[HEADER])")))
            result.append(transcript(client.command("FETCH 3 (FLAGS)")))
            return result

        # Documented: \Recent survives a re-selection in mailscope only.
        results = self.both(scenario)
        for name, steps in results.items():
            flags = dict(steps[-1][2][0][2])[b"FLAGS"]
            self.assertEqual(b"\\Recent" in flags, name == "mailscope")
            self.assertNotIn(b"\\Seen", flags)
        self.assert_same({name: [strip_recent_flag(step) for step in steps]
                          for name, steps in results.items()})

    def test_search(self):
        searches = [
            "ALL", "SEEN", "UNSEEN", "FLAGGED NOT SEEN", "OR ANSWERED DRAFT",
            'FROM "alice"', 'FROM "ALICE" SINCE 3-Feb-2024', 'SUBJECT "hello"',
            'TO "bob" NOT FROM "bob"', "BEFORE 3-Feb-2024", "ON 4-Feb-2024",
            "SENTSINCE 3-Feb-2024 SENTBEFORE 5-Feb-2024", "LARGER 1000", "SMALLER 1000",
            'BODY "Berlin"', 'TEXT "noon"', 'HEADER Message-ID "alt-3"', "UID 2:4",
            "2:* UNDRAFT", "NEW", "OLD", "RECENT", "KEYWORD $Lab", "UNKEYWORD $Lab",
            'OR (FROM "carol" SEEN) (SUBJECT "report")', "NOT (OR 1 2)", "DELETED",
            'CHARSET UTF-8 BODY "Gr\u00fc\u00dfe"', 'CHARSET UTF-8 SUBJECT "Gr\u00fc\u00dfe"',
        ]
        # Dovecot adds a keyword named in a SEARCH to FLAGS and announces it
        # (documented); only the results are compared.
        self.assert_same(self.both(after_select(["SEARCH " + search for search in searches],
                                                only=b"SEARCH")))

    def test_esearch(self):
        # RFC 4731 3.1: one ESEARCH per extended SEARCH; its TAG names the
        # command, so the tags are left out of the comparison.
        commands = [
            "SEARCH RETURN (MIN MAX COUNT) ALL", "SEARCH RETURN () SEEN",
            "SEARCH RETURN (COUNT) DELETED", "SEARCH RETURN (MIN) UNSEEN",
            "UID SEARCH RETURN (ALL COUNT) NOT 2", "UID SEARCH RETURN (MAX) FLAGGED",
            "SEARCH RETURN (ALL) KEYWORD $Nothing",
        ]

        def without_tag(line):
            if line and line[0] == b"ESEARCH" and len(line) > 1 and isinstance(line[1], tuple):
                return line[:1] + line[2:]
            return line

        results = self.both(after_select(commands, only=b"ESEARCH"))
        self.assert_same({name: [(command, (status, code, [without_tag(line) for line in lines]))
                                 for command, (status, code, lines) in steps]
                          for name, steps in results.items()})

    def test_searchres(self):
        # RFC 5182: "$" is empty after SELECT, set by SEARCH ... SAVE (to the
        # MIN/MAX alone when only they are asked for, 2.4), left alone by a
        # search without SAVE, emptied by a SAVE that fails, followed by
        # EXPUNGE, and usable wherever a set is: FETCH, UID FETCH, STORE,
        # COPY, SEARCH. A SAVE and the FETCH $ that uses it pipelined (2.3).
        def without_tag(line):
            if line and line[0] == b"ESEARCH" and len(line) > 1 and isinstance(line[1], tuple):
                return line[:1] + line[2:]
            return line

        def scenario(client, box):
            client.command(f'CREATE "{box}/dest"')
            client.command(f'SELECT "{box}"')
            result = send_each(client, [
                "FETCH $ (UID)",
                "SEARCH RETURN (SAVE) SEEN", "FETCH $ (UID FLAGS)",
                "SEARCH RETURN (SAVE MIN MAX) NOT SEEN", "FETCH $ (UID)",
                "SEARCH RETURN (SAVE MAX) ALL", "UID FETCH $ (UID)",
                "UID SEARCH RETURN (SAVE COUNT) NOT FLAGGED", "UID FETCH $ (FLAGS)",
                "SEARCH UNSEEN", "FETCH $ (UID)",
                "SEARCH RETURN (SAVE ALL) $ NOT SEEN", "STORE $ +FLAGS (\\Answered)",
                f'COPY $ "{box}/dest"', "SEARCH $ ANSWERED",
                "SEARCH RETURN (SAVE) SUBJECT nothing-like-this", "FETCH $ (UID)",
                "SEARCH RETURN (SAVE) 2:4", "STORE 3 +FLAGS.SILENT (\\Deleted)",
            ])
            result.append(("EXPUNGE", transcript(client.command("EXPUNGE"), ordered=True)))
            result += send_each(client, [
                "FETCH $ (UID)",
                "SEARCH RETURN (SAVE) CHARSET X-NO-SUCH-CHARSET ALL", "FETCH $ (UID)",
                "SEARCH RETURN (SAVE) ALL",
            ])
            client.command(f'EXAMINE "{box}"')
            result += send_each(client, ["FETCH $ (UID)"])
            tag = client.next_tag()
            other = client.next_tag()
            client.send(tag + b" UID SEARCH RETURN (SAVE) FLAGGED\r\n"
                        + other + b" FETCH $ (UID)\r\n")
            result.append(("pipelined", transcript(client.read_until_tag(tag)),
                           transcript(client.read_until_tag(other))))
            client.command(f'SELECT "{box}/dest"')
            result.append(("dest", transcript(client.command("FETCH 1:* (FLAGS)"))))
            return [(step[0],) + tuple((status, code, [without_tag(line) for line in lines])
                                       for status, code, lines in step[1:])
                    for step in result]

        results = self.both(scenario)
        self.assert_same({name: [strip_recent_flag(step) for step in steps]
                          for name, steps in results.items()})

    def test_multiappend(self):
        # RFC 3502: several messages in one APPEND, each with its own flags
        # and date; APPENDUID names all of them (RFC 4315 3); when one of
        # them cannot be stored (here: an empty message, which cancels the
        # command), none is (RFC 3502 6.3.11: "all or nothing"). Each
        # server's own text is left out; the status and codes compare.
        def multiappend(client, box, parts, trailer=b""):
            tag = client.next_tag()
            data = tag + f' APPEND "{box}"'.encode()
            for head, body in parts:
                data += b" " + head + (b" " if head else b"") + b"{%d+}\r\n" % len(body) + body
            client.send(data + trailer + b"\r\n")
            return transcript(client.read_until_tag(tag))

        def scenario(client, box):
            first, second, third = (message for _flags, _date, message in MESSAGES[:3])
            result = [
                multiappend(client, box, [(b"(\\Seen)", first),
                                          (b'(\\Flagged $Lab) "07-Feb-2024 10:00:00 +0000"', second),
                                          (b"", third)]),
                multiappend(client, f"{box}/missing", [(b"()", first), (b"()", second)]),
                multiappend(client, box, [(b"()", first), (b"()", second), (b"()", b"")]),
                transcript(client.command(f'STATUS "{box}" (MESSAGES UIDNEXT)')),
            ]
            client.command(f'SELECT "{box}"')
            result.append(transcript(client.command("FETCH 6:* (UID FLAGS RFC822.SIZE)")))
            result.append(transcript(client.command("FETCH 7 INTERNALDATE")))
            return result

        results = without_recent(self.both(scenario))
        self.assert_same({name: [strip_recent_flag(step) for step in steps]
                          for name, steps in results.items()})

    def test_special_use(self):
        # RFC 6154 2: the SPECIAL-USE selection option lists only mailboxes
        # with a special use, the return option adds the attributes; a
        # mailbox below one has none of its own. carol's namespace holds
        # only what this test makes.
        def scenario(client, box):
            for name in ("Sent", "Trash", "Archive", "Archive/2024", "Notes"):
                client.command(f'CREATE "{name}"')
            return send_each(client, [
                'LIST (SPECIAL-USE) "" "*"', 'LIST "" "*" RETURN (SPECIAL-USE)',
                'LIST (SPECIAL-USE) "" "%" RETURN (CHILDREN)',
                'LIST (SPECIAL-USE) "" "Notes"', 'LIST "" "Archive/%" RETURN (SPECIAL-USE)',
            ])

        results = self.both(scenario, "carol")
        plain = {}
        for name in results:
            with connect(name, "carol") as client:
                plain[name] = transcript(client.command('LIST "" "Sent"'))
        # Documented: a plain LIST shows special uses in Dovecot; mailscope
        # shows them when SPECIAL-USE asks (RFC 6154 2 leaves it open).
        self.assertEqual(plain["mailscope"][2], ((b"LIST", frozenset({b"\\hasnochildren"}),
                                                  b"/", b"Sent"),))
        self.assertEqual(plain["dovecot"][2], ((b"LIST", frozenset({b"\\hasnochildren",
                                                                    b"\\sent"}),
                                                b"/", b"Sent"),))
        self.assert_same(results)

    def test_notify(self):
        # RFC 5465: after NOTIFY SET, what another session does arrives
        # unasked: EXISTS and FETCH for a new message in the selected
        # mailbox (5.2), FETCH FLAGS, EXPUNGE (5.3), LIST for a created,
        # renamed or deleted mailbox (5.4) and for subscriptions (5.5),
        # STATUS (UIDNEXT MESSAGES) for a mailbox that is not selected (5.2,
        # 5.3; further items are the server's choice). The watcher polls
        # with NOOP until nothing more arrives: when an event is told is
        # the server's choice, which events and what they say are not.
        def told(line):
            if line[0] == b"STATUS":
                return line[:2] + (tuple(item for item in line[2]
                                         if item[0] in (b"MESSAGES", b"UIDNEXT")),)
            return line

        def collect(client):
            seen, quiet_since = [], None
            deadline = time.monotonic() + 8
            while time.monotonic() < deadline:
                lines = [told(line) for line in
                         transcript(client.command("NOOP"), ordered=True)[2]
                         if line[0] != b"RECENT"]
                seen += lines
                if lines:
                    quiet_since = None
                elif quiet_since is None:
                    quiet_since = time.monotonic()
                elif time.monotonic() - quiet_since > 1.5:
                    break
                time.sleep(0.2)
            return tuple(sorted(seen, key=repr))

        def scenario(client, box):
            other_box = f"{box}/other"
            client.command(f'CREATE "{other_box}"')
            client.command(f'SELECT "{box}"')
            result = [transcript(client.command(
                "NOTIFY SET (selected (MessageNew (UID FLAGS) MessageExpunge FlagChange)) "
                f'(mailboxes "{other_box}" (MessageNew MessageExpunge)) '
                "(personal (MailboxName SubscriptionChange))"))]
            steps = [
                [f'SELECT "{box}"', "STORE 2 +FLAGS (\\Flagged)",
                 (f'APPEND "{box}" (\\Seen) "08-Feb-2024 09:00:00 +0000"', MESSAGES[0][2]),
                 (f'APPEND "{other_box}" () "08-Feb-2024 09:00:00 +0000"', MESSAGES[1][2])],
                [f'SELECT "{box}"', "STORE 3 +FLAGS.SILENT (\\Deleted)", "EXPUNGE",
                 f'CREATE "{box}/new"', f'SUBSCRIBE "{box}/new"'],
                [f'RENAME "{box}/new" "{box}/renamed"'],
                [f'UNSUBSCRIBE "{box}/new"', f'DELETE "{box}/renamed"'],
            ]
            for commands in steps:
                with connect(self.current) as other:
                    for command in commands:
                        if isinstance(command, tuple):
                            other.command(*command)
                        else:
                            other.command(command)
                result.append(collect(client))
            result.append(transcript(client.command("NOTIFY NONE")))
            with connect(self.current) as other:
                other.command(f'CREATE "{box}/quiet"')
            result.append(collect(client))
            return result

        results = self.both(scenario)
        # Documented: RFC 5465 5.4 counts a created or deleted mailbox's
        # direct parent as affected, and mailscope tells its LIST; Dovecot
        # tells only the mailbox itself.
        parent = (b"LIST", frozenset(), b"/", self.mailbox().encode())
        for step in (2, 4):
            self.assertIn(parent, results["mailscope"][step])
            self.assertNotIn(parent, results["dovecot"][step])
            results["mailscope"][step] = tuple(line for line in results["mailscope"][step]
                                               if line != parent)
        # Documented: a subscription left on a name with no mailbox is told,
        # once unsubscribed, with \\NonExistent in mailscope (RFC 5465 5.5:
        # attributes accurately computed); Dovecot sends ().
        gone = f"{self.mailbox()}/new".encode()
        self.assertIn((b"LIST", frozenset({b"\\nonexistent"}), b"/", gone), results["mailscope"][4])
        self.assertIn((b"LIST", frozenset(), b"/", gone), results["dovecot"][4])
        for steps in results.values():
            steps[4] = tuple(line for line in steps[4] if line[3:] != (gone,))
        self.assert_same({name: [strip_recent_flag(step) for step in steps]
                          for name, steps in results.items()})

    def test_delete_selected(self):
        # RFC 2180 3.3: a server may delete a mailbox that is selected and
        # then end the session with BYE; both do so for the session that
        # deleted its own selected mailbox.
        def scenario(client, box):
            client.command(f'SELECT "{box}"')
            result = [transcript(client.command(f'DELETE "{box}"'))]
            try:
                line = client.read_response_line()
            except (imap_wire.ImapError, OSError):
                line = b""
            result.append(line.split(b" ", 2)[:2])
            return result

        self.assert_same(self.both(scenario))

    def test_condstore_and_qresync(self):
        # RFC 7162: mod-sequence values are each server's own, so they are
        # compared only as present (normalise.py); which messages changed or
        # vanished, and the responses that say so, are compared exactly.
        def number_in(response, code):
            for line in response.untagged:
                match = re.search(rb"\[" + code + rb" (\d+)\]", line)
                if match:
                    return int(match.group(1))
            raise AssertionError(f"no {code!r} in {response!r}")

        def scenario(client, box):
            result = [transcript(client.command("ENABLE QRESYNC"))]
            selected = client.command(f'SELECT "{box}"')
            validity = number_in(selected, b"UIDVALIDITY")
            highest = number_in(selected, b"HIGHESTMODSEQ")
            result.append(transcript(client.command("UNSELECT")))
            with connect(self.current) as other:
                other.command(f'SELECT "{box}"')
                other.command("STORE 2 +FLAGS (\\Flagged)")
                other.command("STORE 3,5 +FLAGS (\\Deleted)")
                other.command("EXPUNGE")
            result.append(transcript(client.command(
                f'SELECT "{box}" (QRESYNC ({validity} {highest}))')))
            result.append(transcript(client.command(
                f'SELECT "{box}" (QRESYNC ({validity} {highest} 1:4))')))
            result.append(transcript(client.command(
                f"UID FETCH 1:* (FLAGS) (CHANGEDSINCE {highest} VANISHED)"), ordered=True))
            result.append(transcript(client.command(
                f"SEARCH MODSEQ {highest + 1}")))
            client.command("STORE 1 +FLAGS.SILENT (\\Deleted)")
            result.append(transcript(client.command("EXPUNGE"), ordered=True))
            with connect(self.current) as other:
                other.command(f'SELECT "{box}"')
                other.command("STORE 1 +FLAGS (\\Answered)")
            result.append(transcript(client.command("NOOP"), ordered=True))
            return result

        # Documented: \Recent stays with this session across SELECTs, so
        # mailscope's RECENT counts (and the one it sends when a \Recent
        # message vanishes) differ from Dovecot's zeros.
        results = without_recent(self.both(scenario))
        self.assert_same({name: [strip_recent_flag(step) for step in steps]
                          for name, steps in results.items()})

    def test_list_extended_and_status(self):
        # RFC 5258 and RFC 5819. No name implies a level CREATE did not make:
        # mailscope creates it \Noselect, Dovecot not at all (documented).
        def scenario(client, box):
            create_tree(client, box, ("a", "b", "a/x", "a/y"), ("a/y", "b"))
            return send_each(client, [
                f'LIST (SUBSCRIBED) "" "{box}/*"',
                f'LIST (SUBSCRIBED RECURSIVEMATCH) "" "{box}/%" RETURN (CHILDREN)',
                f'LIST "" ("{box}/a" "{box}/b" "{box}/a/*")',
                f'LIST "" "{box}/%" RETURN (SUBSCRIBED)',
                f'LIST "" "{box}/%" RETURN (CHILDREN)',
                f'LIST "" "{box}" RETURN (STATUS (MESSAGES UNSEEN UIDNEXT))',
                f'LIST "" "{box}/a/%" RETURN (STATUS (MESSAGES))',
            ])

        self.assert_same(self.both(scenario))

    def test_store(self):
        steps = [
            "STORE 1 +FLAGS (\\Flagged)", "STORE 1:2 -FLAGS (\\Seen)",
            "STORE 3 FLAGS (\\Answered $Done)", "STORE 4 +FLAGS.SILENT (\\Deleted)",
            "STORE 4 FLAGS.SILENT (\\Seen)", "STORE 5 -FLAGS.SILENT (\\Draft)",
            "STORE 2 +FLAGS \\Seen", "STORE 1:* FLAGS ()", "STORE 9 +FLAGS (\\Seen)",
            "STORE 1 +FLAGS (\\Recent)", "FETCH 1:* FLAGS",
        ]

        def scenario(client, box):
            client.command(f'SELECT "{box}"')
            result = send_each(client, steps)
            client.command(f'EXAMINE "{box}"')
            result.append(transcript(client.command("STORE 1 +FLAGS (\\Seen)")))
            return result

        results = self.both(scenario)
        mock, real = results["mailscope"], results["dovecot"]
        for (step, mine), (_, theirs) in zip(mock[:-1], real[:-1]):
            if step == "STORE 1 +FLAGS":
                continue
            self.assertEqual(mine[:2], theirs[:2], step)
            # Documented: mailscope answers for every message in the set,
            # Dovecot only for messages whose flags changed.
            self.assertTrue(set(theirs[2]) <= set(mine[2]), step)
            for extra in set(mine[2]) - set(theirs[2]):
                self.assertEqual(extra[0], b"FETCH", step)
        self.assertEqual(mock[-2], real[-2])
        # Documented: STORE in a read-only mailbox.
        self.assertEqual(mock[-1], ("NO", (b"READ-ONLY",), ()))
        self.assertEqual(real[-1], ("OK", None, ()))

    def test_copy_move(self):
        def scenario(client, box):
            client.command(f'CREATE "{box}/dest"')
            client.command(f'SELECT "{box}"')
            steps = [
                f'COPY 1:2 "{box}/dest"', f'COPY 4 "{box}/missing"', f'MOVE 3 "{box}/dest"',
                f'MOVE 9 "{box}/dest"', f'UID COPY 5 "{box}/dest"', f'UID MOVE 1:2 "{box}/dest"',
                "FETCH 1:* (UID FLAGS)", f'MOVE 1 "{box}/missing"',
            ]
            result = send_each(client, steps, ordered=True)
            client.command(f'SELECT "{box}/dest"')
            result.append(transcript(client.command("FETCH 1:* (UID FLAGS INTERNALDATE)")))
            return result

        self.assert_same(self.both(scenario))

    def test_expunge(self):
        def scenario(client, box):
            client.command(f'SELECT "{box}"')
            client.command("STORE 2,4 +FLAGS.SILENT (\\Deleted)")
            result = [transcript(client.command("EXPUNGE"), ordered=True)]
            result.append(transcript(client.command("FETCH 1:* (UID)")))
            client.command("STORE 1 +FLAGS.SILENT (\\Deleted)")
            result.append(transcript(client.command("CLOSE"), ordered=True))
            result.append(transcript(client.command(f'STATUS "{box}" (MESSAGES)')))
            client.command(f'EXAMINE "{box}"')
            result.append(transcript(client.command("EXPUNGE")))
            return result

        results = self.both(scenario)
        # Documented: EXPUNGE in a read-only mailbox.
        self.assertEqual(results["mailscope"].pop(), ("NO", (b"READ-ONLY",), ()))
        self.assertEqual(results["dovecot"].pop(), ("OK", None, ()))
        self.assert_same(results)

    def test_uid_commands(self):
        steps = [
            "UID FETCH 2:4 (FLAGS)", "UID FETCH 4:* UID", "UID FETCH 100:* UID",
            "UID SEARCH SEEN", "UID SEARCH UID 3:*", "UID STORE 2 +FLAGS (\\Seen)",
            "UID STORE 3:4 -FLAGS.SILENT (\\Seen)", "UID FETCH 1:5 FLAGS",
            "UID FETCH 9 FLAGS", "UID STORE 9 +FLAGS (\\Seen)",
        ]
        self.assert_same(self.both(after_select(steps)))

    def test_idle_sees_append(self):
        def scenario(client, box):
            client.command(f'SELECT "{box}"')
            tag = client.next_tag()
            client.send(tag + b" IDLE\r\n")
            continuation = client.read_response_line()
            seen = []

            def other_session():
                with connect(self.current) as other:
                    other.command(f'APPEND "{box}" () "06-Feb-2024 12:00:00 +0000"',
                                  MESSAGES[0][2])

            writer = threading.Thread(target=other_session)
            writer.start()
            writer.join()
            while True:
                line = untagged(client.read_response_line())
                if line is not None:
                    seen.append(line)
                if line == (b"EXISTS", 6):
                    break
            client.send(b"DONE\r\n")
            done = client.read_until_tag(tag)
            return [continuation[:1], sorted(seen + [untagged(u) for u in done.untagged
                                                     if untagged(u)], key=repr), done.status]

        self.assert_same(self.both(scenario))

    def test_noop_sees_other_store(self):
        def scenario(client, box):
            client.command(f'SELECT "{box}"')
            with connect(self.current) as other:
                other.command(f'SELECT "{box}"')
                other.command("STORE 2 +FLAGS (\\Flagged)")
                other.command("STORE 3 +FLAGS (\\Deleted)")
                other.command("EXPUNGE")
            return [transcript(client.command("NOOP"), ordered=True),
                    transcript(client.command("FETCH 1:* (UID FLAGS)"))]

        self.assert_same(self.both(scenario))

    def test_errors(self):
        steps = [
            "SEARCH CHARSET X-NO-SUCH-CHARSET ALL", "FETCH 99 FLAGS", "FROBNICATE",
            "UID FETCH 99 FLAGS", 'SELECT "nonexistent"', "FETCH 1 FLAGS", "UID FETCH 1 FLAGS",
            "STORE 1 +FLAGS",
        ]

        def scenario(client, box):
            client.command(f'SELECT "{box}"')
            result = send_each(client, steps[:-1])
            client.command(f'SELECT "{box}"')
            return result + send_each(client, steps[-1:])

        results = self.both(scenario)
        # Documented: a STORE without flags breaks the RFC 3501 grammar;
        # Dovecot accepts it as a no-op.
        self.assertEqual(results["mailscope"].pop()[1][0], "BAD")
        self.assertEqual(results["dovecot"].pop()[1][0], "OK")
        self.assert_same(results)

    def test_non_canonical_mailbox_names(self):
        """RFC 3501 5.1.3 allows one spelling per name. Both servers refuse the
        others; mailscope answers BAD (the argument is not a valid name),
        Dovecot NO, and Dovecot accepts non-zero pad bits (&AOl-)."""
        refused_by_both = ["&AGE-", "&2D0-", "&AEkATgBCAE8AWA-", "&AOk-&AOk-", "&AAA-"]

        def scenario(client, box):
            return [transcript(client.command(f'{command} "{name}"'))[0]
                    for name in refused_by_both + ["&AOl-"]
                    for command in ("CREATE", "SELECT")]

        results = self.both(scenario)
        self.assertEqual(results["mailscope"], ["BAD"] * 12)
        self.assertEqual(results["dovecot"], ["NO"] * 10 + ["OK", "OK"])

    def test_body_lines(self):
        """body-fld-lines of parts whose last line has no CRLF (the CRLF
        belongs to the next boundary, RFC 2046 section 5.1.1): mailscope
        counts the unterminated last line, Dovecot counts CRLFs. Documented."""

        def lines(body):
            if isinstance(body[0], list):
                parts = []
                for part in body:
                    if not isinstance(part, list):
                        break
                    parts.append(lines(part))
                return parts
            if body[0].upper() == b"TEXT":
                return int(body[7])
            if body[0].upper() == b"MESSAGE":
                return [int(body[9]), lines(body[8])]
            return None

        def scenario(client, box):
            client.command(f'EXAMINE "{box}"')
            response = client.command("FETCH 1:* BODYSTRUCTURE")
            return [lines(parse(line)[3][1]) for line in response.untagged]

        results = self.both(scenario)
        self.assertEqual(results["dovecot"], [2, [0, None], [0, 0], 1, [59, [5, 0]]])
        self.assertEqual(results["mailscope"], [2, [1, None], [1, 1], 1, [60, [6, 1]]])

    def test_defect_fetch_unknown_item_is_bad(self):
        """RFC 3501 section 6.4.5 grammar: an unknown FETCH item is a syntax
        error (BAD). mailscope answers OK with an empty FETCH response."""

        def scenario(client, box):
            client.command(f'SELECT "{box}"')
            return [transcript(client.command("FETCH 1 (NOSUCHITEM)")),
                    transcript(client.command("FETCH 1 (FLAGS NOSUCHITEM)"))]

        results = self.both(scenario)
        self.assertEqual(results["dovecot"], [("BAD", None, ())] * 2)
        self.assert_same(results)

    def test_defect_examine_shows_recent(self):
        """RFC 3501 section 2.3.2: the first session to see a message sees
        \\Recent; only a read-write session takes it from later ones. An
        EXAMINE as that first session answers RECENT 0 in mailscope (while
        STATUS says RECENT 5) and FETCH FLAGS leaves \\Recent out."""

        def scenario(client, box):
            return [transcript(client.command(f'STATUS "{box}" (RECENT)')),
                    transcript(client.command(f'EXAMINE "{box}"')),
                    transcript(client.command("FETCH 1 FLAGS"))]

        results = self.both(scenario)
        self.assertIn((b"RECENT", 5), results["dovecot"][1][2])
        self.assert_same(results)

    def test_defect_recent_after_expunge(self):
        """RFC 3501 section 7.3.2: RECENT is sent when the size of the
        mailbox changes. After EXPUNGE removes \\Recent messages Dovecot
        sends the new count; mailscope sends none."""

        def scenario(client, box):
            client.command(f'SELECT "{box}"')
            client.command("STORE 2,4 +FLAGS.SILENT (\\Deleted)")
            response = client.command("EXPUNGE")
            return [untagged(line) for line in response.untagged
                    if untagged(line)[0] == b"RECENT"]

        results = self.both(scenario)
        self.assertEqual(results["dovecot"], [(b"RECENT", 3)])
        self.assert_same(results)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: test_differential.py PATH/TO/mailscope [unittest options]")
    BINARY = sys.argv.pop(1)
    peers.require_for_suite("test_differential", peers.dovecot("imap"))
    unittest.main(verbosity=2)
