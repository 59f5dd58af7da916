"""tcp-demo's command line: the seed demo, --help, and exit codes."""
import os
import pty
import select
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import ServerTest  # noqa: E402
import harness  # noqa: E402

BIN = None


def run(*args, timeout=30):
    return subprocess.run([BIN, *args], capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)


class TcpCliTest(ServerTest):
    def test_no_arguments_plays_the_seed_exchange(self):
        r = run()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"DREAM IS HANDSOME\n")
        err = r.stderr.decode()
        for step in ("[tcp server] socket(AF_INET, SOCK_STREAM)", "[tcp server] bind(",
                     "[tcp server] listen(", "[tcp server] accept(", "[tcp client] connect(",
                     '[tcp client] send(fd', '"dream is handsome"', '"DREAM IS HANDSOME"',
                     "[tcp server] close("):
            self.assertIn(step, err)

    def test_help_on_every_command(self):
        for args in (["--help"], ["server", "--help"], ["client", "--help"], ["server", "-h"]):
            r = run(*args)
            self.assertEqual(r.returncode, 0)
            self.assertIn(b"usage: tcp-demo", r.stdout)

    def test_unknown_flag_exits_2(self):
        self.assert_one_line_error(run("server", "--bogus"), 2, "tcp-demo")
        self.assert_one_line_error(run("client", "-x"), 2, "tcp-demo")
        self.assert_one_line_error(run("frobnicate"), 2, "tcp-demo")

    def test_bad_port_or_value_exits_2(self):
        for args in (["server", "-p", "70000"], ["server", "-p", "abc"], ["client", "-p", "0"],
                     ["server", "--model", "quantum"], ["server", "--mode", "lower"],
                     ["server", "-p"]):
            self.assert_one_line_error(run(*args), 2, "tcp-demo")

    def test_port_in_use_exits_1(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen()
            port = s.getsockname()[1]
            r = run("server", "-p", str(port))
            self.assert_one_line_error(r, 1, "tcp-demo")
            self.assertIn(b"Address already in use", r.stderr)

    def test_refused_connection_exits_1(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]  # bound, not listening: connect is refused
            r = run("client", "-p", str(port), "-m", "hello")
            self.assert_one_line_error(r, 1, "tcp-demo")
            self.assertIn(b"refused", r.stderr)

    def test_unknown_host_exits_1(self):
        # A 64-byte label is not a valid DNS name, so the resolver fails
        # without sending a query anywhere: the test stays off the network.
        r = run("client", "-H", "a" * 64 + ".invalid", "-m", "hello")
        self.assert_one_line_error(r, 1, "tcp-demo")

    def test_trace_narrates_the_server(self):
        srv = self.start([BIN, "server", "-p", "0", "--trace", "--model", "iterative"])
        r = run("client", "-p", str(srv.port), "-m", "x")
        self.assertEqual(r.stdout, b"X\n")
        self.assertEqual(srv.stop(), 0)
        err = srv.stderr()
        self.assertIn("[tcp server] accept(fd", err)
        self.assertIn('recv(fd', err)
        self.assertIn("peer 127.0.0.1:", err)


class TcpInteractiveTest(ServerTest):
    """The client on a terminal: each typed line is sent, its answer printed."""

    def test_typed_lines_are_answered_and_trace_is_coloured(self):
        srv = self.start([BIN, "server", "-p", "0"])
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(BIN, [BIN, "client", "-p", str(srv.port), "--trace"])
        try:
            os.write(fd, b"dream is handsome\n")
            seen = read_until(fd, b"DREAM IS HANDSOME", 10)
            self.assertIn(b"DREAM IS HANDSOME", seen)
            self.assertIn(b"\033[36m[tcp client]", seen, "trace is coloured on a terminal")
            os.write(fd, b"\x04")  # Ctrl-D: end of input, then a half-close
            seen += read_until(fd, b"hung up", 10)
            self.assertIn(b"SHUT_WR", seen)
        finally:
            _, status = wait_or_kill(pid)
            os.close(fd)
        self.assertEqual(status, 0)


def read_until(fd, marker, timeout):
    """Read from a pty until marker appears or timeout seconds pass."""
    out, deadline = b"", time.monotonic() + timeout
    while marker not in out and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0, deadline - time.monotonic()))
        if not ready:
            break
        try:
            out += os.read(fd, 4096)
        except OSError:
            break
    return out


def wait_or_kill(pid, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return done, os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return pid, os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    harness.main_with_bin(__name__)
