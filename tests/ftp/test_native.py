"""ftp-demo's own client: `get`, `put` and the interactive `client`, in
passive and active mode, against the real server."""
import ftplib
import io
import os
import pty
import select
import shutil
import socket
import subprocess
import tempfile
import threading

import ftp_common as fc
from ftp_common import FtpTest, payload, WAIT_S
import harness  # (ftp_common put tests/lib on the path)


class PassiveToNowhere:
    """An FTP server in a thread, enough for a login and an EPSV, that
    sends the client's passive data connection to data_port: a port that
    never answers. Serves one client, then closes."""

    def __init__(self, data_port):
        self.data_port = data_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(WAIT_S)
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        answers = {"USER": "331 Password please.", "PASS": "230 Logged in.",
                   "TYPE": "200 Type set.", "QUIT": "221 Bye.",
                   "EPSV": f"229 Entering Extended Passive Mode (|||{self.data_port}|)"}
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        with conn, conn.makefile("rwb") as talk:
            conn.settimeout(WAIT_S)
            talk.write(b"220 Ready.\r\n")
            talk.flush()
            for line in talk:
                verb = line.decode(errors="replace").split()[0].upper() if line.strip() else ""
                talk.write(answers.get(verb, "502 Not here.").encode() + b"\r\n")
                talk.flush()
                if verb == "QUIT":
                    break

    def close(self):
        self.listener.close()
        self.thread.join(WAIT_S)


class NativeTest(FtpTest):
    def setUp(self):
        super().setUp()
        self.local = tempfile.mkdtemp(prefix="ftp-demo-local-")
        self.addCleanup(shutil.rmtree, self.local, True)

    def run_bin(self, *args, stdin=b"", timeout=60):
        return subprocess.run([fc.BIN, *args], input=stdin, capture_output=True,
                              timeout=timeout, cwd=self.local)

    def local_path(self, name):
        return os.path.join(self.local, name)

    def check_get_put(self, *mode):
        data = payload(3 << 20, seed=11)
        self.put_file("dir/big.bin", data)
        srv = self.writer()
        base = f"ftp://ann:pw@127.0.0.1:{srv.port}"
        r = self.run_bin("get", f"{base}/dir/big.bin", "-o", "got.bin", *mode)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(self.local_path("got.bin"), "rb") as f:
            self.assertEqual(f.read(), data)
        r = self.run_bin("put", "got.bin", f"{base}/dir/", *mode)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.read_file("dir/got.bin"), data)
        for size in (0, 1):
            with open(self.local_path(f"s{size}"), "wb") as f:
                f.write(payload(size))
            r = self.run_bin("put", f"s{size}", f"{base}/s{size}", *mode)
            self.assertEqual(r.returncode, 0, r.stderr)
            r = self.run_bin("get", f"{base}/s{size}", "-o", "-", *mode)
            self.assertEqual(r.stdout, payload(size))

    def test_get_and_put_passive(self):
        self.check_get_put()

    def test_get_and_put_active(self):
        self.check_get_put("--active")

    def test_get_fails_with_nonzero_status_and_no_file(self):
        srv = self.server()
        r = self.run_bin("get", f"ftp://127.0.0.1:{srv.port}/missing.txt")
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"550", r.stderr)
        self.assertFalse(os.path.exists(self.local_path("missing.txt")))
        r = self.run_bin("get", "http://example/x")
        self.assertEqual(r.returncode, 2)
        port = srv.port
        srv.stop()
        r = self.run_bin("get", f"ftp://127.0.0.1:{port}/x")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)

    def test_put_refused_by_read_only_server_fails(self):
        with open(self.local_path("a.txt"), "wb") as f:
            f.write(b"a")
        srv = self.server()
        r = self.run_bin("put", "a.txt", f"ftp://127.0.0.1:{srv.port}/a.txt")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(os.listdir(self.root), [])

    def test_verbose_shows_both_channels_and_hides_password(self):
        self.put_file("a.txt", b"hello\n")
        srv = self.writer()
        r = self.run_bin("get", "-v", f"ftp://ann:pw@127.0.0.1:{srv.port}/a.txt", "-o", "-")
        self.assertEqual(r.returncode, 0, r.stderr)
        err = r.stderr.decode()
        self.assertIn("C> RETR a.txt", err)
        self.assertIn("S> 150 ", err)
        self.assertIn("C> PASS <hidden>", err)
        self.assertNotIn("PASS pw", err)
        self.assertIn("-- data connection open", err)
        self.assertIn("-- data connection closed (6 bytes)", err)

    def test_progress_bar_with_rate_and_eta_on_a_terminal(self):
        self.put_file("big.bin", payload(4 << 20))
        srv = self.server()
        master, slave = pty.openpty()
        try:
            r = subprocess.run([fc.BIN, "get", f"ftp://127.0.0.1:{srv.port}/big.bin", "-o", "-"],
                               stdout=subprocess.PIPE, stderr=slave, timeout=60)
            os.close(slave)
            shown = b""
            while select.select([master], [], [], 0.5)[0]:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                shown += chunk
        finally:
            os.close(master)
        self.assertEqual(r.returncode, 0)
        self.assertEqual(len(r.stdout), 4 << 20)
        self.assertIn(b"100%", shown)
        self.assertIn(b"MB/s", shown)
        self.assertIn(b"ETA", shown)

    def interactive(self, srv, script, *extra):
        return self.run_bin("client", "127.0.0.1", "-p", str(srv.port), "-u", "ann", *extra,
                            stdin=("pw\n" + script).encode())

    def check_interactive(self, *extra):
        self.put_file("docs/a.txt", b"alpha\n")
        self.put_file("docs/b.txt", b"beta\n")
        with open(self.local_path("up.txt"), "wb") as f:
            f.write(b"one\ntwo\n")
        srv = self.writer()
        script = "\n".join([
            "pwd", "cd docs", "ls", "dir", "get a.txt", "ascii", "put up.txt", "binary",
            "size up.txt", "rename up.txt moved.txt", "mkdir newdir", "rmdir newdir",
            "mget *.txt", "delete moved.txt", "cd /", "mput up.txt", "quit", ""])
        r = self.interactive(srv, script, *extra)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout.decode()
        self.assertIn('"/" is the current directory', out)
        self.assertIn("\na.txt\n", out)  # from ls
        self.assertIn("\nb.txt\n", out)
        self.assertIn("-rw-r--r-- 1 ftp ftp", out)
        self.assertIn("213 8", out)
        with open(self.local_path("a.txt"), "rb") as f:
            self.assertEqual(f.read(), b"alpha\n")
        with open(self.local_path("b.txt"), "rb") as f:
            self.assertEqual(f.read(), b"beta\n")
        self.assertEqual(sorted(os.listdir(os.path.join(self.root, "docs"))), ["a.txt", "b.txt"])
        self.assertEqual(self.read_file("up.txt"), b"one\ntwo\n")

    def test_interactive_client_passive(self):
        self.check_interactive()

    def test_interactive_client_active(self):
        self.check_interactive("--active")

    def test_interactive_client_reports_failures_in_exit_status(self):
        srv = self.server()
        r = self.run_bin("client", "127.0.0.1", "-p", str(srv.port),
                         stdin=b"get nothing-here\nbogus\nquit\n")
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"550", r.stderr)
        self.assertIn(b"Invalid command", r.stderr)


class CliTest(FtpTest):
    def run_bin(self, *args, stdin=b"", timeout=WAIT_S):
        return subprocess.run([fc.BIN, *args], input=stdin, capture_output=True, timeout=timeout)

    def test_client_reaches_its_server_as_every_client_does(self):
        srv = self.server("--anonymous")
        for args in (["-H", "127.0.0.1", "-p", str(srv.port)], ["-H", f"127.0.0.1:{srv.port}"],
                     ["127.0.0.1", "-p", str(srv.port)]):
            r = self.run_bin("client", *args, "--trace", stdin=b"pwd\nquit\n")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn(b"257 ", r.stdout)
            self.assertIn(b"[ftp client] connect(", r.stderr)
        r = self.run_bin("client", "127.0.0.1", "-H", "127.0.0.1")
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"give the host once", r.stderr)

    def test_a_silent_address_ends_every_client_after_connect_timeout(self):
        with harness.SilentPort() as port:
            for command in (["client", "-p", str(port)],
                            ["get", f"ftp://127.0.0.1:{port}/readme.txt", "-o", "-"],
                            ["get", "-p", str(port), "readme.txt", "-o", "-"],
                            ["put", "-p", str(port), os.devnull, "x"]):
                harness.run_until_no_answer(
                    self, [fc.BIN, *command, "--connect-timeout", "1"], port,
                    f"ftp-demo {command[0]}")

    def test_a_passive_data_port_that_never_answers_ends_after_connect_timeout(self):
        with harness.SilentPort() as data_port:
            server = PassiveToNowhere(data_port)
            self.addCleanup(server.close)
            harness.run_until_no_answer(
                self, [fc.BIN, "get", f"ftp://127.0.0.1:{server.port}/x", "-o", "-",
                       "--connect-timeout", "1"], data_port, "ftp-demo get")

    def test_a_bad_connect_timeout_is_refused(self):
        for command in (["client"], ["get", "ftp://127.0.0.1/x"], ["put", "f", "ftp://h/"]):
            for value in ("abc", "-1", "0"):
                r = self.run_bin(*command, "--connect-timeout", value)
                self.assert_one_line_error(r, 2, f"ftp-demo {command[0]}")
                self.assertIn(b"invalid --connect-timeout", r.stderr)

    def test_get_and_put_take_host_port_and_a_path_and_trace(self):
        self.put_file("pub/notes.txt", b"lecture notes\n")
        srv = self.server("--anonymous-write")
        r = self.run_bin("get", "-H", "127.0.0.1", "-p", str(srv.port), "pub/notes.txt",
                         "-o", "-", "--trace")
        self.assertEqual((r.returncode, r.stdout), (0, b"lecture notes\n"), r.stderr)
        self.assertIn(b"[ftp client] connect(", r.stderr)
        with tempfile.NamedTemporaryFile(prefix="up-", suffix=".txt") as f:
            f.write(b"homework\n")
            f.flush()
            r = self.run_bin("put", "-H", f"127.0.0.1:{srv.port}", f.name, "pub/", "--trace")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn(b"[ftp client] connect(", r.stderr)
            self.assertEqual(self.read_file("pub/" + os.path.basename(f.name)), b"homework\n")

    def test_get_and_put_name_the_server_once(self):
        for args in (["get", "-p", "2121", "ftp://127.0.0.1/x"],
                     ["put", "-H", "127.0.0.1", "f", "ftp://127.0.0.1/x"]):
            r = self.run_bin(*args)
            self.assert_one_line_error(r, 2, f"ftp-demo {args[0]}")
            self.assertIn(b"give the server once", r.stderr)
        r = self.run_bin("get", "readme.txt")  # a path needs -H or -p
        self.assert_one_line_error(r, 2, "ftp-demo get")

    def test_client_with_no_server_says_so(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        r = self.run_bin("client", "-p", str(port))
        self.assertEqual(r.returncode, 1)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertIn(b"is the server running", r.stderr)

    def test_help_everywhere_exits_0(self):
        for args in (["--help"], ["server", "--help"], ["client", "--help"], ["get", "--help"],
                     ["put", "--help"]):
            r = self.run_bin(*args)
            self.assertEqual(r.returncode, 0, args)
            self.assertIn(b"usage: ftp-demo", r.stdout)

    def test_bad_usage_exits_2_with_one_line(self):
        for args in (["server", "--bogus"], ["server", "-p", "70000"], ["server", "--disable", "FOO"],
                     ["server", "--user", "nocolon"], ["server", "--pasv-ports", "90-80"],
                     ["server", "--pasv-address", "::1"], ["server", "--idle-timeout", "0"],
                     ["frobnicate"], ["get"], ["put", "onlyfile"], ["server", "--trace=loud"],
                     ["client", "--trace=loud"], ["get", "--trace=loud", "x"]):
            r = self.run_bin(*args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertEqual(len(r.stderr.splitlines()), 1, (args, r.stderr))
            self.assertTrue(r.stderr.startswith(b"ftp-demo"), r.stderr)

    def test_startup_failures_exit_1(self):
        srv = self.server()
        r = self.run_bin("server", "-p", str(srv.port))
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"in use", r.stderr)
        r = self.run_bin("server", "-p", "0", "-r", os.path.join(self.root, "missing"))
        self.assertEqual(r.returncode, 1)
        self.assertEqual(len(r.stderr.splitlines()), 1)

    def test_default_root_is_the_shipped_sample_read_only(self):
        srv = self.start([fc.BIN, "server", "-p", "0"])
        f = self.ftp(srv)
        names = f.nlst()
        self.assertIn("readme.txt", names)
        self.assertIn("docs", names)
        self.assertTrue(f.sendcmd("SYST").startswith("215 UNIX"))
        with self.assertRaises(ftplib.error_perm):
            f.storbinary("STOR new.txt", io.BytesIO(b"x"))


if __name__ == "__main__":
    fc.main()
