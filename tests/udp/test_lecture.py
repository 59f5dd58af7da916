"""udp-demo server's lecture log: a line per datagram with its sender, what
it said and the answer (a ping by its header), a dropped one said to be
dropped; none with --quiet or --trace; a flood held to the rate limit."""
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import ServerTest, WAIT_S, main_with_bin  # noqa: E402
from lecture import LectureLog, assert_rate_limited  # noqa: E402

BIN = None


def ask(sock, port, message):
    """Send one datagram and wait for its answer."""
    sock.sendto(message, ("127.0.0.1", port))
    return sock.recv(65536)


class UdpLectureTest(ServerTest):
    def server(self, *extra):
        srv = self.start([BIN, "server", "-H", "127.0.0.1", "-p", "0", *extra])
        return srv, LectureLog(srv)

    def udp_socket(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(WAIT_S)
        self.addCleanup(s.close)
        return s

    def test_datagram_line_names_the_sender_and_the_answer(self):
        srv, log = self.server()
        s = self.udp_socket()
        self.assertEqual(ask(s, srv.port, b"dream is handsome"), b"DREAM IS HANDSOME")
        me = s.getsockname()[1]
        self.assertEqual(log.wait_for(f":{me}"),
                         f'datagram from 127.0.0.1:{me}: "dream is handsome" -> '
                         '"DREAM IS HANDSOME"')

    def test_ping_datagrams_are_shown_by_their_header(self):
        srv, log = self.server()
        r = subprocess.run([BIN, "ping", "-p", str(srv.port), "-c", "2", "-i", "10"],
                           capture_output=True, timeout=WAIT_S)
        self.assertEqual(r.returncode, 0, r.stderr)
        line = log.wait_for(r"PING seq 1 ")
        self.assertRegex(line, r"^datagram from 127\.0\.0\.1:\d+: PING seq 1 \(56 bytes\) -> "
                               r"PONG seq 1 \(56 bytes\)$")

    def test_dropped_datagram_says_so(self):
        srv, log = self.server("--drop", "100")
        s = self.udp_socket()
        s.sendto(b"lost", ("127.0.0.1", srv.port))
        me = s.getsockname()[1]
        self.assertEqual(log.wait_for(f":{me}"),
                         f'datagram from 127.0.0.1:{me}: "lost", dropped on purpose (--drop)')

    def check_silent(self, *flags):
        srv, log = self.server(*flags)
        s = self.udp_socket()
        for _ in range(3):
            self.assertEqual(ask(s, srv.port, b"hush"), b"HUSH")
        self.assertEqual(log.stop(self), [])
        self.assertRegex(log.stderr, r"3 datagrams received")  # its report still comes

    def test_quiet_prints_nothing_per_datagram(self):
        self.check_silent("--quiet")

    def test_trace_prints_no_lecture_line(self):
        self.check_silent("--trace")

    def test_2000_datagrams_are_held_to_the_rate_limit_and_counted(self):
        srv, log = self.server()
        s = self.udp_socket()
        start = time.monotonic()
        for i in range(2000):
            self.assertEqual(ask(s, srv.port, b"f%d" % i), b"F%d" % i)
        lines = log.stop(self)
        received = int(re.search(r"(\d+) datagrams received", log.stderr).group(1))
        self.assertEqual(received, 2000)
        assert_rate_limited(self, lines, r"^datagram from ", 2000, time.monotonic() - start)


if __name__ == "__main__":
    main_with_bin(__name__)
