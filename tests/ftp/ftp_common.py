"""Shared pieces of ftp-demo's integration tests: a server on a temporary
root, raw control connections, and file helpers. Every server is started
on port 0 and killed by the harness; every wait is bounded."""
import argparse
import ftplib
import hashlib
import os
import random
import shutil
import socket
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import ServerTest, WAIT_S  # noqa: E402,F401

BIN = None


def main():
    """unittest.main, after taking --bin for ftp-demo."""
    global BIN
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    args, rest = ap.parse_known_args()
    BIN = os.path.abspath(args.bin)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


def payload(size, seed=1):
    return random.Random(seed).randbytes(size)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Raw:
    """A control connection spoken by hand, for the security tests."""

    def __init__(self, port, host="127.0.0.1", source=None, greet=True):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.settimeout(WAIT_S)
        if source:
            self.sock.bind((source, 0))
        self.sock.connect((host, port))
        self.file = self.sock.makefile("rb")
        self.greeting = self.reply() if greet else None

    def reply(self):
        """(code, all text) of one reply, multi-line ones included."""
        first = self.file.readline().decode("utf-8", "replace")
        if not first:
            return (None, "")
        lines = [first]
        if len(first) > 3 and first[3] == "-":
            while True:
                line = self.file.readline().decode("utf-8", "replace")
                if not line:
                    break
                lines.append(line)
                if line[:3] == first[:3] and line[3:4] == " ":
                    break
        return (int(first[:3]), "".join(lines))

    def cmd(self, line):
        self.sock.sendall(line.encode() + b"\r\n")
        return self.reply()

    def login(self, user="anonymous", password="test@"):
        assert self.cmd(f"USER {user}")[0] == 331
        return self.cmd(f"PASS {password}")

    def pasv(self):
        code, text = self.cmd("EPSV")
        assert code == 229, text
        return int(text.split("|||")[1].split("|")[0])

    def closed(self):
        """True when the server has closed the connection."""
        try:
            return self.sock.recv(1) == b""
        except (ConnectionResetError, socket.timeout):
            return False

    def close(self):
        self.file.close()
        self.sock.close()


class FtpTest(ServerTest):
    """Each test gets its own root folder, removed at the end."""

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="ftp-demo-test-")
        self.addCleanup(shutil.rmtree, self.root, True)

    def server(self, *extra, root=None, host="127.0.0.1"):
        return self.start([BIN, "server", "-H", host, "-p", "0", "-r", root or self.root, *extra])

    def writer(self, *extra):
        """A server where user ann (password pw) may write."""
        return self.server("--user", "ann:pw", "--write", *extra)

    def put_file(self, rel, data):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def read_file(self, rel):
        with open(os.path.join(self.root, rel), "rb") as f:
            return f.read()

    def ftp(self, srv, user="", password="", host="127.0.0.1"):
        f = ftplib.FTP(timeout=WAIT_S)
        f.connect(host, srv.port)
        f.login(user, password)
        self.addCleanup(f.close)
        return f

    def raw(self, srv, **kw):
        r = Raw(srv.port, **kw)
        self.addCleanup(r.close)
        return r
