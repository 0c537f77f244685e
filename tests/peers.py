"""The programs the Python suites talk to or run (Dovecot, curl, swaks,
Xvfb, the openssl command), and what it means when one is missing.

In CI (the environment variable CI set to anything but "", "0" or "false")
a missing peer is a failure, and the message names the Debian package that
brings it: scripts/setup installs them all, so a missing one means the
machine is broken, and a green run would test less than it claims.
Elsewhere a missing peer skips what needs it, and says so: a whole suite
prints "SKIPPED: ..." and exits SKIP, which CTest counts as a skipped test
(the suites' SKIP_RETURN_CODE); a single test is skipped through unittest,
which prints the reason and counts it in its summary.

A peer is present when its program runs: `dovecot --version` exiting 0,
not merely a file called dovecot on the PATH.
"""

import os
import shutil
import subprocess
import sys
import unittest

SKIP = 77  # CTest's SKIP_RETURN_CODE for every Python suite
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
DOVECOT_LIBEXEC = "/usr/lib/dovecot"


def in_ci():
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false")


class Missing:
    """A peer that cannot be used, why, and the Debian package that brings it."""

    def __init__(self, peer, package, reason):
        self.peer, self.package, self.reason = peer, package, reason

    def __str__(self):
        return (f"{self.peer} is missing ({self.reason}); it comes with the Debian package "
                f"{self.package}, which scripts/setup installs")


def program(name, package, probe=("--version",), path=None):
    """None when `name` (found on the PATH, or at `path`) runs `name *probe`
    with exit status 0 within 30 seconds; otherwise a Missing."""
    found = path or shutil.which(name)
    if not found or not os.path.exists(found):
        return Missing(name, package, "not found")
    try:
        result = subprocess.run([found, *probe], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
    except OSError as error:
        return Missing(name, package, f"{found} cannot be started: {error}")
    except subprocess.TimeoutExpired:
        return Missing(name, package, f"`{found} {' '.join(probe)}` did not finish in 30 s")
    if result.returncode != 0:
        return Missing(name, package,
                       f"`{found} {' '.join(probe)}` exited with status {result.returncode}")
    return None


def dovecot(protocol="imap"):
    """Dovecot's master and the `protocol` server process it starts."""
    package = f"dovecot-{protocol}d"
    missing = program("dovecot", package, path=DOVECOT)
    if missing:
        return missing
    server = os.path.join(DOVECOT_LIBEXEC, protocol)
    if not os.access(server, os.X_OK):
        return Missing(f"Dovecot's {protocol} server", package, f"no {server}")
    return None


def curl():
    return program("curl", "curl")


def swaks():
    return program("swaks", "swaks")


def swaks_tls():
    """swaks --tls needs Perl's Net::SSLeay."""
    missing = program("perl", "perl-base", probe=("-MNet::SSLeay", "-e", "1"))
    if missing:
        return Missing("Net::SSLeay (swaks --tls)", "libnet-ssleay-perl", missing.reason)
    return None


def openssl():
    return program("openssl", "openssl", probe=("version",))


def xvfb():
    """xvfb-run, the X server it starts and the xauth it needs."""
    return (program("xvfb-run", "xvfb", probe=("--help",)) or
            program("Xvfb", "xvfb", probe=("-help",)) or
            program("xauth", "xauth", probe=("version",)))


INTEROP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "interop")


def node_package(name):
    """Node.js and the npm package `name`, which scripts/setup installs into
    tests/interop/node_modules from tests/interop/package-lock.json."""
    missing = program("node", "nodejs")
    if missing:
        return missing
    if not os.path.exists(os.path.join(INTEROP, "node_modules", name, "package.json")):
        return Missing(f"the npm package {name}", "npm",
                       f"not in {INTEROP}/node_modules (scripts/setup runs npm ci there)")
    return None


def python_module(module, package):
    """A module of the Python running the tests (Debian's: see CMakeLists.txt)."""
    try:
        __import__(module)
    except ImportError as error:
        return Missing(f"Python module {module} for {sys.executable}", package, str(error))
    return None


def missing_of(*checks):
    return [missing for missing in checks if missing]


def require_for_suite(suite, *checks):
    """Call before running a suite with the results of the peer checks it
    needs: returns when none is missing, else exits 1 in CI and SKIP elsewhere."""
    missing = missing_of(*checks)
    if not missing:
        return
    for peer in missing:
        if in_ci():
            print(f"FAIL: {suite}: {peer}", file=sys.stderr)
        else:
            print(f"SKIPPED: {suite}: {peer}")
    sys.exit(1 if in_ci() else SKIP)


def require_for_test(test, *checks):
    """The same for one unittest test: a failure in CI, a skip elsewhere."""
    missing = missing_of(*checks)
    if not missing:
        return
    reason = "; ".join(str(peer) for peer in missing)
    if in_ci():
        test.fail(reason)
    raise unittest.SkipTest(reason)
