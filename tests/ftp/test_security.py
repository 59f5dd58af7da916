"""Every security rule of ftp-demo, attempted with raw commands over a socket.

127.0.0.2 plays "another host": Linux answers the whole of 127.0.0.0/8 on
the loopback interface, so a socket bound to it is a second client address
without leaving the machine."""
import os
import resource
import shutil
import signal
import socket
import threading
import time

import ftp_common as fc
from ftp_common import FtpTest, Raw, WAIT_S
from harness import Netns, NetnsUnavailable

OTHER = "127.0.0.2"


class PathTest(FtpTest):
    def setUp(self):
        super().setUp()
        self.put_file("pub/in.txt", b"inside\n")
        self.outside = self.root + "-outside"
        os.makedirs(self.outside, exist_ok=True)
        self.addCleanup(shutil.rmtree, self.outside, True)
        with open(os.path.join(self.outside, "secret.txt"), "wb") as f:
            f.write(b"secret\n")
        os.symlink(self.outside, os.path.join(self.root, "pub", "escape-dir"))
        os.symlink(os.path.join(self.outside, "secret.txt"),
                   os.path.join(self.root, "pub", "escape-file"))
        os.symlink("in.txt", os.path.join(self.root, "pub", "ok-link"))

    def retr(self, r, path):
        port = r.pasv()
        data = socket.create_connection(("127.0.0.1", port), timeout=WAIT_S)
        code, text = r.cmd(f"RETR {path}")
        got = b""
        if code == 150:
            got = data.makefile("rb").read()
            code, text = r.reply()
        data.close()
        return code, got

    def test_dotdot_and_absolute_paths_stay_inside_root(self):
        srv = self.server()
        r = self.raw(srv)
        r.login()
        for path in ["../../../../etc/passwd", "/../../etc/passwd", "/etc/passwd",
                     "pub/../../" + os.path.basename(self.outside) + "/secret.txt",
                     "..\\..\\etc\\passwd"]:
            code, got = self.retr(r, path)
            self.assertEqual(code, 550, path)
            self.assertEqual(got, b"")
        self.assertEqual(r.cmd("CWD ../../..")[0], 250)  # ".." stops at the root
        self.assertIn('"/"', r.cmd("PWD")[1])
        self.assertEqual(r.cmd("SIZE /pub/in.txt"), (213, "213 7\r\n"))

    def test_symlinks_cannot_leave_root(self):
        srv = self.server()
        r = self.raw(srv)
        r.login()
        self.assertEqual(r.cmd("CWD pub/escape-dir")[0], 550)
        self.assertEqual(self.retr(r, "pub/escape-dir/secret.txt"), (550, b""))
        self.assertEqual(self.retr(r, "pub/escape-file"), (550, b""))
        self.assertEqual(r.cmd("SIZE pub/escape-file")[0], 550)
        self.assertEqual(self.retr(r, "pub/ok-link"), (226, b"inside\n"))

    def test_listings_hide_links_that_leave_root(self):
        srv = self.server()
        f = self.ftp(srv)
        self.assertEqual(sorted(f.nlst("pub")), ["in.txt", "ok-link"])
        self.assertEqual(sorted(name for name, _ in f.mlsd("pub")), ["in.txt", "ok-link"])

    def test_writes_through_links_are_refused(self):
        os.symlink(os.path.join(self.outside, "new.txt"), os.path.join(self.root, "dangling"))
        srv = self.writer()
        r = self.raw(srv)
        r.login("ann", "pw")
        for cmd in ["MKD pub/escape-dir/x", "DELE pub/escape-file", "RMD pub/escape-dir",
                    "RNFR pub/escape-file"]:
            self.assertEqual(r.cmd(cmd)[0], 550, cmd)
        r.pasv()
        self.assertEqual(r.cmd("STOR dangling")[0], 550)
        self.assertEqual(sorted(os.listdir(self.outside)), ["secret.txt"])


def upload(r, cmd, data):
    """Send data with STOR/APPE; (first reply code, final reply code or None)."""
    port = r.pasv()
    conn = socket.create_connection(("127.0.0.1", port), timeout=WAIT_S)
    code = r.cmd(cmd)[0]
    if code == 150:
        try:
            conn.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading: its reply says why
    conn.close()
    return code, (r.reply()[0] if code == 150 else None)


class LinkTest(FtpTest):
    """Changing a symlink inside the root changes the link, not its target."""

    def setUp(self):
        super().setUp()
        self.put_file("pub/in.txt", b"inside\n")
        os.symlink("in.txt", os.path.join(self.root, "pub", "ok-link"))
        os.makedirs(os.path.join(self.root, "pub", "empty"))
        os.symlink("empty", os.path.join(self.root, "pub", "dir-link"))

    def login(self):
        r = self.raw(self.writer())
        r.login("ann", "pw")
        return r

    def test_dele_removes_the_link_not_its_target(self):
        r = self.login()
        self.assertEqual(r.cmd("DELE pub/ok-link")[0], 250)
        self.assertFalse(os.path.lexists(os.path.join(self.root, "pub", "ok-link")))
        self.assertEqual(self.read_file("pub/in.txt"), b"inside\n")

    def test_rename_moves_the_link_not_its_target(self):
        r = self.login()
        self.assertEqual(r.cmd("RNFR pub/ok-link")[0], 350)
        self.assertEqual(r.cmd("RNTO pub/moved-link")[0], 250)
        self.assertTrue(os.path.islink(os.path.join(self.root, "pub", "moved-link")))
        self.assertFalse(os.path.lexists(os.path.join(self.root, "pub", "ok-link")))
        self.assertEqual(self.read_file("pub/in.txt"), b"inside\n")

    def test_rename_onto_a_link_replaces_the_link_not_its_target(self):
        self.put_file("pub/new.txt", b"new\n")
        r = self.login()
        self.assertEqual(r.cmd("RNFR pub/new.txt")[0], 350)
        self.assertEqual(r.cmd("RNTO pub/ok-link")[0], 250)
        self.assertFalse(os.path.islink(os.path.join(self.root, "pub", "ok-link")))
        self.assertEqual(self.read_file("pub/ok-link"), b"new\n")
        self.assertEqual(self.read_file("pub/in.txt"), b"inside\n")

    def test_rmd_of_a_link_keeps_the_folder_it_points_to(self):
        r = self.login()
        self.assertEqual(r.cmd("RMD pub/dir-link")[0], 550)
        self.assertTrue(os.path.isdir(os.path.join(self.root, "pub", "empty")))

    def test_stor_replaces_the_link_not_its_target(self):
        r = self.login()
        self.assertEqual(upload(r, "STOR pub/ok-link", b"new\n"), (150, 226))
        self.assertFalse(os.path.islink(os.path.join(self.root, "pub", "ok-link")))
        self.assertEqual(self.read_file("pub/ok-link"), b"new\n")
        self.assertEqual(self.read_file("pub/in.txt"), b"inside\n")

    def test_appe_and_rest_stor_onto_a_link_are_refused(self):
        r = self.login()
        self.assertEqual(upload(r, "APPE pub/ok-link", b"more\n"), (550, None))
        self.assertEqual(r.cmd("REST 2")[0], 350)
        self.assertEqual(upload(r, "STOR pub/ok-link", b"more\n"), (550, None))
        self.assertTrue(os.path.islink(os.path.join(self.root, "pub", "ok-link")))
        self.assertEqual(self.read_file("pub/in.txt"), b"inside\n")


class SpecialFileTest(FtpTest):
    def test_retr_and_appe_of_a_fifo_get_550_and_shutdown_still_works(self):
        os.mkfifo(os.path.join(self.root, "pipe"))
        srv = self.writer()
        r = self.raw(srv)
        r.login("ann", "pw")
        r.pasv()
        self.assertEqual(r.cmd("RETR pipe")[0], 550)  # a hang would time out here
        self.assertEqual(upload(r, "APPE pipe", b"x"), (550, None))
        self.assertEqual(r.cmd("NOOP")[0], 200)
        self.assertEqual(srv.stop(), 0)  # None if SIGTERM left it hanging


class ArgumentTest(FtpTest):
    def test_cr_or_nul_in_an_argument_gets_501_and_creates_nothing(self):
        srv = self.writer()
        r = self.raw(srv)
        r.login("ann", "pw")
        self.assertEqual(r.cmd("MKD a\rb")[0], 501)
        self.assertEqual(r.cmd("MKD x\r257 \"/forged\" created.")[0], 501)
        self.assertEqual(r.cmd("MKD a\0b")[0], 501)
        self.assertEqual(r.cmd("CWD \r")[0], 501)
        self.assertEqual(r.cmd("NOOP")[0], 200)  # no forged line is left to read
        self.assertEqual(os.listdir(self.root), [])
        self.assertEqual(r.cmd("MKD ab")[0], 257)


    def test_names_with_control_characters_get_553_and_create_nothing(self):
        self.put_file("old.txt", b"old\n")
        srv = self.writer()
        r = self.raw(srv)
        r.login("ann", "pw")
        for name in ["a\x01b", "\x1b[31mred", "tab\there", "del\x7f", "x\x1f"]:
            self.assertEqual(upload(r, f"STOR {name}", b"data"), (553, None), repr(name))
            self.assertEqual(upload(r, f"APPE {name}", b"data"), (553, None), repr(name))
            self.assertEqual(r.cmd(f"MKD {name}")[0], 553, repr(name))
            self.assertEqual(r.cmd(f"XMKD {name}")[0], 553, repr(name))
            self.assertEqual(r.cmd("RNFR old.txt")[0], 350)
            self.assertEqual(r.cmd(f"RNTO {name}")[0], 553, repr(name))
        self.assertEqual(r.cmd("RNTO new.txt")[0], 503)  # the refused RNTO ended the rename
        self.assertEqual(os.listdir(self.root), ["old.txt"])
        self.assertEqual(r.cmd("MKD caf\u00e9")[0], 257)  # non-ASCII text is not control


    def test_port_and_eprt_to_another_host_are_refused(self):
        srv = self.server()
        r = self.raw(srv)
        r.login()
        self.assertEqual(r.cmd("PORT 127,0,0,2,200,10")[0], 504)
        self.assertEqual(r.cmd(f"EPRT |1|{OTHER}|51210|")[0], 504)
        self.assertEqual(r.cmd("PORT 10,0,0,1,200,10")[0], 504)

    def test_port_and_eprt_to_privileged_ports_are_refused(self):
        srv = self.server()
        r = self.raw(srv)
        r.login()
        self.assertEqual(r.cmd("PORT 127,0,0,1,0,80")[0], 504)
        self.assertEqual(r.cmd("EPRT |1|127.0.0.1|25|")[0], 504)
        self.assertEqual(r.cmd("EPRT |1|127.0.0.1|1023|")[0], 504)
        self.assertEqual(r.cmd("PORT 127,0,0,1,4,0")[0], 200)  # port 1024: allowed
        self.assertEqual(r.cmd("PORT 127,0,0,1,4")[0], 501)
        self.assertEqual(r.cmd("PORT 127,0,0,1,4,999")[0], 501)

    def test_eprt_with_an_unknown_protocol_gets_522_listing_1_and_2(self):
        srv = self.server()
        r = self.raw(srv)
        r.login()
        code, text = r.cmd("EPRT |9|127.0.0.1|51210|")
        self.assertEqual(code, 522, text)
        self.assertIn("(1,2)", text)
        self.assertEqual(r.cmd("EPRT |x|127.0.0.1|51210|")[0], 501)  # malformed stays 501
        self.assertEqual(r.cmd("EPRT |1|127.0.0.1|51210")[0], 501)
        self.assertEqual(r.cmd("EPRT |1|127.0.0.1|51210|")[0], 200)

    def test_active_mode_reaches_only_the_client(self):
        self.put_file("a.txt", b"active\n")
        srv = self.server()
        r = self.raw(srv)
        r.login()
        lst = socket.socket()
        lst.bind(("127.0.0.1", 0))
        lst.listen(1)
        lst.settimeout(WAIT_S)
        port = lst.getsockname()[1]
        self.assertEqual(r.cmd(f"EPRT |1|127.0.0.1|{port}|")[0], 200)
        self.assertEqual(r.cmd("RETR a.txt")[0], 150)
        conn, peer = lst.accept()
        self.assertEqual(peer[0], "127.0.0.1")
        self.assertEqual(conn.makefile("rb").read(), b"active\n")
        conn.close()
        lst.close()
        self.assertEqual(r.reply()[0], 226)

    def test_passive_connection_from_another_address_is_refused(self):
        self.put_file("a.txt", b"mine\n")
        srv = self.server()
        r = self.raw(srv)
        r.login()
        port = r.pasv()
        thief = socket.socket()
        thief.settimeout(WAIT_S)
        thief.bind((OTHER, 0))
        thief.connect(("127.0.0.1", port))
        r.sock.sendall(b"RETR a.txt\r\n")
        try:
            stolen = thief.recv(100)
        except ConnectionResetError:
            stolen = b""
        thief.close()
        self.assertEqual(stolen, b"")
        data = socket.create_connection(("127.0.0.1", port), timeout=WAIT_S)
        self.assertEqual(r.reply()[0], 150)
        self.assertEqual(data.makefile("rb").read(), b"mine\n")
        data.close()
        self.assertEqual(r.reply()[0], 226)


class LoginTest(FtpTest):
    def test_three_failed_passwords_wait_then_close_without_leaking_users(self):
        srv = self.server("--user", "ann:right")
        replies = {}
        for user in ["ann", "nobody"]:
            r = self.raw(srv)
            texts = []
            start = time.monotonic()
            for _ in range(3):
                self.assertEqual(r.cmd(f"USER {user}")[0], 331)
                texts.append(r.cmd("PASS wrong"))
            elapsed = time.monotonic() - start
            self.assertTrue(r.closed(), "the session should end after 3 failures")
            self.assertGreaterEqual(elapsed, 2.5)  # a pause per failure (1 s each)
            replies[user] = texts
        self.assertEqual(replies["ann"], replies["nobody"])
        self.assertEqual(replies["ann"][0][0], 530)

    def test_right_password_logs_in_and_anonymous_is_off_with_users(self):
        srv = self.server("--user", "ann:right")
        r = self.raw(srv)
        self.assertEqual(r.login("ann", "right")[0], 230)
        r2 = self.raw(srv)
        self.assertEqual(r2.login("anonymous", "x@")[0], 530)

    def test_commands_before_login_get_530(self):
        srv = self.server()
        r = self.raw(srv)
        for cmd in ["PWD", "LIST", "RETR x", "PASV", "CWD /", "SIZE x"]:
            self.assertEqual(r.cmd(cmd)[0], 530, cmd)
        self.assertEqual(r.cmd("PASS x")[0], 503)
        self.assertEqual(r.cmd("FOO")[0], 500)

    def test_log_hides_the_password(self):
        srv = self.server("--user", "ann:Sup3rSecret", "--trace")
        r = self.raw(srv)
        self.assertEqual(r.login("ann", "Sup3rSecret")[0], 230)
        r.cmd("QUIT")
        self.assertEqual(srv.stop(), 0)
        log = srv.stderr()
        self.assertIn("PASS <hidden>", log)
        self.assertNotIn("Sup3rSecret", log)


class LimitsTest(FtpTest):
    def test_line_over_512_bytes_gets_500_and_session_goes_on(self):
        srv = self.server()
        r = self.raw(srv)
        r.login()
        self.assertEqual(r.cmd("NOOP " + "x" * 600)[0], 500)
        self.assertEqual(r.cmd("NOOP " + "x" * 505)[0], 200)  # 512 bytes with CRLF
        self.assertEqual(r.cmd("NOOP " + "x" * 506)[0], 500)  # 513
        self.assertEqual(r.cmd("NOOP")[0], 200)

    def test_idle_session_gets_421_then_close(self):
        srv = self.server("--idle-timeout", "1")
        r = self.raw(srv)
        code, text = r.reply()
        self.assertEqual(code, 421, text)
        self.assertTrue(r.closed())

    def test_total_session_limit_gives_421(self):
        srv = self.server("--max-sessions", "2")
        a, b = self.raw(srv), self.raw(srv)
        self.assertEqual((a.greeting[0], b.greeting[0]), (220, 220))
        c = self.raw(srv)
        self.assertEqual(c.greeting[0], 421)
        self.assertTrue(c.closed())
        a.cmd("QUIT")
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:  # a's thread ends soon after QUIT
            d = Raw(srv.port)
            code = d.greeting[0]
            d.close()
            if code == 220:
                break
            time.sleep(0.05)
        self.assertEqual(code, 220)

    def test_per_ip_session_limit_gives_421(self):
        srv = self.server("--max-per-ip", "1")
        a = self.raw(srv)
        self.assertEqual(a.greeting[0], 220)
        b = self.raw(srv)
        self.assertEqual(b.greeting[0], 421)
        c = self.raw(srv, source=OTHER)
        self.assertEqual(c.greeting[0], 220)


def closed_port():
    """A port on 127.0.0.1 where nothing listens (just freed): connecting fails."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def urgent_abor(r):
    """ABOR after the Telnet synch, as ftplib sends it; (first, second) reply codes."""
    r.sock.sendall(b"\xff\xf4\xff", socket.MSG_OOB)
    r.sock.sendall(b"\xf2ABOR\r\n")
    return r.reply()[0], r.reply()[0]


def wait_for_size(path, size):
    """Wait (bounded) until the file at path holds at least size bytes."""
    deadline = time.monotonic() + WAIT_S
    while os.path.getsize(path) < size and time.monotonic() < deadline:
        time.sleep(0.02)
    return os.path.getsize(path)


class StoreTest(FtpTest):
    def aborted_upload(self, how):
        self.put_file("doc.txt", b"the complete old version\n")
        srv = self.writer()
        r = self.raw(srv)
        r.login("ann", "pw")
        port = r.pasv()
        data = socket.create_connection(("127.0.0.1", port), timeout=WAIT_S)
        self.assertEqual(r.cmd("STOR doc.txt")[0], 150)
        data.sendall(b"half of the new" * 1000)
        if how == "abor":
            r.sock.sendall(b"\xff\xf4\xff", socket.MSG_OOB)
            r.sock.sendall(b"\xf2ABOR\r\n")
            self.assertEqual(r.reply()[0], 426)
            self.assertEqual(r.reply()[0], 226)
        else:  # the client vanishes: reset the data connection
            data.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        data.close()
        if how != "abor":
            self.assertIn(r.reply()[0], (426, 451))
        self.assertEqual(r.cmd("NOOP")[0], 200)
        self.assertEqual(self.read_file("doc.txt"), b"the complete old version\n")
        self.assertEqual(os.listdir(self.root), ["doc.txt"])  # no temporary left

    def test_aborted_stor_keeps_old_file_and_leaves_no_part(self):
        self.aborted_upload("abor")

    def test_reset_stor_keeps_old_file_and_leaves_no_part(self):
        self.aborted_upload("reset")

    def test_refused_rest_offsets_get_550_and_change_nothing(self):
        self.put_file("doc.txt", b"abcdef")
        srv = self.writer()
        r = self.raw(srv)
        r.login("ann", "pw")
        self.assertEqual(r.cmd("REST 5")[0], 350)
        self.assertEqual(upload(r, "STOR newname", b"data"), (550, None))
        self.assertEqual(r.cmd("REST 7")[0], 350)  # past the end of doc.txt
        self.assertEqual(upload(r, "STOR doc.txt", b"data"), (550, None))
        self.assertEqual(os.listdir(self.root), ["doc.txt"])
        self.assertEqual(self.read_file("doc.txt"), b"abcdef")
        self.assertEqual(r.cmd("NOOP")[0], 200)

    def test_uploads_without_a_data_connection_change_nothing(self):
        self.put_file("doc.txt", b"abcdef")
        srv = self.writer()
        r = self.raw(srv)
        r.login("ann", "pw")
        for rest, cmd in [(None, "APPE new.txt"), (None, "STOR new.txt"), (3, "STOR doc.txt"),
                          (None, "APPE doc.txt"), (None, "STOR doc.txt")]:
            if rest is not None:
                self.assertEqual(r.cmd(f"REST {rest}")[0], 350)
            self.assertEqual(r.cmd(f"EPRT |1|127.0.0.1|{closed_port()}|")[0], 200)
            self.assertEqual(r.cmd(cmd)[0], 425, cmd)
            self.assertEqual(os.listdir(self.root), ["doc.txt"], cmd)
            self.assertEqual(self.read_file("doc.txt"), b"abcdef", cmd)

    def test_aborted_appe_of_a_new_name_leaves_nothing(self):
        srv = self.writer()
        r = self.raw(srv)
        r.login("ann", "pw")
        port = r.pasv()
        data = socket.create_connection(("127.0.0.1", port), timeout=WAIT_S)
        self.assertEqual(r.cmd("APPE new.txt")[0], 150)
        data.sendall(b"half of it" * 1000)
        self.assertEqual(urgent_abor(r), (426, 226))
        data.close()
        self.assertEqual(r.cmd("NOOP")[0], 200)
        self.assertEqual(os.listdir(self.root), [])

    def test_aborted_appe_onto_a_file_keeps_the_bytes_that_arrived(self):
        # APPE and REST+STOR extend a file in place so that a broken upload
        # can be resumed: what arrived before the ABOR stays, after the old bytes.
        path = self.put_file("doc.txt", b"old\n")
        srv = self.writer()
        r = self.raw(srv)
        r.login("ann", "pw")
        port = r.pasv()
        data = socket.create_connection(("127.0.0.1", port), timeout=WAIT_S)
        self.assertEqual(r.cmd("APPE doc.txt")[0], 150)
        sent = b"0123456789" * 1000
        data.sendall(sent)
        self.assertEqual(wait_for_size(path, 4 + len(sent)), 4 + len(sent))
        self.assertEqual(urgent_abor(r), (426, 226))
        data.close()
        self.assertEqual(self.read_file("doc.txt"), b"old\n" + sent)
        self.assertEqual(os.listdir(self.root), ["doc.txt"])

    def test_uploads_that_fail_writing_leave_no_new_file(self):
        def small_files():  # in the server: files may not grow past 64 KiB
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() fails with EFBIG instead
            resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 10, 64 << 10))

        self.put_file("doc.txt", b"old\n")
        srv = self.start([fc.BIN, "server", "-H", "127.0.0.1", "-p", "0", "-r", self.root,
                          "--user", "ann:pw", "--write"], preexec_fn=small_files)
        r = self.raw(srv)
        r.login("ann", "pw")
        for cmd in ["STOR new.bin", "APPE new.bin", "STOR doc.txt"]:
            self.assertEqual(upload(r, cmd, b"x" * (256 << 10)), (150, 451), cmd)
            self.assertEqual(os.listdir(self.root), ["doc.txt"], cmd)
            self.assertEqual(self.read_file("doc.txt"), b"old\n", cmd)

    def test_rest_then_appe_appends_and_rest_then_stor_resumes(self):
        self.put_file("doc.txt", b"abcdef")
        srv = self.writer()
        r = self.raw(srv)
        r.login("ann", "pw")
        self.assertEqual(r.cmd("REST 2")[0], 350)
        self.assertEqual(upload(r, "APPE doc.txt", b"XY"), (150, 226))
        self.assertEqual(self.read_file("doc.txt"), b"abcdefXY")
        self.assertEqual(r.cmd("REST 3")[0], 350)
        self.assertEqual(upload(r, "STOR doc.txt", b"Z"), (150, 226))
        self.assertEqual(self.read_file("doc.txt"), b"abcZ")

    def test_complete_stor_replaces_file(self):
        self.put_file("doc.txt", b"old\n")
        srv = self.writer()
        r = self.raw(srv)
        r.login("ann", "pw")
        port = r.pasv()
        data = socket.create_connection(("127.0.0.1", port), timeout=WAIT_S)
        self.assertEqual(r.cmd("STOR doc.txt")[0], 150)
        data.sendall(b"new\n")
        data.close()
        self.assertEqual(r.reply()[0], 226)
        self.assertEqual(self.read_file("doc.txt"), b"new\n")
        self.assertEqual(os.listdir(self.root), ["doc.txt"])


def drain(sock, pause=0.0):
    """Read sock until the other end closes it (bounded by its timeout);
    returns the byte count. pause makes a slow reader."""
    total = 0
    try:
        while True:
            chunk = sock.recv(1 << 16)
            if not chunk:
                break
            total += len(chunk)
            time.sleep(pause)
    except (ConnectionResetError, socket.timeout):
        pass
    return total


class AbortTest(FtpTest):
    """ABOR is heard during a transfer, sent urgently or as a plain line."""

    BIG = 1 << 30  # sparse: no disk, and far more than a socket buffer holds

    def setUp(self):
        super().setUp()
        with open(os.path.join(self.root, "big.bin"), "wb") as f:
            f.truncate(self.BIG)

    def session(self):
        r = self.raw(self.writer())
        r.login("ann", "pw")
        return r

    def abor_replies(self, r, urgent=False):
        """Send ABOR; the two replies and the seconds they took."""
        start = time.monotonic()
        if urgent:
            replies = urgent_abor(r)
        else:
            r.sock.sendall(b"ABOR\r\n")
            replies = (r.reply()[0], r.reply()[0])
        return replies, time.monotonic() - start

    def download(self, r):
        port = r.pasv()
        data = socket.create_connection(("127.0.0.1", port), timeout=WAIT_S)
        self.addCleanup(data.close)
        self.assertEqual(r.cmd("RETR big.bin")[0], 150)
        self.assertGreater(len(data.recv(1000)), 0)
        return data

    def test_plain_abor_ends_a_stalled_download_within_a_second(self):
        r = self.session()
        data = self.download(r)  # and read no more: the server's sends block
        time.sleep(0.2)
        replies, took = self.abor_replies(r)
        self.assertEqual(replies, (426, 226))
        self.assertLess(took, 2.0)
        self.assertLess(drain(data), self.BIG)  # closed, long before the end
        self.assertEqual(r.cmd("NOOP")[0], 200)

    def test_plain_and_urgent_abor_end_a_slowly_read_download(self):
        for urgent in (False, True):
            r = self.session()
            data = self.download(r)
            reader = threading.Thread(target=drain, args=(data, 0.005), daemon=True)
            reader.start()
            time.sleep(0.2)
            replies, took = self.abor_replies(r, urgent)
            self.assertEqual(replies, (426, 226), f"urgent={urgent}")
            self.assertLess(took, 2.0)
            reader.join(WAIT_S)
            self.assertFalse(reader.is_alive(), "the data connection should be closed")
            self.assertEqual(r.cmd("NOOP")[0], 200)

    def test_plain_abor_ends_a_stalled_upload_and_leaves_no_file(self):
        r = self.session()
        port = r.pasv()
        data = socket.create_connection(("127.0.0.1", port), timeout=WAIT_S)
        self.addCleanup(data.close)
        self.assertEqual(r.cmd("STOR up.bin")[0], 150)
        data.sendall(b"x" * 100000)  # then nothing more, the connection kept open
        time.sleep(0.2)
        replies, took = self.abor_replies(r)
        self.assertEqual(replies, (426, 226))
        self.assertLess(took, 2.0)
        self.assertEqual(r.cmd("NOOP")[0], 200)
        self.assertEqual(os.listdir(self.root), ["big.bin"])

    def test_plain_abor_while_the_server_waits_for_the_data_connection(self):
        r = self.session()
        r.pasv()  # and never connect
        r.sock.sendall(b"RETR big.bin\r\n")
        time.sleep(0.2)
        replies, took = self.abor_replies(r)
        self.assertEqual(replies, (426, 226))
        self.assertLess(took, 2.0)
        self.assertEqual(r.cmd("NOOP")[0], 200)

    def test_a_client_that_stops_sending_commands_still_gets_its_download(self):
        self.put_file("mid.bin", fc.payload(8 << 20))
        r = self.session()
        port = r.pasv()
        data = socket.create_connection(("127.0.0.1", port), timeout=WAIT_S)
        self.addCleanup(data.close)
        r.sock.sendall(b"RETR mid.bin\r\nQUIT\r\n")
        self.assertEqual(r.reply()[0], 150)
        time.sleep(0.2)  # the transfer is under way, its socket buffers full
        r.sock.shutdown(socket.SHUT_WR)  # as `nc -N` does after its last command
        self.assertEqual(drain(data), 8 << 20)
        self.assertEqual([r.reply()[0], r.reply()[0]], [226, 221])

    def test_commands_during_a_download_are_answered_after_it_in_order(self):
        self.put_file("mid.bin", fc.payload(8 << 20))
        r = self.session()
        port = r.pasv()
        data = socket.create_connection(("127.0.0.1", port), timeout=WAIT_S)
        self.addCleanup(data.close)
        self.assertEqual(r.cmd("RETR mid.bin")[0], 150)
        r.sock.sendall(b"NOOP\r\nPWD\r\n")
        time.sleep(0.3)
        r.sock.settimeout(0.2)  # nothing is answered while the data flows
        with self.assertRaises(socket.timeout):
            r.sock.recv(1, socket.MSG_PEEK)
        r.sock.settimeout(WAIT_S)
        self.assertEqual(drain(data), 8 << 20)
        self.assertEqual([r.reply()[0] for _ in range(3)], [226, 200, 257])


class AnonymousWriteWarningTest(FtpTest):
    """Anonymous writing on an address other hosts can reach gets a warning.
    The wider address lives in a network namespace the test creates, on a
    veth pair wholly inside it, so nothing outside this machine can reach it."""

    def warning_for(self, server):
        self.assertEqual(server.stop(), 0)
        return [line for line in server.stderr().splitlines() if "warning" in line]

    def test_loopback_gets_no_warning(self):
        server = self.server("--anonymous-write", "--write")
        self.assertEqual(self.warning_for(server), [])

    def test_non_loopback_address_gets_a_warning(self):
        try:
            ns = Netns("ftp")
        except NetnsUnavailable as e:
            self.skipTest(f"cannot create a network namespace: {e}")
        self.addCleanup(ns.delete)
        for step in (("link", "add", "va", "type", "veth", "peer", "name", "vb"),
                     ("addr", "add", "192.0.2.1/24", "dev", "va"),  # TEST-NET-1
                     ("link", "set", "va", "up"), ("link", "set", "vb", "up")):
            ns.ip(*step)
        server = self.start(ns.argv(fc.BIN, "server", "-H", "192.0.2.1", "-p", "0", "-r",
                                    self.root, "--anonymous-write", "--write"))
        self.assertEqual(server.address.rsplit(":", 1)[0], "192.0.2.1")
        self.assertEqual(self.warning_for(server),
                         [f"ftp-demo server: warning: anonymous users may write, and "
                          f"{server.address} is not a loopback address"])


if __name__ == "__main__":
    fc.main()
