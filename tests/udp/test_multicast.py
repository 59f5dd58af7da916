"""udp-demo multicast: one sender, two listeners, in network namespaces
the test creates (and deletes), so the host's network is never touched."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import ServerTest, WAIT_S  # noqa: E402
import harness  # noqa: E402

BIN = None


def ip(*args):
    return subprocess.run(["ip", *args], capture_output=True, timeout=WAIT_S)


class MulticastTest(ServerTest):
    def namespace(self, suffix):
        """Create a namespace for this test and delete it afterwards."""
        name = f"ndudp{os.getpid()}{suffix}"
        r = ip("netns", "add", name)
        if r.returncode != 0:
            self.skipTest(f"cannot create a network namespace: {r.stderr.decode().strip()}")
        self.addCleanup(ip, "netns", "del", name)
        self.check(ip("-n", name, "link", "set", "lo", "up"))
        return name

    def check(self, r):
        self.assertEqual(r.returncode, 0, r.stderr)

    def listen(self, ns, *args):
        return self.start(["ip", "netns", "exec", ns, BIN, "multicast", "listen", "-c", "2", *args])

    def send(self, ns, *args):
        r = subprocess.run(["ip", "netns", "exec", ns, BIN, "multicast", "send", "-m", "dream",
                            "-m", "is handsome", *args], capture_output=True, timeout=WAIT_S)
        self.check(r)
        return r

    def expect_both(self, listener, source):
        """A listener prints both datagrams, from source, and exits 0."""
        out, err = listener.proc.communicate(timeout=WAIT_S)
        self.assertEqual(listener.proc.returncode, 0, err)
        lines = out.decode().splitlines()
        self.assertEqual(len(lines), 2, out)
        self.assertRegex(lines[0], rf"^from {source}:\d+: dream$")
        self.assertRegex(lines[1], rf"^from {source}:\d+: is handsome$")

    def test_two_listeners_on_loopback_with_multicast_enabled(self):
        if os.geteuid() != 0:
            self.skipTest("network namespaces need root")
        ns = self.namespace("l")
        self.check(ip("-n", ns, "link", "set", "lo", "multicast", "on"))
        self.check(ip("-n", ns, "route", "add", "224.0.0.0/4", "dev", "lo"))
        first = self.listen(ns, "--if", "127.0.0.1", "-p", "9001")
        second = self.listen(ns, "--if", "127.0.0.1", "-p", "9001")
        self.assertEqual(first.address, "239.255.0.1:9001")
        r = self.send(ns, "--if", "127.0.0.1", "-p", "9001")
        self.assertIn(b"sent 5 bytes to 239.255.0.1:9001", r.stdout)
        self.expect_both(first, r"127\.0\.0\.1")
        self.expect_both(second, r"127\.0\.0\.1")

    def veth_pair(self):
        """Namespaces a and b joined by a veth cable, with IPv4 and IPv6."""
        if os.geteuid() != 0:
            self.skipTest("network namespaces need root")
        a, b = self.namespace("a"), self.namespace("b")
        va, vb = f"ndu{os.getpid()}a", f"ndu{os.getpid()}b"
        self.check(ip("link", "add", va, "netns", a, "type", "veth", "peer", "name", vb,
                      "netns", b))
        for ns, dev, v4, v6 in ((a, va, "10.66.0.1/24", "fd00:66::1/64"),
                                (b, vb, "10.66.0.2/24", "fd00:66::2/64")):
            self.check(ip("-n", ns, "link", "set", dev, "up"))
            self.check(ip("-n", ns, "addr", "add", v4, "dev", dev))
            self.check(ip("-n", ns, "addr", "add", v6, "dev", dev, "nodad"))
        return a, b, va, vb

    def test_two_listeners_in_another_namespace_ipv4(self):
        a, b, _, _ = self.veth_pair()
        first = self.listen(b, "--if", "10.66.0.2", "--group", "239.1.2.3", "-p", "5000")
        second = self.listen(b, "--if", "10.66.0.2", "--group", "239.1.2.3", "-p", "5000")
        self.send(a, "--if", "10.66.0.1", "--group", "239.1.2.3", "-p", "5000", "--ttl", "1")
        self.expect_both(first, r"10\.66\.0\.1")
        self.expect_both(second, r"10\.66\.0\.1")

    def test_two_listeners_in_another_namespace_ipv6(self):
        a, b, va, vb = self.veth_pair()
        first = self.listen(b, "--if", vb, "--group", "ff15::abc", "-p", "5000")
        second = self.listen(b, "--if", vb, "--group", "ff15::abc", "-p", "5000")
        self.assertEqual(first.address, "[ff15::abc]:5000")
        self.send(a, "--if", va, "--group", "ff15::abc", "-p", "5000")
        self.expect_both(first, r"\[fd00:66::1\]")
        self.expect_both(second, r"\[fd00:66::1\]")


if __name__ == "__main__":
    harness.main_with_bin(__name__)
