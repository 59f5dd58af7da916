"""netdemo compare: a CI-sized run over all four protocols, read back as
JSON and as the table, and its usage errors. It leaves no folder behind.

It starts its own servers on free loopback ports and ends them; the test
bounds each run with a timeout and checks no netdemo is left behind.
"""
import glob
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import harness  # noqa: E402

BIN = None  # netdemo (--bin)
CI_RUN = ["--size", "1M", "--count", "200", "--repeat", "1"]


STATE = tempfile.mkdtemp(prefix="netdemo-state-")  # XDG_STATE_HOME: the latest report
TMP = tempfile.mkdtemp(prefix="netdemo-tmp-")  # TMPDIR: where a run makes its folder
RUN_FOLDERS = os.path.join(TMP, "netdemo-compare-*")


def compare(*args, timeout=60):
    return subprocess.run([BIN, "compare", *args], capture_output=True, timeout=timeout,
                          stdin=subprocess.DEVNULL,
                          env={**os.environ, "XDG_STATE_HOME": STATE, "TMPDIR": TMP})


def http_get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=harness.WAIT_S)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


class CompareTest(unittest.TestCase):
    def test_a_ci_sized_run_has_every_protocol_and_workload(self):
        before = set(glob.glob(RUN_FOLDERS))
        start = time.monotonic()
        r = compare(*CI_RUN, "--json")
        took = time.monotonic() - start
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertLess(took, 30, "a CI-sized run must take under 30 s")
        report = json.loads(r.stdout)
        self.assertEqual(set(glob.glob(RUN_FOLDERS)), before, "its folder is gone")
        for fact in ("kernel", "cpu", "cores", "date"):
            self.assertIn(fact, report["machine"])
        first = {row["protocol"]: row for row in report["first_byte"]}
        self.assertEqual(set(first), {"TCP", "UDP", "HTTP/1.0", "HTTP/1.1", "FTP"})
        for row in first.values():
            t = row["time_us"]
            self.assertGreater(t["min"], 0, row)
            self.assertLessEqual(t["min"], t["median"])
            self.assertLessEqual(t["median"], t["max"])
        # what each exchange costs by its design
        self.assertEqual(first["UDP"]["connections"], 0)
        self.assertEqual(first["HTTP/1.1"]["connections"], 0)
        self.assertEqual(first["HTTP/1.0"]["connections"], 1)
        self.assertGreaterEqual(first["FTP"]["connections"], 2)
        self.assertLess(first["UDP"]["round_trips"], first["TCP"]["round_trips"])
        self.assertLess(first["TCP"]["round_trips"], first["FTP"]["round_trips"])
        rtt = {row["protocol"]: row for row in report["round_trips"]}
        self.assertEqual(set(rtt), {"TCP", "UDP", "HTTP/1.1"})
        # what the servers' counters saw: N requests, one connection, or none
        self.assertEqual({p: row["connections"] for p, row in rtt.items()},
                         {"TCP": 1, "UDP": 0, "HTTP/1.1": 1})
        for row in rtt.values():
            self.assertEqual(row["requests"], 200)
        bulk = {row["protocol"]: row for row in report["bulk"]}
        self.assertEqual(set(bulk), {"TCP", "UDP", "UDP, reliable", "HTTP", "FTP"})
        for row in bulk.values():
            self.assertEqual(row["payload_bytes"], 1 << 20, "payload is --size")
            self.assertGreater(row["mib_per_second"]["median"], 0)
        for name in ("UDP", "UDP, reliable"):  # datagrams of 1 KiB, both ways with headers
            row = bulk[name]
            self.assertEqual(row["datagrams"], 1024, row)
            self.assertGreater(row["wire_bytes"], row["arrived_bytes"], row)
            self.assertEqual(row["arrived_bytes"], row["datagrams_arrived"] * 1024, row)
            self.assertAlmostEqual(row["lost_percent"],
                                   100 * (1 - row["datagrams_arrived"] / row["datagrams"]))
        reliable = bulk["UDP, reliable"]
        self.assertEqual((reliable["arrived_bytes"], reliable["lost_percent"]), (1 << 20, 0),
                         "the reliable mode gets everything there")
        # every ACK is the datagram sent back: the wire carries the data twice
        self.assertGreaterEqual(reliable["wire_bytes"], 2 * (1 << 20))
        for name in ("TCP", "HTTP"):  # the kernel's view of the connection the data took
            row = bulk[name]
            self.assertGreaterEqual(row["wire_bytes"], row["payload_bytes"], row)
            self.assertGreater(row["kernel"]["segs_out"] + row["kernel"]["segs_in"], 0)
            self.assertEqual(row["kernel"]["retransmits"], 0, "loopback loses nothing")
        self.assertEqual(report["options"]["size"], 1 << 20)
        loss = report["loss"]
        self.assertEqual((loss["drop_percent"], loss["datagrams"]), (10, 200))
        self.assertEqual(loss["reliable_delivered"], 200, "the reliable mode delivers them all")
        self.assertGreater(loss["reliable_retransmissions"]["median"], 0)
        bounds = report["boundaries"]  # udp-demo boundaries' lesson
        self.assertEqual(bounds["writes"], 3)
        self.assertEqual(bounds["udp_reads"], 3, "each datagram keeps its boundaries")
        self.assertGreaterEqual(bounds["tcp_reads"], 1)
        self.assertLess(bounds["tcp_reads"], 3, "the stream ran the writes together")
        rt = {row["protocol"]: row for row in report["round_trips"]}
        self.assertEqual(set(rt), {"TCP", "UDP", "HTTP/1.1"})
        for row in rt.values():
            self.assertEqual(row["requests"], 200)
            self.assertGreater(row["per_second"]["median"], 0)
            self.assertLessEqual(row["rtt_p50_us"]["median"], row["rtt_p99_us"]["median"])

    def test_plain_udp_loses_what_the_reliable_mode_delivers(self):
        r = compare("--only", "udp", "--count", "200", "--repeat", "1", "--drop", "30", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        loss = json.loads(r.stdout)["loss"]
        self.assertGreater(loss["plain_lost_percent"]["median"], 10, "--drop 30 shows loss")
        self.assertEqual(loss["reliable_delivered"], 200, "and the reliable row shows none")

    def test_the_table_fits_a_projector(self):
        r = compare(*CI_RUN, "--only", "tcp,udp")
        self.assertEqual(r.returncode, 0, r.stderr)
        text = r.stdout.decode()
        self.assertIn("1. The first byte", text)
        self.assertIn("2. Round trips: 200 small requests", text)
        lines = text.splitlines()
        self.assertTrue(all(len(line) <= 100 for line in lines),
                        max(lines, key=len))
        rows = [line.split()[0] for line in lines if line.startswith("   ") and line.split()
                and line.split()[0] in ("TCP", "UDP", "HTTP/1.0", "HTTP/1.1", "FTP")]
        self.assertEqual(sorted(set(rows)), ["TCP", "UDP"], "--only keeps the others out")
        self.assertRegex(text, r"TCP +\d+ us \(\d+-\d+\)", "every time has its unit and range")
        self.assertIn("3. Bulk: 1.0 MiB one way", text)
        self.assertIn("4. Loss: 200 datagrams through a server that drops 10% of them", text)
        self.assertIn("5. Message boundaries: the seed's words in 3 writes", text)
        self.assertRegex(text, r"\n   UDP +\d+ \(\d+-\d+\) .* lost [\d.]+% of 1024 datagrams\n")
        self.assertRegex(text, r"\n   UDP, reliable +\d+ \(\d+-\d+\) .* all 1024 arrived, \d+ resent\n")

    def test_out_writes_a_self_contained_report_that_a_browser_renders(self):
        out = tempfile.mkdtemp(prefix="netdemo-report-")
        self.addCleanup(shutil.rmtree, out, True)
        r = compare(*CI_RUN, "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(out, "report.json")) as f:
            report = json.load(f)
        self.assertEqual(report["options"]["size"], 1 << 20)
        with open(os.path.join(out, "report.html"), encoding="utf-8") as f:
            page = f.read()
        for words in ("1. The first byte", "2. Round trips", "3. Bulk transfer", "4. Loss",
                      "5. Message boundaries", "第一个字节", "<svg", "<rect class=\"bar\""):
            self.assertIn(words, page)
        for outside in ("<script", "http://", "https://", "<link"):
            self.assertNotIn(outside, page, "the report needs nothing from elsewhere")
        chromium = shutil.which("chromium")
        if chromium is None:
            self.skipTest("chromium is not installed")
        shot = os.path.join(os.environ.get("ARTIFACTS", out), "compare-report.png")
        os.makedirs(os.path.dirname(shot), exist_ok=True)
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                        "--no-proxy-server", f"--screenshot={shot}", "--window-size=1280,2400",
                        "file://" + os.path.join(out, "report.html")],
                       capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
        self.assertTrue(os.path.exists(shot) and os.path.getsize(shot) > 10000,
                        "the browser drew no report")

    def test_a_folder_it_cannot_write_is_said_before_measuring(self):
        start = time.monotonic()
        r = compare("--out", "/proc/no/such")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr, b"netdemo compare: /proc/no/such: No such file or directory\n")
        self.assertEqual(r.stdout, b"")
        self.assertLess(time.monotonic() - start, 5, "said at once, not after the whole run")

    def test_netdemo_serves_the_latest_report_at_compare(self):
        shutil.rmtree(os.path.join(STATE, "netdemo"), True)
        env = {**os.environ, "XDG_STATE_HOME": STATE}
        with socket.socket() as s:  # a free port for the web server
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        argv = [BIN, "--tcp", "0", "--udp", "0", "--http", str(port), "--ftp", "0"]
        srv = harness.Server(argv, env=env, ready=r"^TCP +(\S+)")
        try:
            status, page = http_get(port, "/compare")
            self.assertEqual(status, 404, "no report yet")
            self.assertIn(b"Run <code>netdemo compare</code>", page)
            r = compare("--only", "tcp", "--count", "10", "--repeat", "1", "--size", "64K")
            self.assertEqual(r.returncode, 0, r.stderr)
            status, page = http_get(port, "/compare")
            self.assertEqual(status, 200)
            self.assertIn(b"<h1>netdemo compare", page)
        finally:
            srv.kill()

    @unittest.skipUnless(os.geteuid() == 0, "--netem makes network namespaces: root only")
    def test_netem_runs_tcp_and_http_over_a_lossy_link(self):
        r = compare("--only", "tcp,http", "--size", "1M", "--count", "20", "--repeat", "1",
                    "--netem=5", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        netem = json.loads(r.stdout)["netem"]
        self.assertEqual(netem["loss_percent"], 5)
        # scripts/setup.sh installs nftables for the kernels built without netem
        self.assertTrue(netem["available"], netem)
        self.assertRegex(netem["how"], r"^(tc netem|nftables): 5% loss")
        rows = {row["protocol"]: row for row in netem["bulk"]}
        self.assertEqual(set(rows), {"TCP", "HTTP"}, "FTP's rows stay on loopback")
        for row in rows.values():
            self.assertEqual(row["payload_bytes"], 1 << 20)
            # an Ethernet-sized link: hundreds of segments, not loopback's few 64 KiB ones
            self.assertGreater(row["kernel"]["segs_out"] + row["kernel"]["segs_in"], 700, row)
        # 5% of some 725 segments each way is lost: the sender sends again,
        # the receiver sees segments arrive after a hole
        self.assertGreater(rows["TCP"]["kernel"]["retransmits"], 0, rows["TCP"])
        self.assertGreater(rows["HTTP"]["kernel"]["out_of_order"], 0, rows["HTTP"])

    @unittest.skipUnless(os.geteuid() == 0 and shutil.which("setpriv"), "needs root to drop it")
    def test_netem_without_root_says_why_and_skips_its_rows(self):
        state = tempfile.mkdtemp(prefix="netdemo-state-")
        self.addCleanup(shutil.rmtree, state, True)
        os.chmod(state, 0o777)
        r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", BIN,
                            "compare", *CI_RUN, "--only", "tcp", "--netem"],
                           capture_output=True, timeout=60, stdin=subprocess.DEVNULL,
                           env={**os.environ, "XDG_STATE_HOME": state})
        self.assertEqual(r.returncode, 0, r.stderr)
        text = r.stdout.decode()
        self.assertIn("3b. Bulk over a lossy link: netem is unavailable", text)
        self.assertIn("needs root", text)
        self.assertIn("3. Bulk: 1.0 MiB one way", text, "the loopback rows still run")

    def test_ctrl_c_mid_run_leaves_no_folder_behind(self):
        for sig in (signal.SIGINT, signal.SIGTERM):
            with self.subTest(signal=sig.name):
                before = set(glob.glob(RUN_FOLDERS))
                p = subprocess.Popen([BIN, "compare", "--size", "16M", "--repeat", "20"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     stdin=subprocess.DEVNULL,
                                     env={**os.environ, "XDG_STATE_HOME": STATE,
                                          "TMPDIR": TMP})
                try:
                    deadline = time.monotonic() + harness.WAIT_S
                    # the folder is made first: once it is there, the run is under way
                    while set(glob.glob(RUN_FOLDERS)) == before:
                        self.assertLess(time.monotonic(), deadline, "no folder was made")
                        time.sleep(0.02)
                    time.sleep(0.3)
                    p.send_signal(sig)
                    self.assertEqual(p.wait(timeout=harness.WAIT_S), -sig, "ends by the signal")
                finally:
                    p.kill()
                    p.wait()
                self.assertEqual(set(glob.glob(RUN_FOLDERS)), before)

    def test_bad_usage_exits_2_with_one_line(self):
        for args in (["--count", "0"], ["--repeat", "x"], ["--only", "smtp"], ["--only", ""],
                     ["--size", "0"], ["--size", "1T"], ["--size", "-5"], ["--size", "17G"],
                     ["--drop", "0"], ["--drop", "101"],
                     ["--netem=0"], ["--netem=51"], ["--netem=x"],
                     ["--bogus"], ["extra"]):
            with self.subTest(args=args):
                r = compare(*args)
                self.assertEqual(r.returncode, 2, r.stderr)
                lines = r.stderr.decode().strip().splitlines()
                self.assertEqual(len(lines), 1, lines)
                self.assertTrue(lines[0].startswith("netdemo compare: "), lines[0])

    def test_help_names_every_flag(self):
        r = compare("--help")
        self.assertEqual(r.returncode, 0)
        for flag in ("--size", "--count", "--repeat", "--drop", "--only", "--netem", "--out",
                     "--json", "--help", "--version"):
            self.assertIn(flag.encode(), r.stdout)


if __name__ == "__main__":
    try:
        harness.main_with_bin(__name__)
    finally:
        shutil.rmtree(STATE, True)
        shutil.rmtree(TMP, True)
