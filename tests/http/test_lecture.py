"""http-demo server's lecture log: a line per connection with the peer, its
first request and the status; a kept-alive connection's later requests add
none; none with --quiet or --trace; a flood held to the rate limit."""
import http.client
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import ServerTest, WAIT_S, main_with_bin  # noqa: E402
from lecture import LectureLog, assert_rate_limited  # noqa: E402

BIN = None


class HttpLectureTest(ServerTest):
    def server(self, *extra):
        srv = self.start([BIN, "server", "-H", "127.0.0.1", "-p", "0", "--workers", "2", *extra])
        return srv, LectureLog(srv)

    def get(self, conn, path):
        conn.request("GET", path)
        r = conn.getresponse()
        r.read()
        return r.status

    def connection(self, port):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT_S)
        self.addCleanup(conn.close)
        conn.connect()
        return conn, conn.sock.getsockname()[1]

    def test_first_request_and_status_name_the_connection(self):
        srv, log = self.server()
        conn, me = self.connection(srv.port)
        self.assertEqual(self.get(conn, "/echo"), 200)
        self.assertEqual(self.get(conn, "/no-such-page"), 404)  # kept alive: no line
        conn.close()
        other, them = self.connection(srv.port)
        self.assertEqual(self.get(other, "/no-such-page"), 404)
        log.wait_for(f":{them}:")
        lines = log.stop(self)
        self.assertEqual(lines, [f"connection from 127.0.0.1:{me}: GET /echo -> 200",
                                 f"connection from 127.0.0.1:{them}: GET /no-such-page -> 404"])

    def test_a_request_that_does_not_parse_is_told_by_its_status(self):
        srv, log = self.server()
        with socket.create_connection(("127.0.0.1", srv.port), timeout=WAIT_S) as s:
            me = s.getsockname()[1]
            s.sendall(b"GET / HTTP/1.1\r\nno colon here\r\n\r\n")
            self.assertRegex(s.recv(64), rb"^HTTP/1\.1 400 ")
        self.assertEqual(log.wait_for(f":{me}:"),
                         f"connection from 127.0.0.1:{me}: a request it could not parse -> 400")

    def check_silent(self, *flags):
        srv, log = self.server(*flags)
        conn, _ = self.connection(srv.port)
        self.assertEqual(self.get(conn, "/echo"), 200)
        conn.close()
        log.assert_silent(self)

    def test_quiet_prints_nothing_per_connection(self):
        self.check_silent("--quiet")

    def test_trace_prints_no_lecture_line(self):
        self.check_silent("--trace")

    def test_200_connections_are_held_to_the_rate_limit_and_counted(self):
        srv, log = self.server()
        start = time.monotonic()
        for _ in range(200):
            conn, _ = self.connection(srv.port)
            self.assertEqual(self.get(conn, "/echo"), 200)
            conn.close()
        lines = log.stop(self)
        assert_rate_limited(self, lines, r"^connection from 127\.0\.0\.1:\d+: GET /echo -> 200$",
                            200, time.monotonic() - start)


if __name__ == "__main__":
    main_with_bin(__name__)
