"""netdemo, the four servers in one process, against their own clients and
outside ones: curl, ftplib and raw Python sockets.

Each test starts netdemo on free ports (port 0 for all four, read back
from the lines it prints) and checks what the lecturer's hub relies on:
the replies, the counters of GET /stats, and the trace events of GET
/events, call by call, connection by connection. Then the edges: the
stream's filter, resume and limits, a port in use, a clean stop under
load with every model's children gone, bad usage, and -H 0.0.0.0 inside
a pair of network namespaces the test makes (root only).

Traffic stays on loopback or inside those namespaces. Every netdemo is
stopped with SIGTERM (exit 0, no sanitizer report) and then killed by PID
when its test ends, pass or fail, and every wait is bounded. A fault
found in netdemo is an expected failure, with a comment naming where it
lies, until it is fixed.
"""
import argparse
import ftplib
import glob
import http.client
import json
import os
import re
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import Netns, NetnsUnavailable, Server, ServerTest, WAIT_S  # noqa: E402

BIN = None  # the folder with netdemo and the native clients (--bin)
SAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "ftp", "sample")
PHONE, ANSWER = b"dream is handsome", b"DREAM IS HANDSOME"
PASSWORD = "secret123"  # sent by ftplib; must never be shown
LINE = re.compile(r"^(TCP|UDP|HTTP|FTP)\s+[a-z]+://(\S+):(\d+)/?\s")
SERVICES = ("tcp", "udp", "http", "ftp")
HTTP_EVENTS_MAX = 64  # /events readers at once (http/http.h)


def program(name):
    return os.path.join(BIN, name)


def run(argv, timeout=WAIT_S, **kw):
    return subprocess.run(argv, capture_output=True, timeout=timeout,
                          stdin=kw.pop("stdin", subprocess.DEVNULL), **kw)


def curl(*args, timeout=WAIT_S):
    return run(["curl", "-sS", "--noproxy", "*", "--max-time", str(timeout), *args],
               timeout=timeout + WAIT_S)


class Netdemo(Server):
    """netdemo started with port 0 for all four (unless argv says otherwise);
    ports["tcp"] .. ports["ftp"] are the ones it printed."""

    def __init__(self, argv):
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     start_new_session=True)  # its own group: kill() reaches all
        self.lines, self.ports = [], {}
        try:
            for line in self._read_lines(time.monotonic() + WAIT_S):
                self.lines.append(line)
                m = LINE.match(line)
                if m:
                    self.host = m.group(2)
                    self.ports[m.group(1).lower()] = int(m.group(3))
                if line.startswith("Ctrl-C stops them all."):
                    break
            if sorted(self.ports) != sorted(SERVICES):
                raise AssertionError(f"netdemo did not start: {self.lines}")
        except BaseException:
            self.kill()
            raise

    def _read_lines(self, deadline):
        """stdout's lines as they come (unbuffered: select() sees the pipe)."""
        fd, pending = self.proc.stdout.fileno(), b""
        while time.monotonic() < deadline:
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                yield line.decode(errors="replace")
            ready, _, _ = select.select([fd], [], [], max(0, deadline - time.monotonic()))
            chunk = os.read(fd, 4096) if ready else b""
            if not chunk:
                return
            pending += chunk

    def get(self, path, host="127.0.0.1", headers=None, method="GET"):
        conn = http.client.HTTPConnection(host, self.ports["http"], timeout=WAIT_S)
        try:
            conn.request(method, path, headers=headers or {})
            r = conn.getresponse()
            return r, r.read()
        finally:
            conn.close()

    def stats(self):
        r, body = self.get("/stats")
        assert r.status == 200, r.status
        return {s["name"]: s for s in json.loads(body)}


def http_head(sock, deadline):
    """Read a response head from a raw socket: (status, head text, rest)."""
    data = b""
    while b"\r\n\r\n" not in data:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    text = head.decode(errors="replace")
    m = re.match(r"HTTP/1\.[01] (\d{3})", text)
    return (int(m.group(1)) if m else None), text, rest


def open_stream(port, query="", headers="", rcvbuf=None, method="GET"):
    """A raw socket that has sent GET /events; the caller reads the head."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.settimeout(WAIT_S)
    sock.connect(("127.0.0.1", port))
    sock.sendall(f"{method} /events{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n"
                 .encode())
    return sock


class EventReader:
    """An /events reader: a thread reads the stream (each read bounded) and
    parses its Server-Sent Events into dicts {"id", "event", "data"}."""

    def __init__(self, port, query="", headers="", limit_s=60):
        self.sock = open_stream(port, query, headers)
        self.status, self.head, rest = http_head(self.sock, time.monotonic() + WAIT_S)
        self.raw = bytearray(rest)
        self.events, self.lock, self.done = [], threading.Lock(), threading.Event()
        self.eof, self.error = False, None
        self._parse()
        self.thread = threading.Thread(target=self._read, args=(limit_s,), daemon=True)
        self.thread.start()

    def _read(self, limit_s):
        deadline = time.monotonic() + limit_s
        self.sock.settimeout(0.1)
        while not self.done.is_set() and time.monotonic() < deadline:
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                break
            if not chunk:
                self.eof = True
                break
            with self.lock:
                self.raw += chunk
                try:
                    self._parse()
                except ValueError as e:  # not JSON: wait_for says so
                    self.error = f"{e} in {bytes(self.raw[-300:])!r}"
                    break

    def _parse(self):
        text = bytes(self.raw).decode(errors="replace")
        blocks = text.split("\n\n")
        parsed = []
        for block in blocks[:-1]:  # the last may be unfinished
            ev = {"id": None, "event": "message", "data": None}
            for line in block.split("\n"):
                field, _, value = line.partition(": ")
                if field == "id":
                    ev["id"] = int(value)
                elif field == "event":
                    ev["event"] = value
                elif field == "data":
                    ev["data"] = json.loads(value)
            if ev["data"] is not None:
                parsed.append(ev)
        self.events = parsed

    def snapshot(self):
        with self.lock:
            return [e for e in self.events if e["event"] == "message"], bytes(self.raw)

    def wait_for(self, pred, timeout=WAIT_S, what="an event"):
        """Wait until pred(list of message events' data) holds; returns the list."""
        deadline = time.monotonic() + timeout
        while True:
            events = [e["data"] for e in self.snapshot()[0]]
            if self.error:
                raise AssertionError(f"the stream is not Server-Sent Events: {self.error}")
            if pred(events):
                return events
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} within {timeout}s; last: {events[-5:]}")
            time.sleep(0.02)

    def close(self):
        self.done.set()
        self.thread.join(timeout=WAIT_S)
        self.sock.close()


def calls(events, conn):
    return [e for e in events if e["conn"] == conn]


def tcp_phone_call(port, message=PHONE):
    """The phone call over a raw socket: send, read the answer, hang up.
    Returns (what came back, the socket's own address)."""
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT_S) as s:
        me = "%s:%d" % s.getsockname()
        s.sendall(message)
        got = b""
        while len(got) < len(message):
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
        s.shutdown(socket.SHUT_WR)
        while s.recv(4096):  # the server closes after our half-close
            pass
    return got, me


def children_of_group(pgid, field=2):
    """PIDs of live (non-zombie) processes in process group pgid (or, with
    field=3, in session pgid)."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, pgrp = fields[0], int(fields[field])
        if pgrp == pgid and state != "Z":
            found.append(int(name))
    return found


class NetdemoTest(ServerTest):
    def netdemo(self, *args, ports=True, prefix=()):
        argv = [*prefix, program("netdemo")]
        if ports:
            argv += ["--tcp", "0", "--udp", "0", "--http", "0", "--ftp", "0"]
        srv = Netdemo([*argv, *args])
        self.addCleanup(srv.kill)  # whatever happens, by PID
        self.addCleanup(self.stopped_cleanly, srv)  # first, while it still runs
        return srv

    def stopped_cleanly(self, srv):
        """Every netdemo a test started ends with SIGTERM: exit 0 and, in the
        sanitizer build, no report on stderr."""
        if not srv.alive():
            return
        rc = srv.stop(timeout=5)
        err = srv.stderr() if rc is not None else ""
        self.assertEqual(rc, 0, f"netdemo did not stop cleanly: {err}")
        self.assertNotIn("Sanitizer", err)
        self.assertNotIn("runtime error:", err)

    def reader(self, srv, query="", headers=""):
        rd = EventReader(srv.ports["http"], query, headers)
        self.addCleanup(rd.close)
        self.assertEqual(rd.status, 200, rd.head)
        return rd

    def following(self, srv, rd):
        """Make sure the ring records: a request, and its events arrive.
        Keeps what /netdemo.json said in self.about."""
        r, body = srv.get("/netdemo.json")
        self.assertEqual(r.status, 200)
        self.assertRegex(r.getheader("Content-Type"), r"^application/json")
        self.about = json.loads(body)
        rd.wait_for(lambda evs: any(e["server"] == "http" and
                                    e["preview"].startswith("GET /netdemo.json") for e in evs),
                    what="event of the probe request")

    def hundred_calls(self, srv):
        """100 phone calls (500 events) seen by a reader; the last id."""
        rd = self.reader(srv)
        self.following(srv, rd)
        for _ in range(100):
            tcp_phone_call(srv.ports["tcp"])
        return rd.wait_for(lambda evs: sum(e["call"] == "close" and e["server"] == "tcp"
                                           for e in evs) == 100, what="100 calls")[-1]["id"]
    def wait_open_http(self, srv, n, timeout=WAIT_S):
        """Wait until HTTP has n connections open (the /stats asking included)."""
        deadline, open_conns = time.monotonic() + timeout, None
        while time.monotonic() < deadline:
            open_conns = srv.stats()["http"]["conns_open"]
            if open_conns == n:
                return
            time.sleep(0.05)
        self.fail(f"HTTP has {open_conns} connections open, not {n}")

    def ok(self, r):
        self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))
        return r.stdout


class ExchangeTest(NetdemoTest):
    """Every server with its native client and an outside one; the stream
    and the counters tell the same story."""

    def test_each_server_answers_both_clients_and_events_and_stats_agree(self):
        srv = self.netdemo()
        p = srv.ports
        self.assertTrue(any(line.startswith("Hub ") for line in srv.lines), srv.lines)
        rd = self.reader(srv)
        self.following(srv, rd)  # HTTP request 2 (the stream is 1)
        version = self.ok(run([program("netdemo"), "--version"])).decode().split()[-1]
        self.assertEqual(self.about, {
            "version": version, "host": "127.0.0.1", "addresses": ["127.0.0.1"],
            "services": {"tcp": {"port": p["tcp"], "model": "epoll", "mode": "upper"},
                         "udp": {"port": p["udp"], "drop": 0}, "http": {"port": p["http"]},
                         "ftp": {"port": p["ftp"]}}})

        # TCP: the native client, then a raw socket.
        out = self.ok(run([program("tcp-demo"), "client", "-H", "127.0.0.1", "-p", str(p["tcp"]),
                           "-m", PHONE.decode()]))
        self.assertEqual(out, ANSWER + b"\n")
        got, tcp_me = tcp_phone_call(p["tcp"])
        self.assertEqual(got, ANSWER)

        # UDP: the native client, then a raw socket.
        out = self.ok(run([program("udp-demo"), "client", "-H", "127.0.0.1", "-p", str(p["udp"]),
                           "-m", PHONE.decode()]))
        self.assertEqual(out, ANSWER + b"\n")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.settimeout(WAIT_S)
            u.bind(("127.0.0.1", 0))
            udp_me = "%s:%d" % u.getsockname()
            u.sendto(PHONE, ("127.0.0.1", p["udp"]))
            reply, source = u.recvfrom(65536)
        self.assertEqual((reply, source), (ANSWER, ("127.0.0.1", p["udp"])))

        # HTTP: the native client and curl (requests 3 and 4).
        echo = f"http://127.0.0.1:{p['http']}/echo"
        self.assertIn(b"GET /echo", self.ok(run([program("http-demo"), "get", echo])))
        self.assertIn(b"GET /echo", self.ok(curl(echo)))

        # FTP: the native client, curl and ftplib with a password to hide.
        with open(os.path.join(SAMPLE, "readme.txt"), "rb") as f:
            readme = f.read()
        tmp = tempfile.mkdtemp(prefix="netdemo-test-")
        self.addCleanup(shutil.rmtree, tmp, True)
        out = self.ok(run([program("ftp-demo"), "client", "127.0.0.1", "-p", str(p["ftp"])],
                          input=b"ls\nget readme.txt\nquit\n", stdin=None, cwd=tmp))
        self.assertIn(b"readme.txt", out)
        with open(os.path.join(tmp, "readme.txt"), "rb") as f:
            self.assertEqual(f.read(), readme)
        self.assertEqual(self.ok(curl(f"ftp://127.0.0.1:{p['ftp']}/readme.txt")), readme)
        listing = self.ok(curl("-l", f"ftp://127.0.0.1:{p['ftp']}/")).decode().split()
        self.assertEqual(sorted(listing), sorted(os.listdir(SAMPLE)))
        ftp = ftplib.FTP()
        ftp.connect("127.0.0.1", p["ftp"], timeout=WAIT_S)
        ftp_me = "%s:%d" % ftp.sock.getsockname()
        ftp.login("anonymous", PASSWORD)
        parts = []
        ftp.retrbinary("RETR readme.txt", parts.append)
        self.assertEqual(b"".join(parts), readme)
        ftp.quit()

        # The last calls of each exchange are in the stream.
        events = rd.wait_for(
            lambda evs: any(e["peer"] == tcp_me and e["call"] == "close" for e in evs) and
            any(e["peer"] == ftp_me and e["call"] == "close" for e in evs),
            what="close of the raw TCP and ftplib connections")
        stats = srv.stats()  # HTTP request 5
        rd.close()
        _, raw = rd.snapshot()
        self.check_tcp(events, stats["tcp"], tcp_me)
        self.check_udp(events, stats["udp"], udp_me, p["udp"])
        self.check_http(events, stats["http"])
        self.check_ftp(events, stats["ftp"], ftp_me)
        self.assertNotIn(PASSWORD.encode(), raw)
        self.assertNotIn(PASSWORD.encode(), json.dumps(list(stats.values())).encode())
        ids = [e["id"] for e in events]
        self.assertEqual(ids, sorted(ids))
        self.assertEqual(len(ids), len(set(ids)))

    def check_tcp(self, events, stats, me):
        mine = [e for e in events if e["server"] == "tcp" and e["peer"] == me]
        self.assertTrue(mine, "no event of the raw TCP connection")
        conn = mine[0]["conn"]
        seq = [(e["call"], e["result"], e["bytes"], e["preview"])
               for e in calls(events, conn) if e["call"]]
        self.assertEqual(seq, [("accept", seq[0][1], 0, ""),
                               ("recv", 17, 17, PHONE.decode()),
                               ("send", 17, 17, ANSWER.decode()),
                               ("recv", 0, 0, ""),
                               ("close", 0, 0, "")])
        self.assertTrue(all(e["peer"] == me for e in calls(events, conn) if e["call"]))
        tcp_conns = {e["conn"] for e in events if e["server"] == "tcp" and e["call"] == "accept"}
        self.assertEqual(len(tcp_conns), 2, "each connection has its own id")
        self.assertEqual((stats["conns_total"], stats["conns_open"]), (2, 0), stats)
        self.assertEqual((stats["bytes_in"], stats["bytes_out"]), (34, 34), stats)
        self.assertEqual((stats["errors"], stats["dropped"]), (0, 0), stats)

    def check_udp(self, events, stats, me, port):
        mine = [(e["call"], e["bytes"], e["preview"]) for e in events
                if e["server"] == "udp" and e["peer"] == me and e["call"]]
        self.assertEqual(mine, [("recvfrom", 17, PHONE.decode()),
                                ("sendto", 17, ANSWER.decode())])
        self.assertEqual((stats["bytes_in"], stats["bytes_out"]), (34, 34), stats)
        self.assertEqual((stats["requests"], stats["errors"], stats["dropped"]), (2, 0, 0),
                         stats)

    def check_http(self, events, stats):
        gets = [e for e in events if e["server"] == "http" and e["call"] == "recv" and
                e["preview"].startswith("GET /echo")]
        self.assertEqual(len(gets), 2, "the native client's and curl's")
        self.assertNotEqual(gets[0]["conn"], gets[1]["conn"])
        # The stream, the probe, the two /echo and this /stats: one connection each.
        self.assertEqual((stats["requests"], stats["conns_total"]), (5, 5), stats)
        self.assertEqual(stats["errors"], 0, stats)

    def check_ftp(self, events, stats, me):
        session = [e for e in events if e["server"] == "ftp" and e["peer"] == me]
        self.assertTrue(session, "no event of the ftplib session")
        conn = session[0]["conn"]
        texts = [e["text"] for e in calls(events, conn)]
        self.assertTrue(any(t.startswith("C> USER anonymous") for t in texts), texts)
        self.assertIn("C> PASS <hidden>", texts)
        self.assertTrue(any(t.startswith("C> RETR readme.txt") for t in texts), texts)
        data = [e for e in events if e["server"] == "ftp" and e["parent"] == conn]
        self.assertTrue(data, "no event of the session's data connection")
        self.assertTrue(all(e["conn"] != conn for e in data))
        # a binary RETR: the file leaves by sendfile(), in one piece here
        self.assertEqual([e["call"] for e in data if e["call"]], ["accept", "sendfile", "close"])
        # The native client's session, curl's two and ftplib's; data
        # connections are not sessions.
        self.assertEqual((stats["conns_total"], stats["conns_open"]), (4, 0), stats)
        ftp_events = [e for e in events if e["server"] == "ftp"]
        self.assertGreaterEqual(stats["bytes_in"],
                                sum(e["bytes"] for e in ftp_events if e["call"] == "recv"), stats)
        control_out = sum(e["bytes"] for e in ftp_events if e["call"] == "send" and
                          e["text"].startswith("S> "))
        self.assertGreaterEqual(stats["bytes_out"], control_out + 3 * 121, stats)
        self.assertEqual(stats["errors"], 0, stats)

    def test_the_phone_call_reads_the_same_in_every_model(self):
        for model in ("iterative", "fork", "thread", "epoll"):
            with self.subTest(model=model):
                srv = self.netdemo("--model", model)
                rd = self.reader(srv)
                self.following(srv, rd)
                self.assertEqual(self.about["services"]["tcp"]["model"], model)
                got, me = tcp_phone_call(srv.ports["tcp"])
                self.assertEqual(got, ANSWER)
                events = rd.wait_for(lambda evs: any(e["peer"] == me and e["call"] == "close"
                                                     for e in evs), what="the close")
                conn = [e for e in events if e["peer"] == me][0]["conn"]
                self.assertEqual([(e["call"], e["bytes"]) for e in calls(events, conn)],
                                 [("accept", 0), ("recv", 17), ("send", 17), ("recv", 0),
                                  ("close", 0)])
                stats = srv.stats()["tcp"]
                self.assertEqual((stats["conns_total"], stats["bytes_in"], stats["bytes_out"]),
                                 (1, 17, 17), stats)
                self.stopped_cleanly(srv)

    def test_the_page_sees_the_engineering_only_at_trace_detail(self):
        """Each server feeds the page at its own --trace depth: the epoll
        model's epoll_ctl calls join the phone call's lesson only in a
        netdemo run with --trace=detail."""
        for flags, detail in (((), False), (("--trace=detail",), True)):
            with self.subTest(flags=flags):
                srv = self.netdemo("--model", "epoll", *flags)
                rd = self.reader(srv)
                self.following(srv, rd)
                got, me = tcp_phone_call(srv.ports["tcp"])
                self.assertEqual(got, ANSWER)
                events = rd.wait_for(lambda evs: any(e["peer"] == me and e["call"] == "close"
                                                     for e in evs), what="the close")
                conn = [e for e in events if e["peer"] == me][0]["conn"]
                seq = [e["call"] for e in calls(events, conn)]
                lesson = ["accept", "recv", "send", "recv", "close"]
                if detail:
                    self.assertIn("epoll_ctl", seq)
                    seq = [c for c in seq if c not in ("epoll_ctl", "")]  # "": a detail note
                self.assertEqual(seq, lesson)
                self.stopped_cleanly(srv)

    def test_the_commands_it_prints_work_as_printed(self):
        for host in ("127.0.0.1", "::1"):
            with self.subTest(host=host):
                srv = self.netdemo("-H", host)
                shown = f"[{host}]" if ":" in host else host
                tried = 0
                for line in srv.lines:
                    m = re.search(r"  ((tcp|udp|ftp)-demo client .*?) \(C/S", line)
                    if not m:
                        continue
                    argv = shlex.split(m.group(1))
                    self.assertIn(shown, argv, line)
                    out = self.ok(run([program(argv[0]), *argv[1:]], input=b"ls\nquit\n",
                                      stdin=None))
                    self.assertIn(b"readme.txt" if m.group(2) == "ftp" else ANSWER + b"\n", out)
                    tried += 1
                self.assertEqual(tried, 3, srv.lines)
                self.assertIn(f"HTTP  http://{shown}:{srv.ports['http']}/  open in a browser (B/S)",
                              srv.lines)
                self.stopped_cleanly(srv)

    def test_udp_drop_shows_each_lost_datagram(self):
        srv = self.netdemo("--drop", "100")
        self.assertTrue(any(line.startswith("UDP ") and "100% dropped" in line
                            for line in srv.lines), srv.lines)
        rd = self.reader(srv)
        self.following(srv, rd)
        self.assertEqual(self.about["services"]["udp"]["drop"], 100)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind(("127.0.0.1", 0))
            me = "%s:%d" % u.getsockname()
            for i in range(5):
                u.sendto(b"lost %d" % i, ("127.0.0.1", srv.ports["udp"]))
            events = rd.wait_for(lambda evs: sum(e["call"] == "drop" for e in evs) == 5,
                                 what="five drop events")
            u.settimeout(0.2)
            with self.assertRaises(socket.timeout):
                u.recvfrom(100)  # nothing came back
        mine = [e for e in events if e["server"] == "udp" and e["peer"] == me]
        self.assertEqual([e["call"] for e in mine if e["call"]], ["recvfrom", "drop"] * 5)
        stats = srv.stats()["udp"]
        self.assertEqual((stats["dropped"], stats["bytes_in"], stats["bytes_out"]),
                         (5, 30, 0), stats)

    def test_bytes_a_peer_sends_stay_inside_their_event(self):
        """Quotes, backslashes, line ends, NUL, invalid UTF-8, U+2028 and a
        closing script tag: each event is still one valid JSON data line."""
        srv = self.netdemo()
        rd = self.reader(srv)
        self.following(srv, rd)
        hostile = (b'a"b\\c\nd\re\x00f\x01g\xff\xfeh\xe2\x80\xa8i</script>\x7f' +
                   "\u00e9\u20ac".encode())
        got, me = tcp_phone_call(srv.ports["tcp"], hostile)
        self.assertEqual(got, hostile.upper())
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.settimeout(WAIT_S)
            u.bind(("127.0.0.1", 0))
            udp_me = "%s:%d" % u.getsockname()
            u.sendto(hostile, ("127.0.0.1", srv.ports["udp"]))
            self.assertEqual(u.recvfrom(100)[0], hostile.upper())
        srv.get("/echo?" + "x" * 100, headers={"X-Note": 'say "hi"\\'})
        events = rd.wait_for(
            lambda evs: any(e["peer"] == me and e["call"] == "close" for e in evs) and
            any(e["peer"] == udp_me and e["call"] == "sendto" for e in evs) and
            any(e["preview"].startswith("GET /echo?x") for e in evs), what="the hostile calls")
        rd.close()
        events, raw = rd.snapshot()
        blocks = raw.split(b"\n\n")
        self.assertEqual(blocks[-1], b"")
        for block in blocks[:-1]:  # exactly an id line and a data line each
            lines = block.split(b"\n")
            self.assertEqual(len(lines), 2, block)
            self.assertRegex(lines[0], rb"^id: \d+$")
            self.assertTrue(lines[1].startswith(b"data: {"), block)
        text, upper = hostile.decode(errors="replace"), hostile.upper().decode(errors="replace")
        for peer, call, preview in ((me, "recv", text), (me, "send", upper),
                                    (udp_me, "recvfrom", text), (udp_me, "sendto", upper)):
            mine = [e["data"] for e in events if e["data"]["peer"] == peer and
                    e["data"]["call"] == call and e["data"]["bytes"] > 0]
            self.assertEqual(len(mine), 1, (peer, call))
            self.assertEqual((mine[0]["bytes"], mine[0]["preview"]), (len(hostile), preview))

    def test_the_ring_records_only_while_someone_follows(self):
        srv = self.netdemo()
        _, unseen = tcp_phone_call(srv.ports["tcp"])  # nobody follows: not recorded
        rd = self.reader(srv)
        self.following(srv, rd)
        _, seen = tcp_phone_call(srv.ports["tcp"])
        rd.wait_for(lambda evs: any(e["peer"] == seen and e["call"] == "close" for e in evs),
                    what="the followed call")
        rd.close()
        self.wait_open_http(srv, 1)  # the server has seen the reader go: only /stats is open
        # While a request can turn into a stream (see test_keep_alive_...),
        # the /stats just asked may follow the ring until its close is seen.
        time.sleep(0.05)
        _, unseen_after = tcp_phone_call(srv.ports["tcp"])
        again = self.reader(srv)  # its backlog: what was recorded before it came
        self.following(srv, again)
        events = again.snapshot()[0]
        peers = {e["data"]["peer"] for e in events}
        self.assertIn(seen, peers)
        self.assertNotIn(unseen, peers)
        self.assertNotIn(unseen_after, peers)
        ids = [e["id"] for e in events]
        self.assertEqual(ids, list(range(ids[0], ids[0] + len(ids))), "ids have gaps")
        self.assertEqual(srv.stats()["tcp"]["conns_total"], 3)

    def test_a_new_reader_gets_a_backlog_of_at_most_256(self):
        srv = self.netdemo()
        last = self.hundred_calls(srv)
        late = self.reader(srv)
        events = late.wait_for(lambda evs: any(e["id"] >= last for e in evs), what="backlog")
        before = [e for e in events if e["id"] <= last]
        self.assertLessEqual(len(before), 256)
        self.assertGreaterEqual(len(before), 250)  # the reader's own accept and request at most
        ids = [e["id"] for e in events]
        self.assertEqual(ids, list(range(ids[0], ids[0] + len(ids))), "ids have gaps")

    def test_the_password_is_hidden_however_it_is_spelled(self):
        """In the stream and in --trace on stderr, whatever case or spacing
        the PASS command comes in."""
        srv = self.netdemo("--trace")
        rd = self.reader(srv)
        self.following(srv, rd)
        ftp = ftplib.FTP()
        ftp.connect("127.0.0.1", srv.ports["ftp"], timeout=WAIT_S)
        ftp.login("anonymous", PASSWORD)
        ftp.quit()
        peers = []
        for command in (b"pass ", b"Pass ", b"PASS  ", b"PASS "):
            with socket.create_connection(("127.0.0.1", srv.ports["ftp"]), timeout=WAIT_S) as s:
                peers.append("%s:%d" % s.getsockname())
                replies = s.makefile("rb")
                replies.readline()  # 220
                s.sendall(b"USER anonymous\r\n")
                self.assertTrue(replies.readline().startswith(b"331"))
                s.sendall(command + PASSWORD.encode() + b"\r\n")
                self.assertTrue(replies.readline().startswith(b"230"), command)
                s.sendall(b"QUIT\r\n")
                replies.readline()
        events = rd.wait_for(lambda evs: all(any(e["peer"] == p and e["call"] == "close"
                                                 for e in evs) for p in peers),
                             what="the closes of the sessions")
        for peer in peers:
            texts = [e["text"] for e in events if e["peer"] == peer]
            self.assertIn("C> PASS <hidden>", texts)
        rd.close()
        self.assertNotIn(PASSWORD.encode(), rd.snapshot()[1])
        self.assertEqual(srv.stop(), 0)
        err = srv.stderr()
        self.assertEqual(err.count("PASS <hidden>"), 5, err)
        self.assertNotIn(PASSWORD, err)

    def ftplib_session(self, srv, rd):
        """An ftplib session that fetches readme.txt; returns its events and
        its address."""
        ftp = ftplib.FTP()
        ftp.connect("127.0.0.1", srv.ports["ftp"], timeout=WAIT_S)
        me = "%s:%d" % ftp.sock.getsockname()
        ftp.login("anonymous", PASSWORD)
        ftp.retrbinary("RETR readme.txt", lambda _: None)
        ftp.quit()
        events = rd.wait_for(lambda evs: any(e["peer"] == me and e["call"] == "close"
                                             for e in evs), what="close of the session")
        return events, me

    # A command's recv event counts its line without the LF
    # (ftp/control.c, ctrl_trace_command gets the line's length), while a
    # reply's send event counts the CRLF: "USER anonymous\r\n" shows as 15
    # bytes, and the events of a session add up to less than bytes_in.
    def test_ftp_command_events_count_every_byte_received(self):
        srv = self.netdemo()
        rd = self.reader(srv)
        self.following(srv, rd)
        events, me = self.ftplib_session(srv, rd)
        got = [e["bytes"] for e in events if e["peer"] == me and e["call"] == "recv"]
        sent = [len(line) + 2 for line in ("USER anonymous", "PASS " + PASSWORD, "TYPE I",
                                           "PASV", "RETR readme.txt", "QUIT")]
        self.assertEqual(got, sent)
        self.assertEqual(srv.stats()["ftp"]["bytes_in"], sum(sent))

    # The hub draws every socket call, but a RETR's data connection shows
    # only its accept and close: the bytes go out through sendfile() in
    # ftp/cmd_transfer.c (send_binary) and through ftp_data_send() without a
    # trace event, so a reader cannot see the file leave.
    def test_ftp_data_connection_shows_the_bytes_it_sends(self):
        srv = self.netdemo()
        rd = self.reader(srv)
        self.following(srv, rd)
        events, me = self.ftplib_session(srv, rd)
        conn = [e for e in events if e["peer"] == me][0]["conn"]
        sent = [e for e in events if e["parent"] == conn and e["call"] in ("send", "sendfile")]
        self.assertEqual(sum(e["bytes"] for e in sent), 121)

class StreamTest(NetdemoTest):
    """GET /events: its filter, HEAD, resume, and the CSP on every answer."""

    def test_filter_head_and_resume(self):
        srv = self.netdemo()
        everything = self.reader(srv)
        udp_only = self.reader(srv, "?server=udp")
        self.assertIn("Content-Security-Policy: default-src 'self'", everything.head)
        self.following(srv, everything)
        tcp_phone_call(srv.ports["tcp"])
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.settimeout(WAIT_S)
            for i in range(3):
                u.sendto(b"ping %d" % i, ("127.0.0.1", srv.ports["udp"]))
                self.assertEqual(u.recvfrom(100)[0], b"PING %d" % i)
        srv.get("/echo")
        events = everything.wait_for(
            lambda evs: sum(e["call"] == "sendto" for e in evs) == 3 and
            any(e["preview"].startswith("GET /echo") for e in evs), what="the UDP replies")
        udp = udp_only.wait_for(lambda evs: sum(e["call"] == "sendto" for e in evs) == 3,
                                what="the UDP replies, filtered")
        self.assertTrue(udp)
        self.assertEqual({e["server"] for e in udp}, {"udp"})
        self.assertEqual([e["id"] for e in udp],
                         [e["id"] for e in events if e["server"] == "udp"])
        self.assertTrue({"tcp", "http"} <= {e["server"] for e in events})

        # An unknown server is refused; HEAD says what a GET would start.
        r, _ = srv.get("/events?server=bogus")
        self.assertEqual(r.status, 400)
        self.assertIsNotNone(r.getheader("Content-Security-Policy"))
        with open_stream(srv.ports["http"], method="HEAD") as sock:
            deadline = time.monotonic() + WAIT_S
            status, head, rest = http_head(sock, deadline)
            self.assertEqual(status, 200, head)
            self.assertRegex(head, r"(?im)^Content-Type: text/event-stream")
            self.assertIn("Content-Security-Policy:", head)
            while time.monotonic() < deadline:  # then the server closes: no stream
                chunk = sock.recv(4096)
                if not chunk:
                    break
                rest += chunk
            self.assertEqual(rest, b"")
        for path in ("/stats", "/netdemo.json", "/echo", "/nothing-here"):
            r, _ = srv.get(path)
            self.assertIsNotNone(r.getheader("Content-Security-Policy"), path)

        # A reader that comes back names the last id it saw and goes on from there.
        k = events[len(events) // 2]["id"]
        again = self.reader(srv, headers=f"Last-Event-ID: {k}\r\n")
        resumed = again.wait_for(lambda evs: len(evs) > 0, what="a resumed event")
        self.assertEqual(resumed[0]["id"], k + 1)
        self.assertEqual(resumed[0], [e for e in events if e["id"] == k + 1][0])


class ReadersTest(NetdemoTest):
    """The stream's limits: 64 readers, and a reader that stops reading."""

    def test_64_readers_then_503_and_a_freed_place_is_given_again(self):
        srv = self.netdemo()
        port, socks = srv.ports["http"], []
        self.addCleanup(lambda: [s.close() for s in socks])
        for i in range(HTTP_EVENTS_MAX):  # all asking at once, then each answered
            socks.append(open_stream(port))
        for i, sock in enumerate(socks):
            status, head, _ = http_head(sock, time.monotonic() + WAIT_S)
            self.assertEqual(status, 200, f"reader {i + 1}: {head}")
        with open_stream(port) as extra:
            status, head, _ = http_head(extra, time.monotonic() + WAIT_S)
            self.assertEqual(status, 503, head)
            self.assertIn("Content-Security-Policy:", head)
        r, _ = srv.get("/netdemo.json")  # the rest of the site still answers
        self.assertEqual(r.status, 200)
        r, _ = srv.get("/events", method="HEAD")  # a HEAD takes no place
        self.assertEqual(r.status, 200)
        socks.pop(0).close()
        deadline, status = time.monotonic() + WAIT_S, None
        while time.monotonic() < deadline:  # the server notices the hang-up soon
            sock = open_stream(port)
            status, head, _ = http_head(sock, deadline)
            if status == 200:
                socks.append(sock)
                break
            sock.close()
            time.sleep(0.05)
        self.assertEqual(status, 200, "a freed place was not given to a new reader")

    def test_a_reader_that_never_reads_is_dropped_and_stalls_nobody(self):
        srv = self.netdemo()
        port = srv.ports["http"]
        stalled = open_stream(port, rcvbuf=2048)
        self.addCleanup(stalled.close)
        status, head, _ = http_head(stalled, time.monotonic() + WAIT_S)
        self.assertEqual(status, 200, head)
        # Many events: 2,000 phone calls or more, five events each, for at
        # least 3.5 s (a server puts at most 2,000 events a second in the
        # ring: TRACE_RING_PER_SECOND), far more than the ring and the
        # stalled socket's buffers hold; the others are answered all the while.
        start = time.monotonic()
        i = 0
        while i < 2000 or time.monotonic() - start < 3.5:
            i += 1
            self.assertEqual(tcp_phone_call(srv.ports["tcp"])[0], ANSWER)
            if i % 250 == 0:
                asked = time.monotonic()
                r, body = srv.get("/netdemo.json")
                self.assertEqual(r.status, 200)
                self.assertLess(time.monotonic() - asked, 2.0, "HTTP slowed by the stalled reader")
        loaded = time.monotonic()
        self.assertLess(loaded - start, 2 * WAIT_S, "the servers slowed down")
        # The stalled stream goes away (after HTTP_EVENTS_STALL_MS, 10 s):
        # only the /stats request itself is left open.
        self.wait_open_http(srv, 1, timeout=30)
        dropped = time.monotonic()
        # What was queued for it still arrives, and then its end.
        stalled.settimeout(WAIT_S)
        end = dropped + WAIT_S
        while time.monotonic() < end:
            try:
                if not stalled.recv(65536):
                    break
            except ConnectionResetError:
                break
        else:
            self.fail("the dropped reader's socket never saw its end")
        # A reader resuming from an id the ring no longer holds is told too.
        late = self.reader(srv, headers="Last-Event-ID: 0\r\n")
        late.wait_for(lambda evs: len(evs) > 0, what="events after the resume")
        first = late.snapshot()[1].split(b"\n\n", 1)[0]
        m = re.fullmatch(rb'event: missed\ndata: \{"missed":(\d+)\}', first)
        self.assertIsNotNone(m, first)
        self.assertGreater(int(m.group(1)), 0)

    # A pooled request/response pair keeps resp.stream from the /events
    # request it last served: http_response_init() (http/response.c) does
    # not reset it, so the next connection on that worker turns into an
    # event stream after its first response. Its second response is
    # preceded by "id: 0 / data: {...}", other clients' traffic, and its
    # close takes an /events place back that it never held.
    # The /events head says "Connection: close", so conn_send_head() sends
    # it with MSG_MORE ("close() sends the FIN with it", http/conn.c), but
    # the connection stays open as a stream: the kernel holds the head
    # until the first events go out, or for its 200 ms cork limit on a
    # quiet server. A page's EventSource opens that much later.
    def test_a_reader_gets_its_head_at_once_on_a_quiet_server(self):
        for attempt in range(2):
            srv = self.netdemo()
            time.sleep(0.3)  # quiet, and the first reader: nothing in the ring to send
            with open_stream(srv.ports["http"]) as sock:
                start = time.monotonic()
                status, head, _ = http_head(sock, start + WAIT_S)
                took = time.monotonic() - start
            self.assertEqual(status, 200, head)
            self.assertLess(took, 0.15, f"the head took {took * 1000:.0f} ms")
            self.stopped_cleanly(srv)

    def keep_alive_pairs(self, srv, stop_after, conns=1000, limit_s=WAIT_S):
        """Two requests on each of up to conns keep-alive connections;
        returns how many got something else than their second response
        (it stops counting at stop_after), and the first such failure. New connections are spread over
        the workers at random, so this tries many to reach every one."""
        wrong, first, deadline = 0, None, time.monotonic() + limit_s
        for _ in range(conns):
            conn = http.client.HTTPConnection("127.0.0.1", srv.ports["http"], timeout=WAIT_S)
            try:
                for _ in range(2):
                    conn.request("GET", "/netdemo.json")
                    r = conn.getresponse()
                    self.assertEqual(json.loads(r.read())["services"]["http"]["port"],
                                     srv.ports["http"])
            except (http.client.HTTPException, ValueError) as e:
                wrong, first = wrong + 1, first or repr(e)
            finally:
                conn.close()
            if wrong >= stop_after or time.monotonic() > deadline:
                break
        return wrong, first

    def test_keep_alive_connections_after_a_stream_get_only_their_responses(self):
        srv = self.netdemo()
        rd = self.reader(srv)
        self.following(srv, rd)
        wrong, first = self.keep_alive_pairs(srv, stop_after=1)
        self.assertEqual(wrong, 0, f"a connection got another response: {first}")

    # The same stale resp.stream: a connection that became a stream that
    # way never took an /events place, but gives one back when it closes
    # (http_conn_close, events_slot), so each one raises the limit by one.
    def test_the_reader_limit_holds_after_keep_alive_connections(self):
        srv = self.netdemo()
        rd = self.reader(srv)
        self.following(srv, rd)
        self.keep_alive_pairs(srv, stop_after=4)
        self.wait_open_http(srv, 2)  # rd and /stats
        port, socks = srv.ports["http"], []
        self.addCleanup(lambda: [s.close() for s in socks])
        for _ in range(HTTP_EVENTS_MAX):  # 63 more than rd, and one too many
            socks.append(open_stream(port))
            status, head, _ = http_head(socks[-1], time.monotonic() + WAIT_S)
            if status != 200:
                break
        self.assertEqual(len(socks), HTTP_EVENTS_MAX)
        self.assertEqual(status, 503, "more than 64 readers at once")

    # "Last-Event-ID: -1" and "Last-Event-ID: 18446744073709551615" are
    # read by strtoull() as 2^64 - 1, and seen + 1 wraps to 0
    # (http_events_begin in http/events.c): the reader is sent the whole
    # ring, up to 4,096 events, instead of the 256 of a new reader.
    def test_a_last_event_id_out_of_range_replays_no_more_than_the_backlog(self):
        srv = self.netdemo()
        last = self.hundred_calls(srv)
        for value in ("-1", "18446744073709551615"):
            with self.subTest(value=value):
                late = self.reader(srv, headers=f"Last-Event-ID: {value}\r\n")
                events = late.wait_for(lambda evs: any(e["id"] >= last for e in evs),
                                       what="events up to the last call")
                self.assertLessEqual(len([e for e in events if e["id"] <= last]), 256)
                late.close()


class StartTest(NetdemoTest):
    """What netdemo says when it cannot start, and how it is used."""

    def refused(self, kind, flag):
        """netdemo with one port taken by a socket of kind: exit 1, one line."""
        taker = socket.socket(socket.AF_INET, kind)
        self.addCleanup(taker.close)
        taker.bind(("127.0.0.1", 0))
        if kind == socket.SOCK_STREAM:
            taker.listen(1)
        port = taker.getsockname()[1]
        argv = [program("netdemo")]
        for name in SERVICES:
            argv += [f"--{name}", str(port) if f"--{name}" == flag else "0"]
        start = time.monotonic()
        r = run(argv)
        self.assertLess(time.monotonic() - start, 5, "netdemo took long to give up")
        self.assertEqual(r.returncode, 1, r.stderr)
        label = flag[2:].upper()
        self.assertEqual(r.stderr.decode(),
                         f"netdemo: {label} port {port} is in use (try {flag} {port + 1})\n")
        self.assertEqual(r.stdout, b"")
        # It has exited, so nothing of it listens; and the port is still the taker's.
        self.assertEqual(taker.getsockname()[1], port)

    def test_a_tcp_port_in_use_names_its_flag_and_nothing_is_left(self):
        for flag in ("--http", "--tcp", "--ftp"):  # the first to open, and the last
            with self.subTest(flag=flag):
                self.refused(socket.SOCK_STREAM, flag)

    def test_a_udp_port_in_use_names_its_flag_and_nothing_is_left(self):
        self.refused(socket.SOCK_DGRAM, "--udp")

    def test_bad_usage_exits_2_with_one_line(self):
        for args in (["--drop", "101"], ["--drop", "-1"], ["--model", "nope"],
                     ["--tcp", "70000"], ["--http", "x"], ["-H", "unix:/x"], ["--nope"],
                     ["extra"], ["--trace=loud"]):
            with self.subTest(args=args):
                # Port 0 for every other server, should the bad flag be taken.
                argv = [program("netdemo"), *args]
                for name in SERVICES:
                    if f"--{name}" not in args:
                        argv += [f"--{name}", "0"]
                r = run(argv)
                self.assert_one_line_error(r, 2, "netdemo: ")
                self.assertEqual(r.stdout, b"")

    def test_version_and_help(self):
        r = run([program("netdemo"), "--version"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout.decode(), r"^netdemo \(netdemo\) \d+\.\d+\.\d+\n$")
        r = run([program("netdemo"), "--help"])
        self.assertEqual(r.returncode, 0, r.stderr)
        text = r.stdout.decode()
        for flag in ("-H", "--host", "--tcp", "--udp", "--http", "--ftp", "--www", "--ftp-root",
                     "--model", "--drop", "--trace", "--version", "-h", "--help"):
            self.assertRegex(text, rf"(?<![\w-]){re.escape(flag)}(?![\w-])", flag)


class CompareButtonTest(NetdemoTest):
    """The hub's button: POST /compare/run starts a small netdemo compare, in
    a child process, one at a time; /compare/status follows it; then
    /compare/report.json and /compare show what it measured."""

    def setUp(self):
        # netdemo and its run keep the report in XDG_STATE_HOME, and make
        # the run's folder in TMPDIR: both the test's own
        for name, prefix in (("XDG_STATE_HOME", "netdemo-state-"), ("TMPDIR", "netdemo-tmp-")):
            folder = tempfile.mkdtemp(prefix=prefix)
            self.addCleanup(shutil.rmtree, folder, True)
            old = os.environ.get(name)
            os.environ[name] = folder
            self.addCleanup(lambda name=name, old=old: os.environ.pop(name) if old is None
                            else os.environ.update({name: old}))
        self.run_folders = os.path.join(os.environ["TMPDIR"], "netdemo-compare-*")

    def job(self, srv, method, path, status, headers=None):
        if headers is None and method == "POST":
            headers = {"X-Netdemo-Run": "1"}  # as the hub's script sends it
        r, body = srv.get(path, method=method, headers=headers)
        self.assertEqual(r.status, status, body)
        self.assertRegex(r.getheader("Content-Type"), r"^application/json")
        return json.loads(body)

    def until_finished(self, srv):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = self.job(srv, "GET", "/compare/status", 200)
            if state["state"] != "running":
                return state
            time.sleep(0.1)
        self.fail("the comparison did not finish within 60 s")

    def test_a_post_without_the_hubs_header_starts_nothing(self):
        srv = self.netdemo()
        # what a form on another site can send: a plain POST
        r, _ = srv.get("/compare/run", method="POST",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 403)
        idle = self.job(srv, "GET", "/compare/status", 200)
        self.assertEqual((idle["state"], idle["runs"]), ("idle", 0))

    def test_one_run_at_a_time_and_its_report_is_served(self):
        srv = self.netdemo()
        idle = self.job(srv, "GET", "/compare/status", 200)
        self.assertEqual((idle["state"], idle["runs"]), ("idle", 0))
        r, _ = srv.get("/compare/report.json")
        self.assertEqual(r.status, 404, "no report before a run")
        first = self.job(srv, "POST", "/compare/run", 202)
        self.assertEqual((first["state"], first["runs"]), ("running", 1))
        again = self.job(srv, "POST", "/compare/run", 202)
        self.assertEqual((again["state"], again["runs"]), ("running", 1), "no second run")
        done = self.until_finished(srv)
        self.assertEqual((done["state"], done["error"]), ("done", ""), done)
        self.assertGreater(done["seconds"], 0)
        report = self.job(srv, "GET", "/compare/report.json", 200)
        self.assertEqual(report["options"]["size"], 1 << 20, "a CI-sized run")
        self.assertEqual({row["protocol"] for row in report["first_byte"]},
                         {"TCP", "UDP", "HTTP/1.0", "HTTP/1.1", "FTP"})
        r, page = srv.get("/compare")
        self.assertEqual(r.status, 200)
        self.assertIn(b"<h1>netdemo compare", page)
        r, _ = srv.get("/compare/run")
        self.assertEqual((r.status, r.getheader("Allow")), (405, "POST"))
        r, _ = srv.get("/compare/status", method="POST")
        self.assertEqual(r.status, 405)
        self.assertEqual(self.job(srv, "POST", "/compare/run", 202)["runs"], 2, "then another")
        self.assertEqual(self.until_finished(srv)["state"], "done")

    def test_stopping_netdemo_mid_run_ends_the_run_and_its_folder(self):
        before = set(glob.glob(self.run_folders))
        srv = self.netdemo()
        self.assertEqual(self.job(srv, "POST", "/compare/run", 202)["state"], "running")
        deadline = time.monotonic() + WAIT_S
        while len(children_of_group(srv.proc.pid, field=3)) < 2:  # netdemo and its run
            self.assertLess(time.monotonic(), deadline, "the run never started")
            time.sleep(0.01)
        self.assertEqual(srv.stop(timeout=WAIT_S), 0)
        self.assertEqual(children_of_group(srv.proc.pid, field=3), [], "the run ended too")
        self.assertEqual(set(glob.glob(self.run_folders)), before, "and its folder")


class StopTest(NetdemoTest):
    """SIGTERM in the middle of every kind of transfer: exit 0, soon, and
    nothing of netdemo left, forked children included."""

    BIG = 32 << 20  # far more than the socket buffers: still sending at the signal

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="netdemo-stop-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        with open(os.path.join(self.tmp, "big.bin"), "wb") as f:
            f.truncate(self.BIG)

    def leftovers(self, pgid):
        for pid in children_of_group(pgid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def busy(self, srv):
        """Start a transfer on each server and leave it running; returns
        what to close afterwards."""
        p, opened = srv.ports, []
        tcp = socket.create_connection(("127.0.0.1", p["tcp"]), timeout=WAIT_S)
        opened.append(tcp)
        tcp.sendall(b"dream")  # the conversation goes on: no half-close
        self.assertEqual(tcp.recv(100), b"DREAM")
        web = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        opened.append(web)
        web.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        web.settimeout(WAIT_S)
        web.connect(("127.0.0.1", p["http"]))
        web.sendall(b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
        status, head, _ = http_head(web, time.monotonic() + WAIT_S)
        self.assertEqual(status, 200, head)
        ftp = ftplib.FTP()
        ftp.connect("127.0.0.1", p["ftp"], timeout=WAIT_S)
        opened.append(ftp)
        ftp.login("anonymous", PASSWORD)
        ftp.voidcmd("TYPE I")
        data = ftp.transfercmd("RETR big.bin")
        opened.append(data)
        data.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.assertTrue(data.recv(4096))  # a little, then no more: the RETR waits on us
        hub = open_stream(p["http"])  # the hub follows all of it
        opened.append(hub)
        status, head, _ = http_head(hub, time.monotonic() + WAIT_S)
        self.assertEqual(status, 200, head)
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        opened.append(udp)
        udp.settimeout(WAIT_S)
        for i in range(5):
            udp.sendto(b"ping %d" % i, ("127.0.0.1", p["udp"]))
            self.assertEqual(udp.recvfrom(100)[0], b"PING %d" % i)
        for i in range(5):  # and some still in flight at the signal
            udp.sendto(b"late %d" % i, ("127.0.0.1", p["udp"]))
        return opened

    def stop_under_load(self, *model, sig=signal.SIGTERM):
        srv = self.netdemo(*model, "--www", self.tmp, "--ftp-root", self.tmp)
        pid = srv.proc.pid
        self.addCleanup(self.leftovers, pid)
        opened = self.busy(srv)
        try:
            before = set(children_of_group(pid)) - {pid}
            if "fork" in model:  # the TCP caller has a process of its own
                self.assertTrue(before, "no process serves the TCP caller")
            start = time.monotonic()
            srv.proc.send_signal(sig)
            try:
                rc = srv.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                rc = None
            took = time.monotonic() - start
            self.assertEqual(rc, 0, f"exit after {sig.name} ({took:.1f} s): {srv.stderr()}")
            deadline = time.monotonic() + 1
            while children_of_group(pid) and time.monotonic() < deadline:
                time.sleep(0.02)
            self.assertEqual(children_of_group(pid), [], "processes left behind")
        finally:
            for thing in opened:
                thing.close()

    def test_sigint_under_load_with_iterative_model(self):
        self.stop_under_load("--model", "iterative", sig=signal.SIGINT)

    def test_sigterm_under_load_with_thread_model(self):
        self.stop_under_load("--model", "thread")

    def test_sigterm_under_load_with_fork_model(self):
        self.stop_under_load("--model", "fork")

    def test_sigterm_under_load_with_default_model(self):
        self.stop_under_load()


class AnyAddressTest(NetdemoTest):
    """-H 0.0.0.0, but only on a wire of the test's own: two network
    namespaces joined by a veth pair with TEST-NET-2 addresses."""

    SERVER, CLIENT = "198.51.100.1", "198.51.100.2"

    def setUp(self):
        namespaces = []
        try:
            for tag in ("ls", "lc"):
                namespaces.append(Netns(tag))
                self.addCleanup(namespaces[-1].delete)
        except NetnsUnavailable as e:
            self.skipTest(str(e))
        self.lecturer, self.student = namespaces
        pid = os.getpid()
        lec_if, stu_if = f"ndsv{pid}", f"ndcl{pid}"
        self.lecturer.ip("link", "add", lec_if, "type", "veth", "peer", "name", stu_if,
                         "netns", self.student.name)
        for ns, ifname, addr in ((self.lecturer, lec_if, self.SERVER),
                                 (self.student, stu_if, self.CLIENT)):
            ns.ip("addr", "add", addr + "/24", "dev", ifname)
            ns.ip("link", "set", "lo", "up")
            ns.ip("link", "set", ifname, "up")

    def test_any_address_warns_lists_the_wire_and_serves_it(self):
        srv = self.netdemo("-H", "0.0.0.0", prefix=self.lecturer.argv())
        self.assertIn(f"Students can reach this machine at: {self.SERVER}", srv.lines)
        self.assertEqual(srv.host, self.SERVER)
        p = srv.ports

        def student(*args):
            return run(self.student.argv("curl", "-sS", "--noproxy", "*", "--max-time",
                                         str(WAIT_S), *args), timeout=2 * WAIT_S)

        about = json.loads(self.ok(student(f"http://{self.SERVER}:{p['http']}/netdemo.json")))
        self.assertEqual(about["host"], self.SERVER)
        self.assertEqual(about["addresses"], [self.SERVER])
        self.assertEqual({k: v["port"] for k, v in about["services"].items()}, p)
        r = student("-v", "--ftp-pasv", "--disable-epsv", "-l", f"ftp://{self.SERVER}:{p['ftp']}/")
        self.assertIn("readme.txt", self.ok(r).decode().split())
        self.assertRegex(r.stderr.decode(), r"227 Entering Passive Mode \(" +
                         self.SERVER.replace(".", ",") + r",\d+,\d+\)")
        for kind in ("tcp", "udp"):  # the phone call from the other host, as printed
            out = self.ok(run(self.student.argv(program(f"{kind}-demo"), "client", "-H",
                                                self.SERVER, "-p", str(p[kind]), "-m",
                                                PHONE.decode())))
            self.assertEqual(out, ANSWER + b"\n", kind)
        self.assertEqual(srv.stop(), 0)
        warnings = [line for line in srv.stderr().splitlines()
                    if line.startswith("netdemo: warning:")]
        self.assertEqual(len(warnings), 1, srv.stderr())


def main():
    global BIN
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="the folder with netdemo and the clients")
    args, rest = parser.parse_known_args()
    BIN = os.path.abspath(args.bin)
    # A run that is stopped still cleans up: SIGTERM unwinds through the cleanups.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)


if __name__ == "__main__":
    main()
