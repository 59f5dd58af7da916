"""tcp-demo integration tests: the real server, one concurrency model per
run, driven by raw Python sockets and by the native client."""
import argparse
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import ServerTest, connect, cpu_seconds, exchange, WAIT_S  # noqa: E402

BIN = None
MODEL = None


def upper(data):
    return bytes(b - 32 if 97 <= b <= 122 else b for b in data)


def payload(size, seed=1):
    return random.Random(seed).randbytes(size)


class TcpServerTest(ServerTest):
    def server(self, *extra, host="127.0.0.1"):
        return self.start([BIN, "server", "-H", host, "-p", "0", "--model", MODEL, *extra])

    def client(self, port, stdin=b"", *extra, host="127.0.0.1", timeout=60):
        port_args = ["-p", str(port)] if port else []
        return subprocess.run([BIN, "client", "-H", host, *port_args, *extra],
                              input=stdin, capture_output=True, timeout=timeout)

    # --- byte-exact payloads ------------------------------------------------

    def check_payload(self, size, mode="upper"):
        srv = self.server("--mode", mode)
        data = payload(size)
        with connect(srv.port) as s:
            got = exchange(s, data)
        self.assertEqual(len(got), size)
        self.assertEqual(got, upper(data) if mode == "upper" else data)

    def test_payload_0_bytes_then_clean_close(self):
        srv = self.server()
        with connect(srv.port) as s:
            s.shutdown(socket.SHUT_WR)
            self.assertEqual(s.recv(1), b"")

    def test_payload_1_byte(self):
        self.check_payload(1)

    def test_payload_1_mib_upper(self):
        self.check_payload(1 << 20)

    def test_payload_64_mib_echo_byte_exact(self):
        self.check_payload(64 << 20, mode="echo")

    def test_discard_mode_takes_everything_and_answers_nothing(self):
        srv = self.server("--mode", "discard")
        with connect(srv.port) as s:
            s.sendall(payload(4 << 20))
            s.shutdown(socket.SHUT_WR)  # done: the server hangs up in turn
            self.assertEqual(s.recv(1 << 16), b"", "a discard server says nothing")

    def test_upper_mode_changes_only_ascii_letters(self):
        srv = self.server()
        data = bytes(range(256)) + "dream 是 handsome".encode()
        with connect(srv.port) as s:
            self.assertEqual(exchange(s, data), upper(data))

    # --- the native client --------------------------------------------------

    def test_seed_exchange_with_native_client(self):
        srv = self.server()
        r = self.client(srv.port, b"", "-m", "dream is handsome")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"DREAM IS HANDSOME\n")

    def test_client_sends_several_messages_in_order(self):
        srv = self.server()
        r = self.client(srv.port, b"", "-m", "one", "-m", "two", "-m", "three")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"ONE\nTWO\nTHREE\n")

    def test_client_pipe_half_closes_and_prints_every_reply(self):
        srv = self.server()
        r = self.client(srv.port, b"hello\nworld\n", "--trace")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"HELLO\nWORLD\n")
        self.assertIn(b"shutdown(fd", r.stderr)
        self.assertIn(b"SHUT_WR", r.stderr)

    def test_client_pipe_streams_8_mib_byte_exact(self):
        srv = self.server("--mode", "echo")
        data = payload(8 << 20, seed=7)
        r = self.client(srv.port, data)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, data)

    # --- addresses ----------------------------------------------------------

    def test_ipv6_loopback(self):
        srv = self.server(host="::1")
        with connect(srv.port, host="::1", family=socket.AF_INET6) as s:
            self.assertEqual(exchange(s, b"over ipv6"), b"OVER IPV6")
        r = self.client(srv.port, b"", "-m", "v6 client", host="::1")
        self.assertEqual(r.stdout, b"V6 CLIENT\n", r.stderr)

    def test_dual_stack_any_address_accepts_ipv4(self):
        srv = self.server(host="::")
        with connect(srv.port) as s:
            self.assertEqual(exchange(s, b"v4 to ::"), b"V4 TO ::")

    def test_an_ipv4_caller_on_an_ipv6_socket_is_explained_once(self):
        srv = self.server("--trace", host="::")
        for _ in range(2):
            with connect(srv.port) as s:
                self.assertEqual(exchange(s, b"hi"), b"HI")
        self.assertEqual(srv.stop(), 0)
        err = srv.stderr()
        self.assertEqual(err.count("is an IPv4 caller on an IPv6 socket"), 1, err)
        self.assertEqual(err.count("peer [::ffff:127.0.0.1]:"), 2, err)

    def test_unix_socket(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "tcp.sock")
            srv = self.start([BIN, "server", "-H", "unix:" + path, "--model", MODEL])
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(WAIT_S)
                s.connect(path)
                self.assertEqual(exchange(s, b"af_unix"), b"AF_UNIX")
            r = self.client(None, b"", "-m", "native", host="unix:" + path)
            self.assertEqual(r.stdout, b"NATIVE\n", r.stderr)
            self.assertEqual(srv.stop(), 0)
            self.assertFalse(os.path.exists(path), "the socket file is removed at exit")

    # --- robustness ---------------------------------------------------------

    def test_client_vanishing_mid_message_leaves_server_serving(self):
        srv = self.server()
        for _ in range(20):
            s = connect(srv.port)
            s.sendall(payload(200000))
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            s.close()  # RST, with replies still in flight
        with connect(srv.port) as s:
            self.assertEqual(exchange(s, b"still here"), b"STILL HERE")
        self.assertTrue(srv.alive())

    def test_1000_clients_connect_and_vanish(self):
        srv = self.server()
        for _ in range(10):
            socks = [connect(srv.port) for _ in range(100)]
            for s in socks:
                s.close()
        with connect(srv.port) as s:
            self.assertEqual(exchange(s, b"after the storm"), b"AFTER THE STORM")
        self.assertTrue(srv.alive())

    def test_out_of_fds_pauses_then_recovers(self):
        def low_fd_limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (24, 24))

        srv = self.start([BIN, "server", "-p", "0", "--model", MODEL], preexec_fn=low_fd_limit)
        held = [connect(srv.port) for _ in range(40)]  # more than the server can accept
        time.sleep(1)  # let the server hit EMFILE
        cpu_before = cpu_seconds(srv.proc.pid)
        time.sleep(1)
        spent = cpu_seconds(srv.proc.pid) - cpu_before
        self.assertLess(spent, 0.5, "the server spins on a listener it cannot accept from")
        for s in held:
            s.close()
        with connect(srv.port) as s:
            self.assertEqual(exchange(s, b"fds again"), b"FDS AGAIN")

    def test_sigterm_stops_cleanly_with_a_client_connected(self):
        srv = self.server()
        s = connect(srv.port)
        self.assertEqual(exchange(s, b"hi"), b"HI")
        self.assertEqual(srv.stop(), 0)
        s.settimeout(WAIT_S)
        self.assertEqual(s.recv(1), b"", "the open connection was closed")
        s.close()

    def test_sigterm_stops_promptly_while_a_client_does_not_read(self):
        srv = self.server("--mode", "echo")
        s = connect(srv.port)
        s.setblocking(False)
        sent = 0
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:  # fill both directions' buffers
            try:
                sent += s.send(b"x" * 65536)
            except BlockingIOError:
                if sent > 0:
                    break
                time.sleep(0.01)
        time.sleep(0.2)  # the server is now stuck sending to a client that never reads
        self.assertEqual(srv.stop(timeout=5), 0, "the server exits 0 within 5 s")
        s.close()

    def test_concurrent_clients(self):
        if MODEL not in ("thread", "epoll", "fork"):
            self.skipTest("the iterative model serves one client at a time by design")
        count = 200 if MODEL in ("thread", "epoll") else 50
        srv = self.server()
        socks = [connect(srv.port) for _ in range(count)]  # all open at once
        errors = []

        def talk(i, s):
            try:
                data = payload(4096 + i, seed=i)
                if exchange(s, data) != upper(data):
                    errors.append(f"client {i}: wrong reply")
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(f"client {i}: {e}")
            finally:
                s.close()

        threads = [threading.Thread(target=talk, args=(i, s)) for i, s in enumerate(socks)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(WAIT_S * 3)
        self.assertFalse(any(t.is_alive() for t in threads), "a client hung")
        self.assertEqual(errors, [])

    def test_iterative_serves_the_second_caller_after_the_first(self):
        if MODEL != "iterative":
            self.skipTest("only the iterative model queues callers")
        srv = self.server()
        first = connect(srv.port)
        self.assertEqual(exchange(first, b"first"), b"FIRST")
        second = connect(srv.port)  # waits in the backlog
        second.sendall(b"second")
        second.settimeout(0.3)
        with self.assertRaises(socket.timeout):
            second.recv(16)
        first.close()
        second.settimeout(WAIT_S)
        self.assertEqual(second.recv(16), b"SECOND")
        second.close()


def main():
    global BIN, MODEL
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--model", required=True)
    args, rest = parser.parse_known_args()
    BIN, MODEL = args.bin, args.model
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)


if __name__ == "__main__":
    main()
