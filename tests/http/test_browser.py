"""A real browser: headless Chromium loads the bundled site from
http-demo; the rendered DOM is checked and a screenshot must appear."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import httptest  # noqa: E402
from httptest import HttpTest  # noqa: E402

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
BROWSER_TIMEOUT_S = 90  # a cold start of Chromium under load can be slow
WWW = os.path.join(os.path.dirname(__file__), "..", "..", "www")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class BrowserTest(HttpTest):
    def chromium(self, *args):
        profile = tempfile.mkdtemp(prefix="netdemo-chromium-")
        self.addCleanup(shutil.rmtree, profile, True)
        argv = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",
                "--disable-dev-shm-usage", f"--user-data-dir={profile}", *args]
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=BROWSER_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.communicate()
            self.fail(f"chromium did not finish in {BROWSER_TIMEOUT_S} s")
        return proc.returncode, out.decode(errors="replace"), err.decode(errors="replace")

    def setUp(self):
        # The set-up script installs Chromium for the tests; without it this
        # test fails rather than passing quietly.
        self.assertIsNotNone(CHROMIUM, "chromium is not installed (scripts/setup.sh installs it)")
        log = tempfile.NamedTemporaryFile(prefix="netdemo-http-log-", delete=False)
        log.close()
        self.log = log.name
        self.addCleanup(os.unlink, self.log)
        self.server = self.serve("--access-log", self.log, root=os.path.abspath(WWW))
        self.url = f"http://127.0.0.1:{self.server.port}/"

    def test_dump_dom_shows_the_rendered_page_with_script_run(self):
        rc, dom, err = self.chromium("--virtual-time-budget=5000", "--dump-dom", self.url)
        self.assertEqual(rc, 0, err[-2000:])
        self.assertIn('<h1 id="title">B/S and C/S: who writes the client?</h1>', dom)
        self.assertIn("浏览器/服务器", dom)
        # app.js ran in the browser: it rewrote this paragraph.
        self.assertIn("JavaScript ran", dom)
        with open(self.log) as f:
            requests = f.read()
        for path in ("GET / ", "GET /style.css ", "GET /app.js ", "GET /bs-model.svg "):
            self.assertIn(path, requests)
        self.assertNotRegex(requests, r'" [45]\d\d ')

    def test_echo_page_shows_what_chromium_sent(self):
        rc, dom, err = self.chromium("--dump-dom", self.url + "echo")
        self.assertEqual(rc, 0, err[-2000:])
        self.assertIn("GET /echo HTTP/1.1", dom)
        self.assertRegex(dom, r"User-Agent: Mozilla/5\.0 .*HeadlessChrome")

    def test_screenshot_is_a_png(self):
        shot = os.path.join(tempfile.mkdtemp(prefix="netdemo-shot-"), "page.png")
        self.addCleanup(shutil.rmtree, os.path.dirname(shot), True)
        rc, _, err = self.chromium("--window-size=1024,768", f"--screenshot={shot}", self.url)
        self.assertEqual(rc, 0, err[-2000:])
        with open(shot, "rb") as f:
            data = f.read()
        self.assertTrue(data.startswith(PNG_MAGIC))
        self.assertGreater(len(data), 10000)  # a blank page compresses to far less


if __name__ == "__main__":
    httptest.main()
