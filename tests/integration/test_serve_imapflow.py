"""Node's imapflow as a real client against `mailscope serve`.

Run by CTest as: python3 test_serve_imapflow.py PATH/TO/mailscope
The session itself is tests/interop/imapflow_session.mjs (CONDSTORE and
QRESYNC across a laptop that was away and a phone, ESEARCH, LIST-STATUS,
SPECIAL-USE, BINARY); this suite starts the server, runs it, and reads the server's transcripts to make sure imapflow really used
each extension rather than a fallback, and that it broke no rule.
"""

import glob
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import peers  # noqa: E402
from mailscope_server import MailscopeServer  # noqa: E402

BINARY = None
SESSION = os.path.join(peers.INTEROP, "imapflow_session.mjs")


class Imapflow(unittest.TestCase):
    def test_extensions_in_a_real_client(self):
        with MailscopeServer(BINARY) as server:
            result = subprocess.run(
                ["node", SESSION, str(server.ports["imap"])], cwd=peers.INTEROP,
                stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=90)
            print(result.stdout, end="")
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            server.stop()
            transcripts = sorted(glob.glob(os.path.join(server.trace_dir, "imap-*[0-9].txt")))
            self.assertEqual(len(transcripts), 3, transcripts)
            wire = ""
            for path in transcripts:
                with open(path, encoding="utf-8") as file:
                    wire += file.read()
                with open(path[:-len(".txt")] + ".report.txt", encoding="utf-8") as file:
                    verdict = file.readline()
                self.assertIn("the client broke no protocol rule", verdict, path)
        for used in ("ENABLE CONDSTORE UTF8=ACCEPT QRESYNC IMAP4REV2",
                     "* ENABLED UTF8=ACCEPT QRESYNC IMAP4rev2 CONDSTORE",
                     '"/" "Входящие/Работа"', "RETURN (MIN MAX COUNT)",
                     "RETURN (STATUS (MESSAGES UNSEEN) SPECIAL-USE CHILDREN SUBSCRIBED)",
                     "BINARY.PEEK[2]", "SELECT INBOX (QRESYNC (1700000000 ",
                     "S: * VANISHED (EARLIER) 6", "(CHANGEDSINCE ", "(UNCHANGEDSINCE ",
                     "OK [MODIFIED 3]", "S: * VANISHED 1"):
            self.assertIn(used, wire)

if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    peers.require_for_suite("test_serve_imapflow", peers.node_package("imapflow"))
    unittest.main()
