"""http-demo server against Python's http.client and raw sockets: bodies,
versions, keep-alive, pipelining, every error status, Range, If-Modified-
Since, listings, /echo, /stats, the access log and timeouts."""
import hashlib
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
import httptest  # noqa: E402
from httptest import (ONE_MIB, WAIT_S, HttpTest, connect, pattern, raw,  # noqa: E402
                      raw_one, read_all, split_responses, status_of)


def read_until_body(sock, marker, timeout=WAIT_S):
    """Read from sock until marker has arrived or timeout passes."""
    sock.settimeout(timeout)
    data, deadline = b"", time.monotonic() + timeout
    while marker not in data and time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
    return data


class BodiesTest(HttpTest):
    def setUp(self):
        self.server = self.serve("--workers", "2")
        self.conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=WAIT_S)
        self.addCleanup(self.conn.close)

    def get(self, path, headers=None, method="GET"):
        self.conn.request(method, path, headers=headers or {})
        r = self.conn.getresponse()
        return r, r.read()

    def test_bodies_are_byte_exact_for_0_1_and_1mib(self):
        for name in ("empty.txt", "one.bin", "mib.bin", "index.html"):
            r, body = self.get("/" + name)
            self.assertEqual(r.status, 200, name)
            self.assertEqual(body, self.files[name], name)
            self.assertEqual(int(r.getheader("Content-Length")), len(self.files[name]))
            self.assertIsNotNone(r.getheader("Date"))
            self.assertIsNotNone(r.getheader("Last-Modified"))

    def test_body_of_100mib_is_byte_exact(self):
        path = os.path.join(self.root, "big.bin")
        block = os.urandom(ONE_MIB)
        want = hashlib.sha256()
        with open(path, "wb") as f:
            for i in range(100):
                chunk = i.to_bytes(8, "big") + block[8:]
                f.write(chunk)
                want.update(chunk)
        self.conn.request("GET", "/big.bin")
        r = self.conn.getresponse()
        self.assertEqual(int(r.getheader("Content-Length")), 100 * ONE_MIB)
        got, n = hashlib.sha256(), 0
        while True:
            chunk = r.read(1 << 20)
            if not chunk:
                break
            got.update(chunk)
            n += len(chunk)
        self.assertEqual(n, 100 * ONE_MIB)
        self.assertEqual(got.hexdigest(), want.hexdigest())

    def test_content_types(self):
        for path, ctype in (("/index.html", "text/html; charset=utf-8"),
                            ("/style.css", "text/css; charset=utf-8"),
                            ("/sub/data.json", "application/json; charset=utf-8"),
                            ("/one.bin", "application/octet-stream")):
            r, _ = self.get(path)
            self.assertEqual(r.getheader("Content-Type"), ctype, path)

    def test_head_sends_headers_without_body(self):
        r, body = self.get("/mib.bin", method="HEAD")
        self.assertEqual(r.status, 200)
        self.assertEqual(int(r.getheader("Content-Length")), ONE_MIB)
        self.assertEqual(body, b"")
        r, body = self.get("/hello.txt")  # the connection is still in step
        self.assertEqual(body, b"hello\n")

    def test_keep_alive_reuses_one_connection(self):
        self.get("/hello.txt")
        sock = self.conn.sock
        port = sock.getsockname()[1]
        for _ in range(5):
            r, body = self.get("/hello.txt")
            self.assertEqual(body, b"hello\n")
        self.assertIs(self.conn.sock, sock)
        self.assertEqual(self.conn.sock.getsockname()[1], port)
        stats = json.loads(self.get("/stats")[1])
        http_stats = [s for s in stats if s["name"] == "http"][0]
        self.assertEqual(http_stats["conns_total"], 1)
        self.assertGreaterEqual(http_stats["requests"], 6)

    def test_range_gives_206_and_416(self):
        data = self.files["mib.bin"]
        r, body = self.get("/mib.bin", {"Range": "bytes=100-199"})
        self.assertEqual(r.status, 206)
        self.assertEqual(body, data[100:200])
        self.assertEqual(r.getheader("Content-Range"), f"bytes 100-199/{len(data)}")
        r, body = self.get("/mib.bin", {"Range": "bytes=-10"})
        self.assertEqual((r.status, body), (206, data[-10:]))
        r, body = self.get("/mib.bin", {"Range": "bytes=0-99999999999999999999"})
        self.assertEqual((r.status, body), (206, data))
        r, body = self.get("/mib.bin", {"Range": f"bytes={len(data)}-"})
        self.assertEqual(r.status, 416)
        self.assertEqual(r.getheader("Content-Range"), f"bytes */{len(data)}")
        r, body = self.get("/mib.bin", {"Range": "bytes=0-1,5-6"})
        self.assertEqual((r.status, len(body)), (200, len(data)))

    def test_if_modified_since_gives_304(self):
        r, _ = self.get("/hello.txt")
        lm = r.getheader("Last-Modified")
        r, body = self.get("/hello.txt", {"If-Modified-Since": lm})
        self.assertEqual((r.status, body), (304, b""))
        for old in ("Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
                    "Sun Nov  6 08:49:37 1994"):
            r, body = self.get("/hello.txt", {"If-Modified-Since": old})
            self.assertEqual((r.status, body), (200, b"hello\n"), old)
        # A date in the future is ignored, not taken as "unchanged since".
        r, body = self.get("/hello.txt", {"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"})
        self.assertEqual((r.status, body), (200, b"hello\n"))

    def test_directory_index_redirect_and_listing(self):
        r, body = self.get("/")
        self.assertEqual(body, self.files["index.html"])
        r, body = self.get("/sub")
        self.assertEqual(r.status, 301)
        self.assertEqual(r.getheader("Location"), "/sub/")
        r, body = self.get("/sub/")
        self.assertEqual(r.status, 200)
        page = body.decode()
        self.assertIn("a &lt;b&gt;&amp;&#39;c.txt", page)
        self.assertIn('href="a%20%3Cb%3E%26%27c.txt"', page)
        self.assertNotIn("<b>", page)
        self.assertRegex(page, r"data\.json</a></td><td>3</td><td>\w{3}, \d\d \w{3} \d{4}")
        r, body = self.get("/sub/a%20%3Cb%3E%26%27c.txt")
        self.assertEqual(body, b"odd name\n")

    def test_symlink_inside_the_root_is_served(self):
        r, body = self.get("/alias.txt")
        self.assertEqual((r.status, body), (200, b"hello\n"))


class TraceWorkersTest(HttpTest):
    def test_trace_shows_one_listener_unless_workers_are_asked_for(self):
        """--trace alone serves with one worker, so a class reads one
        listener's calls; --workers still decides when given."""
        self.base, root, _ = httptest.make_site(self)
        for extra, workers in (((), 1), (("--workers", "2"), 2)):
            with self.subTest(extra=extra):
                server = httptest.Server(
                    [self.BIN, "server", "-p", "0", "-r", root, "--trace", *extra],
                    ready=rf"listening on (\S+) \({workers} workers?,")
                self.addCleanup(server.kill)
                self.assertEqual(server.stop(), 0)
                listens = re.findall(r"\blisten\(fd \d+", server.stderr())
                self.assertEqual(len(listens), workers, server.stderr())


class TraceDepthTest(HttpTest):
    def test_reuseport_and_sendfile_are_told_only_with_trace_detail(self):
        self.base, root, _ = httptest.make_site(self)
        big = os.path.join(root, "big.bin")
        with open(big, "wb") as f:
            f.write(pattern(100000, seed=7))
        for flag, detail in (("--trace", False), ("--trace=detail", True)):
            with self.subTest(flag=flag):
                server = httptest.Server([self.BIN, "server", "-p", "0", "-r", root, "--workers",
                                          "2", flag], ready=r"listening on (\S+) \(2 workers,")
                self.addCleanup(server.kill)
                port = server.port
                self.assertEqual(raw(port, b"GET /big.bin HTTP/1.0\r\n\r\n")[-100000:],
                                 pattern(100000, seed=7))
                self.assertEqual(server.stop(), 0)
                err = server.stderr()
                self.assertEqual(len(re.findall(r"\blisten\(fd \d+", err)), 2, err)
                self.assertRegex(err, r'recv\(fd \d+\) -> \d+ bytes "GET /big\.bin HTTP/1\.0')
                self.assertRegex(err, r'sendmsg\(fd \d+, head \d+ \+ body 0 bytes[,)].* "HTTP/1\.1 200')
                for pattern_ in (r"setsockopt\(fd \d+, SO_REUSEPORT\) -> 0",
                                 r"sendfile\(fd \d+, file fd \d+, \d+ bytes\)",
                                 r"MSG_MORE: sendfile\(\) sends the body",
                                 r"epoll_ctl\(epfd \d+, ADD, fd \d+, EPOLLIN\)"):
                    (self.assertRegex if detail else self.assertNotRegex)(err, pattern_)


class SendPathTest(HttpTest):
    """Small file bodies leave in one write with the head; larger ones by
    sendfile(). --trace shows which, and the bytes are the same either way."""

    SIZES = (1, 1024, 16383, 16384, 16385, 200000)

    def fetch_all(self, server):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT_S)
        self.addCleanup(conn.close)
        for n in self.SIZES:
            conn.request("GET", f"/f{n}.bin")
            r = conn.getresponse()
            self.assertEqual((r.status, r.read()), (200, self.data[n]), n)
        conn.request("GET", "/f1024.bin", headers={"Range": "bytes=1000-"})
        r = conn.getresponse()
        self.assertEqual((r.status, r.read()), (206, self.data[1024][1000:]))
        # a closing response: its last bytes wait for close()'s FIN
        self.assertEqual(raw(server.port, b"GET /f1024.bin HTTP/1.0\r\n\r\n")[-1024:],
                         self.data[1024])
        self.assertEqual(server.stop(), 0)
        return server.proc.stderr.read().decode()

    def serve_sizes(self, *extra):
        server = self.serve("--workers", "1", "--trace=detail", *extra)
        self.data = {n: pattern(n, seed=n % 251) for n in self.SIZES}
        for n, data in self.data.items():
            with open(os.path.join(self.root, f"f{n}.bin"), "wb") as f:
                f.write(data)
        return server

    def test_small_bodies_share_the_heads_write_and_large_ones_use_sendfile(self):
        trace = self.fetch_all(self.serve_sizes())
        copied = re.findall(r"sendmsg\(fd \d+, head \d+ \+ body (\d+) bytes \(a small file, copied",
                            trace)
        sent = re.findall(r"sendfile\(fd \d+, file fd \d+, (\d+) bytes\)", trace)
        self.assertEqual(sorted(map(int, copied)), [1, 24, 1024, 1024, 16383])
        self.assertEqual(sum(map(int, sent)), 16384 + 16385 + 200000)
        self.assertIn("MSG_MORE: close() sends the FIN with it", trace)
        # the messages themselves, as every program's trace shows them
        self.assertRegex(trace, r'recv\(fd \d+\) -> \d+ bytes "GET /f1\.bin HTTP/1\.1\\r\\n')
        self.assertRegex(trace, r'sendmsg\(fd \d+, head .*\) -> \d+ "HTTP/1\.1 200 OK\\r\\n')

    def test_sendfile_min_0_sends_every_body_with_sendfile(self):
        trace = self.fetch_all(self.serve_sizes("--sendfile-min", "0"))
        self.assertNotIn("a small file, copied", trace)
        sent = re.findall(r"sendfile\(fd \d+, file fd \d+, (\d+) bytes\)", trace)
        self.assertEqual(sum(map(int, sent)), sum(self.SIZES) + 24 + 1024)

    def test_a_large_body_goes_out_in_slices_byte_exact(self):
        """Over 256 KiB, a body leaves at most 64 KiB per turn of the loop,
        so large downloads take turns; the bytes are the same."""
        server = self.serve("--workers", "1", "--trace=detail")
        size = 3 * 1024 * 1024 + 7
        data = pattern(size, seed=7)
        with open(os.path.join(self.root, "big.bin"), "wb") as f:
            f.write(data)
        # pipelined: the next request waits out every slice of the one before
        got = raw(server.port, b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n"
                  b"GET /big.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=300000-\r\n\r\n"
                  b"GET /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        for status, body in ((b"200", data), (b"206", data[300000:]), (b"200", data)):
            head, _, got = got.partition(b"\r\n\r\n")
            self.assertTrue(head.startswith(b"HTTP/1.1 " + status), head[:40])
            self.assertEqual(got[:len(body)], body)
            got = got[len(body):]
        self.assertEqual(got, b"")
        self.assertEqual(server.stop(), 0)
        sent = [int(n) for n in re.findall(r"sendfile\(fd \d+, file fd \d+, (\d+) bytes\)",
                                           server.proc.stderr.read().decode())]
        self.assertEqual(sum(sent), 3 * size - 300000)
        self.assertLessEqual(max(sent), 64 * 1024)


class EditedFileTest(HttpTest):
    def test_a_file_edited_in_place_is_never_sent_half_old_half_new(self):
        """A small file's body comes from one copy: pipelined requests to a
        slow reader, with the file rewritten in place meanwhile, each get
        the old bytes or the new ones, never a mix."""
        server = self.serve("--workers", "1")
        path, n, count = os.path.join(self.root, "mix.bin"), 16383, 300
        old, new = b"A" * n, b"B" * n
        with open(path, "wb") as f:
            f.write(old)
        s = socket.socket()
        self.addCleanup(s.close)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)  # many partial writes
        s.connect(("127.0.0.1", server.port))
        s.sendall(b"GET /mix.bin HTTP/1.1\r\nHost: x\r\n\r\n" * count)
        time.sleep(0.2)
        with open(path, "r+b") as f:  # same inode, same size
            f.write(new)
        got, deadline = bytearray(), time.monotonic() + WAIT_S
        s.settimeout(1)
        def whole():
            return got.count(b"\r\n\r\n") >= count and len(got.rsplit(b"\r\n\r\n", 1)[1]) >= n

        while not whole() and time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                break
            got += chunk
            time.sleep(0.0005)  # a slow reader
        bodies = [body for _, _, body in split_responses(bytes(got))]
        self.assertEqual(len(bodies), count)
        self.assertEqual([b for b in bodies if b not in (old, new)], [])


class FileCacheTest(HttpTest):
    def test_an_idle_server_closes_the_files_it_cached(self):
        server = self.serve("--workers", "1")
        fd_dir = f"/proc/{server.proc.pid}/fd"
        self.assertEqual(status_of(raw_one(server.port, b"GET /stats HTTP/1.0\r\n\r\n")), 200)
        before = len(os.listdir(fd_dir))
        data = raw(server.port, b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"
                                b"GET /mib.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertEqual([g[0] for g in split_responses(data)], [200, 200])
        deadline = time.monotonic() + WAIT_S
        while len(os.listdir(fd_dir)) > before and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(len(os.listdir(fd_dir)), before)


class DeferAcceptTest(HttpTest):
    """By default a connection is accepted once its request arrives; a
    silent one is still accepted about a second later, and
    --no-defer-accept accepts it at once."""

    def open_conns(self, server):
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/stats", timeout=WAIT_S) as r:
            return json.load(r)[0]["conns_open"] - 1  # not counting this request

    def silent_connection(self, server):
        s = connect(server.port)
        self.addCleanup(s.close)
        time.sleep(0.2)
        return s

    def test_a_silent_connection_waits_then_is_accepted(self):
        server = self.serve("--workers", "1")
        self.silent_connection(server)
        self.assertEqual(self.open_conns(server), 0)
        deadline = time.monotonic() + WAIT_S
        while self.open_conns(server) == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(self.open_conns(server), 1)

    def test_no_defer_accept_accepts_at_once(self):
        server = self.serve("--workers", "1", "--no-defer-accept")
        self.silent_connection(server)
        self.assertEqual(self.open_conns(server), 1)


class ErrorsTest(HttpTest):
    def setUp(self):
        self.server = self.serve("--timeout", "1", "--workers", "1")

    def status(self, data):
        return status_of(raw(self.server.port, data))

    def test_host_is_required_once_in_http11_and_at_most_once_in_http10(self):
        for data, want in ((b"GET /hello.txt HTTP/1.1\r\nConnection: close\r\n\r\n", 400),
                           (b"GET /hello.txt HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n", 400),
                           (b"GET /hello.txt HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", 400),
                           (b"GET /hello.txt HTTP/1.0\r\n\r\n", 200),
                           (b"GET /hello.txt HTTP/1.1\r\nhOsT: a\r\nConnection: close\r\n\r\n",
                            200)):
            self.assertEqual(self.status(data), want, data)

    def test_a_file_with_a_trailing_slash_is_not_found(self):
        self.assertEqual(
            self.status(b"GET /hello.txt/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 404)

    def test_directory_redirect_never_points_at_another_host(self):
        for target in (b"//sub", b"/sub", b"///sub", b"/%2fsub"):
            data = raw(self.server.port, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n"
                                         b"Connection: close\r\n\r\n")
            if status_of(data) != 301:
                continue  # an encoded slash is refused outright, which is fine
            location = re.search(rb"\r\nLocation: (\S+)\r\n", data).group(1)
            self.assertTrue(location.startswith(b"/") and not location.startswith(b"//"),
                            location)
        data = raw(self.server.port, b"GET //sub HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertEqual(status_of(data), 301)
        self.assertIn(b"\r\nLocation: /sub/\r\n", data)

    def test_escapes_end_in_403_or_404_and_never_serve_the_secret(self):
        for target in ("/../secret.txt", "/%2e%2e/secret.txt", "/sub/%2E%2E/%2e%2e/secret.txt",
                       "/sub%2f..%2f..%2fsecret.txt", "/leak.txt", "/etc/passwd",
                       "/hello.txt%00.html", "/..%5csecret.txt", "/sub/../../secret.txt"):
            data = raw(self.server.port, f"GET {target} HTTP/1.1\r\nHost: x\r\n"
                                         "Connection: close\r\n\r\n".encode())
            self.assertIn(status_of(data), (403, 404), target)
            self.assertNotIn(b"TOP SECRET", data, target)
            self.assertNotIn(b"root:", data, target)

    def test_each_error_status_from_raw_bytes(self):
        long_uri = "/" + "a" * 10000
        cases = [
            (b"\x16\x03\x01\x02\x00\x01\x00\r\n\r\n", 400),
            (b"GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", 400),
            (b"GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400),
            (b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", 400),
            (b"GET /../secret.txt HTTP/1.1\r\nHost: x\r\n\r\n", 403),
            (b"GET /nope.html HTTP/1.1\r\nHost: x\r\n\r\n", 404),
            (b"POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 405),
            (b"DELETE /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n", 405),
            (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n", 413),
            (f"GET {long_uri} HTTP/1.1\r\nHost: x\r\n\r\n".encode(), 414),
            (b"GET / HTTP/1.1\r\nHost: x\r\nCookie: " + b"c" * 20000 + b"\r\n\r\n", 431),
            (b"FROB / HTTP/1.1\r\nHost: x\r\n\r\n", 501),
            (b"GET / HTTP/2.0\r\n\r\n", 505),
            (b"GET / HTTP/1.7\r\n\r\n", 505),
        ]
        for data, want in cases:
            got = raw_one(self.server.port, data)
            self.assertEqual(status_of(got), want, data[:60])
            self.assertIn(b"text/html", got.partition(b"\r\n\r\n")[0], data[:60])
            self.assertIn(str(want).encode(), got.partition(b"\r\n\r\n")[2])
        self.assertTrue(self.server.alive())

    def test_max_head_sets_the_431_limit_both_ways(self):
        for limit, ok, too_big in ((2048, 1500, 3000), (65536, 40000, 70000)):
            server = self.serve("--max-head", str(limit))
            for size, want in ((ok, 200), (too_big, 431)):
                cookie = b"Cookie: c=" + b"x" * (size - 60) + b"\r\n"
                head = b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n" + cookie + b"\r\n"
                self.assertEqual(status_of(raw_one(server.port, head)), want, (limit, size))
            server.kill()

    def test_a_request_line_longer_than_max_head_is_414(self):
        server = self.serve("--max-head", "1024")
        for version in (b" HTTP/1.1\r\nHost: x\r\n\r\n", b"\r\n"):  # 1.1 and 0.9
            line = b"GET /hello.txt?" + b"a" * 2000 + version
            self.assertEqual(status_of(raw_one(server.port, line)), 414, version)

    def test_fifo_is_refused_without_stalling_the_server(self):
        os.mkfifo(os.path.join(self.root, "pipe.txt"))
        self.assertEqual(self.status(b"GET /pipe.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 403)
        self.assertEqual(self.status(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 200)

    def test_405_says_what_is_allowed(self):
        data = raw(self.server.port, b"PUT /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                                     b"Connection: close\r\n\r\n")
        self.assertEqual(status_of(data), 405)
        self.assertIn(b"\r\nAllow: GET, HEAD\r\n", data)

    def test_slow_head_gets_408_and_close(self):
        with connect(self.server.port) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: slow")
            data = read_all(s, timeout=WAIT_S)  # the server closes after --timeout 1
        self.assertEqual(status_of(data), 408)

    def test_error_that_leaves_stream_in_doubt_closes(self):
        with connect(self.server.port) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost : x\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n")
            data = read_all(s)
        self.assertEqual(len(split_responses(data)), 1)
        self.assertIn(b"Connection: close", data)

    def test_404_keeps_the_connection(self):
        with connect(self.server.port) as s:
            s.sendall(b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: x\r\n"
                      b"Connection: close\r\n\r\n")
            got = split_responses(read_all(s))
        self.assertEqual([g[0] for g in got], [404, 200])


class SmugglingTest(HttpTest):
    """Heads that a proxy in front of the server might read otherwise: each
    gets 400 and a close, so nothing pipelined behind it is served."""
    FOLLOW = b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"

    def setUp(self):
        self.server = self.serve("--workers", "1")

    def assert_refused_and_closed(self, head):
        start = time.monotonic()
        data = raw(self.server.port, head + self.FOLLOW, timeout=5)
        self.assertLess(time.monotonic() - start, 4, f"no close after {head!r}")
        got = split_responses(data) if data else []
        self.assertEqual([g[0] for g in got], [400], head)
        self.assertEqual(got[0][1].get("connection"), "close", head)

    def test_a_bare_cr_anywhere_in_the_line_or_head_gets_400_and_a_close(self):
        for head in (b"GET / HTTP/1.0\r\nX: \rxTransfer-Encoding: chunked\r\n\r\n",
                     b"GET / HTTP/1.0\r\nX:\r\tTransfer-Encoding: chunked\r\n\r\n",
                     b"GET / HTTP/1.1\r\nHost: x\r\nX: a\rTransfer-Encoding: chunked\r\n\r\n",
                     b"GET / HTTP/1.1\r\nHost: x\r\n\rTransfer-Encoding: chunked\r\n\r\n",
                     b"GET /\r HTTP/1.1\r\nHost: x\r\n\r\n",
                     b"GET / HTTP/1.1\rHost: x\r\n\r\n",
                     b"GET / HTTP/1.1\r\nHost: x\r\n\r\r\n"):
            self.assert_refused_and_closed(head)
        self.assertTrue(self.server.alive())

    def test_a_header_name_that_is_not_a_token_gets_400_and_a_close(self):
        for head in (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer Encoding: chunked\r\n\r\n",
                     b"GET / HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n",
                     b"GET / HTTP/1.1\r\nHost: x\r\nX@y: 1\r\n\r\n"):
            self.assert_refused_and_closed(head)

    def test_http10_with_transfer_encoding_gets_400_and_a_close(self):
        self.assert_refused_and_closed(
            b"POST /echo?raw HTTP/1.0\r\nConnection: keep-alive\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")

    def test_a_request_that_cannot_succeed_is_answered_without_its_body(self):
        conns = [connect(self.server.port) for _ in range(20)]
        try:
            start = time.monotonic()
            for s in conns:
                s.sendall(b"POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 8192\r\n\r\n")
            answers = [read_all(s, timeout=5) for s in conns]
            elapsed = time.monotonic() - start
        finally:
            for s in conns:
                s.close()
        self.assertEqual([status_of(a) for a in answers], [405] * 20)
        self.assertTrue(all(b"Connection: close" in a for a in answers))
        self.assertLess(elapsed, 3, "each 405 waited for a body")

    def test_expect_100_is_never_sent_for_a_request_that_will_fail(self):
        with connect(self.server.port) as s:
            s.sendall(b"PUT /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 8192\r\n"
                      b"Expect: 100-continue\r\n\r\n")
            data = read_all(s, timeout=5)
        self.assertEqual(status_of(data), 405)
        self.assertNotIn(b" 100 ", data)

    def test_a_refused_body_already_sent_does_not_reset_the_answer(self):
        body = b"b" * 8192
        with connect(self.server.port) as s:
            s.sendall(b"POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 8192\r\n\r\n"
                      + body + self.FOLLOW)
            data = read_all(s, timeout=5)
        got = split_responses(data)
        self.assertEqual([g[0] for g in got], [405])


class VersionsTest(HttpTest):
    def test_pipelined_requests_are_answered_in_order(self):
        server = self.serve()
        reqs = b"".join(f"GET /{n} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
                        for n in ("hello.txt", "one.bin", "nope", "index.html"))
        reqs += b"GET /empty.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        got = split_responses(raw(server.port, reqs))
        self.assertEqual([g[0] for g in got], [200, 200, 404, 200, 200])
        self.assertEqual(got[0][2], b"hello\n")
        self.assertEqual(got[1][2], b"x")
        self.assertEqual(got[3][2], self.files["index.html"])
        self.assertEqual(got[4][2], b"")

    def test_upgrade_request_is_ignored_and_the_next_request_served(self):
        server = self.serve()
        upgrade = (b"GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                   b"Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n")
        follow = b"GET /one.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        got = split_responses(raw(server.port, upgrade + follow))  # pipelined
        self.assertEqual([g[0] for g in got], [200, 200])
        self.assertEqual(got[1][2], b"x")
        with connect(server.port) as s:  # and in two writes on one connection
            s.sendall(upgrade)
            self.assertEqual(status_of(read_until_body(s, b"hello\n")), 200)
            s.sendall(follow)
            self.assertEqual(split_responses(read_all(s))[0][:1], (200,))

    def test_pipelined_expect_100_continue_gets_its_100(self):
        server = self.serve("--timeout", "2")
        with connect(server.port) as s:
            s.sendall(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"
                      b"POST /echo?raw HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                      b"Expect: 100-continue\r\n\r\n")
            seen = read_until_body(s, b"HTTP/1.1 100 Continue\r\n\r\n")
            self.assertIn(b"HTTP/1.1 100 Continue\r\n\r\n", seen)
            s.sendall(b"abc")
            rest = read_until_body(s, b"\n\nabc")
            self.assertIn(b"\n\nabc", seen + rest)

    def test_many_pipelined_requests_span_several_reads(self):
        server = self.serve()
        n = 300  # about 25 KB: more than one read of the server's buffer
        reqs = b"".join(f"GET /hello.txt?{i} HTTP/1.1\r\nHost: x\r\nX-Pad: {'p' * 40}\r\n\r\n"
                        .encode() for i in range(n))
        reqs += b"GET /one.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        got = split_responses(raw(server.port, reqs))
        self.assertEqual(len(got), n + 1)
        self.assertTrue(all(g[2] == b"hello\n" for g in got[:n]))
        self.assertEqual(got[n][2], b"x")

    def test_request_sent_one_byte_at_a_time(self):
        server = self.serve()
        with connect(server.port) as s:
            for b in b"GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n":
                s.sendall(bytes([b]))
            got = split_responses(read_all(s))
        self.assertEqual([(g[0], g[2]) for g in got], [(200, b"hello\n")])

    def test_http10_closes_unless_keep_alive(self):
        server = self.serve()
        data = raw(server.port, b"GET /hello.txt HTTP/1.0\r\n\r\n", timeout=WAIT_S)
        self.assertTrue(data.endswith(b"hello\n"))  # read_all ended: the server closed
        # The status line says HTTP/1.1, so the close must be said too.
        self.assertIn(b"\r\nConnection: close\r\n", data)
        with connect(server.port) as s:
            for _ in range(3):
                s.sendall(b"GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                head = b""
                while not head.endswith(b"hello\n"):
                    head += s.recv(4096)
                self.assertIn(b"Connection: keep-alive", head)

    def test_http11_connection_close_is_honoured(self):
        server = self.serve()
        data = raw(server.port, b"GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertIn(b"Connection: close", data)
        self.assertTrue(data.endswith(b"hello\n"))

    def test_http09_gets_the_body_alone(self):
        server = self.serve()
        self.assertEqual(raw(server.port, b"GET /hello.txt\r\n"), b"hello\n")
        self.assertEqual(raw(server.port, b"GET /index.html\n"), self.files["index.html"])

    def test_http10_flag_forces_one_request_per_connection(self):
        server = self.serve("--http1.0")
        data = raw(server.port, b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /one.bin HTTP/1.1\r\nHost: x\r\n\r\n")
        got = split_responses(data)
        self.assertEqual(len(got), 1)
        self.assertTrue(data.startswith(b"HTTP/1.0 200 OK\r\n"))

    def test_idle_keep_alive_connection_is_closed(self):
        server = self.serve("--idle-timeout", "1")
        with connect(server.port) as s:
            s.sendall(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n")
            data = read_all(s, timeout=WAIT_S)  # ends when the server closes
        self.assertEqual(split_responses(data)[0][2], b"hello\n")

    def test_a_slow_reader_outlasts_the_idle_timeout_while_bytes_flow(self):
        with tempfile.TemporaryDirectory() as root:
            data = os.urandom(1 << 20) * 32  # 32 MiB: far more than socket buffers hold
            with open(os.path.join(root, "big.bin"), "wb") as f:
                f.write(data)
            server = self.serve("--idle-timeout", "2", "--workers", "1", root=root)
            # The reader keeps taking bytes, about 10 MB/s, so the server's
            # writes come well within the 2 s timeout though the whole
            # transfer lasts longer than that (the timeout is between
            # writes, as nginx's send_timeout is).
            with socket.socket() as s:
                s.settimeout(WAIT_S)
                s.connect(("127.0.0.1", server.port))
                s.sendall(b"GET /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                got, deadline = bytearray(), time.monotonic() + 30
                while time.monotonic() < deadline:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    got += chunk
                    time.sleep(0.005)
            status, _, body = split_responses(bytes(got))[0]
            self.assertEqual(status, 200)
            self.assertEqual(len(body), len(data), "cut off before the end")
            self.assertEqual(hashlib.sha256(body).digest(), hashlib.sha256(data).digest())

    def test_connection_limit_answers_503(self):
        server = self.serve("--max-conns", "2", "--workers", "1")
        held = [connect(server.port) for _ in range(2)]
        for s in held:
            self.addCleanup(s.close)
            s.sendall(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n")
            s.recv(4096)  # accepted and answered: now counted as open
        self.assertEqual(status_of(raw(server.port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")), 503)
        held[0].close()
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            if status_of(raw(server.port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) == 200:
                break
            time.sleep(0.05)
        else:
            self.fail("the server did not accept again after a connection closed")

    def test_ipv6_loopback(self):
        base_server = self.serve("-H", "::1")
        data = raw(base_server.port, b"GET /hello.txt HTTP/1.0\r\n\r\n", host="::1",
                   family=socket.AF_INET6)
        self.assertTrue(data.endswith(b"hello\n"))


class DemoEndpointsTest(HttpTest):
    def test_echo_shows_the_request_in_order_with_the_peer(self):
        server = self.serve()
        with connect(server.port) as s:
            s.sendall(b"GET /echo?raw HTTP/1.1\r\nHost: h\r\nX-Zeta: 1\r\nX-Alpha: <2>\r\n"
                      b"Connection: close\r\n\r\n")
            port = s.getsockname()[1]
            status, headers, body = split_responses(read_all(s))[0]
        self.assertEqual(headers["content-type"], "text/plain; charset=utf-8")
        text = body.decode()
        self.assertTrue(text.startswith("GET /echo?raw HTTP/1.1\nHost: h\nX-Zeta: 1\n"
                                        "X-Alpha: <2>\nConnection: close\n"), text)
        self.assertIn(f"127.0.0.1:{port}", text)
        data = raw(server.port, b"GET /echo HTTP/1.1\r\nHost: x\r\nX-Evil: <script>\r\n"
                                b"Connection: close\r\n\r\n")
        self.assertIn(b"X-Evil: &lt;script&gt;", data)
        self.assertNotIn(b"<script>", data)

    def test_echo_shows_a_posted_body(self):
        server = self.serve()
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT_S)
        self.addCleanup(conn.close)
        conn.request("POST", "/echo?raw", body=b"name=dream&mood=handsome")
        r = conn.getresponse()
        self.assertIn(b"\n\nname=dream&mood=handsome\n", r.read())

    def test_stats_is_json_of_the_counters(self):
        server = self.serve()
        raw(server.port, b"GET /hello.txt HTTP/1.0\r\n\r\n")
        status, headers, body = split_responses(raw(server.port, b"GET /stats HTTP/1.0\r\n\r\n"))[0]
        self.assertEqual(headers["content-type"], "application/json; charset=utf-8")
        stats = {s["name"]: s for s in json.loads(body)}
        self.assertGreaterEqual(stats["http"]["requests"], 2)
        self.assertGreaterEqual(stats["http"]["bytes_out"], 6)

    def test_access_log_is_common_log_format(self):
        log = tempfile.NamedTemporaryFile(prefix="netdemo-http-log-", delete=False)
        log.close()
        self.addCleanup(os.unlink, log.name)
        server = self.serve("--access-log", log.name)
        raw(server.port, b"GET /hello.txt HTTP/1.0\r\n\r\n")
        raw(server.port, b"GET /nope HTTP/1.0\r\n\r\n")
        server.stop()
        with open(log.name) as f:
            lines = f.read().splitlines()
        clf = r'^127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "%s" %s$'
        self.assertRegex(lines[0], clf % (r"GET /hello\.txt HTTP/1\.0", "200 6"))
        self.assertRegex(lines[1], clf % (r"GET /nope HTTP/1\.0", r"404 \d+"))

    def test_access_log_dash_goes_to_stdout(self):
        server = self.serve("--access-log", "-")
        raw(server.port, b"GET /hello.txt HTTP/1.0\r\n\r\n")
        self.assertEqual(server.stop(), 0)
        out = server.proc.stdout.read().decode()
        self.assertRegex(out, r'127\.0\.0\.1 - - \[[^]]+\] "GET /hello\.txt HTTP/1\.0" 200 6\n')

    def test_show_requests_prints_each_head(self):
        server = self.serve("--show-requests")
        raw(server.port, b"GET /hello.txt HTTP/1.0\r\nX-Shown: yes\r\n\r\n")
        self.assertEqual(server.stop(), 0)
        err = server.proc.stderr.read().decode()
        self.assertIn("GET /hello.txt HTTP/1.0\nX-Shown: yes", err)

    def test_default_root_is_the_bundled_site(self):
        server = self.start([self.BIN, "server", "-p", "0"])
        data = raw(server.port, b"GET / HTTP/1.0\r\n\r\n")
        self.assertEqual(status_of(data), 200)
        self.assertIn(b"B/S", data)

    def test_sigterm_stops_it_cleanly_with_connections_open(self):
        server = self.serve("--workers", "3")
        s = connect(server.port)
        self.addCleanup(s.close)
        s.sendall(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n")
        s.recv(4096)
        self.assertEqual(server.stop(), 0)


class CliTest(HttpTest):
    def run_cli(self, *args):
        return subprocess.run([self.BIN, *args], capture_output=True, timeout=30,
                              stdin=subprocess.DEVNULL)

    def test_help_on_every_command(self):
        for args in (["--help"], ["server", "--help"], ["get", "--help"], ["server", "-h"]):
            r = self.run_cli(*args)
            self.assertEqual(r.returncode, 0)
            self.assertIn(b"usage: http-demo", r.stdout)

    def test_bad_usage_exits_2(self):
        for args in (["server", "--bogus"], ["server", "-p", "70000"], ["server", "--workers", "0"],
                     ["server", "--timeout", "x"], ["server", "--sendfile-min", "-1"],
                     ["server", "--sendfile-min", "2000000"], ["server", "--max-head", "100"],
                     ["server", "--max-head", "2000000"], ["get"], ["get", "ftp://x/"],
                     ["get", "http://127.0.0.1:1/", "-H", "no colon"], ["frob"],
                     ["server", "--trace=loud"], ["get", "http://127.0.0.1:1/", "--trace=x"]):
            self.assert_one_line_error(self.run_cli(*args), 2, "http-demo")

    def test_startup_failures_exit_1(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen()
            self.assert_one_line_error(
                self.run_cli("server", "-p", str(s.getsockname()[1])), 1, "http-demo")
        self.assert_one_line_error(
            self.run_cli("server", "-p", "0", "-r", "/nonexistent/x"), 1, "http-demo")


if __name__ == "__main__":
    httptest.main()
