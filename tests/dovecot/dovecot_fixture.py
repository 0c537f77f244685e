"""Starts a private Dovecot on 127.0.0.1 for a test and stops it afterwards.

Everything Dovecot writes (sockets, state, logs, mail) lives in one temporary
directory; the system configuration in /etc/dovecot is never read. The mail
processes run as the current user, or as the "dovecot" account when that
user is root, since Dovecot refuses mail access as uid 0.
"""

import os
import pwd
import grp
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from peers import DOVECOT  # noqa: E402

DEFAULT_USERS = {"alice": "wonderland", "bob": "builder"}


_handed_out = set()


def free_port():
    """A loopback port free now that this process has not handed out before:
    the kernel may give the same free port to two probes in a row, and the
    listeners of one configuration must differ (Dovecot refuses a duplicate
    listener)."""
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port
    raise RuntimeError("no loopback port left that was not handed out already")


def login_service(protocol, listeners):
    """Dovecot's PROTOCOL-login service with an inet_listener on 127.0.0.1
    for each name -> port in `listeners`; port 0 turns a listener off."""
    blocks = "".join(f"  inet_listener {name} {{\n    address = 127.0.0.1\n"
                     f"    port = {port}\n  }}\n" for name, port in listeners.items())
    return f"service {protocol}-login {{\n{blocks}  chroot =\n}}"


def _mail_owner():
    """The uid and gid mail is stored under: Dovecot refuses uid 0 for mail."""
    if os.getuid() != 0:
        return os.getuid(), os.getgid()
    for name in ("dovecot", "nobody"):
        try:
            entry = pwd.getpwnam(name)
            return entry.pw_uid, entry.pw_gid
        except KeyError:
            pass
    raise RuntimeError("running as root needs a 'dovecot' or 'nobody' account for mail")


def _login_user():
    # Login processes must not run as root unless nothing else exists.
    for name in ("dovenull", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            pass
    return pwd.getpwuid(os.getuid()).pw_name


class DovecotServer:
    """A Dovecot IMAP server with users from `users` (name -> password).

    Mail is stored as Maildir under TMP/home/USER/Maildir with "/" as the
    hierarchy separator, the same separator mailscope uses, so mailbox names
    compare directly. `maildir(user)` gives that path so a caller can write
    messages directly before start(); start() hands the files to the mail uid.
    """

    def __init__(self, users=None, timeout=20, fsync=False, extra_config=""):
        self.users = dict(users or DEFAULT_USERS)
        self.extra_config = extra_config
        self.timeout = timeout
        self.fsync = fsync
        self.tmp = tempfile.TemporaryDirectory(prefix="mailscope-dovecot-")
        self.root = self.tmp.name
        self.port = None
        self.process = None
        self.config = os.path.join(self.root, "dovecot.conf")

    @property
    def ports(self):
        return {"imap": self.port}

    def home(self, user):
        return os.path.join(self.root, "home", user)

    def maildir(self, user):
        return os.path.join(self.home(user), "Maildir")

    def services(self):
        """The protocols served, each with its login service's listeners
        (see login_service); a subclass that adds some sets their ports
        before calling _write_config()."""
        return {"imap": {"imap": self.port, "imaps": 0}}

    def _write_config(self):
        uid, gid = _mail_owner()
        user_name = pwd.getpwuid(os.getuid()).pw_name
        group_name = grp.getgrgid(os.getgid()).gr_name
        login_user = _login_user()
        os.chmod(self.root, 0o755)
        for sub in ("run", "state", "home"):
            os.makedirs(os.path.join(self.root, sub), exist_ok=True)
        for user in self.users:
            os.makedirs(self.home(user), exist_ok=True)
            for top, dirs, files in os.walk(self.home(user)):
                for name in [top] + [os.path.join(top, entry) for entry in dirs + files]:
                    os.chown(name, uid, gid)
        passwd = os.path.join(self.root, "passwd")
        with open(passwd, "w") as out:
            for name, password in self.users.items():
                out.write(f"{name}:{{PLAIN}}{password}::::::\n")
        self.port = free_port()
        services = self.services()
        logins = "\n".join(login_service(protocol, listeners)
                           for protocol, listeners in services.items())
        config = f"""
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.root}/dovecot.log
info_log_path = {self.root}/dovecot.log
protocols = {" ".join(services)}
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login cram-md5
auth_failure_delay = 0
default_internal_user = {user_name}
default_internal_group = {group_name}
default_login_user = {login_user}
first_valid_uid = 0
first_valid_gid = 0
mail_location = maildir:~/Maildir
mail_fsync = {"optimized" if self.fsync else "never"}
mailbox_idle_check_interval = 1 secs
imap_idle_notify_interval = 1 secs
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {passwd}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={self.root}/home/%u
}}
{logins}
service anvil {{
  chroot =
}}
{self.extra_config}
"""
        with open(self.config, "w") as out:
            out.write(config)

    def start(self):
        self._write_config()
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", self.config], stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + self.timeout
        while True:
            if self.process.poll() is not None:
                output = self.process.stdout.read().decode(errors="replace")
                raise RuntimeError("dovecot exited: " + output + self.log())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                    probe.settimeout(5)
                    if probe.recv(1024).startswith(b"* OK"):
                        return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("dovecot did not start: " + self.log())
            time.sleep(0.05)

    def log(self):
        try:
            with open(os.path.join(self.root, "dovecot.log"), errors="replace") as log:
                return log.read()
        except OSError:
            return ""

    def stop(self):
        if not self.process:
            return None
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        # Dovecot's children leave the master's process group only if they
        # daemonize, which -F prevents; kill any straggler in the group.
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if self.process.poll() is None:
            self.process.wait(timeout=5)
        self.process.stdout.close()
        return self.process.returncode

    def cleanup(self):
        self.stop()
        self.tmp.cleanup()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()
