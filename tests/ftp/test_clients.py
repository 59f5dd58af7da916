"""ftp-demo against the clients people use: curl, Python's ftplib, lftp."""
import ftplib
import io
import os
import shutil
import subprocess
import tempfile
import threading
import unittest

import ftp_common as fc
from ftp_common import FtpTest, payload, WAIT_S

SIZES = {"0 B": 0, "1 B": 1, "10 MiB": 10 << 20}


def curl(*args, timeout=120):
    return subprocess.run(["curl", "-sS", "--max-time", str(timeout), *args],
                          capture_output=True, timeout=timeout + WAIT_S)


class CurlTest(FtpTest):
    def url(self, srv, path="", user=None):
        auth = f"{user}@" if user else ""
        return f"ftp://{auth}127.0.0.1:{srv.port}/{path}"

    def test_curl_downloads_0_1_and_10mib_byte_exact(self):
        for label, size in SIZES.items():
            data = payload(size, seed=size)
            self.put_file(f"f{size}.bin", data)
        srv = self.server()
        for label, size in SIZES.items():
            with self.subTest(label):
                r = curl(self.url(srv, f"f{size}.bin"))
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stdout, payload(size, seed=size))

    def test_curl_uploads_with_T_byte_exact(self):
        srv = self.writer()
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp, True)
        for label, size in SIZES.items():
            with self.subTest(label):
                src = os.path.join(tmp, f"up{size}")
                with open(src, "wb") as f:
                    f.write(payload(size, seed=size + 7))
                r = curl("-T", src, self.url(srv, f"up{size}.bin", user="ann:pw"))
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(self.read_file(f"up{size}.bin"), payload(size, seed=size + 7))

    def test_curl_lists_a_folder(self):
        self.put_file("docs/a.txt", b"a")
        self.put_file("docs/b.txt", b"bb")
        srv = self.server()
        r = curl(self.url(srv, "docs/"))
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.decode().splitlines()
        self.assertEqual(sorted(line.split()[-1] for line in lines), ["a.txt", "b.txt"])
        self.assertTrue(all(line.startswith("-rw") for line in lines), lines)
        r = curl("-l", self.url(srv, "docs/"))
        self.assertEqual(sorted(r.stdout.decode().split()), ["a.txt", "b.txt"])

    def test_curl_active_mode_with_ftp_port(self):
        self.put_file("x.bin", payload(300000))
        srv = self.server()
        r = curl("--ftp-port", "127.0.0.1", self.url(srv, "x.bin"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, payload(300000))
        r = curl("--ftp-port", "127.0.0.1", "--disable-eprt", self.url(srv, "x.bin"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, payload(300000))

    def test_curl_disable_epsv_uses_pasv(self):
        self.put_file("x.bin", payload(5000))
        srv = self.server("--trace")
        r = curl("--disable-epsv", self.url(srv, "x.bin"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, payload(5000))
        srv.stop()
        log = srv.stderr()
        self.assertIn("C> PASV", log)
        self.assertNotIn("C> EPSV", log)

    def test_curl_falls_back_to_pasv_when_server_disables_epsv(self):
        self.put_file("x.bin", payload(5000))
        srv = self.server("--disable", "EPSV", "--trace")
        r = curl(self.url(srv, "x.bin"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, payload(5000))
        srv.stop()
        log = srv.stderr()
        self.assertIn("S> 502 EPSV is disabled", log)
        self.assertIn("C> PASV", log)

    def test_curl_resumes_download_with_C(self):
        data = payload(1 << 20, seed=3)
        self.put_file("big.bin", data)
        srv = self.server()
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp, True)
        out = os.path.join(tmp, "big.bin")
        with open(out, "wb") as f:
            f.write(data[:123457])
        r = curl("-C", "-", "-o", out, self.url(srv, "big.bin"))
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, "rb") as f:
            self.assertEqual(f.read(), data)

    def test_curl_resumes_upload_with_C(self):
        data = payload(1 << 20, seed=4)
        srv = self.writer()
        self.put_file("up.bin", data[:654321])
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp, True)
        src = os.path.join(tmp, "up.bin")
        with open(src, "wb") as f:
            f.write(data)
        r = curl("-C", "-", "-T", src, self.url(srv, "up.bin", user="ann:pw"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.read_file("up.bin"), data)

    def test_curl_over_ipv6_uses_epsv(self):
        self.put_file("x.txt", b"six\n")
        srv = self.server(host="::1")
        r = curl(f"ftp://[::1]:{srv.port}/x.txt")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"six\n")


class FtplibTest(FtpTest):
    def test_login_nlst_and_mlsd(self):
        self.put_file("a.txt", b"hello")
        self.put_file("sub/b.txt", b"")
        srv = self.server()
        f = self.ftp(srv)
        self.assertEqual(sorted(f.nlst()), ["a.txt", "sub"])
        facts = dict(f.mlsd(facts=["type", "size", "modify", "perm", "unique"]))
        self.assertEqual(facts["a.txt"]["type"], "file")
        self.assertEqual(facts["a.txt"]["size"], "5")
        self.assertEqual(facts["a.txt"]["perm"], "r")
        self.assertEqual(facts["sub"]["type"], "dir")
        self.assertEqual(len(facts["a.txt"]["modify"]), 14)
        self.assertNotEqual(facts["a.txt"]["unique"], facts["sub"]["unique"])
        self.assertTrue(f.sendcmd("MLST a.txt").startswith("250-"))

    def test_feat_lists_features_per_rfc_2389(self):
        srv = self.server()
        f = self.ftp(srv)
        lines = f.sendcmd("FEAT").splitlines()
        self.assertEqual(lines[0][:4], "211-")
        self.assertEqual(lines[-1], "211 End")
        feats = {line.strip().split()[0] for line in lines[1:-1]}
        self.assertTrue(all(line.startswith(" ") for line in lines[1:-1]))
        self.assertLessEqual({"EPSV", "EPRT", "MLST", "SIZE", "MDTM", "REST", "UTF8"}, feats)

    def test_retrbinary_storbinary_and_rest(self):
        data = payload(777777, seed=9)
        srv = self.writer()
        f = self.ftp(srv, "ann", "pw")
        f.storbinary("STOR up.bin", io.BytesIO(data))
        self.assertEqual(self.read_file("up.bin"), data)
        got = bytearray()
        f.retrbinary("RETR up.bin", got.extend)
        self.assertEqual(bytes(got), data)
        tail = bytearray()
        f.retrbinary("RETR up.bin", tail.extend, rest=500000)
        self.assertEqual(bytes(tail), data[500000:])
        self.assertEqual(f.size("up.bin"), len(data))

    def test_rename_delete_mkd_rmd(self):
        srv = self.writer()
        f = self.ftp(srv, "ann", "pw")
        self.assertEqual(f.mkd("new"), "/new")
        f.storbinary("STOR new/a.txt", io.BytesIO(b"x"))
        f.rename("new/a.txt", "new/b.txt")
        self.assertEqual(f.nlst("new"), ["b.txt"])
        f.delete("new/b.txt")
        f.rmd("new")
        self.assertEqual(os.listdir(self.root), [])
        with self.assertRaises(ftplib.error_perm):
            f.sendcmd("RNTO lonely")

    def test_navigation_pwd_cwd_cdup(self):
        self.put_file("a/b/c.txt", b"c")
        srv = self.server()
        f = self.ftp(srv)
        self.assertEqual(f.pwd(), "/")
        f.cwd("a/b")
        self.assertEqual(f.pwd(), "/a/b")
        f.sendcmd("CDUP")
        self.assertEqual(f.pwd(), "/a")
        f.cwd("/")
        self.assertEqual(f.pwd(), "/")
        with self.assertRaises(ftplib.error_perm):
            f.cwd("nope")

    def test_ascii_mode_converts_line_ends_both_ways(self):
        self.put_file("t.txt", b"one\ntwo\n")
        srv = self.writer()
        f = self.ftp(srv, "ann", "pw")
        f.sendcmd("TYPE A")
        raw = bytearray()
        conn = f.transfercmd("RETR t.txt")
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            raw += chunk
        conn.close()
        f.voidresp()
        self.assertEqual(bytes(raw), b"one\r\ntwo\r\n")
        f.storlines("STOR u.txt", io.BytesIO(b"x\ny\n"))
        self.assertEqual(self.read_file("u.txt"), b"x\ny\n")

    def test_abor_during_retr_keeps_session_usable(self):
        self.put_file("big.bin", payload(20 << 20))
        srv = self.server()
        f = self.ftp(srv)
        conn = f.transfercmd("RETR big.bin")
        conn.recv(1000)
        resp = f.abort()
        self.assertIn(resp[:3], ("225", "226", "426"))
        conn.close()
        # RFC 959: an aborted transfer gets 426, then ABOR itself 226;
        # ftplib reads only the first, so the 226 may still be waiting.
        reply = f.voidcmd("NOOP")
        if reply.startswith("226"):
            reply = f.voidresp()
        self.assertTrue(reply.startswith("200"), reply)

    def test_disable_answers_502_and_hides_feature(self):
        srv = self.server("--disable", "MLSD,SIZE")
        f = self.ftp(srv)
        with self.assertRaises(ftplib.error_perm) as e:
            list(f.mlsd())
        self.assertTrue(str(e.exception).startswith("502"))
        with self.assertRaises(ftplib.error_perm):
            f.size("x")
        feat = f.sendcmd("FEAT")
        self.assertNotIn("MLST", feat)
        self.assertNotIn("SIZE", feat)

    def test_anonymous_is_read_only_by_default(self):
        srv = self.server()
        f = self.ftp(srv)
        with self.assertRaises(ftplib.error_perm) as e:
            f.storbinary("STOR x", io.BytesIO(b"x"))
        self.assertTrue(str(e.exception).startswith("550"))
        self.assertEqual(os.listdir(self.root), [])

    def test_fifty_simultaneous_sessions_transfer_different_files(self):
        for i in range(50):
            self.put_file(f"f{i}.bin", payload(200000 + i, seed=i))
        srv = self.server("--user", "ann:pw", "--write", "--max-per-ip", "60")
        errors = []
        barrier = threading.Barrier(50, timeout=WAIT_S)

        def one(i):
            try:
                f = ftplib.FTP(timeout=WAIT_S * 3)
                f.connect("127.0.0.1", srv.port)
                f.login("ann", "pw")
                barrier.wait()
                got = bytearray()
                f.retrbinary(f"RETR f{i}.bin", got.extend)
                if bytes(got) != payload(200000 + i, seed=i):
                    errors.append(f"session {i}: download differs")
                f.storbinary(f"STOR up{i}.bin", io.BytesIO(payload(100000 + i, seed=100 + i)))
                f.quit()
            except Exception as e:  # noqa: BLE001 - collected and reported below
                errors.append(f"session {i}: {e!r}")

        threads = [threading.Thread(target=one, args=(i,)) for i in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(WAIT_S * 6)
        self.assertEqual(errors, [])
        for i in range(50):
            self.assertEqual(self.read_file(f"up{i}.bin"), payload(100000 + i, seed=100 + i))

    def test_shutdown_during_a_stalled_transfer_exits_0(self):
        self.put_file("big.bin", payload(20 << 20))
        srv = self.server()
        f = self.ftp(srv)
        conn = f.transfercmd("RETR big.bin")  # and never read: the server's send stalls
        self.addCleanup(conn.close)
        self.assertEqual(srv.stop(), 0)

    def test_shutdown_says_421_to_open_sessions_and_exits_0(self):
        srv = self.server()
        f = self.ftp(srv)
        self.assertEqual(srv.stop(), 0)
        with self.assertRaises((ftplib.error_temp, EOFError, ConnectionError)):
            f.voidcmd("NOOP")


class LftpTest(FtpTest):
    def lftp(self, port, script, timeout=120):
        cmds = ("set cmd:fail-exit yes; set net:max-retries 1; set net:timeout 10; "
                f"open -u ann,pw -p {port} 127.0.0.1; {script}")
        return subprocess.run(["lftp", "-c", cmds], capture_output=True, timeout=timeout)

    def tree(self, base):
        out = {}
        for dirpath, _, files in os.walk(base):
            for name in files:
                path = os.path.join(dirpath, name)
                with open(path, "rb") as f:
                    out[os.path.relpath(path, base)] = f.read()
        return out

    def test_lftp_mirror_down_and_up_byte_exact(self):
        self.put_file("tree/a.bin", payload(123456, seed=1))
        self.put_file("tree/empty", b"")
        self.put_file("tree/sub/b.bin", payload(1 << 20, seed=2))
        self.put_file("tree/sub/deeper/c.txt", b"line\n")
        srv = self.writer()
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp, True)
        down = os.path.join(tmp, "down")
        r = self.lftp(srv.port, f"mirror tree {down}")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.tree(down), self.tree(os.path.join(self.root, "tree")))
        r = self.lftp(srv.port, f"mirror -R {down} up")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.tree(os.path.join(self.root, "up")), self.tree(down))

    def test_lftp_falls_back_to_list_when_mlsd_disabled(self):
        self.put_file("tree/a.bin", payload(1000))
        self.put_file("tree/sub/b.bin", payload(2000))
        srv = self.writer("--disable", "MLSD")
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp, True)
        r = self.lftp(srv.port, f"mirror tree {tmp}/down")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.tree(f"{tmp}/down"), self.tree(os.path.join(self.root, "tree")))


class ProtocolTest(FtpTest):
    """Replies to the smaller commands, spoken by hand."""

    def test_settings_and_information_replies(self):
        srv = self.server()
        r = fc.Raw(srv.port)
        self.addCleanup(r.close)
        self.assertEqual(r.greeting[0], 220)
        r.login()
        for cmd, code in [("TYPE A", 200), ("TYPE I", 200), ("TYPE E", 504), ("MODE S", 200),
                          ("MODE B", 504), ("STRU F", 200), ("STRU R", 504), ("SYST", 215),
                          ("NOOP", 200), ("OPTS UTF8 ON", 200), ("XPWD", 257), ("XCWD /", 250),
                          ("REST 12", 350), ("REST -1", 501), ("REST 99999999999999999999", 501),
                          ("ABOR", 225), ("SIZE nothing", 550), ("RETR", 501)]:
            self.assertEqual(r.cmd(cmd)[0], code, cmd)
        code, text = r.cmd("HELP")
        self.assertEqual(code, 214)
        self.assertIn("RETR", text)
        code, text = r.cmd("STAT")
        self.assertEqual(code, 211)
        self.assertIn("anonymous", text)
        self.assertEqual(r.cmd("LIST")[0], 425)  # no PASV/PORT first

    def test_stat_with_a_path_lists_on_the_control_connection(self):
        self.put_file("d/a.txt", b"a")
        self.put_file("d/b.txt", b"bb")
        srv = self.server()
        r = fc.Raw(srv.port)
        self.addCleanup(r.close)
        r.login()
        code, text = r.cmd("STAT d")
        self.assertEqual(code, 213)
        lines = text.splitlines()
        self.assertTrue(lines[0].startswith("213-"))
        self.assertEqual(lines[-1], "213 End of status.")
        self.assertEqual(sorted(line.split()[-1] for line in lines[1:-1]), ["a.txt", "b.txt"])
        self.assertEqual(r.cmd("STAT ../../etc")[0], 550)
        self.assertEqual(r.cmd("NOOP")[0], 200)

    def test_epsv_all_refuses_other_data_commands(self):
        srv = self.server()
        r = fc.Raw(srv.port)
        self.addCleanup(r.close)
        r.login()
        self.assertEqual(r.cmd("EPSV ALL")[0], 200)
        self.assertEqual(r.cmd("PASV")[0], 503)
        self.assertEqual(r.cmd("PORT 127,0,0,1,4,1")[0], 503)
        self.assertEqual(r.cmd("EPRT |1|127.0.0.1|1025|")[0], 503)
        self.assertEqual(r.cmd("EPSV 2")[0], 522)
        self.assertEqual(r.cmd("EPSV 1")[0], 229)

    def test_pasv_ports_and_pasv_address_are_used(self):
        srv = self.server("--pasv-ports", "40100-40109", "--pasv-address", "10.1.2.3")
        r = fc.Raw(srv.port)
        self.addCleanup(r.close)
        r.login()
        for _ in range(5):
            self.assertIn(r.pasv(), range(40100, 40110))
        code, text = r.cmd("PASV")
        self.assertEqual(code, 227)
        nums = text[text.index("(") + 1:text.index(")")].split(",")
        self.assertEqual(nums[:4], ["10", "1", "2", "3"])
        self.assertIn(int(nums[4]) * 256 + int(nums[5]), range(40100, 40110))


if __name__ == "__main__":
    fc.main()
