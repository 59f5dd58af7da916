"""The classroom across two hosts: the lecturer's machine runs the four
servers, a student's machine runs every client against it.

The two hosts are network namespaces joined by a veth pair, a wire of
their own: the lecturer has 10.200.N.1 (and a second address, .3), the
student 10.200.N.2, with N from this process's PID. Nothing here touches
an address outside the two namespaces. What loopback cannot show shows
here: a client on another host, passive and active FTP across machines
(the server announces --pasv-address), multicast leaving one host and
arriving at another, and a server with two addresses.

Needs root and `ip netns`; without them it exits 77, which ctest counts as
skipped. Every process it starts is killed by PID and both namespaces are
deleted, pass or fail."""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import Netns, NetnsUnavailable, Server, WAIT_S  # noqa: E402

SKIP = 77  # ctest's SKIP_RETURN_CODE for this test
BIN = {}  # "tcp", "udp", "http", "ftp": the four programs
WWW = os.path.join(os.path.dirname(__file__), "..", "..", "www")

NET = f"10.200.{os.getpid() % 250 + 1}"  # private, and only inside the namespaces
LECTURER, STUDENT, SECOND = NET + ".1", NET + ".2", NET + ".3"
NET6 = f"fd00:200:{os.getpid() % 65536:x}:"  # a unique local /64, likewise
LECTURER6, STUDENT6 = NET6 + ":1", NET6 + ":2"

PORTS = {"tcp": 9000, "udp": 9001, "udp-lossy": 9002, "udp-dual": 9003, "http": 8080,
         "ftp": 2121, "multicast": 9100}
DROP, SEED = 30, 1  # the lossy UDP server's share of dropped datagrams
ROOM = None  # the Classroom the tests run in


class Classroom:
    """Two hosts on one wire, and the lecturer's servers."""

    def __init__(self):
        self.namespaces = []
        self.processes = []
        self.ftp_root = None
        self.lecturer = self.student = None

    def build(self):
        self.lecturer = Netns("lec")
        self.namespaces.append(self.lecturer)
        self.student = Netns("stu")
        self.namespaces.append(self.student)
        self.wire()
        self.ftp_root = tempfile.mkdtemp(prefix="netdemo-classroom-")
        with open(os.path.join(self.ftp_root, "notes.txt"), "wb") as f:
            f.write(b"lecture notes\n")
        with open(os.path.join(self.ftp_root, "big.bin"), "wb") as f:
            f.write(big_payload())
        self.start_servers()

    def wire(self):
        pid = os.getpid()
        self.lec_if, self.stu_if = f"ndl{pid}", f"nds{pid}"  # at most 15 characters
        # Both ends are made inside the namespaces: the host's own never sees them.
        self.lecturer.ip("link", "add", self.lec_if, "type", "veth", "peer", "name",
                         self.stu_if, "netns", self.student.name)
        for ns, ifname, addrs in ((self.lecturer, self.lec_if, (LECTURER, SECOND)),
                                  (self.student, self.stu_if, (STUDENT,))):
            for addr in addrs:
                ns.ip("addr", "add", addr + "/24", "dev", ifname)
        for ns, ifname, addr in ((self.lecturer, self.lec_if, LECTURER6),
                                 (self.student, self.stu_if, STUDENT6)):
            ns.ip("addr", "add", addr + "/64", "dev", ifname, "nodad")  # usable at once
            ns.ip("link", "set", "lo", "up")
            ns.ip("link", "set", ifname, "up")
            # No default route on this wire: multicast groups need one of their own.
            ns.ip("route", "add", "224.0.0.0/4", "dev", ifname)

    def start(self, ns, argv, **kw):
        """A program inside ns that prints 'listening on ...'; killed at the end."""
        server = Server(ns.argv(*argv), **kw)
        self.processes.append(server)
        return server

    def start_servers(self):
        lec, any4 = self.lecturer, "0.0.0.0"
        self.start(lec, [BIN["tcp"], "server", "-H", any4, "-p", str(PORTS["tcp"])])
        self.start(lec, [BIN["udp"], "server", "-H", any4, "-p", str(PORTS["udp"])])
        self.start(lec, [BIN["udp"], "server", "-H", any4, "-p", str(PORTS["udp-lossy"]),
                         "--drop", str(DROP), "--seed", str(SEED)])
        self.start(lec, [BIN["udp"], "server", "-H", "::", "-p", str(PORTS["udp-dual"])])
        self.start(lec, [BIN["http"], "server", "-H", any4, "-p", str(PORTS["http"]),
                         "-r", WWW])
        self.start(lec, [BIN["ftp"], "server", "-H", any4, "-p", str(PORTS["ftp"]),
                         "-r", self.ftp_root, "--user", "student:secret", "--anonymous",
                         "--write", "--pasv-address", LECTURER])

    def tear_down(self):
        for proc in self.processes:
            proc.kill()  # by PID (its process group), waited for
        for ns in self.namespaces:
            ns.delete()
        if self.ftp_root:
            shutil.rmtree(self.ftp_root, ignore_errors=True)


def big_payload():
    return bytes(range(256)) * 4096 + b"end"  # 1 MiB and a bit: many segments


def student(*argv, stdin=None, timeout=60, cwd=None):
    """Run argv on the student's host; bounded by timeout."""
    return subprocess.run(ROOM.student.argv(*argv), input=stdin, capture_output=True,
                          timeout=timeout, cwd=cwd)


def curl(*args):
    return student("curl", "-sS", "--max-time", "30", *args)


def lftp(script, passive=True):
    cmds = ("set cmd:fail-exit yes; set net:max-retries 1; set net:timeout 10; "
            f"set ftp:passive-mode {'on' if passive else 'off'}; "
            f"open -u student,secret -p {PORTS['ftp']} {LECTURER}; {script}")
    return student("lftp", "-c", cmds)


class ClassroomTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="netdemo-student-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def ok(self, r):
        self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))
        return r.stdout

    def write_local(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def uploaded(self, name):
        with open(os.path.join(ROOM.ftp_root, name), "rb") as f:
            return f.read()

    # --- TCP: the phone call ---------------------------------------------------

    def test_phone_call_over_tcp(self):
        out = self.ok(student(BIN["tcp"], "client", "-H", LECTURER, "-p", str(PORTS["tcp"]),
                              "-m", "dream is handsome"))
        self.assertEqual(out, b"DREAM IS HANDSOME\n")

    def test_tcp_client_streams_a_pipe_and_half_closes(self):
        lines = b"".join(b"line %d of the lecture\n" % i for i in range(2000))
        out = self.ok(student(BIN["tcp"], "client", "-H", LECTURER, "-p", str(PORTS["tcp"]),
                              stdin=lines))
        self.assertEqual(out, lines.upper())

    # --- UDP ---------------------------------------------------------------------

    def test_udp_client_and_ping(self):
        udp = str(PORTS["udp"])
        out = self.ok(student(BIN["udp"], "client", "-H", LECTURER, "-p", udp,
                              "-m", "dream is handsome"))
        self.assertEqual(out, b"DREAM IS HANDSOME\n")
        out = self.ok(student(BIN["udp"], "ping", "-H", LECTURER, "-p", udp, "-c", "3",
                              "-i", "10")).decode()
        self.assertIn("3 datagrams sent, 3 received, 0.0% lost", out)
        self.assertEqual(len(re.findall(rf"^56 bytes from {re.escape(LECTURER)}:{udp}: seq=",
                                        out, re.M)), 3)

    def test_udp_ping_larger_than_the_wire_arrives_in_fragments(self):
        out = self.ok(student(BIN["udp"], "ping", "-H", LECTURER, "-p", str(PORTS["udp"]),
                              "-c", "3", "-i", "10", "-s", "8000")).decode()
        self.assertIn("3 datagrams sent, 3 received, 0.0% lost", out)

    def test_udp_ping_reports_the_loss_of_a_lossy_server(self):
        out = self.ok(student(BIN["udp"], "ping", "-H", LECTURER, "-p",
                              str(PORTS["udp-lossy"]), "-c", "60", "-i", "0", "-t", "300"))
        m = re.search(rb"60 datagrams sent, (\d+) received, ([\d.]+)% lost", out)
        self.assertIsNotNone(m, out)
        received, lost = int(m.group(1)), float(m.group(2))
        self.assertGreater(received, 0, "no reply came back")
        self.assertLess(received, 60, "nothing was lost")
        self.assertAlmostEqual(lost, 100 * (60 - received) / 60, places=1)

    def test_udp_reliable_ping_delivers_everything_through_the_loss(self):
        out = self.ok(student(BIN["udp"], "ping", "--reliable", "-H", LECTURER, "-p",
                              str(PORTS["udp-lossy"]), "-c", "100", "-i", "0", "-t", "50"))
        self.assertIn(b"100 messages delivered in order, each exactly once", out)
        self.assertRegex(out, rb"\d+ transmissions, [1-9]\d* retransmissions")

    def test_udp_server_with_two_addresses_answers_from_the_one_asked(self):
        """The client's socket is connected to SECOND, and the route back
        would leave from LECTURER, the wire's first address."""
        for port in (PORTS["udp"], PORTS["udp-dual"]):
            with self.subTest(port=port):
                out = self.ok(student(BIN["udp"], "client", "-H", SECOND, "-p", str(port),
                                      "-m", "second address"))
                self.assertEqual(out, b"SECOND ADDRESS\n")
                out = self.ok(student(BIN["udp"], "ping", "-H", SECOND, "-p", str(port), "-c",
                                      "2", "-i", "10"))
                self.assertIn(b"2 datagrams sent, 2 received", out)

    def test_udp_over_ipv6_to_a_dual_stack_server(self):
        port = str(PORTS["udp-dual"])
        out = self.ok(student(BIN["udp"], "client", "-H", LECTURER6, "-p", port, "-m", "six"))
        self.assertEqual(out, b"SIX\n")
        out = self.ok(student(BIN["udp"], "ping", "-H", LECTURER6, "-p", port, "-c", "2",
                              "-i", "10"))
        self.assertIn(f"from [{LECTURER6}]:{port}".encode(), out)

    def multicast(self, sender, listener_ns, listeners, send_if=None, listen_if=None):
        port = str(PORTS["multicast"])
        opts = ["--if", listen_if] if listen_if else []
        procs = [ROOM.start(listener_ns, [BIN["udp"], "multicast", "listen", "-p", port,
                                          "-c", "2", *opts])
                 for _ in range(listeners)]
        for p in procs:
            self.addCleanup(p.kill)
        opts = ["--if", send_if] if send_if else []
        self.ok(subprocess.run(sender.argv(BIN["udp"], "multicast", "send", "-p", port, *opts,
                                           "-m", "one", "-m", "two"),
                               capture_output=True, timeout=WAIT_S))
        heard = []
        for p in procs:
            p.proc.wait(timeout=WAIT_S)
            heard.append(p.proc.stdout.read().decode())
        return heard

    def test_multicast_from_the_lecturer_reaches_every_student_listener(self):
        for out in self.multicast(ROOM.lecturer, ROOM.student, 2):
            self.assertRegex(out, rf"from {re.escape(LECTURER)}:\d+: one\n"
                                  rf"from {re.escape(LECTURER)}:\d+: two\n")

    def test_multicast_from_a_student_reaches_the_lecturer(self):
        for out in self.multicast(ROOM.student, ROOM.lecturer, 1, send_if=STUDENT,
                                  listen_if=LECTURER):
            self.assertRegex(out, rf"from {re.escape(STUDENT)}:\d+: one\n")

    # --- HTTP --------------------------------------------------------------------

    def test_http_get_and_curl_fetch_the_site(self):
        with open(os.path.join(WWW, "index.html"), "rb") as f:
            index = f.read()
        url = f"http://{LECTURER}:{PORTS['http']}/"
        self.assertEqual(self.ok(student(BIN["http"], "get", url)), index)
        self.assertEqual(self.ok(curl(url)), index)
        head = self.ok(student(BIN["http"], "get", "-I", url))
        self.assertRegex(head, rb"^HTTP/1\.1 200 OK\r?\n")

    def test_http_echo_sees_the_student_host(self):
        url = f"http://{LECTURER}:{PORTS['http']}/echo"
        for r in (student(BIN["http"], "get", url), curl(url)):
            out = self.ok(r)
            self.assertIn(f'<code id="peer">{STUDENT}:'.encode(), out)
            self.assertIn(f"Host: {LECTURER}:{PORTS['http']}".encode(), out)

    # --- FTP ---------------------------------------------------------------------

    def ftp_url(self, path, user="student:secret"):
        return f"ftp://{user}@{LECTURER}:{PORTS['ftp']}/{path}"

    def test_ftp_native_get_and_put_passive_and_active(self):
        data = big_payload()
        for mode in ((), ("--active",)):
            with self.subTest(mode=mode or "passive"):
                name = f"put-native{'-active' if mode else ''}.bin"
                out = self.ok(student(BIN["ftp"], "get", self.ftp_url("big.bin"), "-o", "-",
                                      *mode))
                self.assertEqual(out, data)
                self.write_local(name, data)
                self.ok(student(BIN["ftp"], "put", name, self.ftp_url(""), *mode, cwd=self.tmp))
                self.assertEqual(self.uploaded(name), data)

    def test_ftp_native_interactive_client_passive_and_active(self):
        for mode in ((), ("--active",)):
            with self.subTest(mode=mode or "passive"):
                script = b"secret\nls\nget notes.txt got.txt\nquit\n"
                out = self.ok(student(BIN["ftp"], "client", LECTURER, "-p", str(PORTS["ftp"]),
                                      "-u", "student", *mode, stdin=script, cwd=self.tmp))
                self.assertIn(b"notes.txt", out)
                self.assertIn(b"226 ", out)
                with open(os.path.join(self.tmp, "got.txt"), "rb") as f:
                    self.assertEqual(f.read(), b"lecture notes\n")
                os.remove(os.path.join(self.tmp, "got.txt"))

    def test_ftp_curl_passive_announces_the_pasv_address(self):
        data = big_payload()
        self.assertEqual(self.ok(curl("--ftp-pasv", self.ftp_url("big.bin"))), data)  # EPSV
        r = curl("-v", "--ftp-pasv", "--disable-epsv", self.ftp_url("big.bin"))  # PASV
        self.assertEqual(self.ok(r), data)
        self.assertRegex(r.stderr.decode(), r"227 Entering Passive Mode \(" +
                         LECTURER.replace(".", ",") + r",\d+,\d+\)")
        src = self.write_local("up.bin", data)
        self.ok(curl("--ftp-pasv", "-T", src, self.ftp_url("put-curl-pasv.bin")))
        self.assertEqual(self.uploaded("put-curl-pasv.bin"), data)

    def test_ftp_curl_active_connects_back_to_the_student(self):
        data = big_payload()
        for extra in ((), ("--disable-eprt",)):  # EPRT, then PORT
            with self.subTest(extra=extra or "EPRT"):
                r = curl("-v", "-P", STUDENT, *extra, self.ftp_url("big.bin"))
                self.assertEqual(self.ok(r), data)
                command = "PORT" if extra else "EPRT"
                self.assertRegex(r.stderr.decode(), rf"> {command} ")
        src = self.write_local("up.bin", data)
        self.ok(curl("-P", STUDENT, "-T", src, self.ftp_url("put-curl-active.bin")))
        self.assertEqual(self.uploaded("put-curl-active.bin"), data)

    def test_ftp_curl_anonymous_lists_the_root(self):
        out = self.ok(curl("-l", f"ftp://{LECTURER}:{PORTS['ftp']}/"))
        self.assertIn(b"notes.txt", out.split())

    def test_ftp_lftp_passive_and_active(self):
        data = big_payload()
        for passive in (True, False):
            with self.subTest(passive=passive):
                name = f"put-lftp-{'pasv' if passive else 'active'}.bin"
                got = os.path.join(self.tmp, "got.bin")
                self.ok(lftp(f"ls; get big.bin -o {got}", passive))
                with open(got, "rb") as f:
                    self.assertEqual(f.read(), data)
                self.ok(lftp(f"put {got} -o {name}", passive))
                self.assertEqual(self.uploaded(name), data)
                os.remove(got)


def main():
    global ROOM
    ap = argparse.ArgumentParser()
    for name in ("tcp", "udp", "http", "ftp"):
        ap.add_argument(f"--{name}", required=True, help=f"the {name}-demo program")
    args, rest = ap.parse_known_args()
    BIN.update({name: os.path.abspath(getattr(args, name)) for name in ("tcp", "udp", "http",
                                                                        "ftp")})
    # A test run that is stopped still cleans up: SIGTERM unwinds through finally.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    ROOM = Classroom()
    try:
        try:
            ROOM.build()
        except NetnsUnavailable as e:
            print(f"lan_classroom: skipped: {e}", file=sys.stderr)
            return SKIP
        result = unittest.main(argv=[sys.argv[0], *rest], exit=False, verbosity=2).result
        return 0 if result.wasSuccessful() else 1
    finally:
        ROOM.tear_down()


if __name__ == "__main__":
    sys.exit(main())
