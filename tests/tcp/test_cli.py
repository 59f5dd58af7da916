"""tcp-demo's command line: the seed demo, --help, and exit codes."""
import os
import pty
import select
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import ServerTest  # noqa: E402
import harness  # noqa: E402

BIN = None


def run(*args, timeout=30):
    return subprocess.run([BIN, *args], capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)


def run_timed(*args):
    """run(), and how many seconds it took."""
    start = time.monotonic()
    r = run(*args)
    return r, time.monotonic() - start


class TcpCliTest(ServerTest):
    def test_the_narration_reads_the_same_on_every_run(self):
        harness.assert_same_story(self, run)

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

    def test_a_silent_address_ends_after_connect_timeout_not_a_hang(self):
        with harness.SilentPort() as port:
            for extra in (["-m", "hello"], []):  # one call, and the pump
                harness.run_until_no_answer(
                    self, [BIN, "client", "-p", str(port), "--connect-timeout", "1", *extra],
                    port, "tcp-demo client")

    def test_a_fraction_of_a_second_is_a_connect_timeout(self):
        with harness.SilentPort() as port:
            r, took = run_timed("client", "-p", str(port), "-m", "hi", "--connect-timeout", "0.3")
        self.assert_one_line_error(r, 1, "tcp-demo client")
        self.assertIn(b"within 0.3 s", r.stderr)
        self.assertLess(took, 2)

    def test_a_bad_connect_timeout_is_refused(self):
        for value in ("abc", "-1", "0", "1s", "", "nan", "99999"):
            r = run("client", "-p", "9", "-m", "hi", "--connect-timeout", value)
            self.assert_one_line_error(r, 2, "tcp-demo client")
            self.assertIn(b"invalid --connect-timeout", r.stderr)

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
            seen += read_until(fd, b"tcp-demo> ", 10)
            self.assertEqual(seen.count(b"tcp-demo> "), 2, "a prompt at the start, one an answer")
            self.assertIn(b"\033[36m[tcp client]", seen, "trace is coloured on a terminal")
            os.write(fd, b"\x04")  # Ctrl-D: end of input, then a half-close
            seen += read_until(fd, b"hung up", 10)
            self.assertIn(b"SHUT_WR", seen)
        finally:
            _, status = wait_or_kill(pid)
            os.close(fd)
        self.assertEqual(status, 0)

    # Students' first change to the seed's server is what it answers. The
    # client prints whatever comes back, whole, and never waits for ever.
    def test_prints_a_longer_answer_whole(self):
        with SeedServer(lambda said: "收到: ".encode() + said.upper()) as port:
            r = run("client", "-p", str(port), "-m", "dream is handsome")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.decode(), "收到: DREAM IS HANDSOME\n")

    def test_prints_a_shorter_answer_and_does_not_wait_for_more(self):
        with SeedServer(lambda said: b"OK") as port:
            r, took = run_timed("client", "-p", str(port), "-m", "dream is handsome")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"OK\n")
        self.assertLess(took, 5)

    def test_an_answer_in_pieces_is_one_answer(self):
        # a UTF-8 character split across two sends, 50 ms apart
        pieces = ["你好，".encode(), "世界".encode()[:2], "世界".encode()[2:] + b"!"]
        with SeedServer(lambda said: pieces) as port:
            r = run("client", "-p", str(port), "-m", "hello", "-m", "again")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.decode(), "你好，世界!\n你好，世界!\n")

    def test_silence_is_an_error_not_a_hang(self):
        with SeedServer(lambda said: None) as port:
            r, took = run_timed("client", "-p", str(port), "-m", "hello", "-t", "500")
        self.assert_one_line_error(r, 1, "tcp-demo client")
        self.assertIn(b"no reply within 500 ms", r.stderr)
        self.assertLess(took, 5)

    def test_a_hang_up_without_an_answer_is_said(self):
        with SeedServer(lambda said: b"") as port:
            r = run("client", "-p", str(port), "-m", "hello")
        self.assert_one_line_error(r, 1, "tcp-demo client")
        self.assertIn(b"hung up without answering", r.stderr)

    def test_piped_input_ends_when_the_server_goes_quiet(self):
        with SeedServer(lambda said: b"OK") as port:
            r = subprocess.run([BIN, "client", "-p", str(port)], input=b"hello",
                               capture_output=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"OK")

    def test_an_empty_message_is_refused(self):
        r = run("client", "-p", "9", "-m", "")
        self.assert_one_line_error(r, 2, "tcp-demo client")
        self.assertIn(b"empty message", r.stderr)


class SeedServer:
    """The seed's server in Python: accept one caller, recv(1024), answer
    with answer(said) (bytes, a list of pieces sent 50 ms apart, or None
    for silence), then keep the line open until the caller hangs up."""

    def __init__(self, answer):
        self.answer = answer
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(harness.WAIT_S)
        self.thread = threading.Thread(target=self.serve, daemon=True)

    def serve(self):
        try:
            while True:
                conn, _ = self.sock.accept()
                with conn:
                    conn.settimeout(harness.WAIT_S)
                    while True:
                        said = conn.recv(1024)
                        if not said:
                            break
                        reply = self.answer(said)
                        if reply == b"":
                            break  # hang up without a word
                        for i, piece in enumerate(reply if isinstance(reply, list) else
                                                  [reply] if reply else []):
                            if i:
                                time.sleep(0.05)
                            conn.sendall(piece)
        except OSError:
            pass  # the test is over: the socket was closed, or a wait ran out

    def __enter__(self):
        self.thread.start()
        return self.sock.getsockname()[1]

    def __exit__(self, *exc):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the accept() the thread waits in
        except OSError:
            pass
        self.sock.close()
        self.thread.join(harness.WAIT_S)


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
