"""What http-demo's integration tests share: a document root made
fresh for each test, and raw-socket requests with bounded waits."""
import argparse
import os
import re
import shutil
import socket
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import WAIT_S, Server, ServerTest, connect  # noqa: E402,F401

ONE_MIB = 1 << 20


def pattern(n, seed=7):
    """n bytes that differ at every offset, so a shifted or repeated
    chunk is caught (not just a wrong length)."""
    block = bytes((i * 31 + seed + (i >> 8)) & 0xFF for i in range(65536))
    reps = n // len(block) + 1
    out = bytearray()
    for r in range(reps):
        out += bytes((b + r) & 0xFF for b in block) if r % 2 else block
    return bytes(out[:n])


def make_site(test):
    """A temporary tree: root/ (served) with files of 0 B, 1 B and 1 MiB,
    a folder without index, odd names, symlinks in and out; a secret
    beside root/. Removed when the test ends."""
    base = tempfile.mkdtemp(prefix="netdemo-http-")
    test.addCleanup(shutil.rmtree, base, True)
    root = os.path.join(base, "root")
    os.makedirs(os.path.join(root, "sub"))
    files = {
        "index.html": b"<!DOCTYPE html><title>t</title><h1>hello page</h1>\n",
        "empty.txt": b"",
        "one.bin": b"x",
        "mib.bin": pattern(ONE_MIB),
        "hello.txt": b"hello\n",
        "style.css": b"body{}\n",
        "sub/a <b>&'c.txt": b"odd name\n",
        "sub/data.json": b"{}\n",
    }
    for name, data in files.items():
        with open(os.path.join(root, name), "wb") as f:
            f.write(data)
    with open(os.path.join(base, "secret.txt"), "wb") as f:
        f.write(b"TOP SECRET\n")
    os.symlink("../secret.txt", os.path.join(root, "leak.txt"))
    os.symlink("/etc", os.path.join(root, "etc"))
    os.symlink("hello.txt", os.path.join(root, "alias.txt"))
    return base, root, files


def raw(port, data, host="127.0.0.1", family=socket.AF_INET, timeout=WAIT_S):
    """Send bytes, read until the server closes (or timeout); return all."""
    with connect(port, host, family, timeout) as s:
        s.sendall(data)
        return read_all(s, timeout)


def read_all(s, timeout=WAIT_S):
    got = bytearray()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        s.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            chunk = s.recv(1 << 16)
        except socket.timeout:
            break
        except ConnectionResetError:
            break
        if not chunk:
            break
        got += chunk
    return bytes(got)


def raw_one(port, data, timeout=WAIT_S):
    """Send bytes and return the first response, as soon as it is whole
    (by Content-Length), whether or not the server then closes."""
    with connect(port, timeout=timeout) as s:
        s.sendall(data)
        got = bytearray()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            head, sep, body = bytes(got).partition(b"\r\n\r\n")
            if sep:
                m = re.search(rb"\r\ncontent-length: *(\d+)", head, re.I)
                if m and len(body) >= int(m.group(1)):
                    break
            s.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                chunk = s.recv(1 << 16)
            except (socket.timeout, ConnectionResetError):
                break
            if not chunk:
                break
            got += chunk
        return bytes(got)


def split_responses(data):
    """Split a byte stream of responses with Content-Length into
    (status, headers dict (lower-case names), body) tuples."""
    out = []
    while data:
        head, sep, rest = data.partition(b"\r\n\r\n")
        if not sep:
            raise AssertionError(f"incomplete head: {data[:200]!r}")
        lines = head.decode("latin-1").split("\r\n")
        m = re.match(r"HTTP/1\.[01] (\d{3}) ", lines[0])
        if not m:
            raise AssertionError(f"bad status line: {lines[0]!r}")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        n = int(headers.get("content-length", "0"))
        out.append((int(m.group(1)), headers, rest[:n]))
        data = rest[n:]
    return out


def status_of(data):
    m = re.match(rb"HTTP/1\.[01] (\d{3}) ", data)
    return int(m.group(1)) if m else None


class HttpTest(ServerTest):
    BIN = None

    def serve(self, *extra, root=None):
        if root is None:
            self.base, self.root, self.files = make_site(self)
            root = self.root
        argv = [self.BIN, "server", "-p", "0", "-r", root, *extra]
        return self.start(argv)


def main():
    """Run the calling script's tests against the http-demo given by --bin."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    args, rest = parser.parse_known_args()
    HttpTest.BIN = args.bin
    unittest.main(module="__main__", argv=[sys.argv[0], *rest], verbosity=2)
