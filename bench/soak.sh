#!/bin/sh
# bench/soak.sh - a long mixed stream of valid and hostile traffic against
# http-demo, ftp-demo and udp-demo, watching their memory and descriptors.
#
#   bench/soak.sh [--http N] [--ftp N] [--udp N] [--only http,ftp,udp]
#
# By default: a million HTTP requests, 100,000 FTP commands and a million
# datagrams, each server started fresh on 127.0.0.1. Valid requests are
# pipelined on keep-alive connections; between them come the hostile ones
# the servers must refuse (bare CRs, header names with spaces, chunked
# HTTP/1.0, oversized targets and heads, bodies nobody will read, heads cut
# off; FTP commands before login, bounces, unknown protocols, long lines,
# escapes from the root; empty, maximum-size and garbage datagrams).
#
# It prints each server's RSS and open descriptors at every tenth of its
# run. A server passes when its RSS after the run is within 1 MiB of its
# RSS after the first tenth (what it holds once warm) and its descriptor
# count is back where it started. Exit 0 when all pass, 1 otherwise.
#
# Everything stays on 127.0.0.1; every server started here is stopped here.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bindir="${NETDEMO_BIN:-$here/../build/default/bin}"
for prog in http-demo ftp-demo udp-demo; do
    [ -x "$bindir/$prog" ] || { echo "soak.sh: build first: $bindir/$prog is missing" >&2; exit 1; }
done
exec python3 - --bindir "$bindir" "$@" <<'PY'
import argparse, os, random, re, shutil, signal, socket, subprocess, sys, tempfile, time

p = argparse.ArgumentParser(prog="bench/soak.sh")
p.add_argument("--bindir", required=True)
p.add_argument("--http", type=int, default=1_000_000, help="HTTP requests to send")
p.add_argument("--ftp", type=int, default=100_000, help="FTP commands to send")
p.add_argument("--udp", type=int, default=1_000_000, help="datagrams to send")
p.add_argument("--only", default="http,ftp,udp")
args = p.parse_args()
rng = random.Random(1)
WAIT_S = 10
KIB = 1024


def start(argv):
    """Start a server that prints 'listening on ADDR:PORT ...'; return it and its port."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    m = re.search(r":(\d+)\b", line)
    if not m:
        proc.kill()
        sys.exit(f"soak.sh: {argv[0]} did not start: {line!r}")
    return proc, int(m.group(1))


def rss_kib(pid, field="VmRSS"):
    """VmRSS, or RssAnon: the heap and stacks alone, without the pages of
    code and libraries that run for the first time as the traffic varies."""
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(field + r":\s+(\d+)", f.read()).group(1))


def fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def settle(pid, want, seconds=WAIT_S):
    """Wait (bounded) for closing connections to go: lingering ones last 2 s."""
    deadline = time.monotonic() + seconds
    while fds(pid) > want and time.monotonic() < deadline:
        time.sleep(0.1)


def steady(pid, seconds=WAIT_S):
    """Wait (bounded) until the descriptor count holds still for 0.3 s: a
    server's threads may still be opening their event loops after it says
    it is listening."""
    deadline, last, since = time.monotonic() + seconds, -1, time.monotonic()
    while time.monotonic() < deadline:
        n = fds(pid)
        if n != last:
            last, since = n, time.monotonic()
        elif time.monotonic() - since >= 0.3:
            return
        time.sleep(0.05)


def recv_until_closed(s, limit=WAIT_S):
    s.settimeout(limit)
    got = bytearray()
    try:
        while True:
            chunk = s.recv(1 << 16)
            if not chunk:
                break
            got += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    return bytes(got)


def soak(name, proc, total, step):
    """Run step(n) until total units are sent, sampling RSS and fds each tenth."""
    pid = proc.pid
    steady(pid)
    fd0, rss0 = fds(pid), rss_kib(pid)
    print(f"\n{name}: {total:,} units; at start RSS {rss0} KiB, {fd0} fds", flush=True)
    print(f"{'done':>6} {'units':>10} {'RSS KiB':>8} {'anon KiB':>9} {'fds':>5} {'seconds':>8}")
    sent, tenth, warm, t0 = 0, 1, None, time.monotonic()
    while sent < total:
        sent += step(min(total - sent, 1000))
        while sent >= total * tenth // 10 and tenth <= 10:
            if tenth == 10:
                settle(pid, fd0)
            rss = rss_kib(pid)
            warm = rss if tenth == 1 else warm
            print(f"{tenth * 10:>5}% {sent:>10,} {rss:>8} {rss_kib(pid, 'RssAnon'):>9} {fds(pid):>5} "
                  f"{time.monotonic() - t0:>8.1f}", flush=True)
            tenth += 1
    if proc.poll() is not None:
        print(f"{name}: FAIL: the server exited ({proc.returncode})")
        return False
    rss, fd = rss_kib(pid), fds(pid)
    ok = rss - warm <= KIB and fd == fd0
    print(f"{name}: {'PASS' if ok else 'FAIL'}: RSS {rss - warm:+d} KiB since the first tenth "
          f"(limit +1024), fds {fd0} -> {fd}", flush=True)
    return ok


def serve_and_soak(prog, options, total, make_step):
    """Start prog's server on a free port, soak it, and stop it. Its line
    per caller stays on (no --quiet), into a pipe nobody reads past the
    ready line: the soak also shows that an unread log never stalls it."""
    proc, port = start([f"{args.bindir}/{prog}", "server", "-p", "0", *options])
    try:
        return soak(prog, proc, total, make_step(port))
    finally:
        proc.terminate()
        proc.wait(WAIT_S)


# --- HTTP ------------------------------------------------------------------
HTTP_VALID = [
    b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n",
    b"HEAD /index.html HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /sub/ HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /nope.html HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /hello.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=1-3\r\n\r\n",
    b"GET /hello.txt HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n",
    b"POST /echo?raw HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
    b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    b"GET /stats HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /../secret.txt HTTP/1.1\r\nHost: x\r\n\r\n",
]
# Each ends the connection: the server answers (or times out) and closes.
HTTP_HOSTILE = [
    b"GET / HTTP/1.0\r\nX: \rxTransfer-Encoding: chunked\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nTransfer Encoding: chunked\r\n\r\n",
    b"POST /echo?raw HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"3\r\nabc\r\n0\r\n\r\n",
    b"POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 8192\r\nExpect: 100-continue\r\n\r\n",
    b"GET /" + b"a" * 10000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nCookie: " + b"c" * 20000 + b"\r\n\r\n",
    b"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
    b"GET / HTTP/2.0\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nX-Cut-Off: ",  # the client hangs up mid-head
]


def http_step(port):
    def step(n):
        """One connection: up to n pipelined requests, the last one hostile
        one time in four, else 'Connection: close'."""
        batch = [rng.choice(HTTP_VALID) for _ in range(min(n, 40) - 1)]
        if rng.random() < 0.25:
            batch.append(rng.choice(HTTP_HOSTILE))
        else:
            batch.append(b"GET /one.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        with socket.create_connection(("127.0.0.1", port), timeout=WAIT_S) as s:
            s.sendall(b"".join(batch))
            s.shutdown(socket.SHUT_WR)  # all sent: a server that lingers can close now
            recv_until_closed(s)
        return len(batch)
    return step


def run_http(tmp):
    root = os.path.join(tmp, "www")
    os.makedirs(os.path.join(root, "sub"))
    for name, data in (("hello.txt", b"hello\n"), ("one.bin", b"x"),
                       ("index.html", b"<!DOCTYPE html><title>t</title>\n")):
        with open(os.path.join(root, name), "wb") as f:
            f.write(data)
    return serve_and_soak("http-demo", ["-r", root, "--timeout", "2"], args.http, http_step)


# --- FTP -------------------------------------------------------------------
FTP_VALID = [b"PWD", b"NOOP", b"SYST", b"TYPE I", b"TYPE A", b"SIZE hello.txt",
             b"MDTM hello.txt", b"CWD sub", b"CDUP", b"FEAT", b"STAT", b"MODE S",
             b"STRU F", b"OPTS UTF8 ON", b"HELP", b"MLST hello.txt"]
FTP_HOSTILE = [b"CWD ../../../etc", b"SIZE /../../etc/passwd", b"PORT 1,2,3",
               b"PORT 10,0,0,1,0,21", b"EPRT |9|::1|21|", b"EPRT |1|10.0.0.1|21|",
               b"RETR hello.txt", b"STOR x\x01y", b"DELE hello.txt", b"XYZZY",
               b"A" * 3000, b"REST -1", b"REST 99999999999999999999", b"MKD new",
               b"RNFR hello.txt", b"RNTO ../x", b"\xff\xf4\xff\xf2ABOR", b""]


def ftp_step(port):
    def step(n):
        """One session: commands before login, a login, then up to n
        commands pipelined; one session in ten lists a folder over EPSV;
        one in five hangs up without QUIT."""
        cmds = [rng.choice(FTP_HOSTILE[:3]), b"USER anonymous", b"PASS soak@"]
        while len(cmds) < min(n, 60) - 1:
            cmds.append(rng.choice(FTP_VALID if rng.random() < 0.7 else FTP_HOSTILE))
        with socket.create_connection(("127.0.0.1", port), timeout=WAIT_S) as s:
            listed = ftp_list(s) if rng.random() < 0.1 else 0
            quit = rng.random() >= 0.2
            s.sendall(b"".join(c + b"\r\n" for c in cmds) + (b"QUIT\r\n" if quit else b""))
            if quit:
                recv_until_closed(s)
        return listed + len(cmds) + quit
    return step


def ftp_list(s):
    """Log in and list the root over EPSV, reading replies one by one.
    Returns the number of commands sent."""
    f = s.makefile("rb")
    def reply():
        line = f.readline()
        while line[3:4] == b"-":
            line = f.readline()
        return line
    reply()  # 220
    for cmd in (b"USER anonymous", b"PASS soak@"):
        s.sendall(cmd + b"\r\n")
        reply()
    s.sendall(b"EPSV\r\n")
    m = re.search(rb"\(\|\|\|(\d+)\|\)", reply())
    if m:
        with socket.create_connection(("127.0.0.1", int(m.group(1))), timeout=WAIT_S) as d:
            s.sendall(b"LIST\r\n")
            reply()  # 150
            recv_until_closed(d)
        reply()  # 226
    f.close()
    return 4 if m else 3


def run_ftp(tmp):
    root = os.path.join(tmp, "ftp")
    os.makedirs(os.path.join(root, "sub"))
    with open(os.path.join(root, "hello.txt"), "wb") as f:
        f.write(b"hello\n")
    return serve_and_soak("ftp-demo", ["-r", root, "--max-per-ip", "100"], args.ftp, ftp_step)


# --- UDP -------------------------------------------------------------------
def udp_step(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.setblocking(False)
    shapes = [b"dream is handsome", b"", b"x" * 1400, bytes(range(256)),
              b"PING" + bytes(12), b"DATA" + os.urandom(28), os.urandom(64)]
    biggest = b"y" * 65507

    def step(n):
        """A burst of n datagrams, replies drained as they come."""
        for i in range(n):
            data = biggest if rng.random() < 0.001 else rng.choice(shapes)
            while True:
                try:
                    s.sendto(data, ("127.0.0.1", port))
                    break
                except BlockingIOError:
                    time.sleep(0.0005)
            if i % 16 == 15:
                drain(s)
        drain(s)
        return n
    return step


def drain(s):
    try:
        while True:
            s.recv(1 << 16)
    except BlockingIOError:
        pass


def run_udp(tmp):
    return serve_and_soak("udp-demo", ["--drop", "5", "--seed", "1"], args.udp, udp_step)


tmp = tempfile.mkdtemp(prefix="netdemo-soak-")
try:
    runs = {"http": run_http, "ftp": run_ftp, "udp": run_udp}
    results = [runs[name](tmp) for name in args.only.split(",")]
finally:
    shutil.rmtree(tmp, True)
sys.exit(0 if all(results) else 1)
PY
