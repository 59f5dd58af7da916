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
import socket
import subprocess
import sys
import tempfile
import unicodedata
import unittest

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


def run(program, *args, lang):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    env.update(lang)
    return subprocess.run([os.path.join(BIN, program), *args], capture_output=True, text=True,
                          env=env, timeout=10, stdin=subprocess.DEVNULL)


ZH = {"LANG": "zh_CN.UTF-8"}
ZH_WITHOUT_LOCALE = {"LC_ALL": "C.UTF-8", "LANGUAGE": "zh_CN"}  # no zh_CN locale needed
EN = {"LANG": "C"}


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


class ProgramsTest(unittest.TestCase):
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
                # a Chinese character takes two columns of a terminal
                width = lambda line: sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1
                                         for ch in line)
                widest = max(r.stdout.splitlines(), key=width)
                self.assertLessEqual(width(widest), 100, widest)
                heads = [line for line in r.stdout.splitlines() if line.startswith("   协议")]
                self.assertEqual(len(heads), 3, r.stdout)
                # the headings line up with their rows: "MiB/s" above the figures
                bulk_head = heads[2]
                row = next(line for line in r.stdout.splitlines()
                           if line.startswith("   TCP") and "MiB" in line)
                self.assertEqual(width(bulk_head[:bulk_head.index("MiB/s")]),
                                 re.search(r"\d", row).start(), (bulk_head, row))
        en = run("netdemo", "compare", "--only", "udp", "--count", "20", "--repeat", "1", lang=EN)
        self.assertIn("1. The first byte", en.stdout)

    def test_the_ftp_client_speaks_chinese_and_the_protocol_stays_as_it_is(self):
        srv = subprocess.Popen([os.path.join(BIN, "ftp-demo"), "server", "-p", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            ready = srv.stdout.readline()
            port = re.search(r"listening on \S+:(\d+)", ready)
            self.assertIsNotNone(port, ready)
            env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
            env.update(ZH)
            r = subprocess.run([os.path.join(BIN, "ftp-demo"), "client", "-p", port.group(1)],
                               input="help\npassive\nbogus\nquit\n", capture_output=True,
                               text=True, env=env, timeout=10)
        finally:
            srv.kill()
            srv.wait()
        self.assertIn("已连接到", r.stdout)
        self.assertIn("get REMOTE [LOCAL] 下载一个文件（RETR）", r.stdout)
        self.assertIn("被动模式：关。", r.stdout)
        self.assertIn("?无效命令：bogus", r.stderr)
        self.assertRegex(r.stdout, r"(?m)^220 ", "the server's replies are the protocol's own")

    def test_udp_ping_summarises_in_chinese(self):
        srv = subprocess.Popen([os.path.join(BIN, "udp-demo"), "server", "-p", "0", "--drop",
                                "30", "--seed", "2"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
        try:
            ready = srv.stdout.readline()
            port = re.search(r"listening on \S+:(\d+)", ready)
            self.assertIsNotNone(port, ready)
            r = run("udp-demo", "ping", "-p", port.group(1), "-c", "6", "-i", "10", "-t", "200",
                    lang=ZH)
        finally:
            srv.kill()
            srv.wait()
        self.assertIn("udp ping 统计", r.stdout)
        self.assertRegex(r.stdout, r"发出 6 个数据报，收到 \d 个")
        self.assertIn("没有应答的 seq", r.stdout, "--drop 30 with seed 2 loses some")

    def same_story(self, program, times):
        """The narrated demo in Chinese, run times times: the same lines
        every time, apart from ports and descriptor numbers."""
        first = None
        for _ in range(times):
            r = run(program, lang=ZH)
            self.assertEqual(r.returncode, 0, r.stderr)
            text = re.sub(r"fd \d+", "fd N", re.sub(r":\d+", ":P", r.stderr + r.stdout))
            if first is None:
                first = text
            self.assertEqual(text, first)
        return first

    def test_tcp_demo_narrates_the_phone_call_in_chinese_the_same_every_time(self):
        text = self.same_story("tcp-demo", 20)
        self.assertIn("socket() 买手机，bind() 插上电话卡", text)
        self.assertIn("recv(fd N) -> 0（对方挂断了）", text)
        self.assertIn("DREAM IS HANDSOME", text, "the seed's words are the message, not translated")
        self.assertNotIn("buys a phone", text)

    def test_udp_demo_narrates_in_chinese_the_same_every_time(self):
        text = self.same_story("udp-demo", 10)
        self.assertIn("没有 listen()，也没有 accept()", text)
        self.assertIn("写了 3 次，读到数据 1 次：TCP 不保留消息边界。", text)
        self.assertIn("写了 3 次，读了 3 次：每个数据报都保留自己的边界。", text)

    def test_translated_help_names_every_flag_the_english_one_does(self):
        for argv in (["tcp-demo"], ["tcp-demo", "server"], ["tcp-demo", "client"],
                     ["udp-demo"], ["udp-demo", "server"], ["udp-demo", "client"], ["http-demo"], ["ftp-demo"], ["netdemo"], ["netdemo", "compare"]):
            with self.subTest(argv=argv):
                en = run(*argv, "--help", lang=EN)
                zh = run(*argv, "--help", lang=ZH)
                self.assertEqual((en.returncode, zh.returncode), (0, 0))
                self.assertTrue(zh.stdout.startswith("用法："), zh.stdout[:80])
                flags = set(re.findall(r"(?<![\w-])--?[a-z][a-z0-9-]*", en.stdout))
                missing = flags - set(re.findall(r"(?<![\w-])--?[a-z][a-z0-9-]*", zh.stdout))
                self.assertEqual(missing, set(), "the Chinese help drops flags")

    def test_the_servers_lecture_line_in_chinese(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
        env.update(ZH)
        srv = subprocess.Popen([os.path.join(BIN, "tcp-demo"), "server", "-p", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env=env)
        try:
            ready = srv.stdout.readline()
            port = re.search(r"listening on \S+:(\d+)", ready)
            self.assertIsNotNone(port, ready)
            with socket.create_connection(("127.0.0.1", int(port.group(1))), timeout=5) as c:
                c.sendall(b"dream is handsome")
                self.assertEqual(c.recv(100), b"DREAM IS HANDSOME")
            line = srv.stdout.readline()
        finally:
            srv.kill()
            srv.wait()
        self.assertRegex(line, r'^127\.0\.0\.1:\d+ 来电："dream is handsome" -> "DREAM IS HANDSOME"$')

    def test_netdemo_announces_its_servers_in_chinese(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
        env.update(ZH)
        nd = subprocess.Popen([os.path.join(BIN, "netdemo"), "--tcp", "0", "--udp", "0",
                               "--http", "0", "--ftp", "0", "--quiet"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True, env=env)
        lines = []
        try:
            while len(lines) < 10:
                line = nd.stdout.readline()
                if not line:
                    break
                lines.append(line)
                if line.startswith("Ctrl-C"):
                    break
        finally:
            nd.kill()
            nd.wait()
        text = "".join(lines)
        self.assertRegex(text, r"(?m)^HTTP  http://127\.0\.0\.1:\d+/  用浏览器打开（B/S）$")
        self.assertIn("Ctrl-C 全部停止。", text)

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
