"""netdemo's lecture log: the four servers' lines per caller, each begun
with its server's label as netdemo's other lines are; none with --quiet."""
import argparse
import ftplib
import os
import socket
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import test_netdemo  # noqa: E402
from harness import WAIT_S, ServerTest  # noqa: E402
from lecture import LectureLog  # noqa: E402
from test_netdemo import ANSWER, PHONE, Netdemo  # noqa: E402

PASSWORD = "never-shown-77"


class NetdemoLectureTest(ServerTest):
    def netdemo(self, *extra):
        nd = Netdemo([test_netdemo.program("netdemo"), "--tcp", "0", "--udp", "0", "--http", "0",
                      "--ftp", "0", *extra])
        self.addCleanup(nd.kill)
        return nd, LectureLog(nd)

    def call_all_four(self, nd):
        """One caller on each server; returns each one's local port."""
        with socket.create_connection(("127.0.0.1", nd.ports["tcp"]), timeout=WAIT_S) as s:
            s.sendall(PHONE)
            self.assertEqual(s.recv(64), ANSWER)
            tcp = s.getsockname()[1]
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(WAIT_S)
            s.sendto(PHONE, ("127.0.0.1", nd.ports["udp"]))
            self.assertEqual(s.recv(64), ANSWER)
            udp = s.getsockname()[1]
        r, _ = nd.get("/echo")
        self.assertEqual(r.status, 200)
        f = ftplib.FTP()
        f.connect("127.0.0.1", nd.ports["ftp"], timeout=WAIT_S)
        f.login("anonymous", PASSWORD)
        ftp = f.sock.getsockname()[1]
        f.quit()
        return tcp, udp, ftp

    def test_each_server_line_is_labelled(self):
        nd, log = self.netdemo()
        tcp, udp, ftp = self.call_all_four(nd)
        log.wait_for("^FTP ")
        lines = log.stop(self)
        said = f'"{PHONE.decode()}" -> "{ANSWER.decode()}"'
        self.assertIn(f"TCP   call from 127.0.0.1:{tcp}: {said}", lines)
        self.assertIn(f"UDP   datagram from 127.0.0.1:{udp}: {said}", lines)
        self.assertRegex("\n".join(lines), r"(?m)^HTTP  connection from 127\.0\.0\.1:\d+: "
                                           r"GET /echo -> 200$")
        self.assertIn(f"FTP   session from 127.0.0.1:{ftp}: logged in as anonymous", lines)
        self.assertEqual(len(lines), 4, lines)
        self.assertNotIn(PASSWORD, log.text + log.stderr)

    def check_silent(self, *flags):
        nd, log = self.netdemo(*flags)
        self.call_all_four(nd)
        log.assert_silent(self)

    def test_quiet_prints_no_line_per_caller(self):
        self.check_silent("--quiet")

    def test_trace_prints_no_lecture_line(self):
        self.check_silent("--trace")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="the folder with netdemo")
    args, rest = parser.parse_known_args()
    test_netdemo.BIN = os.path.abspath(args.bin)
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)


if __name__ == "__main__":
    main()
