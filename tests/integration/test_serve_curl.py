"""curl as a real IMAP client against `mailscope serve`: plain, STARTTLS and IMAPS.

Run by CTest as: python3 test_serve_curl.py PATH/TO/mailscope
"""

import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import peers  # noqa: E402
from mailscope_server import MailscopeServer  # noqa: E402

BINARY = None


def curl(*args):
    result = subprocess.run(["curl", "--silent", "--show-error", "--max-time", "15",
                             "--user", "alice:wonderland", *args],
                            capture_output=True, timeout=30)
    return result.returncode, result.stdout.decode("utf-8", "replace"), result.stderr.decode()


class CurlTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = MailscopeServer(BINARY).start()
        cls.plain = f"imap://127.0.0.1:{cls.server.ports['imap']}"
        cls.secure = f"imaps://127.0.0.1:{cls.server.ports['imaps']}"

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.tmp.cleanup()

    def test_list_mailboxes(self):
        code, out, err = curl(self.plain + "/")
        self.assertEqual(code, 0, err)
        self.assertIn("INBOX", out)
        self.assertIn("Archive", out)

    def test_fetch_message_by_uid(self):
        code, out, err = curl(self.plain + "/INBOX;UID=1")
        self.assertEqual(code, 0, err)
        self.assertIn("Subject:", out)

    def test_partial_and_section(self):
        # curl reads message data only from a literal, short or empty alike.
        code, whole, err = curl(self.plain + "/INBOX;UID=1")
        self.assertEqual(code, 0, err)
        whole = whole.replace("\r\n", "\n")
        code, out, err = curl(self.plain + "/INBOX;UID=1;SECTION=HEADER;PARTIAL=0.20")
        self.assertEqual(code, 0, err)
        self.assertEqual(out.replace("\r\n", "\n"), whole[:len(out.replace("\r\n", "\n"))])
        self.assertEqual(len(out.encode()), 20)
        code, out, err = curl(self.plain + "/INBOX;UID=1;SECTION=TEXT;PARTIAL=100000.10")
        self.assertEqual(code, 0, err)
        self.assertEqual(out, "")

    def test_search_and_examine(self):
        code, out, err = curl(self.plain + "/INBOX?ALL")
        self.assertEqual(code, 0, err)
        self.assertIn("SEARCH", out)
        code, out, err = curl(self.plain + "/", "-X", "EXAMINE INBOX")
        self.assertEqual(code, 0, err)
        self.assertIn("EXISTS", out)

    def test_starttls_required(self):
        code, out, err = curl(self.plain + "/", "--ssl-reqd", "--cacert", self.server.cert)
        self.assertEqual(code, 0, err)
        self.assertIn("INBOX", out)

    def test_imaps(self):
        code, out, err = curl(self.secure + "/INBOX;UID=1", "--cacert", self.server.cert)
        self.assertEqual(code, 0, err)
        self.assertIn("Subject:", out)

    def test_imaps_rejects_unknown_certificate_by_default(self):
        code, _, _ = curl(self.secure + "/")
        self.assertNotEqual(code, 0)

    def test_extensions_by_custom_request(self):
        # curl sends a custom command after its SELECT and prints the untagged
        # responses named like it: ESEARCH (RFC 4731), CONDSTORE's MODSEQ and
        # CHANGEDSINCE (RFC 7162 3.1), STATUS SIZE and HIGHESTMODSEQ, BINARY
        # (RFC 3516) and THREAD=REFERENCES (RFC 5256).
        inbox = self.plain + "/INBOX"
        code, out, err = curl(inbox, "-X", "SEARCH RETURN (MIN MAX COUNT) ALL")
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r'^\* ESEARCH \(TAG "\w+"\) MIN 1 MAX (\d+) COUNT \1\r?\n$')
        code, out, err = curl(inbox, "-X", "UID SEARCH RETURN (ALL) UNSEEN")
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r'^\* ESEARCH \(TAG "\w+"\) UID ALL [\d:,]+\r?\n$')

        code, out, err = curl(inbox, "-X", "FETCH 1 (FLAGS MODSEQ)")
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"^\* 1 FETCH \(FLAGS \([^)]*\) MODSEQ \((\d+)\)\)\r?\n$")
        code, out, err = curl(self.plain + "/", "-X", "STATUS INBOX (MESSAGES HIGHESTMODSEQ SIZE)")
        self.assertEqual(code, 0, err)
        highest = re.search(r"HIGHESTMODSEQ (\d+)", out)
        self.assertIsNotNone(highest, out)
        self.assertRegex(out, r"^\* STATUS INBOX \(MESSAGES \d+ HIGHESTMODSEQ \d+ SIZE \d+\)")
        # The first CONDSTORE enabling command after a plain SELECT brings
        # HIGHESTMODSEQ (RFC 7162 3.1.2.1); nothing changed since the highest.
        announced = r"^\* OK \[HIGHESTMODSEQ " + highest[1] + r"\][^\n]*\n"
        code, out, err = curl(inbox, "-X", f"UID FETCH 1:* (FLAGS) (CHANGEDSINCE {highest[1]})")
        self.assertEqual(code, 0, err)
        self.assertRegex(out, announced + "$")
        code, out, err = curl(inbox, "-X",
                              f"UID FETCH 1:* (FLAGS) (CHANGEDSINCE {int(highest[1]) - 1})")
        self.assertEqual(code, 0, err)
        self.assertRegex(out, announced + r"\* \d+ FETCH \(UID \d+ FLAGS \([^)]*\) MODSEQ \(" + highest[1] + r"\)\)\r?\n$")

        code, out, err = curl(inbox, "-X", "FETCH 1 (BINARY.SIZE[1])")
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"^\* 1 FETCH \(BINARY.SIZE\[1\] \d+\)")
        code, out, err = curl(inbox, "-X", "THREAD REFERENCES UTF-8 ALL")
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"^\* THREAD (\([\d ()]+\))+\r?\n$")

    def test_append_by_upload(self):
        message = b"From: curl@example.org\r\nSubject: uploaded by curl\r\n\r\nhi\r\n"
        path = os.path.join(self.server.tmp.name, "upload.eml")
        with open(path, "wb") as f:
            f.write(message)
        code, _, err = curl(self.plain + "/Drafts", "-T", path)
        self.assertEqual(code, 0, err)
        code, out, err = curl(self.plain + "/Drafts?SUBJECT%20uploaded")
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"SEARCH \d+")


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    peers.require_for_suite("test_serve_curl", peers.curl())
    unittest.main(verbosity=2)
