"""Reading a server's lecture log (core/lecture.h): the line per caller it
prints on stdout after its ready line, and the rate limit on those lines."""
import os
import re
import select
import time

from harness import WAIT_S

BURST = 20       # LECTURE_BURST
PER_SECOND = 10  # LECTURE_PER_SECOND
HELD = re.compile(r"^\.\.\. (\d+) more lines? not shown \(at most 10 a second\)$")


class LectureLog:
    """The stdout of a started harness.Server, past its ready line, read
    straight from the pipe (the server's pipes are unbuffered)."""

    def __init__(self, server):
        self.server = server
        self.fd = server.proc.stdout.fileno()
        self.text = ""
        self.stderr = ""

    def _read(self, timeout):
        ready, _, _ = select.select([self.fd], [], [], timeout)
        data = os.read(self.fd, 1 << 16) if ready else b""
        self.text += data.decode(errors="replace")
        return bool(data)

    def wait_for(self, pattern):
        """The first line matching pattern, read within WAIT_S; fails if none."""
        deadline = time.monotonic() + WAIT_S
        while True:
            for line in self.text.splitlines():
                if re.search(pattern, line):
                    return line
            left = deadline - time.monotonic()
            if left <= 0 or (not self._read(left) and self.server.proc.poll() is not None):
                raise AssertionError(f"no line matching {pattern!r} in {self.text!r}")

    def stop(self, test):
        """Stop the server (SIGTERM, exit 0) and return every line it
        printed; what it printed on stderr is then in self.stderr."""
        code = self.server.stop()
        self.stderr = self.server.stderr()
        test.assertEqual(code, 0, self.stderr)
        while self._read(WAIT_S):
            pass
        return self.text.splitlines()


    def assert_silent(self, test):
        """Give a line time to come, were one coming; then stop the server
        and check that it printed none."""
        time.sleep(0.2)
        test.assertEqual(self.stop(test), [])


def held_count(lines):
    """The lines the log says it held back, added up."""
    return sum(int(m.group(1)) for m in map(HELD.match, lines) if m)


def assert_rate_limited(test, lines, pattern, events, seconds):
    """A flood of events callers, seconds long, printed at most a burst and
    PER_SECOND a second of lines matching pattern; the counts of held-back
    lines make up the rest exactly."""
    shown = [line for line in lines if re.search(pattern, line)]
    test.assertGreaterEqual(len(shown), BURST, lines)
    test.assertLessEqual(len(shown), BURST + PER_SECOND * seconds + 1, lines)
    test.assertEqual(len(shown) + held_count(lines), events, lines)
