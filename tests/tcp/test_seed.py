"""The seed's programs, flat (tcp-seed-server, tcp-seed-client), against
tcp-demo and against the seed's own Python, in both directions."""
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import ServerTest, WAIT_S  # noqa: E402
import harness  # noqa: E402

BIN = None

# The seed's two programs, as the tutorial prints them; only the port is
# the test's (a free one, not 9000).
SEED_SERVER = """
import socket

ip_port = ('127.0.0.1', PORT)  # 电话卡
BUFSIZE = 1024  # 收发消息的尺寸
servser = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # 买手机
servser.bind(ip_port)  # 手机插卡
servser.listen(5)  # 手机待机
print('ready', flush=True)

conn, addr = servser.accept()  # 手机接电话
print('接到来自%s的电话' % addr[0])

msg = conn.recv(BUFSIZE)  # 听消息,听话
print(msg, type(msg))

conn.send(msg.upper())  # 发消息,说话

conn.close()  # 挂电话

servser.close()  # 手机关机
"""

SEED_CLIENT = """
import socket

ip_port = ('127.0.0.1', PORT)
BUFSIZE = 1024
client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)

client.connect_ex(ip_port)  # 拨电话

client.send('dream is handsome'.encode('utf-8'))  # 发消息,说话(只能发送字节类型)

feedback = client.recv(BUFSIZE)  # 收消息,听话
print(feedback.decode('utf-8'))

client.close()  # 挂电话
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port):
    """Is a socket listening on 127.0.0.1:port? (/proc/net/tcp: local
    address as hex, state 0A = LISTEN)"""
    with open("/proc/net/tcp") as f:
        return any(line.split()[1] == f"0100007F:{port:04X}" and line.split()[3] == "0A"
                   for line in f.readlines()[1:])


def seed_bin(name):
    return os.path.join(os.path.dirname(BIN), name)


class SeedTest(ServerTest):
    def popen(self, argv):
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        return proc

    def until_connected(self, argv):
        """Run a client until the server that is starting takes its call:
        a refused connect costs the one-call server nothing."""
        deadline = time.monotonic() + WAIT_S
        while True:
            r = subprocess.run(argv, capture_output=True, timeout=WAIT_S)
            if r.returncode == 0 or time.monotonic() > deadline:
                return r
            time.sleep(0.05)

    def check_seed_server(self, proc):
        out, err = proc.communicate(timeout=WAIT_S)
        self.assertEqual(proc.returncode, 0, err)
        self.assertEqual(out.decode(), "a call from 127.0.0.1\ndream is handsome (17 bytes)\n")

    def test_flat_server_answers_tcp_demo_client(self):
        port = free_port()
        server = self.popen([seed_bin("tcp-seed-server"), str(port)])
        r = self.until_connected([BIN, "client", "-p", str(port), "-m", "dream is handsome"])
        self.assertEqual((r.returncode, r.stdout), (0, b"DREAM IS HANDSOME\n"), r.stderr)
        self.check_seed_server(server)

    def test_flat_server_answers_the_seeds_python_client(self):
        port = free_port()
        server = self.popen([seed_bin("tcp-seed-server"), str(port)])
        client = SEED_CLIENT.replace("PORT", str(port))
        # connect_ex() does not fail loudly: wait until the server listens
        deadline = time.monotonic() + WAIT_S
        while not listening(port) and time.monotonic() < deadline:
            time.sleep(0.05)
        r = subprocess.run([sys.executable, "-c", client], capture_output=True, timeout=WAIT_S)
        self.assertEqual((r.returncode, r.stdout), (0, b"DREAM IS HANDSOME\n"), r.stderr)
        self.check_seed_server(server)

    def test_flat_client_calls_tcp_demo_server(self):
        srv = self.start([BIN, "server", "-p", "0"])
        r = subprocess.run([seed_bin("tcp-seed-client"), str(srv.port)], capture_output=True,
                           timeout=WAIT_S)
        self.assertEqual((r.returncode, r.stdout), (0, b"DREAM IS HANDSOME\n"), r.stderr)

    def test_flat_client_calls_the_seeds_python_server(self):
        port = free_port()
        server = self.popen([sys.executable, "-c", SEED_SERVER.replace("PORT", str(port))])
        self.assertEqual(server.stdout.readline(), b"ready\n")
        r = subprocess.run([seed_bin("tcp-seed-client"), str(port)], capture_output=True,
                           timeout=WAIT_S)
        self.assertEqual((r.returncode, r.stdout), (0, b"DREAM IS HANDSOME\n"), r.stderr)
        out, err = server.communicate(timeout=WAIT_S)
        self.assertEqual(out.decode(), "接到来自127.0.0.1的电话\n"
                                       "b'dream is handsome' <class 'bytes'>\n", err)

    def test_flat_client_says_why_when_nobody_answers(self):
        r = subprocess.run([seed_bin("tcp-seed-client"), str(free_port())], capture_output=True,
                           timeout=WAIT_S)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr, b"connect: Connection refused\n")


if __name__ == "__main__":
    harness.main_with_bin(__name__)
