"""OAuth 2.0 bearer tokens (XOAUTH2 and OAUTHBEARER, RFC 7628) in `mailscope
connect`: against `mailscope serve` over IMAP (plain, STARTTLS, IMAPS), POP3
and SMTP, with the token from MAILSCOPE_OAUTH_TOKEN or --oauth-token-command;
against a private Dovecot whose oauth2 passdb asks a token introspection
server this test runs on 127.0.0.1, over IMAP (STARTTLS and IMAPS) and POP3;
and through `mailscope proxy` with imaplib. A refused token shows the
server's error challenge decoded; the token never appears in any output,
transcript or server trace, in any encoding."""

import base64
import glob
import http.server
import imaplib
import json
import os
import shlex
import subprocess
import sys
import threading
import unittest
import urllib.parse

from net_helpers import (TlsDovecot, TlsDovecotSessions, MailscopeServer, USER, connect,
                         free_port, require_connect)
import peers  # noqa: E402  (on the path net_helpers set up)
from mailscope_server import wait_for_listeners, interrupt  # noqa: E402

BINARY = None
# alice's token in the classroom fixture `mailscope serve` starts with.
SERVE_TOKEN = "ya29.classroom-alice"
DOVECOT_TOKEN = "ya29.dovecot-test-token-for-alice"
WRONG_TOKEN = "ya29.expired-token"


def token_forms(token, user=USER):
    """Every form in which a token could leak: itself and the SASL messages."""
    xoauth2 = f"user={user}\x01auth=Bearer {token}\x01\x01"
    return [token, base64.b64encode(xoauth2.encode()).decode()]


def connect_with_token(url, script, token=None, command=None, extra=(), transcript=None):
    """`connect` with the token in the environment, or from a command."""
    saved = os.environ.pop("MAILSCOPE_OAUTH_TOKEN", None)
    try:
        if token is not None:
            os.environ["MAILSCOPE_OAUTH_TOKEN"] = token
        options = list(extra)
        if command is not None:
            options += ["--oauth-token-command", command]
        elif token is not None:
            options.append("--oauth")
        return connect(BINARY, url, script, extra=options, transcript=transcript, password=None)
    finally:
        os.environ.pop("MAILSCOPE_OAUTH_TOKEN", None)
        if saved is not None:
            os.environ["MAILSCOPE_OAUTH_TOKEN"] = saved


class TokenChecks(unittest.TestCase):
    def assert_no_token(self, token, *texts):
        for text in texts:
            for form in token_forms(token):
                self.assertNotIn(form, text)


class OAuthToServe(TokenChecks):
    @classmethod
    def setUpClass(cls):
        cls.server = MailscopeServer(BINARY, "--pop3", "127.0.0.1:0", "--smtp",
                                     "127.0.0.1:0").start()
        cls.tmp = cls.server.tmp.name

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.tmp.cleanup()

    def server_traces(self):
        text = ""
        for path in glob.glob(os.path.join(self.server.trace_dir, "*")):
            with open(path, errors="replace") as source:
                text += source.read()
        return text

    def test_every_protocol_logs_in_with_the_token(self):
        ports = self.server.ports
        cases = [
            ("imap", f"imap://{USER}@127.0.0.1:{ports['imap']}", ["SELECT INBOX"], (),
             "AUTHENTICATE OAUTHBEARER REDACTED", "OK AUTHENTICATE completed"),
            ("imap STARTTLS", f"imap://{USER}@localhost:{ports['imap']}", ["NOOP"],
             ("--starttls", "--ca-file", self.server.cert), "AUTHENTICATE OAUTHBEARER",
             "OK AUTHENTICATE completed"),
            ("imaps, XOAUTH2", f"imaps://{USER}@localhost:{ports['imaps']}", ["NOOP"],
             ("--ca-file", self.server.cert, "--oauth-mechanism", "xoauth2"),
             "AUTHENTICATE XOAUTH2 REDACTED", "OK AUTHENTICATE completed"),
            ("pop3", f"pop3://{USER}@127.0.0.1:{ports['pop3']}", ["STAT"], (),
             "AUTH OAUTHBEARER ***", "+OK AUTH OAUTHBEARER accepted"),
            ("smtp", f"smtp://{USER}@127.0.0.1:{ports['smtp']}", ["NOOP"], (),
             "AUTH OAUTHBEARER ***", "235 2.7.0"),
        ]
        for name, url, script, extra, command_line, success in cases:
            with self.subTest(name):
                jsonl = os.path.join(self.tmp, name.replace(" ", "-") + ".jsonl")
                result = connect_with_token(url, script, token=SERVE_TOKEN, extra=extra,
                                            transcript=jsonl)
                self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
                self.assertIn(command_line, result.stdout)
                self.assertIn(success, result.stdout)
                self.assertNotIn("login failed", result.stdout)
                with open(jsonl) as source:
                    self.assert_no_token(SERVE_TOKEN, result.stdout, result.stderr,
                                         source.read())
        self.assert_no_token(SERVE_TOKEN, self.server_traces())

    def test_a_refused_token_shows_the_servers_reason(self):
        ports = self.server.ports
        for scheme, script in (("imap", ["NOOP"]), ("pop3", ["NOOP"]), ("smtp", ["NOOP"])):
            with self.subTest(scheme):
                result = connect_with_token(f"{scheme}://{USER}@127.0.0.1:{ports[scheme]}",
                                            script, command=f"echo {WRONG_TOKEN}")
                self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
                self.assertIn("the server refused the OAuth token and explains why: status "
                              "invalid_token, schemes bearer, scope https://mailscope.test/mail",
                              result.stdout)
                self.assert_no_token(WRONG_TOKEN, result.stdout, result.stderr)
        russian = connect_with_token(f"imap://{USER}@127.0.0.1:{ports['imap']}", ["NOOP"],
                                     token=WRONG_TOKEN, extra=("--lang", "ru"))
        self.assertIn("сервер отверг токен OAuth и объясняет причину: status invalid_token",
                      russian.stdout)
        self.assert_no_token(WRONG_TOKEN, self.server_traces())

    def test_token_sources_and_refusals_before_connecting(self):
        url = f"imap://{USER}@127.0.0.1:{self.server.ports['imap']}"
        cases = [
            ("a failing command, named by its first word only",
             dict(command="exit 3 --client-secret=s3cr3t"), ["the token command exit failed"]),
            ("an empty output", dict(command="true"), ["is not an OAuth token"]),
            ("endless output is cut off, not read forever", dict(command="yes"),
             ["the token command yes failed"]),
            ("two words", dict(token="two words"), ["what MAILSCOPE_OAUTH_TOKEN gave is not an OAuth token"]),
            ("no user in the URL", dict(token=SERVE_TOKEN, url=url.replace(f"{USER}@", "")),
             ["name the user in the URL"]),
            ("an unknown mechanism", dict(token=SERVE_TOKEN, extra=("--oauth-mechanism", "x")),
             ["--oauth-mechanism takes xoauth2 or oauthbearer"]),
            ("a token in clear to another host",
             dict(token=SERVE_TOKEN, url=f"imap://{USER}@192.0.2.1"), ["in clear"]),
        ]
        for what, case, messages in cases:
            with self.subTest(what):
                result = connect_with_token(case.get("url", url), ["NOOP"],
                                            token=case.get("token"), command=case.get("command"),
                                            extra=case.get("extra", ()))
                self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
                for message in messages:
                    self.assertIn(message, result.stderr)
                self.assert_no_token(SERVE_TOKEN, result.stdout, result.stderr)
                self.assertNotIn("s3cr3t", result.stdout + result.stderr)
        # The variable alone does not turn a password login into a token one.
        os.environ["MAILSCOPE_OAUTH_TOKEN"] = WRONG_TOKEN
        try:
            plain = connect(BINARY, url, ["NOOP"])
        finally:
            del os.environ["MAILSCOPE_OAUTH_TOKEN"]
        self.assertIn("LOGIN alice", plain.stdout)
        self.assertNotIn("login failed", plain.stdout)
        # A command that prints the token with a line end and blanks around it.
        result = connect_with_token(url, ["NOOP"],
                                    command=f"printf '  %s\\n' {shlex.quote(SERVE_TOKEN)}")
        self.assertIn("OK AUTHENTICATE completed", result.stdout)

    def test_a_users_file_gives_tokens_and_names_a_broken_line(self):
        users = os.path.join(self.tmp, "users.txt")
        with open(users, "w") as out:
            out.write("carol:secret\noauth carol ya29.from-the-file\n")
        server = MailscopeServer(BINARY, "--users", users, tls=False).start()
        try:
            result = connect_with_token(f"imap://carol@127.0.0.1:{server.ports['imap']}",
                                        ["NOOP"], token="ya29.from-the-file")
            self.assertIn("OK AUTHENTICATE completed", result.stdout)
        finally:
            server.stop()
            server.tmp.cleanup()
        with open(users, "a") as out:
            out.write("oauth carol\n")
        refused = subprocess.run([BINARY, "serve", "--imap", "127.0.0.1:0", "--users", users],
                                 capture_output=True, text=True, timeout=30,
                                 stdin=subprocess.DEVNULL)
        self.assertNotEqual(refused.returncode, 0, refused.stdout + refused.stderr)
        self.assertIn(f"{users}:3", refused.stderr)
        self.assertIn("oauth USER TOKEN", refused.stderr)

    def test_the_proxy_relays_a_clients_xoauth2_and_masks_it(self):
        upstream = f"imap://127.0.0.1:{self.server.ports['imap']}"
        process = subprocess.Popen(
            [BINARY, "proxy", "--listen", "127.0.0.1:0", "--upstream", upstream],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
        output = []
        try:
            port = wait_for_listeners(process, {"proxy"}, 20, output, "mailscope proxy")["proxy"]
            client = imaplib.IMAP4("127.0.0.1", port, timeout=10)
            message = f"user={USER}\x01auth=Bearer {SERVE_TOKEN}\x01\x01"
            typ, _ = client.authenticate("XOAUTH2", lambda _: message.encode())
            self.assertEqual(typ, "OK")
            self.assertEqual(client.select("INBOX")[0], "OK")
            client.logout()
        finally:
            interrupt(process, output, timeout=10)
        text = "".join(output)
        self.assertIn("AUTHENTICATE XOAUTH2", text)
        self.assert_no_token(SERVE_TOKEN, text)


class IntrospectionHandler(http.server.BaseHTTPRequestHandler):
    """RFC 7662 token introspection as Dovecot's oauth2 passdb asks for it:
    the token in a form body (POST), the query (GET) or the Authorization
    header; active for DOVECOT_TOKEN only."""

    def token(self):
        header = self.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            return header[7:].strip()
        query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        if "token" in query:
            return query["token"][0]
        length = int(self.headers.get("Content-Length") or 0)
        body = urllib.parse.parse_qs(self.rfile.read(length).decode()) if length else {}
        return body.get("token", [""])[0]

    def answer(self):
        active = self.token() == DOVECOT_TOKEN
        body = json.dumps({"active": "true" if active else "false",
                           "username": USER if active else ""}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = answer
    do_POST = answer

    def log_message(self, *args):
        pass


class OAuthDovecot(TlsDovecot):
    """The TLS Dovecot with POP3 too, whose second passdb checks bearer
    tokens with the introspection server at `introspection_url`."""

    introspection_url = None

    def __init__(self, pki, **kwargs):
        super().__init__(pki, **kwargs)
        self.pop3_port = None

    def services(self):
        return {**super().services(), "pop3": {"pop3": self.pop3_port, "pop3s": 0}}

    def _write_config(self):
        self.pop3_port = free_port()
        oauth2 = os.path.join(self.root, "dovecot-oauth2.conf.ext")
        with open(oauth2, "w") as out:
            out.write(f"introspection_mode = post\n"
                      f"introspection_url = {self.introspection_url}\n"
                      f"username_attribute = username\n"
                      f"active_attribute = active\nactive_value = true\n"
                      f"tls_ca_cert_file = {self.pki.ca}\n")
        super()._write_config()
        with open(self.config) as source:
            config = source.read()
        config = config.replace("auth_mechanisms = plain login cram-md5",
                                "auth_mechanisms = plain login cram-md5 xoauth2 oauthbearer")
        config += f"passdb {{\n  driver = oauth2\n  args = {oauth2}\n}}\n"
        with open(self.config, "w") as out:
            out.write(config)


class OAuthToDovecot(TlsDovecotSessions, TokenChecks):
    SERVER_CLASS = OAuthDovecot
    TMP_PREFIX = "mailscope-net-oauth-"

    @classmethod
    def setUpClass(cls):
        cls.introspection = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                            IntrospectionHandler)
        cls.introspection_thread = threading.Thread(target=cls.introspection.serve_forever,
                                                    daemon=True)
        cls.introspection_thread.start()
        OAuthDovecot.introspection_url = (
            f"http://127.0.0.1:{cls.introspection.server_address[1]}/introspect")
        try:
            super().setUpClass()
        except BaseException:
            cls.introspection.shutdown()
            raise

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.introspection.shutdown()
        cls.introspection.server_close()

    def run_session(self, url, script, token, extra=(), name="session"):
        jsonl = self.path(name + ".jsonl")
        result = connect_with_token(url, script, token=token, extra=extra, transcript=jsonl)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        events = [json.loads(line) for line in self.read(jsonl).splitlines()]
        self.assertEqual([e for e in events if e["kind"] == "violation"], [])
        self.assert_no_token(token, result.stdout, result.stderr, self.read(jsonl))
        return result

    def test_imap_starttls_and_imaps(self):
        for name, url, extra in (
                ("starttls", f"imap://{USER}@localhost:{self.server.port}",
                 ("--starttls", "--ca-file", self.pki.ca)),
                ("imaps", f"imaps://{USER}@localhost:{self.server.imaps_port}",
                 ("--ca-file", self.pki.ca, "--oauth-mechanism", "xoauth2"))):
            with self.subTest(name):
                result = self.run_session(url, ["SELECT INBOX"], DOVECOT_TOKEN, extra, name)
                self.assertIn("TLS established", result.stdout)
                self.assertRegex(result.stdout, r"A\d+ AUTHENTICATE (OAUTHBEARER|XOAUTH2) "
                                                r"REDACTED")
                self.assertIn("Not Authenticated -> Authenticated", result.stdout)

    def test_imap_refused_token_decodes_dovecots_challenge(self):
        result = self.run_session(f"imap://{USER}@localhost:{self.server.port}", ["NOOP"],
                                  WRONG_TOKEN, ("--starttls", "--ca-file", self.pki.ca), "refused")
        self.assertIn("the server refused the OAuth token and explains why: status ",
                      result.stdout)
        self.assertIn("login failed", result.stdout)

    def test_pop3_with_stls(self):
        result = self.run_session(f"pop3://{USER}@localhost:{self.server.pop3_port}", ["STAT"],
                                  DOVECOT_TOKEN, ("--starttls", "--ca-file", self.pki.ca), "pop3")
        self.assertIn("AUTH OAUTHBEARER ***", result.stdout)
        self.assertIn("AUTHORIZATION -> TRANSACTION", result.stdout)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    require_connect(BINARY)
    peers.require_for_suite("net_test_oauth", peers.dovecot("imap"), peers.dovecot("pop3"),
                            peers.openssl())
    unittest.main(verbosity=2)
