"""The translations: every message the programs mark for translation has
a Chinese one, none is left over from text that is gone, and the programs
speak Chinese in a Chinese locale and English otherwise.

The messages are read from the sources with xgettext, as a translator's
template would be; msgcmp then says which lack a translation in
po/zh_CN.po. The programs run from the build tree, which holds the
compiled catalogue where an installed copy has it (share/locale).
"""
import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import unicodedata
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import harness  # noqa: E402
from lecture import LectureLog  # noqa: E402

SRC = BIN = None
CODE_DIRS = ("core", "proto", "tcp", "udp", "http", "ftp", "clients", "netdemo")
PO = None


def sources():
    found = []
    for d in CODE_DIRS:
        for root, _, files in os.walk(os.path.join(SRC, d)):
            found += [os.path.join(root, f) for f in files if f.endswith(".c")]
    return sorted(found)


def msgids(path):
    """The msgids of a .po or .pot file (the header's empty one aside)."""
    r = subprocess.run(["msgcat", "--no-wrap", "--no-location", path], capture_output=True,
                       text=True, check=True)
    ids, current = set(), None
    for line in r.stdout.splitlines():
        if line.startswith("msgid "):
            current = [line[6:]]
        elif line.startswith('"') and current is not None:
            current.append(line)
        elif current is not None:
            text = "".join(part.strip()[1:-1] for part in current)
            if text:
                ids.add(text)
            current = None
    return ids



ZH = {"LANG": "zh_CN.UTF-8"}
ZH_WITHOUT_LOCALE = {"LC_ALL": "C.UTF-8", "LANGUAGE": "zh_CN"}  # no zh_CN locale needed
EN = {"LANG": "C"}


def environment(lang):
    """This process's environment, its language settings replaced by lang's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    env.update(lang)
    return env


def columns(line):
    """The width of line on a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def run(program, *args, lang):
    return subprocess.run([os.path.join(BIN, program), *args], capture_output=True, text=True,
                          env=environment(lang), timeout=10, stdin=subprocess.DEVNULL)


class CatalogueTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.pot = os.path.join(cls.tmp.name, "netdemo.pot")
        subprocess.run(["xgettext", "--language=C", "--from-code=UTF-8", "--keyword=_",
                        "--keyword=N_", "--add-comments=TRANSLATORS", "-o", cls.pot,
                        *sources()], check=True, cwd=SRC)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_every_message_has_a_chinese_translation(self):
        self.assertTrue(msgids(self.pot), "the sources mark no message for translation")
        r = subprocess.run(["msgcmp", PO, self.pot], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_no_translation_is_left_over(self):
        stale = msgids(PO) - msgids(self.pot)
        self.assertEqual(stale, set(), "translations of messages the sources no longer have")

    def test_translations_keep_their_format_conversions(self):
        r = subprocess.run(["msgfmt", "--check", "-o", os.devnull, PO], capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 0, r.stderr)


class ProgramsTest(harness.ServerTest):
    def server(self, program, *args, lang=ZH, ready=r"listening on (\S+)"):
        """program started in lang, stopped when the test ends (harness.Server).
        A ready line keeps its start, up to the address, in every language."""
        return self.start([os.path.join(BIN, program), *args], env=environment(lang),
                          ready=ready)

    def check_both(self, program, *args, english, chinese):
        en = run(program, *args, lang=EN)
        self.assertEqual(en.returncode, 2)
        self.assertIn(english, en.stderr)
        for lang in (ZH, ZH_WITHOUT_LOCALE):
            with self.subTest(lang=lang):
                zh = run(program, *args, lang=lang)
                self.assertEqual(zh.returncode, 2)
                self.assertIn(chinese, zh.stderr)
                self.assertEqual(len(zh.stderr.splitlines()), 1, zh.stderr)

    def test_a_bad_option_is_said_in_the_users_language_by_every_program(self):
        for program, args in (("tcp-demo", ["server"]), ("udp-demo", ["client"]),
                              ("http-demo", ["get"]), ("ftp-demo", ["client"]),
                              ("netdemo", [])):
            with self.subTest(program=program):
                self.check_both(program, *args, "--bogus", english="unknown option '--bogus'",
                                chinese="未知选项 '--bogus'")

    def test_a_missing_value_and_a_stray_word(self):
        self.check_both("tcp-demo", "server", "-p", english="option '-p' needs a value",
                        chinese="选项 '-p' 需要一个值")
        self.check_both("netdemo", "compare", "extra", english="unexpected argument 'extra'",
                        chinese="多余的参数 'extra'")

    def test_netdemo_compare_prints_its_table_in_chinese_fit_for_a_projector(self):
        for lang in (ZH, ZH_WITHOUT_LOCALE):
            with self.subTest(lang=lang):
                r = run("netdemo", "compare", "--only", "tcp,udp", "--size", "1M", "--count",
                        "50", "--repeat", "1", lang=lang)
                self.assertEqual(r.returncode, 0, r.stderr)
                for title in ("1. 第一个字节", "2. 往返", "3. 大量传输", "4. 丢包", "5. 消息边界"):
                    self.assertIn(title, r.stdout)
                self.assertNotIn("The first byte", r.stdout)
                widest = max(r.stdout.splitlines(), key=columns)
                self.assertLessEqual(columns(widest), 100, widest)
                heads = [line for line in r.stdout.splitlines() if line.startswith("   协议")]
                self.assertEqual(len(heads), 3, r.stdout)
                # the headings line up with their rows: "MiB/s" above the figures
                bulk_head = heads[2]
                row = next(line for line in r.stdout.splitlines()
                           if line.startswith("   TCP") and "MiB" in line)
                self.assertEqual(columns(bulk_head[:bulk_head.index("MiB/s")]),
                                 re.search(r"\d", row).start(), (bulk_head, row))
        en = run("netdemo", "compare", "--only", "udp", "--count", "20", "--repeat", "1", lang=EN)
        self.assertIn("1. The first byte", en.stdout)

    def test_the_ftp_client_speaks_chinese_and_the_protocol_stays_as_it_is(self):
        srv = self.server("ftp-demo", "server", "-p", "0", lang=EN)
        r = subprocess.run([os.path.join(BIN, "ftp-demo"), "client", "-p", str(srv.port)],
                           input="help\npassive\nbogus\nquit\n", capture_output=True,
                           text=True, env=environment(ZH), timeout=10)
        self.assertIn("已连接到", r.stdout)
        self.assertIn("get REMOTE [LOCAL] 下载一个文件（RETR）", r.stdout)
        self.assertIn("被动模式已关闭。", r.stdout)
        self.assertIn("?无效命令：bogus", r.stderr)
        self.assertRegex(r.stdout, r"(?m)^220 ", "the server's replies are the protocol's own")

    def test_udp_ping_summarises_in_chinese(self):
        srv = self.server("udp-demo", "server", "-p", "0", "--drop", "30", "--seed", "2",
                          lang=EN)
        r = run("udp-demo", "ping", "-p", str(srv.port), "-c", "6", "-i", "10", "-t", "200",
                lang=ZH)
        self.assertIn("udp ping 统计", r.stdout)
        self.assertRegex(r.stdout, r"发出 6 个数据报，收到 \d 个")
        self.assertIn("没有应答的 seq", r.stdout, "--drop 30 with seed 2 loses some")

    def same_story(self, program, times, lang=ZH):
        """The narrated demo in lang, run times times: the same lines
        every time, apart from ports and descriptor numbers."""
        return harness.assert_same_story(
            self, lambda: subprocess.run([os.path.join(BIN, program)], capture_output=True,
                                         env=environment(lang), timeout=10,
                                         stdin=subprocess.DEVNULL), times)

    def test_tcp_demo_narrates_the_phone_call_in_chinese_the_same_every_time(self):
        text = self.same_story("tcp-demo", 20)
        self.assertIn("socket() 买手机，bind() 插上电话卡", text)
        self.assertIn("recv(fd N) -> 0（对方挂断了）", text)
        self.assertIn("DREAM IS HANDSOME", text, "the seed's words are the message, not translated")
        self.assertNotIn("buys a phone", text)
        english = self.same_story("tcp-demo", 5, lang=EN)
        self.assertIn("socket() buys a phone, bind() puts in the SIM card", english)
        self.assertIn("recv(fd N) -> 0 (the caller hung up)", english)
        self.assertNotRegex(english, r"[\u4e00-\u9fff]")

    def test_udp_demo_narrates_in_chinese_the_same_every_time(self):
        text = self.same_story("udp-demo", 10)
        self.assertIn("没有 listen()，也没有 accept()", text)
        self.assertIn("写了 3 次，读到数据 1 次：TCP 不保留消息边界。", text)
        self.assertIn("写了 3 次，读了 3 次：每个数据报都保留自己的边界。", text)
        english = self.same_story("udp-demo", 5, lang=EN)
        self.assertIn("No listen(), no accept().", english)
        self.assertIn("3 writes, 1 read of data: TCP keeps no message boundaries.", english)
        self.assertIn("3 writes, 3 reads: each datagram keeps its boundaries.", english)
        self.assertNotRegex(english, r"[\u4e00-\u9fff]")

    def test_translated_help_names_every_flag_the_english_one_does(self):
        for argv in (["tcp-demo"], ["tcp-demo", "server"], ["tcp-demo", "client"],
                     ["udp-demo"], ["udp-demo", "server"], ["udp-demo", "client"],
                     ["udp-demo", "ping"], ["udp-demo", "boundaries"], ["udp-demo", "multicast"],
                     ["http-demo"],
                     ["http-demo", "server"], ["http-demo", "get"], ["ftp-demo"],
                     ["ftp-demo", "server"], ["ftp-demo", "client"], ["ftp-demo", "get"],
                     ["ftp-demo", "put"], ["netdemo"], ["netdemo", "compare"]):
            with self.subTest(argv=argv):
                en = run(*argv, "--help", lang=EN)
                zh = run(*argv, "--help", lang=ZH)
                self.assertEqual((en.returncode, zh.returncode), (0, 0))
                self.assertTrue(zh.stdout.startswith("用法："), zh.stdout[:80])
                flags = set(re.findall(r"(?<![\w-])--?[a-z][a-z0-9-]*", en.stdout))
                missing = flags - set(re.findall(r"(?<![\w-])--?[a-z][a-z0-9-]*", zh.stdout))
                self.assertEqual(missing, set(), "the Chinese help drops flags")
                for line in en.stdout.splitlines() + zh.stdout.splitlines():
                    self.assertLessEqual(columns(line), 80, line)  # a terminal's width

    def test_the_servers_lecture_line_in_chinese(self):
        srv = self.server("tcp-demo", "server", "-p", "0")
        with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as c:
            c.sendall(b"dream is handsome")
            self.assertEqual(c.recv(100), b"DREAM IS HANDSOME")
        line = LectureLog(srv).wait_for("来电")
        self.assertRegex(line, r'^127\.0\.0\.1:\d+ 来电："dream is handsome" -> "DREAM IS HANDSOME"$')

    def test_netdemo_announces_its_servers_in_chinese(self):
        nd = self.server("netdemo", "--tcp", "0", "--udp", "0", "--http", "0", "--ftp", "0",
                         "--quiet", ready=r"tcp://(\S+)")
        log = LectureLog(nd)
        log.wait_for("Ctrl-C")  # its last line
        text = nd.ready + log.text
        self.assertRegex(text, r"(?m)^HTTP  http://127\.0\.0\.1:\d+/  用浏览器打开（B/S）$")
        self.assertIn("按 Ctrl-C 全部停止。", text)

    def test_ftp_get_says_in_chinese_that_a_file_is_missing_and_the_reply_stays(self):
        srv = self.server("ftp-demo", "server", "-p", "0", "--quiet")
        url = f"ftp://127.0.0.1:{srv.port}/no-such-file.txt"
        runs = {str(lang): run("ftp-demo", "get", url, "-o", "-", lang=lang)
                for lang in (ZH, ZH_WITHOUT_LOCALE, EN)}
        # only the details after the address are in the user's language
        self.assertRegex(srv.ready, r"^ftp-demo server: listening on 127\.0\.0\.1:\d+ （根目录 ")
        for lang in (ZH, ZH_WITHOUT_LOCALE):
            with self.subTest(lang=lang):
                zh = runs[str(lang)]
                self.assertEqual((zh.returncode, zh.stdout), (1, ""), zh.stderr)
                # the server's reply is the protocol's: its code and text as they came
                self.assertEqual(zh.stderr,
                                 "ftp-demo get: 服务器应答：550 No such file or directory.\n")
        en = runs[str(EN)]
        self.assertEqual(en.returncode, 1)
        self.assertEqual(en.stderr, "ftp-demo get: 550 No such file or directory.\n")

    def test_ftp_server_traces_its_two_channels_in_chinese(self):
        srv = self.server("ftp-demo", "server", "-p", "0", "--trace")
        got = run("ftp-demo", "get", f"ftp://127.0.0.1:{srv.port}/readme.txt", "-o", "-",
                  lang=ZH)
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assertEqual(srv.stop(), 0)  # it stops cleanly, its trace written
        trace = srv.stderr()
        self.assertRegex(trace, r"会话：127\.0\.0\.1:\d+ 已连接（fd \d+）")
        self.assertRegex(trace, r"数据：在端口 \d+ 上为 127\.0\.0\.1:\d+ 监听")
        self.assertIn("登录：anonymous（只读）", trace)
        self.assertRegex(trace, r"C> RETR readme\.txt")   # what the client said stays as it was
        self.assertRegex(trace, r"S> 226 ")                # and so do the server's replies
        self.assertNotIn("data: connection", trace)

    def test_http_get_says_a_refused_port_in_chinese(self):
        with socket.socket() as s:  # a port nobody listens on
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        url = "http://127.0.0.1:%d/" % port
        en = run("http-demo", "get", url, lang=EN)
        self.assertEqual(en.returncode, 1, en.stderr)
        self.assertIn("Connection refused", en.stderr)
        zh = run("http-demo", "get", url, lang=ZH)
        self.assertEqual(zh.returncode, en.returncode, zh.stderr)
        self.assertEqual(len(zh.stderr.splitlines()), 1, zh.stderr)
        self.assertTrue(zh.stderr.startswith("http-demo get: "), zh.stderr)
        self.assertIn("127.0.0.1:%d" % port, zh.stderr)
        self.assertIn("拒绝连接", zh.stderr)  # strerror(ECONNREFUSED) in the user's language
        self.assertNotIn("Connection refused", zh.stderr)
        self.assertEqual(zh.stdout, "")

    def test_http_get_says_in_chinese_that_the_peer_does_not_speak_http(self):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        port = listener.getsockname()[1]

        def greet_like_ssh():
            for _ in range(2):  # one connection per language
                try:
                    conn, _addr = listener.accept()
                except OSError:
                    return
                with conn:
                    conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")
                    conn.settimeout(2)
                    try:
                        conn.recv(4096)
                    except OSError:
                        pass

        t = threading.Thread(target=greet_like_ssh, daemon=True)
        t.start()
        try:
            url = "http://127.0.0.1:%d/" % port
            en = run("http-demo", "get", url, lang=EN)
            zh = run("http-demo", "get", url, lang=ZH)
        finally:
            listener.close()
            t.join(5)
        self.assertEqual(en.returncode, 1, en.stderr)
        self.assertIn("the answer is not HTTP: it began", en.stderr)
        self.assertEqual(zh.returncode, 1, zh.stderr)
        self.assertEqual(len(zh.stderr.splitlines()), 1, zh.stderr)
        self.assertRegex(zh.stderr, r"^http-demo get: 127\.0\.0\.1:\d+: 对方的回答不是 HTTP：它的开头是 ")
        self.assertIn("SSH-2.0-OpenSSH_9.6", zh.stderr, "what the peer sent is shown as it came")

    def test_http_server_keeps_its_ready_line_and_get_speaks_chinese(self):
        with tempfile.TemporaryDirectory() as root:
            with open(os.path.join(root, "index.html"), "w") as f:
                f.write("<p>hi</p>\n")
            srv = self.server("http-demo", "server", "-p", "0", "-r", root, "--workers", "1")
            url = "http://127.0.0.1:%d/" % srv.port
            ok = run("http-demo", "get", url, lang=ZH)
            missing = run("http-demo", "get", "--fail", url + "missing.html", lang=ZH)
            bad = run("http-demo", "get", "ftp://127.0.0.1/", lang=ZH)
            srv.kill()  # before the folder goes
        # scripts read "http-demo server: listening on ADDRESS" in every language
        self.assertRegex(srv.ready,
                         r"^http-demo server: listening on 127\.0\.0\.1:\d+ （1 个工作线程，根目录 ")
        self.assertEqual(ok.returncode, 0, ok.stderr)
        self.assertEqual(ok.stdout, "<p>hi</p>\n", "the body is the server's, never translated")
        self.assertEqual(missing.returncode, 22, missing.stderr)
        self.assertEqual(missing.stderr, "http-demo get: 服务器返回了 404\n")
        self.assertEqual(bad.returncode, 2, bad.stderr)
        self.assertEqual(bad.stderr, "http-demo get: ftp://127.0.0.1/：只支持 http:// URL\n")

    def test_a_refused_connection_is_said_in_chinese_with_its_hint(self):
        with socket.socket() as s:  # a port nobody listens on: bound, never listening
            s.bind(("127.0.0.1", 0))
            port = str(s.getsockname()[1])
            en = run("tcp-demo", "client", "-p", port, "-m", "hi", lang=EN)
            self.assertNotEqual(en.returncode, 0)
            self.assertIn(f"connect 127.0.0.1:{port}: ", en.stderr)
            self.assertIn("(is the server running, on that port?)", en.stderr)
            for lang in (ZH, ZH_WITHOUT_LOCALE):
                with self.subTest(lang=lang):
                    zh = run("tcp-demo", "client", "-p", port, "-m", "hi", lang=lang)
                    self.assertEqual(zh.returncode, en.returncode)
                    self.assertTrue(zh.stderr.startswith(f"tcp-demo client: connect 127.0.0.1:{port}: "),
                                    zh.stderr)
                    self.assertIn("（服务器在运行吗？是在这个端口上吗？）", zh.stderr)
                    self.assertNotIn("is the server running", zh.stderr)
                    self.assertEqual(len(zh.stderr.splitlines()), 1, zh.stderr)

    def test_a_bad_port_or_address_is_said_in_chinese(self):
        self.check_both("tcp-demo", "client", "-p", "70000",
                        english="invalid port '70000': expected a number from 1 to 65535",
                        chinese="无效的端口 '70000'：应为 1 到 65535 之间的数")
        self.check_both("tcp-demo", "server", "-p", "x",
                        english="invalid port 'x': expected a number from 0 to 65535",
                        chinese="无效的端口 'x'：应为 0 到 65535 之间的数")
        self.check_both("tcp-demo", "client", "-H", "[::1",
                        english="invalid address '[::1': expected [IPv6]:PORT (use -H HOST -p PORT)",
                        chinese="无效的地址 '[::1'：应为 [IPv6]:PORT（请用 -H HOST -p PORT）")
        self.check_both("tcp-demo", "client", "-H", "127.0.0.1:9000", "-p", "9001",
                        english="-H 127.0.0.1:9000 and -p 9001 name two ports: give the port once",
                        chinese="-H 127.0.0.1:9000 和 -p 9001 给了两个端口：端口只给一次")
        self.check_both("tcp-demo", "server", "--trace=loud",
                        english="invalid --trace 'loud': use --trace (the lesson's calls) or "
                                "--trace=detail (the engineering too)",
                        chinese="无效的 --trace 'loud'：请用 --trace（课上讲的调用）")
        self.check_both("netdemo", "-H", "unix:/tmp/netdemo-i18n.sock",
                        english="-H needs an IP address: UDP and FTP cannot use a Unix socket",
                        chinese="-H 需要 IP 地址：UDP 和 FTP 不能用 Unix 套接字")

    def test_the_trace_explains_a_mapped_address_in_chinese_and_keeps_the_ready_line(self):
        srv = self.server("tcp-demo", "server", "-H", "::", "-p", "0", "--trace=detail")
        with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as c:
            c.sendall(b"dream is handsome")
            self.assertEqual(c.recv(100), b"DREAM IS HANDSOME")
        self.assertEqual(srv.stop(), 0)
        err = srv.stderr()
        self.assertRegex(srv.ready, r"^tcp-demo server: listening on \[::\]:\d+ ")
        self.assertIn("[::ffff:127.0.0.1]", err)
        self.assertIn("是 IPv6 套接字上的一个 IPv4 客户端：它的地址被映射进了 IPv6 的 ::ffff:0:0/96",
                      err)
        self.assertIn("setsockopt(fd ", err)
        self.assertIn(", SO_REUSEADDR) -> 0：重启时不必等 TIME_WAIT 过去", err)
        self.assertNotIn("is an IPv4 caller", err)
        self.assertNotIn("need not wait", err)

    def test_the_udp_server_speaks_chinese_from_its_ready_line_to_its_counts(self):
        srv = self.server("udp-demo", "server", "-p", "0", "--drop", "0", "--dup", "100",
                          "--seed", "1")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as c:
            c.settimeout(5)
            c.sendto(b"dream is handsome", ("127.0.0.1", srv.port))
            self.assertEqual(c.recv(100), b"DREAM IS HANDSOME")
        log = LectureLog(srv)
        line = log.wait_for("的数据报")
        log.stop(self)
        self.assertIn("（模式 upper，重复 100%，种子 1）", srv.ready)
        self.assertRegex(line, r'^来自 127\.0\.0\.1:\d+ 的数据报："dream is handsome" -> '
                               r'"DREAM IS HANDSOME"$')
        self.assertIn("udp-demo server：收到 1 个数据报，应答 1 个，丢弃 0 个", log.stderr)
        self.assertIn("发了两遍 1 个（--dup）", log.stderr)
        # the help shows the line the server prints in this language
        help_text = run("udp-demo", "server", "--help", lang=ZH).stdout
        self.assertIn('  来自 127.0.0.1:53122 的数据报："dream is handsome" -> "DREAM IS HANDSOME"\n',
                      help_text)
        help_text = run("tcp-demo", "server", "--help", lang=ZH).stdout
        self.assertIn('  127.0.0.1:53122 来电："dream is handsome" -> "DREAM IS HANDSOME"\n',
                      help_text)

    def test_the_tcp_server_keeps_its_ready_line_and_narrates_its_model_in_chinese(self):
        hung_up = "（对方挂断了）"
        for model, note in (("fork", "fork 模型：每个子进程都有自己的一份描述符表"),
                            ("thread", "thread 模型：所有线程共用一张描述符表"),
                            ("epoll", "epoll_wait() ... 现在由一个线程同时等待所有套接字")):
            with self.subTest(model=model):
                srv = self.server("tcp-demo", "server", "-p", "0", "--model", model, "--trace")
                with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as c:
                    c.sendall(b"dream is handsome")
                    self.assertEqual(c.recv(100), b"DREAM IS HANDSOME")
                # the server's lines, up to its hang-up, before it is stopped
                err = harness.read_until(srv.proc.stderr.fileno(), hung_up.encode())
                self.assertEqual(srv.stop(), 0)
                err = err.decode(errors="replace") + srv.stderr()
                self.assertIn(f"（模型 {model}，模式 upper）", srv.ready)
                self.assertIn(note, err)
                self.assertIn(hung_up, err)
                self.assertNotIn("model:", err)

    def test_udp_ping_reliable_says_its_retransmissions_in_chinese(self):
        srv = self.server("udp-demo", "server", "-p", "0", "--drop", "100")
        ping = self.server("udp-demo", "ping", "--reliable", "-p", str(srv.port), "-c", "1",
                           "-t", "20", ready=r"^PING (127\.0\.0\.1:\d+)")
        log = LectureLog(ping)
        log.wait_for("第 2 次")
        text = ping.ready + log.text
        self.assertIn("PING 127.0.0.1:%d（udp，可靠模式）" % srv.port, text)
        self.assertRegex(text, r"seq=0：没有及时收到 ACK，重发（第 2 次，最多 30 次；下次等 \d+ 毫秒）")
        self.assertNotIn("no ACK in time", text)

    def test_the_other_udp_commands_say_their_errors_in_chinese(self):
        for argv, chinese in ((["multicast"], "请指定 'send' 或 'listen'（见 --help）"),
                              (["multicast", "send", "--group", "10.0.0.1"], "不是组播地址"),
                              (["multicast", "listen", "-m", "x"], "-m 只用于 'send'"),
                              (["ping", "-c", "0"], "无效的 count '0'：应为 1 到"),
                              (["server", "--mode", "shout"], "未知模式 'shout'：请用 upper 或 echo"),
                              (["bogus"], "未知命令 'bogus'（见 --help）")):
            with self.subTest(argv=argv):
                zh = run("udp-demo", *argv, lang=ZH)
                self.assertEqual(zh.returncode, 2, zh.stderr)
                self.assertIn(chinese, zh.stderr)
                en = run("udp-demo", *argv, lang=EN)
                self.assertEqual(en.returncode, 2, en.stderr)
                self.assertNotRegex(en.stderr, r"[\u4e00-\u9fff]")

    def test_the_zh_cn_locale_exists(self):
        r = subprocess.run(["locale", "-a"], capture_output=True, text=True)
        self.assertRegex(r.stdout, re.compile(r"^zh_CN\.utf8$", re.M | re.I),
                         "scripts/setup.sh generates it")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="the folder with the programs")
    parser.add_argument("--src", required=True, help="the source tree")
    args, rest = parser.parse_known_args()
    BIN, SRC = args.bin, args.src
    PO = os.path.join(SRC, "po", "zh_CN.po")
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)
