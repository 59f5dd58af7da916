"""udp-demo's command line: the demo, boundaries, --help, exit codes."""
import os
import socket
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import ServerTest  # noqa: E402
import harness  # noqa: E402

BIN = None

BOUNDARIES = """\
Three writes, back to back: "dream" " is" " handsome"

TCP (SOCK_STREAM, a byte stream): the receiver reads once all three have arrived
  recv() #1 -> 17 bytes "dream is handsome"
  recv() #2 -> 0 (end of stream)
  3 writes, 1 read of data: TCP keeps no message boundaries.

UDP (SOCK_DGRAM, datagrams): the receiver reads once all three were sent
  recvfrom() #1 -> 5 bytes "dream"
  recvfrom() #2 -> 3 bytes " is"
  recvfrom() #3 -> 9 bytes " handsome"
  3 writes, 3 reads: each datagram keeps its boundaries.
"""


def run(*args, timeout=60):
    return subprocess.run([BIN, *args], capture_output=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


class UdpCliTest(ServerTest):
    def test_the_narration_reads_the_same_on_every_run(self):
        harness.assert_same_story(self, run)

    def test_no_arguments_plays_the_seed_exchange_then_boundaries(self):
        r = run()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.decode(), "DREAM IS HANDSOME\n\n" + BOUNDARIES)
        err = r.stderr.decode()
        for step in ("[udp server] socket(AF_INET, SOCK_DGRAM)", "[udp server] bind(",
                     "[udp client] connect(", "[udp client] send(fd", '"dream is handsome"',
                     "[udp server] recvfrom(fd", "[udp server] sendto(fd", '"DREAM IS HANDSOME"',
                     "[udp client] recv(fd", "[udp server] close("):
            self.assertIn(step, err)
        self.assertNotIn("[udp server] listen(", err, "a datagram server does not listen")
        self.assertNotIn("[udp server] accept(", err)

    def test_boundaries_tcp_merges_udp_keeps_three(self):
        for _ in range(5):  # the same every time, not by luck of timing
            r = run("boundaries")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.decode(), BOUNDARIES)

    def test_help_on_every_command(self):
        for args in (["--help"], ["-h"], ["server", "--help"], ["client", "--help"],
                     ["ping", "--help"], ["ping", "-h"], ["boundaries", "--help"],
                     ["multicast", "--help"], ["multicast", "send", "--help"],
                     ["multicast", "listen", "-h"]):
            r = run(*args)
            self.assertEqual(r.returncode, 0, args)
            self.assertIn(b"usage: udp-demo", r.stdout, args)

    def test_unknown_command_or_flag_exits_2(self):
        for args in (["frobnicate"], ["server", "--bogus"], ["client", "-x"], ["ping", "-z"],
                     ["boundaries", "--bogus"], ["multicast"], ["multicast", "shout"],
                     ["multicast", "send", "--bogus"], ["server", "extra"]):
            self.assert_one_line_error(run(*args), 2, "udp-demo")

    def test_bad_values_exit_2(self):
        for args in (["server", "-p", "70000"], ["server", "-p", "abc"], ["server", "-p"],
                     ["server", "--mode", "lower"], ["server", "--drop", "101"],
                     ["server", "--drop", "-1"], ["server", "--drop", "ten"],
                     ["server", "--dup", "101"], ["server", "--dup", "-1"],
                     ["server", "--dup", "half"], ["server", "--dup"],
                     ["server", "--reorder", "101"], ["server", "--reorder", "-5"],
                     ["server", "--reorder", "2x"], ["server", "--reorder", ""],
                     ["server", "--seed", "x"], ["client", "-p", "0"], ["client", "-t", "0"],
                     ["ping", "-c", "0"], ["ping", "-s", "19"], ["ping", "-s", "65528"],
                     ["ping", "-i", "-5"], ["ping", "-t", "abc"],
                     ["multicast", "send", "--group", "10.0.0.1"],
                     ["multicast", "listen", "--group", "::1"],
                     ["multicast", "send", "--ttl", "256"],
                     ["multicast", "listen", "-m", "x"]):
            self.assert_one_line_error(run(*args), 2, "udp-demo")

    def test_ping_size_over_the_ipv4_limit_is_a_clear_error(self):
        r = run("ping", "-s", "65508", "-c", "1")
        self.assert_one_line_error(r, 2, "udp-demo")
        self.assertIn(b"65507", r.stderr)

    def test_port_in_use_exits_1(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            r = run("server", "-p", str(s.getsockname()[1]))
            self.assert_one_line_error(r, 1, "udp-demo")
            self.assertIn(b"Address already in use", r.stderr)

    def test_unknown_host_exits_1(self):
        for cmd in (["client", "-m", "x"], ["ping", "-c", "1"], ["server"]):
            # A 64-byte label is not a valid DNS name: the resolver fails without
            # sending a query, so the test stays off the network.
            self.assert_one_line_error(run(*cmd, "-H", "a" * 64 + ".invalid"), 1, "udp-demo")

    def test_refused_exits_1(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        r = run("client", "-p", str(port), "-m", "hello")  # nothing bound: ICMP unreachable
        self.assert_one_line_error(r, 1, "udp-demo")
        self.assertIn(b"refused", r.stderr)

    def test_refused_with_trace_names_the_same_error(self):
        # the trace line is written between the failed recv() and the error
        # line: it must leave the call's errno for the error to name
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        r = run("client", "-p", str(port), "-m", "hello", "--trace")
        self.assertEqual(r.returncode, 1, r.stderr)
        lines = r.stderr.decode().splitlines()
        self.assertRegex(r.stderr.decode(), r"recv\(fd \d+\) -> -1 \(Connection refused\)")
        self.assertRegex(lines[-1], r"^udp-demo client: recv: Connection refused")

    def traced_exchange(self, *flags, message, timeout_ms):
        """One client message to a server run with --trace and flags: the
        client's output, then the server's stderr once it has stopped."""
        srv = self.start([BIN, "server", "-p", "0", "--trace", *flags])
        r = run("client", "-p", str(srv.port), "-m", message, "-t", str(timeout_ms))
        self.assertEqual(srv.stop(), 0)
        return r.stdout, srv.stderr()

    def test_trace_detail_adds_the_batches_to_each_datagram(self):
        for flag, detail in (("--trace", False), ("--trace=detail", True)):
            with self.subTest(flag=flag):
                srv = self.start([BIN, "server", "-p", "0", flag])
                r = run("client", "-p", str(srv.port), "-m", "hi", flag)
                self.assertEqual(r.stdout, b"HI\n", r.stderr)
                self.assertEqual(srv.stop(), 0)
                err = srv.stderr()
                self.assertRegex(err, r'recvfrom\(fd \d+\) -> 2 bytes from 127\.0\.0\.1:\d+ "hi"')
                self.assertRegex(err, r'sendto\(fd \d+, 2 bytes, 127\.0\.0\.1:\d+\) -> 2 "HI"')
                self.assertRegex(r.stderr.decode(), r'\[udp client\] recv\(fd \d+\) -> 2 bytes "HI"')
                for pattern in (r"recvmmsg\(fd \d+, \d+ slots, MSG_WAITFORONE\) -> 1 datagrams",
                                r"sendmmsg\(fd \d+, 1 replies\) -> 1 datagrams",
                                r"setsockopt\(fd \d+, SO_RCVBUF, SO_SNDBUF",
                                r"recvmmsg\(\)/sendmmsg\(\): recvfrom\(\)/sendto\(\) for up to"):
                    (self.assertRegex if detail else self.assertNotRegex)(err, pattern)

    def test_a_bad_trace_value_is_refused(self):
        for command in (["server"], ["client", "-m", "x"], ["ping", "-c", "1"], ["boundaries"],
                        ["multicast", "listen"]):
            with self.subTest(command=command[0]):
                r = run(*command, "--trace=loud")
                self.assert_one_line_error(r, 2, "udp-demo")
                self.assertIn(b"--trace=detail", r.stderr)

    def test_trace_narrates_the_server(self):
        out, err = self.traced_exchange("--drop", "100", "--seed", "1", message="lost",
                                        timeout_ms=100)
        self.assertEqual(out, b"no reply within 100 ms\n")
        self.assertIn("[udp server] recvfrom(fd", err)
        self.assertIn('from 127.0.0.1:', err)
        self.assertIn("dropped on purpose (--drop)", err)
        self.assertIn("1 datagrams received, 0 answered, 1 dropped", err)

    def test_trace_narrates_dup_and_reorder(self):
        out, err = self.traced_exchange("--dup", "100", "--reorder", "100", message="late",
                                        timeout_ms=1000)
        self.assertEqual(out, b"LATE\n")  # held, then sent when no later answer came
        self.assertIn("held back on purpose (--reorder): it goes out after the next answer", err)
        self.assertIn("no later answer came, sent now", err)
        self.assertIn("sent again on purpose (--dup)", err)
        self.assertIn("1 datagrams received, 1 answered", err)
        self.assertIn("; 1 sent twice (--dup), 0 sent after a later answer (--reorder)", err)

if __name__ == "__main__":
    harness.main_with_bin(__name__)
