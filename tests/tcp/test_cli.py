"""tcp-demo's command line: the seed demo, --help, and exit codes."""
import os
import pty
import re
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


    def traced_exchange(self, model, message, charset):
        """One message through a traced server of model and a traced
        client, both in locale charset; returns (client, server) stderr."""
        env = dict(os.environ, LC_ALL=charset)
        srv = self.start([BIN, "server", "-p", "0", "--trace", "--model", model], env=env)
        r = subprocess.run([BIN, "client", "-p", str(srv.port), "-m", message, "--trace"],
                           capture_output=True, timeout=30, stdin=subprocess.DEVNULL, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(srv.stop(), 0)
        return r.stderr.decode(), srv.stderr()

    def test_trace_shows_utf8_as_text_in_every_model(self):
        for model in ("iterative", "fork", "thread", "epoll"):
            with self.subTest(model=model):
                client, server = self.traced_exchange(model, "你好 dream", "C.UTF-8")
                for side in (client, server):
                    self.assertRegex(side, r'send\(fd \d+, 12 bytes\) -> 12 "你好 (dream|DREAM)"')
                    self.assertRegex(side, r'recv\(fd \d+\) -> 12 bytes "你好 (dream|DREAM)"')

    def test_trace_escapes_utf8_when_the_terminal_is_not_utf8(self):
        client, server = self.traced_exchange("iterative", "你好", "C")
        for side in (client, server):
            self.assertIn(r'"\xe4\xbd\xa0\xe5\xa5\xbd"', side)
            self.assertNotIn("你", side)

    def test_trace_never_passes_terminal_controls_through(self):
        # ESC [ 2 J would clear the class's screen; U+202E would reverse text
        client, server = self.traced_exchange("epoll", "\x1b[2J\u202eabc", "C.UTF-8")
        for side in (client, server):
            self.assertIn(r'"\x1b[2J\u202eabc"', side)
            self.assertNotIn("\x1b", side)
            self.assertNotIn("\u202e", side)


    def traced_calls(self, model, count):
        """count callers of a traced server of model; returns its stderr."""
        srv = self.start([BIN, "server", "-p", "0", "--trace", "--model", model])
        for i in range(count):
            r = run("client", "-p", str(srv.port), "-m", f"caller {i}")
            self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(srv.stop(), 0)
        return srv.stderr()

    def test_fork_model_labels_each_line_with_the_childs_pid(self):
        err = self.traced_calls("fork", 2)
        self.assertEqual(err.count("each child gets its own copy of the descriptor table"), 1, err)
        pids = re.findall(r"\[tcp server\] fork\(\) -> child (\d+) serves fd", err)
        self.assertEqual(len(set(pids)), 2, err)
        for i, pid in enumerate(pids):
            self.assertRegex(err, rf'\[tcp child {pid}\] recv\(fd \d+\) -> 8 bytes "caller {i}"')
            self.assertRegex(err, rf"\[tcp child {pid}\] close\(fd \d+\)")

    def test_thread_model_labels_each_line_with_the_threads_number(self):
        err = self.traced_calls("thread", 2)
        self.assertEqual(err.count("the threads share one descriptor table"), 1, err)
        for number in (1, 2):
            self.assertIn(f"pthread_create() -> thread {number} serves fd", err)
            self.assertRegex(err, rf'\[tcp thread {number}\] recv\(fd \d+\) -> 8 bytes '
                                  rf'"caller {number - 1}"')

    def test_other_models_print_no_descriptor_note(self):
        for model in ("iterative", "epoll"):
            with self.subTest(model=model):
                err = self.traced_calls(model, 1)
                self.assertNotIn("descriptor table", err)


class TcpTraceDepthTest(ServerTest):
    """--trace tells the seed's calls; --trace=detail adds the engineering."""

    LESSON = (r"\[tcp server\] listen\(fd \d+", r"\[tcp server\] epoll_wait\(\)",
              r"\[tcp server\] accept\(fd \d+\)", r'\[tcp server\] recv\(fd \d+\) -> 2 bytes "hi"',
              r'\[tcp server\] send\(fd \d+, 2 bytes\) -> 2 "HI"', r"\[tcp server\] close\(fd \d+\)",
              r"\[tcp client\] connect\(fd \d+", r'\[tcp client\] send\(fd \d+, 2 bytes\) -> 2 "hi"')
    DETAIL = (r"\[tcp server\] setsockopt\(fd \d+, SO_REUSEADDR\) -> 0",
              r"\[tcp server\] fcntl\(fd \d+, F_SETFL, O_NONBLOCK\) -> 0",
              r"\[tcp server\] epoll_ctl\(epfd \d+, ADD, fd \d+, EPOLLIN\) -> 0",
              r"\[tcp server\] epoll_ctl\(epfd \d+, DEL, fd \d+\) -> 0",
              r"\[tcp client\] fcntl\(fd \d+, F_SETFL, O_NONBLOCK\) -> 0")

    def traced(self, flag):
        """One message through an epoll server and a client, both run with
        flag; returns their stderr together."""
        srv = self.start([BIN, "server", "-p", "0", flag, "--model", "epoll"])
        r = run("client", "-p", str(srv.port), "-m", "hi", flag)
        self.assertEqual((r.returncode, r.stdout), (0, b"HI\n"), r.stderr)
        self.assertEqual(srv.stop(), 0)
        return srv.stderr() + r.stderr.decode()

    def test_detail_lines_appear_only_with_trace_detail(self):
        lesson, detail = self.traced("--trace"), self.traced("--trace=detail")
        for pattern in self.LESSON:
            self.assertRegex(lesson, pattern)
            self.assertRegex(detail, pattern)
        for pattern in self.DETAIL:
            self.assertNotRegex(lesson, pattern)
            self.assertRegex(detail, pattern)

    def test_a_bad_trace_value_is_refused_naming_both_forms(self):
        for command in (["server", "-p", "0"], ["client", "-p", "9", "-m", "x"]):
            for value in ("loud", "", "DETAIL", "lesson"):
                with self.subTest(command=command[0], value=value):
                    r = run(*command, f"--trace={value}")
                    self.assert_one_line_error(r, 2, f"tcp-demo {command[0]}")
                    self.assertIn(b"--trace (", r.stderr)
                    self.assertIn(b"--trace=detail (", r.stderr)


class TcpInteractiveTest(ServerTest):
    """The client on a terminal: each typed line is sent, its answer printed."""

    def test_typed_lines_are_answered_and_trace_is_coloured(self):
        srv = self.start([BIN, "server", "-p", "0"])
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(BIN, [BIN, "client", "-p", str(srv.port), "--trace"])
        try:
            os.write(fd, b"dream is handsome\n")
            seen = harness.read_until(fd, b"DREAM IS HANDSOME", 10)
            self.assertIn(b"DREAM IS HANDSOME", seen)
            seen += harness.read_until(fd, b"tcp-demo> ", 10)
            self.assertEqual(seen.count(b"tcp-demo> "), 2, "a prompt at the start, one an answer")
            self.assertIn(b"\033[36m[tcp client]", seen, "trace is coloured on a terminal")
            os.write(fd, b"\x04")  # Ctrl-D: end of input, then a half-close
            seen += harness.read_until(fd, b"hung up", 10)
            self.assertIn(b"SHUT_WR", seen)
        finally:
            _, status = wait_or_kill(pid)
            os.close(fd)
        self.assertEqual(status, 0)

    def on_a_terminal(self, args, env_changes, until=None, then=None):
        """Run tcp-demo args on a pseudo-terminal with env_changes (None
        removes a variable); after until appears, call then(output, pid).
        Returns everything it printed there, once it has exited."""
        env = dict(os.environ, TERM="xterm")
        env.pop("NO_COLOR", None)
        for name, value in env_changes.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        pid, fd = pty.fork()
        if pid == 0:
            os.execve(BIN, [BIN, *args], env)
        try:
            seen = b""
            if until is not None:
                seen = harness.read_until(fd, until, 10)
                self.assertIn(until, seen)
                then(seen, pid)
            seen += harness.read_until(fd, b"\0never", 10)  # up to the end: EOF (EIO) on a pty
        finally:
            _, status = wait_or_kill(pid)
            os.close(fd)
        self.assertEqual(status, 0, seen)
        return seen

    def test_each_role_has_its_colour_on_a_terminal(self):
        seen = self.on_a_terminal([], {})
        self.assertIn(b"\033[36m[tcp client]\033[0m send(", seen)
        self.assertIn(b"\033[32m[tcp server]\033[0m recv(", seen)

    def test_no_colour_with_no_color_or_a_dumb_terminal(self):
        for change in ({"NO_COLOR": "1"}, {"TERM": "dumb"}):
            with self.subTest(change=change):
                seen = self.on_a_terminal([], change)
                self.assertIn(b"[tcp client] send(", seen)
                self.assertNotIn(b"\033[", seen)

    def test_no_colour_in_a_pipe(self):
        r = subprocess.run([BIN], capture_output=True, timeout=30, stdin=subprocess.DEVNULL,
                           env=dict(os.environ, TERM="xterm"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"[tcp client] send(", r.stderr)
        self.assertNotIn(b"\033[", r.stderr)

    def test_children_and_threads_have_their_own_colours(self):
        for model, label in (("fork", rb"\033\[33m\[tcp child \d+\]\033\[0m recv\("),
                             ("thread", rb"\033\[35m\[tcp thread 1\]\033\[0m recv\(")):
            with self.subTest(model=model):
                def call_then_stop(seen, pid):
                    port = int(re.search(rb"listening on \S+:(\d+)", seen).group(1))
                    with harness.connect(port) as sock:
                        sock.sendall(b"hello")
                        self.assertEqual(sock.recv(16), b"HELLO")
                    time.sleep(0.2)  # the child's or thread's close() line
                    os.kill(pid, signal.SIGINT)
                seen = self.on_a_terminal(["server", "-p", "0", "--trace", "--model", model], {},
                                          b"listening on", call_then_stop)
                self.assertRegex(seen, label)
                self.assertRegex(seen, rb"\033\[32m\[tcp server\]\033\[0m accept\(")

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
