"""tcp-demo server's lecture log, one concurrency model per run: a line per
caller with its address, its first message and the answer; none with
--quiet or --trace; a flood of callers held to the rate limit and counted."""
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import ServerTest, connect, exchange, main_with_bin  # noqa: E402
from lecture import LectureLog, assert_rate_limited, held_count  # noqa: E402

BIN = None
MODEL = None


class TcpLectureTest(ServerTest):
    def server(self, *extra):
        srv = self.start([BIN, "server", "-H", "127.0.0.1", "-p", "0", "--model", MODEL, *extra])
        return srv, LectureLog(srv)

    def test_first_message_line_names_the_caller_and_the_answer(self):
        srv, log = self.server()
        with connect(srv.port) as s:
            me = s.getsockname()[1]
            self.assertEqual(exchange(s, b"dream is handsome"), b"DREAM IS HANDSOME")
            self.assertEqual(exchange(s, b"again"), b"AGAIN")
        log.wait_for(f"127.0.0.1:{me}")
        lines = log.stop(self)
        self.assertEqual(
            [line for line in lines if line.startswith("call from")],
            [f'call from 127.0.0.1:{me}: "dream is handsome" -> "DREAM IS HANDSOME"'],
            "one line a connection, at its first message")

    def test_caller_that_says_nothing_is_named(self):
        srv, log = self.server()
        with connect(srv.port) as s:
            me = s.getsockname()[1]
        self.assertEqual(log.wait_for(f":{me}"),
                         f"call from 127.0.0.1:{me}: hung up without a word")

    def test_discard_mode_shows_no_answer(self):
        srv, log = self.server("--mode", "discard")
        with connect(srv.port) as s:
            me = s.getsockname()[1]
            s.sendall(b"into the void")
            s.shutdown(socket.SHUT_WR)
            self.assertEqual(s.recv(16), b"")
        self.assertEqual(log.wait_for(f":{me}"), f'call from 127.0.0.1:{me}: "into the void"')

    def check_silent(self, *flags):
        srv, log = self.server(*flags)
        for _ in range(3):
            with connect(srv.port) as s:
                self.assertEqual(exchange(s, b"hush"), b"HUSH")
        with connect(srv.port):
            pass
        log.assert_silent(self)

    def test_quiet_prints_nothing_per_caller(self):
        self.check_silent("--quiet")

    def test_trace_prints_no_lecture_line(self):
        self.check_silent("--trace")

    def test_200_callers_are_held_to_the_rate_limit_and_counted(self):
        srv, log = self.server()
        start = time.monotonic()
        for _ in range(200):
            with connect(srv.port) as s:
                self.assertEqual(exchange(s, b"x"), b"X")
        lines = log.stop(self)
        assert_rate_limited(self, lines, r"^call from 127\.0\.0\.1:\d+: ", 200,
                            time.monotonic() - start)
        self.assertGreater(held_count(lines), 0)
        self.assertTrue(all(re.match(r'call from 127\.0\.0\.1:\d+: "x" -> "X"$|\.\.\. ', line)
                            for line in lines), lines)


if __name__ == "__main__":
    main_with_bin(__name__, "model")
