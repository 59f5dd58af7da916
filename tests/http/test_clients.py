"""Real clients against http-demo: curl (HTTP/1.0 and 1.1, connection
reuse), and the native `http-demo get` against http-demo and nginx."""
import argparse
import gzip
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from httptest import WAIT_S, HttpTest, make_site  # noqa: E402
import harness  # noqa: E402  (httptest put tests/lib on the path)

CURL = shutil.which("curl")
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)


def run(argv, timeout=60):
    return subprocess.run(argv, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)


@unittest.skipIf(CURL is None, "curl is not installed")
class CurlTest(HttpTest):
    def setUp(self):
        self.server = self.serve()
        self.url = f"http://127.0.0.1:{self.server.port}"

    def test_http11_reuses_one_connection_across_requests(self):
        r = run([CURL, "-sv", f"{self.url}/hello.txt", f"{self.url}/one.bin"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"hello\nx")
        err = r.stderr.decode()
        self.assertIn("> GET /hello.txt HTTP/1.1", err)
        self.assertIn("Re-using existing connection", err)
        self.assertEqual(err.count("Connected to"), 1)

    def test_http10_uses_a_connection_per_request(self):
        r = run([CURL, "-sv", "--http1.0", f"{self.url}/hello.txt", f"{self.url}/one.bin"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"hello\nx")
        err = r.stderr.decode()
        self.assertIn("> GET /hello.txt HTTP/1.0", err)
        self.assertNotIn("Re-using existing connection", err)
        self.assertEqual(err.count("Connected to"), 2)

    def test_download_is_byte_exact(self):
        out = os.path.join(self.base, "out.bin")
        r = run([CURL, "-sS", "-o", out, f"{self.url}/mib.bin"])
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, "rb") as f:
            self.assertEqual(f.read(), self.files["mib.bin"])

    def test_resume_with_range(self):
        out = os.path.join(self.base, "part.bin")
        with open(out, "wb") as f:
            f.write(self.files["mib.bin"][:1000])
        r = run([CURL, "-sS", "-C", "-", "-o", out, f"{self.url}/mib.bin"])
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, "rb") as f:
            self.assertEqual(f.read(), self.files["mib.bin"])

    def test_fail_on_404_exits_22(self):
        self.assertEqual(run([CURL, "-sf", f"{self.url}/nope"]).returncode, 22)

    def test_post_with_expect_100_continue(self):
        body = os.path.join(self.base, "body.txt")
        with open(body, "wb") as f:
            f.write(b"b" * 5000)
        r = run([CURL, "-sv", "-H", "Expect: 100-continue", "--expect100-timeout", "30",
                 "--data-binary", f"@{body}",
                 f"{self.url}/echo?raw"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"< HTTP/1.1 100 Continue", r.stderr)
        self.assertIn(b"\n\n" + b"b" * 5000 + b"\n", r.stdout)


class NativeClientTest(HttpTest):
    def setUp(self):
        self.server = self.serve()
        self.url = f"http://127.0.0.1:{self.server.port}"

    def get(self, *args):
        return run([self.BIN, "get", *args])

    def test_body_to_stdout_and_to_file_is_byte_exact(self):
        r = self.get(f"{self.url}/hello.txt")
        self.assertEqual((r.returncode, r.stdout), (0, b"hello\n"), r.stderr)
        out = os.path.join(self.base, "out.bin")
        r = self.get("-o", out, f"{self.url}/mib.bin")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, "rb") as f:
            self.assertEqual(f.read(), self.files["mib.bin"])
        r = self.get(f"{self.url}/empty.txt")
        self.assertEqual((r.returncode, r.stdout), (0, b""))

    def test_verbose_shows_both_sides_of_the_wire(self):
        r = self.get("-v", f"{self.url}/hello.txt")
        self.assertEqual(r.returncode, 0)
        self.assertEqual(r.stdout, b"hello\n")
        err = r.stderr.decode().splitlines()
        self.assertEqual(err[0], "> GET /hello.txt HTTP/1.1")
        self.assertIn(f"> Host: 127.0.0.1:{self.server.port}", err)
        self.assertIn("< HTTP/1.1 200 OK", err)
        self.assertIn("< Content-Length: 6", err)

    def test_head_prints_the_head(self):
        r = self.get("-I", f"{self.url}/mib.bin")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith(b"HTTP/1.1 200 OK\r\n"))
        self.assertIn(b"Content-Length: 1048576\r\n", r.stdout)
        self.assertTrue(r.stdout.endswith(b"\r\n\r\n"))

    def test_http10_and_extra_headers_reach_the_server(self):
        r = self.get("--http1.0", "-H", "X-Lecture: one", f"{self.url}/echo?raw")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith(b"GET /echo?raw HTTP/1.0\n"), r.stdout)
        self.assertIn(b"\nX-Lecture: one\n", r.stdout)

    def test_fail_exits_22_on_an_error_status(self):
        r = self.get("--fail", f"{self.url}/nope")
        self.assertEqual(r.returncode, 22)
        self.assertEqual(r.stdout, b"")
        r = self.get(f"{self.url}/nope")
        self.assertEqual(r.returncode, 0)
        self.assertIn(b"404", r.stdout)

    def test_no_redirect_is_followed(self):
        r = self.get("-v", f"{self.url}/sub")
        self.assertEqual(r.returncode, 0)
        self.assertIn(b"< HTTP/1.1 301 Moved Permanently", r.stderr)
        self.assertIn(b"< Location: /sub/", r.stderr)

    def test_refused_connection_exits_1(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        r = self.get(f"http://127.0.0.1:{port}/")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(len(r.stderr.decode().strip().splitlines()), 1)

    def test_a_silent_address_ends_after_connect_timeout(self):
        with harness.SilentPort() as port:
            harness.run_until_no_answer(
                self, [self.BIN, "get", "--connect-timeout", "1", f"http://127.0.0.1:{port}/"],
                port, "http-demo get")

    def test_a_bad_connect_timeout_is_refused(self):
        for value in ("abc", "-1", "0"):
            r = self.get("--connect-timeout", value, f"{self.url}/hello.txt")
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)
            self.assertIn(b"invalid --connect-timeout", r.stderr)

    def test_trace_narrates_the_connect(self):
        r = self.get("--trace", f"{self.url}/hello.txt")
        self.assertEqual((r.returncode, r.stdout), (0, b"hello\n"), r.stderr)
        self.assertIn(b"connect(fd", r.stderr)

    def test_a_server_that_is_not_http_is_named_in_plain_words(self):
        # the TCP upper-case server answers the request head, upper-cased
        tcp = os.path.join(os.path.dirname(self.BIN), "tcp-demo")
        srv = self.start([tcp, "server", "-p", "0"])
        r = self.get(f"http://127.0.0.1:{srv.port}/")
        self.assertEqual(r.returncode, 1)
        err = r.stderr.decode()
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertIn(f"127.0.0.1:{srv.port}: the answer is not HTTP: it began \"GET / HTTP/1.1",
                      err)

    def test_unix_socket_as_curl_does(self):
        path = os.path.join(tempfile.mkdtemp(), "web.sock")
        self.addCleanup(shutil.rmtree, os.path.dirname(path), True)
        self.serve("-H", f"unix:{path}")
        r = self.get("--unix-socket", path, "http://localhost/hello.txt")
        self.assertEqual((r.returncode, r.stdout), (0, b"hello\n"), r.stderr)

    def test_a_host_given_to_h_gets_a_hint(self):
        for value in ("localhost", "127.0.0.1:8080"):
            r = self.get("-H", value, "http://127.0.0.1:9/")
            self.assertEqual(r.returncode, 2)
            self.assertIn(b"the host goes in the URL", r.stderr)

    def test_body_delimited_by_close(self):
        # A server that sends no Content-Length: the body ends when it closes.
        with socket.socket() as ls:
            ls.bind(("127.0.0.1", 0))
            ls.listen()
            port = ls.getsockname()[1]
            proc = subprocess.Popen([self.BIN, "get", f"http://127.0.0.1:{port}/"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self.addCleanup(proc.kill)
            ls.settimeout(WAIT_S)
            conn, _ = ls.accept()
            with conn:
                conn.settimeout(WAIT_S)
                conn.recv(4096)
                conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close")
            out, err = proc.communicate(timeout=WAIT_S)
        self.assertEqual((proc.returncode, out), (0, b"until close"), err)


@unittest.skipIf(NGINX is None, "nginx is not installed (scripts/setup.sh --bench installs it)")
class NativeClientAgainstNginxTest(unittest.TestCase):
    BIN = None

    def setUp(self):
        self.base, self.root, self.files = make_site(self)
        with socket.socket() as s:  # a free port for nginx
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        tmp = os.path.join(self.base, "nginx")
        os.makedirs(tmp)
        conf = os.path.join(tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""
daemon off; master_process off; pid {tmp}/nginx.pid; error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  types {{ text/plain txt; application/octet-stream bin; }}
  server {{
    listen 127.0.0.1:{self.port};
    root {self.root};
    gzip on; gzip_types text/plain application/octet-stream; gzip_min_length 1;
  }}
}}
""")
        self.nginx = subprocess.Popen([NGINX, "-c", conf, "-p", tmp], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, start_new_session=True)
        self.addCleanup(self.stop_nginx)
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        self.fail("nginx did not start")

    def stop_nginx(self):
        self.nginx.kill()
        self.nginx.wait(timeout=WAIT_S)
        self.nginx.stderr.close()

    def test_content_length_body(self):
        out = os.path.join(self.base, "out.bin")
        r = run([self.BIN, "get", "-o", out, f"http://127.0.0.1:{self.port}/mib.bin"])
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, "rb") as f:
            self.assertEqual(f.read(), self.files["mib.bin"])

    def test_chunked_body(self):
        # gzip makes nginx stream the body in chunks: its length is unknown.
        r = run([self.BIN, "get", "-v", "-H", "Accept-Encoding: gzip",
                 f"http://127.0.0.1:{self.port}/mib.bin"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"< Transfer-Encoding: chunked", r.stderr)
        self.assertEqual(gzip.decompress(r.stdout), self.files["mib.bin"])

    def test_fail_on_404(self):
        r = run([self.BIN, "get", "--fail", f"http://127.0.0.1:{self.port}/nope"])
        self.assertEqual(r.returncode, 22)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    args, rest = parser.parse_known_args()
    HttpTest.BIN = NativeClientAgainstNginxTest.BIN = args.bin
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)


if __name__ == "__main__":
    main()
