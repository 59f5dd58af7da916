"""udp-demo server integration tests: the real server, driven by raw
Python sockets and by the native client and ping."""
import os
import random
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import ServerTest, cpu_seconds, WAIT_S  # noqa: E402
import harness  # noqa: E402

BIN = None
FLOOD = int(os.environ.get("UDP_FLOOD_DATAGRAMS", "200000"))  # total, all clients
MAGIC = 0x4E445550  # "NDUP"
MASK64 = (1 << 64) - 1


def upper(data):
    return bytes(b - 32 if 97 <= b <= 122 else b for b in data)


def splitmix64(state):
    """The server's PRNG, to predict which datagrams --seed drops."""
    state = (state + 0x9E3779B97F4A7C15) & MASK64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return state, z ^ (z >> 31)


def drop_decisions(percent, seed, n):
    state, out = seed, []
    for _ in range(n):
        state, r = splitmix64(state)
        out.append(r % 100 < percent)
    return out


DISORDER_STREAM = 0x6475702D72656F72  # "dup-reor": --dup and --reorder's own stream


def dup_decisions(percent, seed, n):
    """Which of the first n answers --dup sends twice (no --reorder)."""
    state, out = seed ^ DISORDER_STREAM, []
    for _ in range(n):
        state, r = splitmix64(state)
        out.append(r % 100 < percent)
    return out


def disorder_counts(stderr):
    """The server's exit line with --dup or --reorder: (sent twice, sent late)."""
    m = re.search(r"; (\d+) sent twice \(--dup\), (\d+) sent after a later answer "
                  r"\(--reorder\)", stderr)
    if not m:
        raise AssertionError(f"no --dup/--reorder counts in {stderr[-2000:]!r}")
    return int(m.group(1)), int(m.group(2))


def ping_counts(out):
    """ping's summary: sent, received, lost %, duplicates, out of order."""
    m = re.search(r"(\d+) datagrams sent, (\d+) received, ([\d.]+)% lost, (\d+) duplicates, "
                  r"(\d+) out of order", out)
    if not m:
        raise AssertionError(f"no summary in {out!r}")
    return int(m.group(1)), int(m.group(2)), float(m.group(3)), int(m.group(4)), int(m.group(5))


def header(kind, seq, sent_ns=0):
    return struct.pack("!IBBHIQ", MAGIC, 1, kind, 0, seq, sent_ns)


def udp_socket(family=socket.AF_INET, timeout=WAIT_S):
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    return s


def udp_exchange(port, payload, host="127.0.0.1", family=socket.AF_INET):
    with udp_socket(family) as s:
        s.sendto(payload, (host, port))
        return s.recvfrom(1 << 17)[0]


def probe(port, payload=b"still there", tries=10):
    """Send until a reply comes: after a flood the server's queue may still
    be full, and UDP drops what does not fit, probes included."""
    with udp_socket(timeout=1.0) as s:
        for _ in range(tries):
            s.sendto(payload, ("127.0.0.1", port))
            try:
                return s.recvfrom(1 << 17)[0]
            except socket.timeout:
                continue
    return None


def summary(stderr):
    """The server's exit line: received, answered, dropped, truncated, failed."""
    counts = all_counts(stderr)
    return tuple(counts[k] for k in ("received", "answered", "dropped", "truncated", "failed"))


def all_counts(stderr):
    """Every count on the server's exit line, by name."""
    m = re.search(r"(\d+) datagrams received, (\d+) answered, (\d+) dropped "
                  r"\((\d+) truncated, (\d+) refused\), (\d+) failed sends", stderr)
    if not m:
        raise AssertionError(f"no summary in {stderr[-2000:]!r}")
    names = ("received", "answered", "dropped", "truncated", "refused", "failed")
    return dict(zip(names, (int(g) for g in m.groups())))


def send_numbered(port, n):
    """Send "msg-0" .. "msg-{n-1}" to an echo server, in order (so draw i
    decides datagram i), and return the numbers of the replies as they came."""
    replies = []

    def take(s, timeout):
        s.settimeout(timeout)
        try:
            while True:
                replies.append(int(s.recvfrom(100)[0][4:]))
        except socket.timeout:
            pass

    with udp_socket() as s:
        for i in range(n):
            s.sendto(b"msg-%d" % i, ("127.0.0.1", port))
            if i % 25 == 24:  # read as we go: replies must not overflow our buffer
                take(s, 0.05)
        take(s, 1.0)  # longer than --reorder holds an answer
    return replies


def inet_checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def forge(src, dst, payload):
    """Send one UDP datagram whose source is src, (ip, port), to dst through a
    raw socket that writes its own IP header: what an attacker on the path
    can do, done on loopback. Needs root (CAP_NET_RAW)."""
    family = socket.AF_INET6 if ":" in dst[0] else socket.AF_INET
    saddr, daddr = (socket.inet_pton(family, ip) for ip in (src[0], dst[0]))
    length = 8 + len(payload)
    if family == socket.AF_INET:
        pseudo = saddr + daddr + struct.pack("!BBH", 0, socket.IPPROTO_UDP, length)
    else:
        pseudo = saddr + daddr + struct.pack("!IxxxB", length, socket.IPPROTO_UDP)
    udp = struct.pack("!HHHH", src[1], dst[1], length, 0) + payload
    udp = udp[:6] + struct.pack("!H", inet_checksum(pseudo + udp) or 0xFFFF) + udp[8:]
    if family == socket.AF_INET:  # the kernel fills in the id and header checksum
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + length, 0, 0, 64,
                         socket.IPPROTO_UDP, 0, saddr, daddr)
    else:
        ip = struct.pack("!IHBB16s16s", 6 << 28, length, socket.IPPROTO_UDP, 64, saddr, daddr)
    # IPPROTO_RAW: send only, and the packet carries its own IP header.
    with socket.socket(family, socket.SOCK_RAW, socket.IPPROTO_RAW) as raw:
        raw.sendto(ip + udp, (dst[0], 0))


def bind_low_port(host, family=socket.AF_INET):
    """A datagram socket bound to a free port below 1024 (root only)."""
    for port in (1023, 1022, 1021, 1020, 999, 7, 13, 19):
        s = udp_socket(family, timeout=0.3)
        try:
            s.bind((host, port))
            return s
        except OSError:
            s.close()
    raise unittest.SkipTest("no free port below 1024")


class UdpServerTest(ServerTest):
    def server(self, *extra, host="127.0.0.1"):
        return self.start([BIN, "server", "-H", host, "-p", "0", *extra])

    def run_bin(self, *args, stdin=b"", timeout=120):
        return subprocess.run([BIN, *args], input=stdin, capture_output=True, timeout=timeout)

    # --- byte-exact replies ---------------------------------------------------

    def test_sizes_0_1_1400_65507_byte_exact_in_both_modes(self):
        for mode in ("echo", "upper"):
            srv = self.server("--mode", mode)
            for size in (0, 1, 1400, 65507):
                data = random.Random(size).randbytes(size)
                want = data if mode == "echo" else upper(data)
                self.assertEqual(udp_exchange(srv.port, data), want, f"{mode} {size}")

    def test_ipv6_largest_datagram_65527_byte_exact(self):
        srv = self.server("--mode", "echo", host="::1")
        data = random.Random(6).randbytes(65527)
        self.assertEqual(udp_exchange(srv.port, data, "::1", socket.AF_INET6), data)

    def test_dual_stack_any_address_answers_ipv4(self):
        srv = self.server(host="::")
        self.assertEqual(udp_exchange(srv.port, b"v4 to ::"), b"V4 TO ::")

    def test_garbage_gets_a_reply_and_replies_get_none(self):
        srv = self.server("--mode", "echo")
        junk = bytes(range(256)) * 4 + header(9, 1)  # not a valid header
        self.assertEqual(udp_exchange(srv.port, junk), junk)
        with udp_socket(timeout=0.3) as s:
            s.sendto(header(2, 1), ("127.0.0.1", srv.port))  # a PONG: never answered
            with self.assertRaises(socket.timeout):
                s.recvfrom(100)
        ping = header(1, 77, 123456789) + b"lowercase"
        self.assertEqual(udp_exchange(srv.port, ping), header(2, 77, 123456789) + b"lowercase")
        self.assertEqual(srv.stop(), 0)
        self.assertEqual(summary(srv.stderr()), (3, 2, 1, 0, 0))

    def test_any_address_replies_from_the_address_the_client_wrote_to(self):
        """127.0.0.2 is this host too, but the route back to a client on
        127.0.0.1 would pick 127.0.0.1 as the reply's source, and a
        connected socket discards a datagram from any other address."""
        for host in ("0.0.0.0", "::"):
            with self.subTest(server=host):
                srv = self.server("--mode", "echo", host=host)
                with udp_socket() as s:
                    s.sendto(b"to .2", ("127.0.0.2", srv.port))
                    self.assertEqual(s.recvfrom(100), (b"to .2", ("127.0.0.2", srv.port)))
                r = self.run_bin("client", "-H", "127.0.0.2", "-p", str(srv.port), "-m", "hi",
                                 "-t", "1000")
                self.assertEqual((r.returncode, r.stdout), (0, b"hi\n"), r.stderr)
                r = self.run_bin("ping", "-H", "127.0.0.2", "-p", str(srv.port), "-c", "2",
                                 "-i", "10")
                self.assertIn(b"2 datagrams sent, 2 received", r.stdout, r.stderr)

    # --- the native client ----------------------------------------------------

    def test_client_seed_exchange(self):
        srv = self.server()
        r = self.run_bin("client", "-p", str(srv.port), "-m", "dream is handsome")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"DREAM IS HANDSOME\n")

    def test_client_reads_lines_from_stdin(self):
        srv = self.server()
        r = self.run_bin("client", "-p", str(srv.port), stdin=b"hello\nworld\n\nlast")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"HELLO\nWORLD\n\nLAST\n")

    def test_client_over_ipv6(self):
        srv = self.server(host="::1")
        r = self.run_bin("client", "-H", "::1", "-p", str(srv.port), "-m", "over ipv6")
        self.assertEqual(r.stdout, b"OVER IPV6\n", r.stderr)

    def test_client_says_no_reply_when_dropped(self):
        with udp_socket() as silent:  # bound, never answers
            silent.bind(("127.0.0.1", 0))
            r = self.run_bin("client", "-p", str(silent.getsockname()[1]), "-m", "anyone?",
                             "-t", "200")
            self.assertEqual(silent.recvfrom(100)[0], b"anyone?")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, b"no reply within 200 ms\n")

    # --- simulated loss -------------------------------------------------------

    def test_drop_with_seed_drops_exactly_the_predicted_datagrams(self):
        n, percent, seed = 300, 20, 42
        srv = self.server("--mode", "echo", "--drop", str(percent), "--seed", str(seed))
        expected = {i for i, drop in enumerate(drop_decisions(percent, seed, n)) if not drop}
        self.assertEqual(set(send_numbered(srv.port, n)), expected)
        self.assertEqual(srv.stop(), 0)
        self.assertEqual(summary(srv.stderr()), (n, len(expected), n - len(expected), 0, 0))

    def test_ping_shows_the_loss(self):
        n, percent, seed = 60, 20, 3
        srv = self.server("--drop", str(percent), "--seed", str(seed))
        drops = drop_decisions(percent, seed, n)
        lost = sum(drops)
        r = self.run_bin("ping", "-p", str(srv.port), "-c", str(n), "-i", "0", "-t", "300")
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout.decode()
        # the very datagrams the server dropped, named by their seq
        unanswered = [str(seq) for seq, dropped in enumerate(drops) if dropped][:20]
        self.assertIn("no reply to seq " + ", ".join(unanswered), out)
        self.assertIn(f"{n} datagrams sent, {n - lost} received, {100 * lost / n:.1f}% lost, "
                      "0 duplicates, 0 out of order", out)
        self.assertRegex(out, r"rtt min/avg/max/mdev = [\d.]+/[\d.]+/[\d.]+/[\d.]+ ms, "
                              r"jitter [\d.]+ ms")
        self.assertEqual(len(re.findall(r"^56 bytes from 127\.0\.0\.1:\d+: seq=\d+ rtt=", out,
                                        re.M)), n - lost)

    def test_ping_counts_duplicates_and_reordering_from_a_real_peer(self):
        """A peer that answers seq 1 twice and seq 2 after seq 3."""
        peer = udp_socket()
        peer.bind(("127.0.0.1", 0))
        self.addCleanup(peer.close)

        def serve():
            held = None
            try:
                for _ in range(5):
                    data, addr = peer.recvfrom(2048)
                    seq = struct.unpack("!I", data[8:12])[0]
                    if seq == 2:
                        held = data
                        continue
                    peer.sendto(data, addr)  # a PING echoed back is a reply
                    if seq == 1:
                        peer.sendto(data, addr)
                    if seq == 3:
                        peer.sendto(held, addr)
            except OSError:
                pass

        t = threading.Thread(target=serve, daemon=True)
        t.start()
        r = self.run_bin("ping", "-p", str(peer.getsockname()[1]), "-c", "5", "-i", "50",
                         "-t", "500")
        t.join(WAIT_S)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout.decode()
        self.assertIn("5 datagrams sent, 5 received, 0.0% lost, 1 duplicates, 1 out of order", out)
        self.assertRegex(out, r"seq=1 rtt=[\d.]+ ms \(DUP!\)")
        self.assertRegex(out, r"seq=2 rtt=[\d.]+ ms \(out of order\)")

    def test_trace_names_ping_datagrams_by_sequence_number(self):
        srv = self.server("--trace")
        r = self.run_bin("ping", "-p", str(srv.port), "-c", "3", "-i", "20", "-s", "64", "--trace")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(srv.stop(), 0)
        client, server = r.stderr.decode(), srv.stderr()
        for seq in range(3):
            self.assertRegex(client, rf"send\(fd \d+, 64 bytes\) -> 64 PING seq {seq} \(64 bytes\)")
            self.assertRegex(client, rf"recv\(fd \d+\) -> 64 bytes PONG seq {seq} \(64 bytes\)")
            self.assertRegex(server, rf"recvfrom\(fd \d+\) -> 64 bytes from \S+ PING seq {seq} ")
            self.assertRegex(server, rf"sendto\(fd \d+, 64 bytes, \S+\) -> 64 PONG seq {seq} ")
        self.assertNotIn("NDUP", client + server)  # no header bytes shown

    # --- simulated duplicates and reordering ------------------------------------

    def test_ping_shows_the_duplicates_of_dup_50_and_no_loss(self):
        n, seed = 40, 5
        srv = self.server("--dup", "50", "--seed", str(seed))
        r = self.run_bin("ping", "-p", str(srv.port), "-c", str(n), "-i", "0", "-t", "1000")
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout.decode()
        sent, received, lost, dups, disordered = ping_counts(out)
        twice = dup_decisions(50, seed, n)
        # ping stops at the last reply, before that one's copy can arrive
        self.assertIn(dups, (sum(twice[:-1]), sum(twice)), out)
        self.assertGreater(dups, 0, out)
        self.assertEqual((sent, received, lost, disordered), (n, n, 0.0, 0), out)
        self.assertEqual(len(re.findall(r"\(DUP!\)$", out, re.M)), dups, out)
        self.assertEqual(srv.stop(), 0)
        err = srv.stderr()
        self.assertEqual(disorder_counts(err), (sum(twice), 0))
        self.assertEqual(summary(err), (n, n, 0, 0, 0))

    def test_ping_shows_the_reordering_of_reorder_50_and_no_loss(self):
        """An answer held back goes out after the next one, so the next
        request must come before the hold ends: ping -i 20."""
        n = 40
        srv = self.server("--reorder", "50", "--seed", "11")
        r = self.run_bin("ping", "-p", str(srv.port), "-c", str(n), "-i", "20", "-t", "1000")
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout.decode()
        sent, received, lost, dups, disordered = ping_counts(out)
        self.assertEqual((sent, received, lost, dups), (n, n, 0.0, 0), out)
        self.assertGreater(disordered, 0, out)
        self.assertEqual(len(re.findall(r"\(out of order\)$", out, re.M)), disordered, out)
        self.assertEqual(srv.stop(), 0)
        err = srv.stderr()
        # each answer the server sent after a later one is one ping saw out of order
        self.assertEqual(disorder_counts(err), (0, disordered))
        self.assertEqual(summary(err), (n, n, 0, 0, 0))

    def test_drop_dup_and_reorder_together_lose_only_what_drop_drops(self):
        n, seed = 300, 8
        srv = self.server("--mode", "echo", "--drop", "20", "--dup", "30", "--reorder", "30",
                          "--seed", str(seed))
        expected = {i for i, drop in enumerate(drop_decisions(20, seed, n)) if not drop}
        replies = send_numbered(srv.port, n)
        self.assertEqual(set(replies), expected)
        self.assertEqual(srv.stop(), 0)
        err = srv.stderr()
        twice, late = disorder_counts(err)
        self.assertEqual(len(replies), len(expected) + twice)
        self.assertGreater(twice, 0)
        self.assertGreater(late, 0)
        self.assertEqual(summary(err), (n, len(expected), n - len(expected), 0, 0))

    def test_ping_until_ctrl_c_prints_the_summary(self):
        srv = self.server()
        p = subprocess.Popen([BIN, "ping", "-p", str(srv.port), "-i", "20"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.addCleanup(lambda: p.poll() is None and p.kill())
        for _ in range(3):  # the header line and two replies
            self.assertTrue(p.stdout.readline())
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=WAIT_S)
        self.assertEqual(p.returncode, 0, err)
        self.assertIn(b"udp ping statistics", out)
        self.assertRegex(out.decode(), r"\d+ datagrams sent, \d+ received")

    def test_ping_over_ipv6_with_the_largest_ipv4_size(self):
        srv = self.server(host="::1")
        r = self.run_bin("ping", "-H", "::1", "-p", str(srv.port), "-c", "3", "-i", "10",
                         "-s", "65507")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"3 datagrams sent, 3 received, 0.0% lost", r.stdout)
        self.assertIn(b"65507 bytes from [::1]:", r.stdout)

    def test_ping_no_server_exits_1(self):
        with udp_socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        r = self.run_bin("ping", "-p", str(port), "-c", "2", "-i", "10", "-t", "100")
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"refused", r.stderr)

    def test_reliable_delivers_1000_exactly_once_in_order_at_30_percent(self):
        srv = self.server("--drop", "30", "--seed", "1")
        r = self.run_bin("ping", "--reliable", "-p", str(srv.port), "-c", "1000", "-i", "0",
                         "-t", "100")
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout.decode()
        seqs = [int(s) for s in re.findall(r"seq=(\d+) delivered", out)]
        self.assertEqual(seqs, list(range(1000)))
        m = re.search(r"1000 messages delivered in order, each exactly once; (\d+) transmissions, "
                      r"(\d+) retransmissions", out)
        self.assertIsNotNone(m, out[-500:])
        transmissions, retransmissions = int(m.group(1)), int(m.group(2))
        self.assertEqual(transmissions, 1000 + retransmissions)
        self.assertGreater(retransmissions, 0)
        self.assertEqual(srv.stop(), 0)
        received, answered, dropped, _, failed = summary(srv.stderr())
        self.assertEqual(received, transmissions)
        self.assertEqual(received, answered + dropped + failed)

    def test_reliable_shows_each_retransmission_as_it_happens(self):
        # every datagram lost: the ARQ retries for a long while, and the
        # user sees each try, not a silent terminal
        srv = self.server("--drop", "100")
        proc = subprocess.Popen([BIN, "ping", "--reliable", "-p", str(srv.port), "-c", "1",
                                 "-t", "50"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.addCleanup(proc.kill)
        time.sleep(1.0)  # 50 + 100 + 200 + 400 ms of timeouts: three retries by now
        proc.kill()
        out, _ = proc.communicate(timeout=WAIT_S)
        tries = re.findall(rb"seq=0: no ACK in time, sent again \(transmission (\d+) of", out)
        self.assertGreaterEqual(len(tries), 3, out)
        self.assertEqual([int(t) for t in tries[:3]], [2, 3, 4])

    # --- the loop guard: senders that are never answered ----------------------

    def assert_refused(self, srv, forged, ready_host="127.0.0.1", family=socket.AF_INET):
        """After forged() sends datagrams the server must refuse, the server
        stays idle, still answers a plain client, and counts each refusal.
        Returns the server's stderr."""
        before = cpu_seconds(srv.proc.pid)
        refused = forged()
        time.sleep(0.5)  # a server answering itself would spin all along
        self.assertLess(cpu_seconds(srv.proc.pid) - before, 0.2, "the server is busy")
        self.assertEqual(udp_exchange(srv.port, b"1234", ready_host, family), b"1234")
        self.assertEqual(srv.stop(), 0)
        err = srv.stderr()
        counts = all_counts(err)
        self.assertEqual(counts["received"], refused + 1, counts)
        self.assertEqual(counts["answered"], 1, counts)
        self.assertEqual(counts["refused"], refused, counts)
        self.assertEqual(counts["dropped"], refused, counts)
        return err

    def require_root(self):
        if os.geteuid() != 0:
            self.skipTest("needs root: low ports and raw sockets")

    def test_datagram_forged_from_its_own_address_is_refused_not_answered_forever(self):
        self.require_root()
        srv = self.server("--mode", "echo", "--trace")

        def forged():
            forge(("127.0.0.1", srv.port), ("127.0.0.1", srv.port), b"answer yourself")
            return 1

        err = self.assert_refused(srv, forged)
        self.assertIn("[udp server]   ... refused: source is this server's own address and port",
                      err)

    def test_forged_own_address_refused_over_ipv6(self):
        self.require_root()
        srv = self.server("--mode", "echo", host="::1")

        def forged():
            forge(("::1", srv.port), ("::1", srv.port), b"answer yourself")
            return 1

        self.assert_refused(srv, forged, "::1", socket.AF_INET6)

    def test_dual_stack_refuses_its_port_from_ipv4_ipv4_mapped_and_ipv6(self):
        """Bound to "::", IPv4 senders arrive as ::ffff:a.b.c.d, and the
        socket owns its port on every local address."""
        self.require_root()
        srv = self.server("--mode", "echo", host="::")

        def forged():
            forge(("127.0.0.1", srv.port), ("127.0.0.1", srv.port), b"v4 to itself")
            forge(("127.0.0.2", srv.port), ("127.0.0.1", srv.port), b"another local address")
            forge(("::1", srv.port), ("::1", srv.port), b"v6 to itself")
            return 3

        self.assert_refused(srv, forged)

    def test_source_port_0_is_refused(self):
        self.require_root()
        srv = self.server(host="::")

        def forged():
            forge(("127.0.0.1", 0), ("127.0.0.1", srv.port), b"from port 0")
            forge(("::1", 0), ("::1", srv.port), b"from port 0")
            return 2

        self.assert_refused(srv, forged)

    def test_well_known_source_ports_are_refused(self):
        self.require_root()
        for host, family, bind_host in (("127.0.0.1", socket.AF_INET, "127.0.0.1"),
                                        ("::1", socket.AF_INET6, "::1"),
                                        ("::", socket.AF_INET, "127.0.0.1")):
            with self.subTest(server=host, sender=bind_host):
                srv = self.server(host=host)
                with bind_low_port(bind_host, family) as low:
                    low.sendto(b"from a service", (bind_host, srv.port))
                    with self.assertRaises(socket.timeout):
                        low.recvfrom(100)

                    def forged():
                        return 1

                    self.assert_refused(srv, forged, bind_host, family)

    def test_two_servers_do_not_bounce_a_forged_datagram(self):
        """One echo server on port 7, where echo(7) lives, and another: a
        datagram forged from the first to the second is refused there."""
        self.require_root()
        try:
            first = self.start([BIN, "server", "-H", "127.0.0.1", "-p", "7", "--mode", "echo"])
        except AssertionError:
            self.skipTest("port 7 is in use")
        second = self.server("--mode", "echo")
        forge(("127.0.0.1", 7), ("127.0.0.1", second.port), b"ping-pong")
        time.sleep(0.5)
        self.assertEqual(first.stop(), 0)
        self.assertEqual(second.stop(), 0)
        self.assertEqual(all_counts(first.stderr())["received"], 0)
        counts = all_counts(second.stderr())
        self.assertEqual((counts["received"], counts["refused"], counts["answered"]), (1, 1, 0))

    def test_ordinary_clients_are_answered_from_ports_1024_and_up(self):
        self.require_root()
        srv = self.server("--mode", "echo")
        with udp_socket() as s:
            s.bind(("127.0.0.1", 0))
            s.sendto(b"ephemeral", ("127.0.0.1", srv.port))
            self.assertEqual(s.recvfrom(100)[0], b"ephemeral")
        for port in (1024, 1025):
            with udp_socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    continue
                s.sendto(b"just above", ("127.0.0.1", srv.port))
                self.assertEqual(s.recvfrom(100)[0], b"just above")
        self.assertEqual(srv.stop(), 0)
        self.assertEqual(all_counts(srv.stderr())["refused"], 0)

    # --- robustness -----------------------------------------------------------

    def test_flood_from_several_clients_counts_add_up(self):
        srv = self.server("--trace")
        clients, each = 4, FLOOD // 4
        started = time.monotonic()

        def blast(seed):
            rng = random.Random(seed)
            payloads = [rng.randbytes(rng.choice((0, 1, 64, 1400))) for _ in range(64)]
            with udp_socket() as s:
                s.setblocking(False)
                for i in range(each):
                    try:
                        s.sendto(payloads[i % 64], ("127.0.0.1", srv.port))
                    except BlockingIOError:
                        time.sleep(0.0005)

        threads = [threading.Thread(target=blast, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(WAIT_S * 12)
        self.assertFalse(any(t.is_alive() for t in threads), "a client hung")
        self.assertTrue(srv.alive())
        time.sleep(1.1)  # the probe's trace line falls in a later second
        self.assertEqual(probe(srv.port), b"STILL THERE")
        self.assertEqual(srv.stop(), 0)
        elapsed = time.monotonic() - started
        err = srv.stderr()
        received, answered, dropped, _, failed = summary(err)
        self.assertLessEqual(received, clients * each + 10)
        self.assertEqual(received, answered + dropped + failed)
        # --trace is rate-limited: at most 20 lines (+1 "suppressed" note)
        # in each calendar second the run touched, however many datagrams.
        allowed = 21 * (int(elapsed) + 2)
        traced = [ln for ln in err.splitlines() if ln.startswith("[udp server]")]
        self.assertGreater(received, allowed, "the flood was too small to test the limit")
        self.assertLessEqual(len(traced), allowed)
        self.assertIn("trace lines suppressed", err)

    def test_sigterm_stops_cleanly(self):
        srv = self.server()
        self.assertEqual(udp_exchange(srv.port, b"hi"), b"HI")
        self.assertEqual(srv.stop(), 0)
        self.assertEqual(summary(srv.stderr()), (1, 1, 0, 0, 0))


if __name__ == "__main__":
    harness.main_with_bin(__name__)
