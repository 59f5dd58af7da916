"""Large files: 1 GiB down and up through curl, byte-exact by SHA-256, and a
sparse file past 4 GiB read from a 64-bit REST offset. Files are made at
test time in a temporary folder that is always removed."""
import hashlib
import os
import random
import socket
import subprocess

import ftp_common as fc
from ftp_common import FtpTest, Raw, WAIT_S, sha256_file

GIB = 1 << 30
BLOCK = 1 << 20


def make_gib(path):
    """1 GiB of random-looking bytes, quickly: one random MiB, with each
    block's number stamped in front so a misplaced block is caught."""
    base = bytearray(random.Random(42).randbytes(BLOCK))
    h = hashlib.sha256()
    with open(path, "wb") as f:
        for i in range(GIB // BLOCK):
            base[:8] = i.to_bytes(8, "big")
            f.write(base)
            h.update(base)
    return h.hexdigest()


class BigTest(FtpTest):
    def test_1gib_download_and_upload_byte_exact(self):
        src = os.path.join(self.root, "gib.bin")
        want = make_gib(src)
        srv = self.writer()
        url = f"ftp://ann:pw@127.0.0.1:{srv.port}"
        # Download to a pipe, hashed as it arrives: no second copy on disk.
        proc = subprocess.Popen(["curl", "-sS", "--max-time", "300", f"{url}/gib.bin"],
                                stdout=subprocess.PIPE)
        h, n = hashlib.sha256(), 0
        for block in iter(lambda: proc.stdout.read(BLOCK), b""):
            h.update(block)
            n += len(block)
        proc.stdout.close()
        self.assertEqual(proc.wait(timeout=WAIT_S), 0)
        self.assertEqual(n, GIB)
        self.assertEqual(h.hexdigest(), want)
        r = subprocess.run(["curl", "-sS", "--max-time", "300", "-T", src, f"{url}/copy.bin"],
                           capture_output=True, timeout=320)
        self.assertEqual(r.returncode, 0, r.stderr)
        os.remove(src)
        self.assertEqual(sha256_file(os.path.join(self.root, "copy.bin")), want)

    def test_rest_past_4gib_in_a_sparse_file(self):
        tail = b"the end, past four GiB\n"
        size = 5 * GIB
        path = os.path.join(self.root, "sparse.bin")
        with open(path, "wb") as f:
            f.truncate(size - len(tail))
            f.seek(size - len(tail))
            f.write(tail)
        srv = self.server()
        r = Raw(srv.port)
        self.addCleanup(r.close)
        r.login()
        self.assertEqual(r.cmd("SIZE sparse.bin"), (213, f"213 {size}\r\n"))
        self.assertEqual(r.cmd("TYPE I")[0], 200)
        port = r.pasv()
        data = socket.create_connection(("127.0.0.1", port), timeout=WAIT_S)
        self.assertEqual(r.cmd(f"REST {size - len(tail)}")[0], 350)
        self.assertEqual(r.cmd("RETR sparse.bin")[0], 150)
        self.assertEqual(data.makefile("rb").read(), tail)
        data.close()
        self.assertEqual(r.reply()[0], 226)


if __name__ == "__main__":
    fc.main()
