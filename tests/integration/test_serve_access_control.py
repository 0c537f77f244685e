"""Access control (RFC 4314) seen by real clients: a hostile student against `mailscope serve`.

bob logs in with Python's imaplib and tries everything a curious or hostile
student would try against alice's mailboxes and the shared #news. folder; each
attempt must be refused, and alice's mail must be exactly as it was, also after
a restart on the same --data-dir. What alice shares with bob (her Shared
folder, read-only) must stay readable, by imaplib and by curl.

Run by CTest as: python3 test_serve_access_control.py PATH/TO/mailscope
"""

import imaplib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

from mailscope_server import MailscopeServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import peers  # noqa: E402

BINARY = None
TIMEOUT = 10
ALICE = ("alice", "wonderland")
BOB = ("bob", "builder")
NEWS = "#news.comp.mail.imap"
SHARED = "#users/alice/Shared"

imaplib.Commands.setdefault("LISTRIGHTS", ("AUTH", "SELECTED"))


def connect(server, user=None):
    client = imaplib.IMAP4("127.0.0.1", server.ports["imap"], timeout=TIMEOUT)
    if user:
        typ, _ = client.login(*user)
        assert typ == "OK"
    return client


def listed_names(client, reference='""', pattern="*"):
    typ, data = client.list(reference, pattern)
    assert typ == "OK", data
    names = []
    for line in data:
        if line is None:
            continue
        # (attributes) "delimiter" name: the name is the last field.
        name = line.decode().rsplit(" ", 1)[1]
        names.append(name.strip('"'))
    return names


def select_raw(client, name):
    """SELECT that accepts a READ-ONLY answer (imaplib's select() raises on one).

    Returns the status, the tagged text and whether the mailbox is read-only."""
    typ, data = client._simple_command("SELECT", f'"{name}"')
    read_only = client.untagged_responses.pop("READ-ONLY", None) is not None
    if typ == "OK":
        client.state = "SELECTED"
        client.is_readonly = read_only
    return typ, data, read_only


def snapshot(server, user, extra=()):
    """Every mailbox `user` can list, with every message's UID, flags and octets."""
    client = connect(server, user)
    state = {}
    for name in sorted(set(listed_names(client)) | set(extra)):
        typ, data = client.select(f'"{name}"', readonly=True)
        if typ != "OK":
            state[name] = "not selectable"
            continue
        typ, fetched = client.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[])")
        assert typ == "OK", fetched
        # \Recent belongs to sessions, not to the mail: a restart clears it.
        state[name] = [re.sub(rb" ?\\Recent", b"", item[0]) + item[1]
                       for item in fetched if isinstance(item, tuple)]
    client.logout()
    return state


class HostileStudent(unittest.TestCase):
    """bob against alice: every attempt of issue 11 refused, nothing of hers changed."""

    def refused(self, result, what):
        typ, data = result
        self.assertEqual(typ, "NO", f"{what} was not refused: {typ} {data}")
        return data

    def attack(self, server):
        bob = connect(server, BOB)

        with self.subTest("LIST shows only bob's own, the shared and what alice shares"):
            for reference, pattern in (('""', "*"), ('"#users/"', "*"), ('""', "#users/%/%")):
                for name in listed_names(bob, reference, pattern):
                    if name.startswith("#users/alice"):
                        self.assertIn(name, ("#users/alice", SHARED), name)
            self.assertIn(SHARED, listed_names(bob))
            self.assertNotIn("#users/alice/INBOX", listed_names(bob, '""', "#users/alice/*"))

        with self.subTest("EXAMINE, SELECT and STATUS of alice's INBOX look like no mailbox"):
            missing = self.refused(bob.select('"#users/alice/NoSuchBox"', readonly=True), "EXAMINE")
            hidden = self.refused(bob.select('"#users/alice/INBOX"', readonly=True), "EXAMINE")
            self.assertEqual(hidden, [line.replace(b"NoSuchBox", b"INBOX") for line in missing])
            self.refused(bob.select('"#users/alice/INBOX"'), "SELECT")
            self.refused(bob.status('"#users/alice/INBOX"', "(MESSAGES)"), "STATUS")
            self.refused(bob.select('"#users/alice/Sent"'), "SELECT Sent")
            # Without a selected mailbox of hers there is nothing to FETCH.
            with self.assertRaises(imaplib.IMAP4.error):
                bob.fetch("1", "(BODY.PEEK[])")

        with self.subTest("STORE \\Deleted and EXPUNGE in what alice shares read-only"):
            typ, data, read_only = select_raw(bob, SHARED)
            self.assertEqual(typ, "OK", data)
            self.assertTrue(read_only)
            self.refused(bob.store("1:*", "+FLAGS", "(\\Deleted)"), "STORE \\Deleted")
            self.refused(bob.uid("STORE", "1:*", "+FLAGS", "(\\Deleted)"), "UID STORE")
            self.refused(bob.expunge(), "EXPUNGE")
            self.assertEqual(bob.close()[0], "OK")

        with self.subTest("APPEND, COPY and MOVE into alice's mailboxes"):
            message = b"From: bob@example.org\r\nSubject: planted\r\n\r\nboo\r\n"
            for target in ("#users/alice/INBOX", SHARED, "#users/alice/Trash"):
                self.refused(bob.append(f'"{target}"', None, None, message), f"APPEND {target}")
            self.assertEqual(bob.select("INBOX")[0], "OK")
            for target in ("#users/alice/INBOX", SHARED):
                self.refused(bob.copy("1", f'"{target}"'), f"COPY {target}")
                self.refused(bob._simple_command("MOVE", "1", f'"{target}"'), f"MOVE {target}")
            self.assertEqual(bob.select("INBOX")[1], [b"1"])
            bob.close()

        with self.subTest("CREATE, RENAME and DELETE of alice's mailboxes"):
            self.refused(bob.create('"#users/alice/Stolen"'), "CREATE")
            self.refused(bob.create(f'"{SHARED}/Sub"'), "CREATE under Shared")
            self.refused(bob.rename('"#users/alice/Sent"', '"#users/alice/Taken"'), "RENAME Sent")
            self.refused(bob.rename('"#users/alice/INBOX"', '"#users/alice/Taken"'),
                         "RENAME INBOX")
            self.refused(bob.rename(f'"{SHARED}"', '"#users/alice/Taken"'), "RENAME Shared")
            self.refused(bob.delete('"#users/alice/Trash"'), "DELETE Trash")
            self.refused(bob.delete(f'"{SHARED}"'), "DELETE Shared")

        with self.subTest("ACL commands on alice's mailboxes"):
            self.refused(bob.setacl('"#users/alice/INBOX"', "bob", "lrswipkxtea"), "SETACL")
            self.refused(bob.setacl(f'"{SHARED}"', "bob", "+w"), "SETACL +w")
            self.refused(bob.deleteacl(f'"{SHARED}"', "bob"), "DELETEACL")
            self.refused(bob.getacl('"#users/alice/INBOX"'), "GETACL")

        with self.subTest("DELETE and RENAME of the shared #news. folder"):
            for user in (BOB, ALICE):
                client = connect(server, user)
                self.refused(client.delete(f'"{NEWS}"'), f"DELETE by {user[0]}")
                self.refused(client.rename(f'"{NEWS}"', '"#news.comp.mail.taken"'),
                             f"RENAME by {user[0]}")
                self.refused(client.create('"#news.comp.mail.mine"'), f"CREATE by {user[0]}")
                client.logout()

        with self.subTest("LOGIN anonymous reads nothing of alice's"):
            guest = connect(server, ("anonymous", "guest@example.org"))
            self.refused(guest.select('"#users/alice/INBOX"', readonly=True), "anonymous EXAMINE")
            self.refused(guest.select(f'"{SHARED}"', readonly=True), "anonymous EXAMINE Shared")
            self.refused(guest.select('"#users/bob/INBOX"'), "anonymous SELECT bob")
            self.assertEqual([n for n in listed_names(guest) if n.startswith("#users")], [])
            guest.logout()
        bob.logout()

    def test_hostile_student_then_restart(self):
        data_dir = tempfile.mkdtemp(prefix="mailscope-acl-")
        self.addCleanup(shutil.rmtree, data_dir, True)
        args = ("--anonymous", "--user", "anonymous:x")
        with MailscopeServer(BINARY, *args, data_dir=data_dir, tls=False) as server:
            before = snapshot(server, ALICE, [NEWS])
            self.assertIn("Shared", before)
            self.attack(server)
            self.assertEqual(snapshot(server, ALICE, [NEWS]), before)
        with MailscopeServer(BINARY, *args, data_dir=data_dir, tls=False) as server:
            self.assertEqual(snapshot(server, ALICE, [NEWS]), before)
            self.attack(server)
            self.assertEqual(snapshot(server, ALICE, [NEWS]), before)

    def test_close_expunges_only_the_selected_mailbox(self):
        with MailscopeServer(BINARY, tls=False) as server:
            alice = connect(server, ALICE)
            alice.select("INBOX")
            typ, data = alice.search(None, "DELETED")
            self.assertEqual(data, [b"6"])
            bob = connect(server, BOB)
            bob.select("INBOX")
            bob.store("1", "+FLAGS", "(\\Deleted)")
            self.assertEqual(bob.close()[0], "OK")
            self.assertEqual(bob.select("INBOX")[1], [b"0"])
            # alice's \Deleted message and her shared one are still there.
            self.assertEqual(alice.noop()[0], "OK")
            self.assertEqual(alice.select("INBOX")[1], [b"6"])
            shared_count = alice.select("Shared")[1]
            self.assertEqual(select_raw(bob, SHARED)[0], "OK")
            self.assertEqual(bob.close()[0], "OK")
            self.assertEqual(alice.select("Shared")[1], shared_count)
            bob.logout()
            alice.logout()


class GrantedRights(unittest.TestCase):
    """What alice shares is usable, and SETACL/DELETEACL change it at once and for good."""

    def test_bob_reads_alice_shared_and_alice_changes_rights(self):
        data_dir = tempfile.mkdtemp(prefix="mailscope-acl-")
        self.addCleanup(shutil.rmtree, data_dir, True)
        with MailscopeServer(BINARY, data_dir=data_dir, tls=False) as server:
            bob = connect(server, BOB)
            self.assertEqual(bob.myrights(f'"{SHARED}"'), ("OK", [b"#users/alice/Shared lr"]))
            typ, data = bob.select(f'"{SHARED}"', readonly=True)
            self.assertEqual(typ, "OK", data)
            typ, fetched = bob.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
            self.assertEqual(typ, "OK")
            self.assertIn(b"Subject:", fetched[0][1])
            self.refused_append(bob)

            alice = connect(server, ALICE)
            typ, data = alice.getacl("Shared")
            self.assertEqual(typ, "OK")
            self.assertEqual(data, [b"Shared alice lrswipkxteacd bob lr"])
            self.assertEqual(alice.setacl("Shared", "bob", "+i")[0], "OK")
            self.assertEqual(self.append(bob)[0], "OK")
            typ, data = alice._simple_command("LISTRIGHTS", "Shared", "bob")
            self.assertEqual(typ, "OK")
            self.assertEqual(alice._untagged_response(typ, data, "LISTRIGHTS")[1],
                             [b'Shared bob "" l r s w i p k x t e a c d'])
            bob.logout()
            alice.logout()

        with MailscopeServer(BINARY, data_dir=data_dir, tls=False) as server:
            bob = connect(server, BOB)
            self.assertEqual(self.append(bob)[0], "OK")
            alice = connect(server, ALICE)
            self.assertEqual(alice.deleteacl("Shared", "bob")[0], "OK")
            typ, data = bob.select(f'"{SHARED}"', readonly=True)
            self.assertEqual(typ, "NO")
            self.assertNotIn(SHARED, listed_names(bob))
            bob.logout()
            alice.logout()

        with MailscopeServer(BINARY, data_dir=data_dir, tls=False) as server:
            bob = connect(server, BOB)
            self.assertNotIn(SHARED, listed_names(bob))
            bob.logout()

    def append(self, client):
        return client.append(f'"{SHARED}"', None, None,
                             b"From: bob@example.org\r\nSubject: for you\r\n\r\nhi\r\n")

    def refused_append(self, client):
        self.assertEqual(self.append(client)[0], "NO")

    def test_curl_reads_the_shared_folder_and_not_the_inbox(self):
        peers.require_for_test(self, peers.curl())
        with MailscopeServer(BINARY, tls=False) as server:
            base = f"imap://127.0.0.1:{server.ports['imap']}"

            def curl(path):
                result = subprocess.run(
                    ["curl", "--silent", "--show-error", "--max-time", "15", "--user",
                     "bob:builder", base + path], capture_output=True, timeout=30)
                return result.returncode, result.stdout.decode("utf-8", "replace")

            code, out = curl("/%23users%2Falice%2FShared;UID=1")
            self.assertEqual(code, 0, out)
            self.assertIn("Subject:", out)
            code, out = curl("/%23users%2Falice%2FINBOX;UID=1")
            self.assertNotEqual(code, 0, out)
            self.assertNotIn("Subject:", out)


class UsersFile(unittest.TestCase):
    """`serve --users FILE` adds users and, with "acl" lines, their rights."""

    def test_users_file_grants(self):
        with tempfile.TemporaryDirectory(prefix="mailscope-users-") as tmp:
            users = os.path.join(tmp, "users.txt")
            with open(users, "w", encoding="utf-8") as out:
                out.write("# the class of today\n"
                          "acl alice Sent carol lr\n"
                          "carol:secret\n"
                          "acl carol INBOX anyone l\n")
            with MailscopeServer(BINARY, "--users", users, tls=False) as server:
                carol = connect(server, ("carol", "secret"))
                self.assertEqual(carol.select('"#users/alice/Sent"', readonly=True)[0], "OK")
                self.assertEqual(carol.select('"#users/alice/INBOX"', readonly=True)[0], "NO")
                carol.logout()
                bob = connect(server, BOB)
                self.assertIn("#users/carol/INBOX", listed_names(bob))
                self.assertEqual(bob.select('"#users/carol/INBOX"', readonly=True)[0], "NO")
                bob.logout()

            with open(users, "w", encoding="utf-8") as out:
                out.write("acl alice Sent mallory lr\n")
            server = MailscopeServer(BINARY, "--users", users, tls=False)
            with self.assertRaises(RuntimeError) as refused:
                server.start()
            server.process.stdout.close()
            server.tmp.cleanup()
            self.assertIn("mallory", str(refused.exception))


class AnonymousAlone(unittest.TestCase):
    """`serve --anonymous` without an anonymous user: LOGIN and AUTHENTICATE ANONYMOUS work."""

    def test_login_and_authenticate_anonymous(self):
        with MailscopeServer(BINARY, "--anonymous", tls=False) as server:
            guest = connect(server)
            self.assertIn("AUTH=ANONYMOUS", guest.capabilities)
            typ, data = guest.login("anonymous", "guest@example.org")
            self.assertEqual(typ, "OK", data)
            typ, data, read_only = select_raw(guest, NEWS)
            self.assertEqual(typ, "OK", data)
            self.assertTrue(read_only)
            typ, fetched = guest.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
            self.assertEqual(typ, "OK")
            self.assertIn(b"case-sensitive", fetched[0][1])
            self.assertEqual(guest.store("1", "+FLAGS", "(\\Seen)")[0], "NO")
            self.assertEqual(guest.select('"#users/alice/INBOX"', readonly=True)[0], "NO")
            self.assertEqual(guest.create("Mine")[0], "NO")
            guest.logout()

            guest = connect(server)
            typ, data = guest.authenticate("ANONYMOUS", lambda _: b"guest@example.org")
            self.assertEqual(typ, "OK", data)
            self.assertEqual(guest.select(f'"{NEWS}"', readonly=True)[0], "OK")
            guest.logout()


class SyncClient(unittest.TestCase):
    """mbsync with `Patterns *` copies bob's mail and what is shared with him, nothing else."""

    def test_mbsync_patterns_star(self):
        peers.require_for_test(self, peers.program("mbsync", "isync", probe=("--version",)))
        with MailscopeServer(BINARY, tls=False) as server:
            before = snapshot(server, ALICE, [NEWS])
            with tempfile.TemporaryDirectory(prefix="mailscope-mbsync-") as home:
                local = os.path.join(home, "Mail")
                os.makedirs(local)
                config = os.path.join(home, "mbsyncrc")
                with open(config, "w", encoding="utf-8") as out:
                    out.write(f"""IMAPAccount lab
Host 127.0.0.1
Port {server.ports['imap']}
User bob
Pass builder
SSLType None
AuthMechs LOGIN

IMAPStore remote
Account lab

MaildirStore local
Path {local}/
Inbox {local}/INBOX
SubFolders Verbatim

Channel everything
Far :remote:
Near :local:
Patterns *
Create Near
Expunge Both
SyncState *
""")
                result = subprocess.run(["mbsync", "-c", config, "-a"], capture_output=True,
                                        timeout=120, env={**os.environ, "HOME": home})
                self.assertEqual(result.returncode, 0, result.stderr.decode())
                copied = set()
                for root, dirs, files in os.walk(local):
                    if os.path.basename(root) in ("cur", "new"):
                        folder = os.path.relpath(os.path.dirname(root), local)
                        for name in files:
                            copied.add(folder)
                            with open(os.path.join(root, name), "rb") as message:
                                text = message.read()
                            self.assertNotIn(b"Review due: chapter 3", text, folder)
                            self.assertNotIn(b"Welcome to mailscope", text, folder)
                self.assertIn("INBOX", copied)
                self.assertTrue(any("alice" in folder and "Shared" in folder
                                    for folder in copied), copied)
                self.assertFalse(any("alice" in folder and "Shared" not in folder
                                     for folder in copied), copied)
            self.assertEqual(snapshot(server, ALICE, [NEWS]), before)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
