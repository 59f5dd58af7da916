"""ftp-demo server's lecture log: a line when a session logs in, as whom,
and one per file sent or taken with its size; never a password; none with
--quiet or --trace."""
import ftplib
import io
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import ftp_common  # noqa: E402
from ftp_common import WAIT_S, ServerTest  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from lecture import LectureLog  # noqa: E402

SAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "ftp", "sample")


class FtpLectureTest(ServerTest):
    def server(self, *extra):
        srv = self.start([ftp_common.BIN, "server", "-H", "127.0.0.1", "-p", "0", *extra])
        return srv, LectureLog(srv)

    def session(self, port, user="anonymous", password="guest-secret@example.org"):
        f = ftplib.FTP()
        f.connect("127.0.0.1", port, timeout=WAIT_S)
        self.addCleanup(f.close)
        f.login(user, password)
        return f, f.sock.getsockname()[1]

    def test_login_and_download_are_told_with_the_size_never_the_password(self):
        srv, log = self.server("-r", SAMPLE)
        f, me = self.session(srv.port)
        data = io.BytesIO()
        f.retrbinary("RETR readme.txt", data.write)
        f.quit()
        size = os.path.getsize(os.path.join(SAMPLE, "readme.txt"))
        self.assertLess(size, 1024)  # shown in bytes below
        log.wait_for("RETR")
        lines = log.stop(self)
        self.assertEqual(lines, [f"session from 127.0.0.1:{me}: logged in as anonymous",
                                 f"session from 127.0.0.1:{me}: RETR readme.txt ({size} B)"])
        self.assertNotIn("guest-secret", log.text + log.stderr)

    def test_named_user_upload_is_told_and_the_password_is_not(self):
        with tempfile.TemporaryDirectory() as root:
            srv, log = self.server("-r", root, "--user", "bob:hunter2-pass", "--write")
            f, me = self.session(srv.port, "bob", "hunter2-pass")
            f.storbinary("STOR up.bin", io.BytesIO(b"x" * 3000))
            f.quit()
            log.wait_for("STOR")
            lines = log.stop(self)
        self.assertEqual(lines, [f"session from 127.0.0.1:{me}: logged in as bob (read-write)",
                                 f"session from 127.0.0.1:{me}: STOR up.bin (2.9 KiB)"])
        self.assertNotIn("hunter2", log.text + log.stderr)

    def test_an_append_and_a_resumed_upload_are_told_with_what_they_sent(self):
        with tempfile.TemporaryDirectory() as root:
            with open(os.path.join(root, "log.txt"), "wb") as out:
                out.write(b"y" * 5000)
            srv, log = self.server("-r", root, "--user", "bob:pw-for-bob", "--write")
            f, me = self.session(srv.port, "bob", "pw-for-bob")
            f.storbinary("APPE log.txt", io.BytesIO(b"x" * 10))
            f.storbinary("STOR log.txt", io.BytesIO(b"z" * 20), rest=4000)
            f.quit()
            log.wait_for("STOR")
            lines = log.stop(self)
            size = os.path.getsize(os.path.join(root, "log.txt"))
        self.assertEqual(size, 4020)
        self.assertEqual(lines[1:], [f"session from 127.0.0.1:{me}: APPE log.txt (10 B)",
                                     f"session from 127.0.0.1:{me}: STOR log.txt (20 B)"])

    def test_refused_login_says_nothing(self):
        srv, log = self.server("--user", "bob:right-one")
        f = ftplib.FTP()
        f.connect("127.0.0.1", srv.port, timeout=WAIT_S)
        self.addCleanup(f.close)
        with self.assertRaises(ftplib.error_perm):
            f.login("bob", "wrong-one")
        f.close()
        log.assert_silent(self)

    def check_silent(self, *flags):
        srv, log = self.server("-r", SAMPLE, *flags)
        f, _ = self.session(srv.port)
        f.retrbinary("RETR readme.txt", io.BytesIO().write)
        f.quit()
        log.assert_silent(self)

    def test_quiet_prints_nothing_per_session(self):
        self.check_silent("--quiet")

    def test_trace_prints_no_lecture_line(self):
        self.check_silent("--trace")


if __name__ == "__main__":
    ftp_common.main()
