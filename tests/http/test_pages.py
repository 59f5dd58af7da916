"""The pages http-demo writes itself, as teaching aids: /echo explains
each header it knows in English and Chinese and escapes everything it
shows; error pages (which say what their status means) and listings link
the site's style, icon and home, with status lines and heads as before;
/favicon.ico gets the site's icon."""
import html.parser
import os
import re
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import httptest  # noqa: E402
from httptest import WAIT_S, HttpTest, raw, split_responses  # noqa: E402

CURL = shutil.which("curl")
WWW = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "www"))
CJK = range(0x4E00, 0xA000)


class Page(html.parser.HTMLParser):
    """What a page is made of: every start tag with its attributes, and
    for /echo's list, each line's code and its notes by language."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags = []  # (tag, {attr: value})
        self.lines = []  # {"code": text, "en": text, "zh": text}
        self.where = None  # "code", "en", "zh" inside a line, or None
        self.in_wire = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "ol" and a.get("id") == "request":
            self.in_wire = True
        elif self.in_wire and tag == "li":
            self.lines.append({"code": "", "en": "", "zh": ""})
        elif self.in_wire and tag == "code":
            self.where = "code"
        elif self.in_wire and tag == "span":
            self.where = {"en": "en", "zh-CN": "zh"}.get(a.get("lang"))

    def handle_endtag(self, tag):
        if tag == "ol":
            self.in_wire = False
        if tag in ("code", "span"):
            self.where = None

    def handle_data(self, data):
        if self.in_wire and self.where and self.lines:
            self.lines[-1][self.where] += data

    def find(self, tag, **want):
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in want.items())]


def has_chinese(text):
    return any(ord(c) in CJK for c in text)


def get(port, head):
    """One request (ending in Connection: close, or in an error that
    closes); (status, headers, body as text, all bytes)."""
    data = raw(port, head if isinstance(head, bytes) else head.encode())
    status, headers, body = split_responses(data)[0]
    return status, headers, body.decode("utf-8"), data


class EchoTest(HttpTest):
    def setUp(self):
        self.server = self.serve()

    def echo(self, *header_lines, target="/echo"):
        head = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(
            f"{h}\r\n" for h in header_lines) + "Connection: close\r\n\r\n"
        status, headers, body, _ = get(self.server.port, head)
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "text/html; charset=utf-8")
        return Page(body), body

    def test_each_known_header_has_a_note_in_english_and_chinese(self):
        known = ["User-Agent: Mozilla/5.0 (X11; Linux x86_64)", "Accept: text/html,*/*;q=0.8",
                 "Accept-Language: zh-CN,zh;q=0.9,en;q=0.8", "Accept-Encoding: gzip, br",
                 "Cookie: seen=1", "Cache-Control: max-age=0", "Referer: http://127.0.0.1/",
                 "Upgrade-Insecure-Requests: 1", "sec-fetch-site: none", "Sec-Fetch-Mode: navigate",
                 "Sec-Fetch-User: ?1", "Sec-Fetch-Dest: document",
                 "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT", "Range: bytes=0-99"]
        page, _ = self.echo(*known)
        by_line = {line["code"]: line for line in page.lines}
        notes = set()
        for sent in ["Host: 127.0.0.1", *known, "Connection: close"]:
            self.assertIn(sent, by_line, f"{sent!r} is not a line of its own")
            line = by_line[sent]
            self.assertTrue(line["en"].strip(), f"{sent!r} has no English note")
            self.assertTrue(has_chinese(line["zh"]), f"{sent!r} has no Chinese note: {line['zh']!r}")
            notes.add(line["en"])
        # one note per header, not one sentence for all of them
        self.assertEqual(len(notes), len(known) + 2)
        # the request line first, the lines in the order sent, the blank line last
        codes = [line["code"] for line in page.lines]
        self.assertEqual(codes[0], "GET /echo HTTP/1.1")
        self.assertEqual(codes[1:-1], ["Host: 127.0.0.1", *known, "Connection: close"])
        self.assertEqual(codes[-1], "\\r\\n")

    def test_an_unknown_header_gets_no_note_rather_than_a_wrong_one(self):
        page, _ = self.echo("X-Lecture-Seat: 12", "Sec-Fetch-Future: 1", "Hostname: x")
        by_line = {line["code"]: line for line in page.lines}
        for sent in ("X-Lecture-Seat: 12", "Sec-Fetch-Future: 1", "Hostname: x"):
            self.assertEqual((by_line[sent]["en"], by_line[sent]["zh"]), ("", ""), sent)

    def test_markup_in_the_target_headers_and_body_is_shown_as_text(self):
        evil = '<img src=x onerror=alert(1)>"\'&'
        page, body = self.echo(f"X-Evil: {evil}", f"User-Agent: </code><script>alert(1)</script>",
                               target="/echo?q=%3C<script>alert(1)</script>")
        self.assertIn("X-Evil: &lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;", body)
        self.assertEqual(page.find("img"), [])
        # the one script is the page's own language switch
        self.assertEqual(page.find("script"), [{"type": "module", "src": "/pages.js"}])
        codes = [line["code"] for line in page.lines]
        self.assertIn(f"X-Evil: {evil}", codes)
        self.assertIn("User-Agent: </code><script>alert(1)</script>", codes)
        self.assertEqual(codes[0], "GET /echo?q=%3C<script>alert(1)</script> HTTP/1.1")
        # a posted body too
        data = raw(self.server.port, b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 24\r\n"
                                     b"Connection: close\r\n\r\n</pre><script>x</script>")
        status, _, posted = split_responses(data)[0]
        self.assertEqual(status, 200)
        self.assertEqual(Page(posted.decode()).find("script"), [{"type": "module", "src": "/pages.js"}])
        self.assertIn(b"&lt;/pre&gt;&lt;script&gt;x&lt;/script&gt;", posted)

    def test_the_page_links_the_sites_style_icon_switch_and_home(self):
        page, _ = self.echo()
        self.assertTrue(page.find("link", rel="stylesheet", href="/style.css"))
        self.assertTrue(page.find("link", rel="icon", href="/favicon.svg", type="image/svg+xml"))
        self.assertTrue(page.find("a", href="/", id="home"))
        self.assertTrue(page.find("button", id="lang"))
        # no inline style or script: netdemo's CSP would block them
        self.assertEqual(page.find("style"), [])
        self.assertFalse([a for _, a in page.tags if "style" in a or any(k.startswith("on") for k in a)])

    def test_head_of_echo_has_no_body(self):
        data = raw(self.server.port, b"HEAD /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        head, _, rest = data.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 200 OK\r\n"))
        self.assertGreater(int(split_responses(head + b"\r\n\r\n")[0][1]["content-length"]), 0)
        self.assertEqual(rest, b"")

    @unittest.skipIf(CURL is None, "curl is not installed")
    def test_curl_sees_its_user_agent_explained(self):
        r = subprocess.run([CURL, "-sS", "--max-time", str(WAIT_S),
                            f"http://127.0.0.1:{self.server.port}/echo"],
                           capture_output=True, timeout=WAIT_S + 5, stdin=subprocess.DEVNULL)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = {line["code"].split(":")[0]: line for line in Page(r.stdout.decode()).lines}
        self.assertRegex(lines["User-Agent"]["code"], r"^User-Agent: curl/\d")
        self.assertIn("curl", lines["User-Agent"]["en"])
        self.assertTrue(has_chinese(lines["User-Agent"]["zh"]))


class ErrorPageTest(HttpTest):
    def setUp(self):
        self.server = self.serve("--max-head", "2048")
        os.mkfifo(os.path.join(self.root, "pipe"))

    REQUESTS = [
        (400, b"GET /hello.txt HTTP/1.1\r\nConnection: close\r\n\r\n"),  # no Host
        (403, b"GET /pipe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        (404, b"GET /nope.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        (405, b"DELETE /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        (413, b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n"),
        (414, b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"),
        (431, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 3000 + b"\r\n\r\n"),
    ]

    def test_each_error_page_keeps_its_status_and_links_home_and_the_site_style(self):
        notes = set()
        for want, request in self.REQUESTS:
            with self.subTest(status=want):
                status, headers, body, _ = get(self.server.port, request)
                self.assertEqual(status, want)
                self.assertEqual(headers["content-type"], "text/html; charset=utf-8")
                self.assertEqual(int(headers["content-length"]), len(body.encode()))
                page = Page(body)
                self.assertTrue(page.find("a", href="/"), "no link home")
                self.assertTrue(page.find("link", rel="stylesheet", href="/style.css"))
                self.assertTrue(page.find("link", rel="icon", href="/favicon.svg"))
                self.assertRegex(body, rf"<h1>{want} [A-Z]")
                note = re.search(r'<p class="lead"><span lang="en" class="only-en">([^<]+)</span>'
                                 r'<span lang="zh-CN" class="only-zh">([^<]+)</span></p>', body)
                self.assertIsNotNone(note, "no note on what the status means")
                self.assertTrue(has_chinese(note.group(2)), note.group(2))
                notes.add(note.group(1))
                self.assertLess(len(body), 1024, "an error page should stay small")
                if want == 405:
                    self.assertEqual(headers["allow"], "GET, HEAD")
        self.assertEqual(len(notes), len(self.REQUESTS), "each status says what it means")

    def test_a_head_request_for_an_error_still_gets_no_body(self):
        data = raw(self.server.port, b"HEAD /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        head, _, rest = data.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 404 Not Found\r\n"), head)
        self.assertEqual(rest, b"")

    def test_a_404_leaves_the_connection_open_as_before(self):
        data = raw(self.server.port, b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                                     b"GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        got = split_responses(data)
        self.assertEqual([g[0] for g in got], [404, 200])
        self.assertEqual(got[1][2], b"hello\n")

    def test_listing_is_styled_escaped_and_links_home(self):
        status, _, body, _ = get(self.server.port,
                                 "GET /sub/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertEqual(status, 200)
        page = Page(body)
        self.assertTrue(page.find("a", href="/", id="home"))
        self.assertTrue(page.find("link", rel="stylesheet", href="/style.css"))
        self.assertTrue(page.find("link", rel="icon", href="/favicon.svg"))
        self.assertTrue(page.find("a", href="a%20%3Cb%3E%26%27c.txt"))
        self.assertEqual(page.find("b"), [])
        self.assertIn("<title>Index of /sub/</title>", body)


class FaviconTest(HttpTest):
    SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>\n'

    def fetch(self, port, path, method="GET"):
        return get(port, f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")

    def test_favicon_ico_is_the_sites_svg_with_its_type(self):
        server = self.serve()
        with open(os.path.join(self.root, "favicon.svg"), "wb") as f:
            f.write(self.SVG)
        status, headers, _, data = self.fetch(server.port, "/favicon.ico")
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("image/svg+xml"))
        self.assertTrue(data.endswith(b"\r\n\r\n" + self.SVG))
        status, headers, _, data = self.fetch(server.port, "/favicon.ico", "HEAD")
        self.assertEqual((status, headers["content-length"]), (200, str(len(self.SVG))))
        self.assertTrue(data.endswith(b"\r\n\r\n"))

    def test_a_real_favicon_ico_wins_and_none_at_all_is_404(self):
        server = self.serve()
        self.assertEqual(self.fetch(server.port, "/favicon.ico")[0], 404)
        os.mkdir(os.path.join(self.root, "favicon.svg"))  # a folder is no icon
        self.assertEqual(self.fetch(server.port, "/favicon.ico")[0], 404)
        with open(os.path.join(self.root, "favicon.ico"), "wb") as f:
            f.write(b"\x00\x00\x01\x00")
        status, headers, _, data = self.fetch(server.port, "/favicon.ico")
        self.assertEqual((status, headers["content-type"]), (200, "image/x-icon"))
        self.assertTrue(data.endswith(b"\x00\x00\x01\x00"))

    def test_the_bundled_pages_name_the_icon(self):
        server = self.serve(root=WWW)
        for path in ("/", "/hub/"):
            status, _, body, _ = self.fetch(server.port, path)
            self.assertEqual(status, 200, path)
            icons = [a["href"] for a in Page(body).find("link", rel="icon")]
            self.assertTrue(icons, f"{path} names no icon")
            status, headers, _, _ = self.fetch(server.port, "/" + icons[0].lstrip("/"))
            self.assertEqual(status, 200, icons[0])
            self.assertTrue(headers["content-type"].startswith("image/svg+xml"))


if __name__ == "__main__":
    httptest.main()
