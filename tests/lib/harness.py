"""Shared helpers for netdemo's integration tests.

Every server a test starts is recorded and killed by PID when the test
ends, pass or fail. Every wait has a deadline. Traffic stays on loopback.
"""
import argparse
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
import unittest

WAIT_S = 10  # the longest any single wait may take


class Server:
    """A netdemo server started on port 0; it prints 'listening on ADDR'."""

    def __init__(self, argv, env=None, ready=r"listening on (\S+)", preexec_fn=None):
        # Unbuffered pipes: reading the ready line takes nothing after it, so
        # what follows can be read straight from the descriptor (select()).
        self.proc = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, bufsize=0,
            start_new_session=True, preexec_fn=preexec_fn)  # its own group: kill() reaches its children
        try:  # whatever goes wrong while it starts, never leave it running
            line = self._read_line(WAIT_S)
            self.ready = line  # the ready line itself, for what follows the address
            match = re.search(ready, line)
            if not match:
                raise AssertionError(f"server did not start: {line!r}")
            self.address = match.group(1)
            unix = self.address.startswith("unix:")
            self.port = None if unix else int(self.address.rsplit(":", 1)[1])
        except BaseException:
            self.kill()
            raise

    def _read_line(self, timeout):
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        return self.proc.stdout.readline().decode(errors="replace") if ready else ""

    def stderr(self):
        if self.proc.poll() is None:
            return ""
        return self.proc.stderr.read().decode(errors="replace")

    def stop(self, sig=signal.SIGTERM, timeout=WAIT_S):
        """Signal the server and return its exit code (None if it hung)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=WAIT_S)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()

    def alive(self):
        return self.proc.poll() is None


class ServerTest(unittest.TestCase):
    """A TestCase whose servers are always stopped, even on failure."""

    def start(self, argv, **kw):
        server = Server(argv, **kw)
        self.addCleanup(server.kill)
        return server

    def assert_one_line_error(self, r, code, prog):
        """A CLI failure: exit code, and one line on stderr naming the program."""
        self.assertEqual(r.returncode, code, r.stderr)
        lines = r.stderr.decode().strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertTrue(lines[0].startswith(prog), lines[0])


class SilentPort:
    """A loopback port that never answers a connect, as a wrong address or
    a firewall that drops packets looks to a client: a listener with a
    backlog of 0 that never accepts, its one queue slot already taken, so
    the kernel drops every further SYN (syncookies or not). Use it as
    `with SilentPort() as port:`; it checks that a connect really hangs."""

    def __enter__(self):
        self.sockets = []
        listener = self._keep(socket.socket())
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        self.port = listener.getsockname()[1]
        self._keep(socket.create_connection(("127.0.0.1", self.port), timeout=WAIT_S))
        with socket.socket() as probe:
            probe.setblocking(False)
            probe.connect_ex(("127.0.0.1", self.port))
            _, answered, _ = select.select([], [probe], [], 0.3)
        if answered:
            self.__exit__()
            raise unittest.SkipTest("this kernel answers a connect beyond a full backlog")
        return self.port

    def _keep(self, sock):
        self.sockets.append(sock)
        return sock

    def __exit__(self, *exc):
        for sock in self.sockets:
            sock.close()


def run_until_no_answer(test, argv, port, prog):
    """Run a client (argv, with --connect-timeout 1 in it) against a
    SilentPort: it must give up within about a second, exit 1 and say in
    one line that the address did not answer."""
    start = time.monotonic()
    r = subprocess.run(argv, capture_output=True, stdin=subprocess.DEVNULL, timeout=WAIT_S)
    took = time.monotonic() - start
    test.assertEqual(r.returncode, 1, r.stderr)
    lines = r.stderr.decode().strip().splitlines()
    test.assertEqual(len(lines), 1, r.stderr)
    test.assertEqual(lines[0], f"{prog}: no answer from 127.0.0.1:{port} within 1 s "
                     "(is the address right? is a firewall dropping it?)")
    test.assertGreaterEqual(took, 0.9)
    test.assertLess(took, 3)
    return r


def assert_same_story(test, run, times=50):
    """A narrated demo (run() -> CompletedProcess) tells the same story
    every time: its two processes print on one terminal, and the lines must
    still come in causal order, every step present. Ports and descriptor
    numbers may differ; nothing else. Returns the story, those normalised
    (stderr then stdout), as text."""
    first = None
    for _ in range(times):
        r = run()
        test.assertEqual(r.returncode, 0, r.stderr)
        text = re.sub(rb"fd \d+", b"fd N", re.sub(rb":\d+", b":P", r.stderr + r.stdout))
        if first is None:
            first = text
        test.assertEqual(text, first)
    return first.decode(errors="replace")


def read_until(fd, marker, timeout=WAIT_S):
    """Read from fd (a pipe or a pty) until marker (bytes) appears, the
    other end closes, or timeout seconds pass; returns what was read."""
    out, deadline = b"", time.monotonic() + timeout
    while marker not in out and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0, deadline - time.monotonic()))
        if not ready:
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # a pty whose other end is gone: EIO
            break
        if not chunk:
            break
        out += chunk
    return out


def cpu_seconds(pid):
    """User + system CPU time a process has used so far, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ip(*args):
    """Run ip(8) with a deadline; returns the CompletedProcess."""
    return subprocess.run(["ip", *args], capture_output=True, timeout=WAIT_S)


class NetnsUnavailable(Exception):
    """No network namespace can be made here: not root, or no `ip netns`."""


class Netns:
    """A network namespace the test owns: a host of its own, with its own
    interfaces, addresses and ports, that nothing outside can reach. The
    name carries the PID, so runs side by side never meet. Kill what runs
    inside (Server.kill does, by PID) before delete()."""

    def __init__(self, tag):
        self.name = f"nd{tag}{os.getpid()}"
        if os.geteuid() != 0:
            raise NetnsUnavailable("network namespaces need root")
        try:
            r = ip("netns", "add", self.name)
        except FileNotFoundError:
            raise NetnsUnavailable("no ip(8) command") from None
        if r.returncode != 0:
            raise NetnsUnavailable(f"ip netns add: {r.stderr.decode().strip()}")

    def ip(self, *args):
        """ip(8) inside the namespace; a failure fails the test."""
        r = ip("-n", self.name, *args)
        if r.returncode != 0:
            raise AssertionError(f"ip -n {self.name} {' '.join(args)}: "
                                 f"{r.stderr.decode().strip()}")
        return r

    def argv(self, *argv):
        """argv to run inside the namespace (ip netns exec execs it, so the
        PID Popen returns is the program's own)."""
        return ["ip", "netns", "exec", self.name, *argv]

    def delete(self):
        ip("netns", "del", self.name)


def connect(port, host="127.0.0.1", family=socket.AF_INET, timeout=WAIT_S):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((host, port))
    return s


def exchange(sock, payload, chunk=1 << 16):
    """Send payload and read as many bytes back, concurrently, so a large
    payload never deadlocks on full socket buffers. Returns what came back."""
    sock.setblocking(False)
    sent, got = 0, bytearray()
    deadline = time.monotonic() + max(WAIT_S, len(payload) / (2 << 20))
    while len(got) < len(payload):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"got {len(got)} of {len(payload)} bytes")
        want_write = [sock] if sent < len(payload) else []
        r, w, _ = select.select([sock], want_write, [], left)
        if w:
            sent += sock.send(payload[sent:sent + chunk])
        if r:
            data = sock.recv(1 << 20)
            if not data:
                break
            got += data
    sock.setblocking(True)
    return bytes(got)


def main_with_bin(module_name, *options):
    """Run the tests of a module that drives one program: --bin sets its BIN,
    and each of options ("model") a required --model that sets its MODEL."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    for option in options:
        parser.add_argument(f"--{option}", required=True)
    args, rest = parser.parse_known_args()
    module = sys.modules[module_name]
    module.BIN = args.bin
    for option in options:
        setattr(module, option.upper(), getattr(args, option))
    unittest.main(module=module, argv=[sys.argv[0], *rest], verbosity=2)
