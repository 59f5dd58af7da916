#!/bin/sh
# bench/http.sh - http-demo beside nginx and lighttpd, measured by wrk.
#
#   bench/http.sh [--workers N] [--duration SECS] [--conns N] [--idle N] [--rounds N]
#                 [--files 1k,100k,10m] [--no-idle]
#
# Each server gets a config this script writes: the same worker count,
# access logs off, sendfile on, long keep-alive. For 1 KiB, 100 KiB and
# 10 MiB files, with keep-alive and with `Connection: close`, it prints
# requests per second, p50/p99 latency, the server's peak RSS and CPU
# seconds, and CPU per request (the fair figure at 10 MiB, where wrk itself
# saturates a core). The servers run on the first --workers CPUs and wrk on
# the rest, when there are CPUs to spare; two more figures then count all
# busy time per request, softirq work included, of the server's CPUs and
# of every CPU. Each row runs --rounds times (default 5, 4 s each), the
# servers' order rotating each round so none always goes first, and prints medians:
# one run varies by 5-10 % from the next on loopback. Then each server holds
# N idle keep-alive connections (default 10,000); their RSS is divided by N.
# When netdemo is built (or NETDEMO names it), two more rows run its web
# server, which is http-demo's inside netdemo beside the other three: with
# no hub open, and with a reader on /events all through the run.
#
# Everything stays on 127.0.0.1; every server started here is stopped here.
# Needs: wrk nginx lighttpd python3 (scripts/setup.sh --bench).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin="${HTTP_DEMO:-$here/../build/default/bin/http-demo}"
netdemo="${NETDEMO:-$(dirname "$bin")/netdemo}"
[ -x "$bin" ] || { echo "http.sh: build first: $bin is missing" >&2; exit 1; }
for tool in wrk nginx lighttpd python3; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] ||
        { echo "http.sh: $tool is missing (scripts/setup.sh --bench)" >&2; exit 1; }
done
# 10,000 connections need 10,000 descriptors on both ends.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
PATH="$PATH:/usr/sbin" exec python3 - --bin "$bin" --netdemo "$netdemo" "$@" <<'PY'
import argparse, math, os, re, resource, select, shutil, signal, socket, statistics, subprocess, sys, \
    tempfile, time

p = argparse.ArgumentParser(prog="bench/http.sh")
p.add_argument("--bin", required=True)
p.add_argument("--netdemo", help="netdemo, to measure its web server too (skipped if missing)")
p.add_argument("--workers", type=int, default=1)
p.add_argument("--duration", type=int, default=4)
p.add_argument("--conns", type=int, default=50)
p.add_argument("--idle", type=int, default=10000)
p.add_argument("--rounds", type=int, default=5)
p.add_argument("--files", default="1k,100k,10m", help="which files to fetch")
p.add_argument("--no-idle", action="store_true", help="skip the idle-connection test")
args = p.parse_args()

# Servers on CPUs 0..workers-1, wrk on the rest. Left free, the scheduler
# sometimes puts wrk and a server on one core, and a run's figures then
# measure that. Pinned, the server's CPUs do only its work, so their busy
# time (/proc/stat) is its full cost: /proc/PID/stat leaves out the time
# spent in softirqs, and on loopback that is where most TCP work runs, in
# whichever task's turn it falls.
CPUS = sorted(os.sched_getaffinity(0))
PINNED = args.workers < len(CPUS)
SERVER_CPUS = set(CPUS[:args.workers]) if PINNED else set(CPUS)
WRK_CPUS = set(CPUS[args.workers:]) if PINNED else set(CPUS)

# Servers may use as many descriptors as this shell may (the hard limit:
# ulimit above raised the soft one). lighttpd allows max-fds/2 connections.
FDS = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
if args.idle > FDS // 2:
    sys.exit(f"http.sh: --idle {args.idle} needs a descriptor limit of {2 * args.idle}; "
             f"this shell has {FDS}")

SIZES = [("1 KiB", "1k.bin", 1024), ("100 KiB", "100k.bin", 100 * 1024),
         ("10 MiB", "10m.bin", 10 * 1024 * 1024)]
wanted = args.files.split(",")
if not set(wanted) <= {"1k", "100k", "10m"}:
    sys.exit(f"http.sh: --files takes 1k, 100k and 10m, not {args.files!r}")
SIZES = [z for z in SIZES if z[1][:-4] in wanted]
work = tempfile.mkdtemp(prefix="netdemo-bench-http-")
os.chmod(work, 0o755)  # nginx's worker may run as nobody
root = os.path.join(work, "www")
os.makedirs(root)
os.chmod(root, 0o755)
for _, name, size in SIZES:
    with open(os.path.join(root, name), "wb") as f:
        f.write(os.urandom(size))
    os.chmod(os.path.join(root, name), 0o644)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_argv(port):
    d = os.path.join(work, "nginx")
    os.makedirs(d, exist_ok=True)
    conf = os.path.join(d, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""
worker_processes {args.workers}; daemon off; pid {d}/nginx.pid; error_log {d}/error.log;
worker_rlimit_nofile {FDS};
events {{ worker_connections 20000; }}
http {{
  access_log off; sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_timeout 120; keepalive_requests 1000000;
  client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;
  fastcgi_temp_path {d}/fastcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
  default_type application/octet-stream;
  server {{ listen 127.0.0.1:{port} reuseport; root {root}; }}
}}
""")
    return ["nginx", "-c", conf, "-p", d]


def lighttpd_argv(port):
    d = os.path.join(work, "lighttpd")
    os.makedirs(d, exist_ok=True)
    conf = os.path.join(d, "lighttpd.conf")
    with open(conf, "w") as f:
        f.write(f"""
server.document-root = "{root}"
server.bind = "127.0.0.1"
server.port = {port}
server.errorlog = "{d}/error.log"
server.network-backend = "sendfile"
server.max-worker = {args.workers if args.workers > 1 else 0}
server.max-connections = {FDS // 2}
server.max-fds = {FDS}
server.max-keep-alive-idle = 120
server.max-keep-alive-requests = 1000000
mimetype.assign = ( ".bin" => "application/octet-stream" )
""")
    return ["lighttpd", "-D", "-f", conf]


# --quiet: no line per connection, as nginx runs with access_log off and
# lighttpd without mod_accesslog: the figures measure serving, not logging.
def demo_argv(port):
    return [args.bin, "server", "-p", str(port), "-r", root, "--workers", str(args.workers),
            "--idle-timeout", "120", "--max-conns", "20000", "--quiet"]


def netdemo_argv(port):
    return [args.netdemo, "--http", str(port), "--www", root, "--workers", str(args.workers),
            "--tcp", "0", "--udp", "0", "--ftp", "0", "--quiet"]


SERVERS = [("http-demo", demo_argv), ("nginx", nginx_argv), ("lighttpd", lighttpd_argv)]
# netdemo's web server is http-demo's, run beside three more servers in one
# process, with its trace events going to the hub's ring: once with no hub
# open (no reader: the events cost one test each), once with a reader on
# /events all through the run, as a hub page would be.
HUB_READER = "netdemo+hub"
if args.netdemo and os.access(args.netdemo, os.X_OK):
    SERVERS += [("netdemo", netdemo_argv), (HUB_READER, netdemo_argv)]


def tree(pid):
    """pid and its descendants (nginx's workers, lighttpd's)."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return pids


def proc_field(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cpu_seconds(pid):
    total = 0.0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            pass
    return total


def busy_seconds(cpus):
    """Time the given CPUs spent on anything but idling (/proc/stat:
    user, nice, system, irq, softirq)."""
    total = 0
    with open("/proc/stat") as f:
        for line in f:
            name, *ticks = line.split()
            if name.startswith("cpu") and name[3:].isdigit() and int(name[3:]) in cpus:
                user, nice, system, _idle, _iowait, irq, softirq = map(int, ticks[:7])
                total += user + nice + system + irq + softirq
    return total / os.sysconf("SC_CLK_TCK")


def rss(pid, field="VmRSS"):
    return sum(proc_field(p, field) for p in tree(pid))


class Running:
    def __init__(self, argv_fn, hub_reader=False):
        self.port = free_port()
        self.reader = None
        self.proc = subprocess.Popen(argv_fn(self.port), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True,
                                     preexec_fn=lambda: os.sched_setaffinity(0, SERVER_CPUS))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                time.sleep(0.2)  # let workers settle
                if hub_reader:  # on wrk's CPUs: the page's side is not the server's cost
                    self.reader = subprocess.Popen(
                        ["curl", "-sN", "-o", "/dev/null", f"http://127.0.0.1:{self.port}/events"],
                        start_new_session=True,
                        preexec_fn=lambda: os.sched_setaffinity(0, WRK_CPUS))
                    time.sleep(0.2)
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise SystemExit(f"http.sh: {argv_fn(0)[0]} did not start")

    def stop(self):
        if self.reader is not None:
            self.reader.kill()
            self.reader.wait()
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def to_ms(text):
    """wrk's latency text ("812.00us", "1.20ms", "2.01s", "1.05m") in ms."""
    m = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    if m is None:
        print(f"http.sh: cannot read wrk's latency {text!r}", file=sys.stderr)
        return float("nan")
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[m.group(2)]
    return float(m.group(1)) * scale


def percentile(out, pct):
    """From wrk's "Latency Distribution" lines ("     99%    1.20ms"): a line
    of its own, not the "71.50%" of the thread statistics."""
    m = re.search(rf"^\s+{pct}%\s+(\S+)\s*$", out, re.M)  # "1.23s " ends in a space
    if m is None:
        print(f"http.sh: wrk printed no {pct}% latency", file=sys.stderr)
    return to_ms(m.group(1)) if m else float("nan")


def run_wrk(port, name, close):
    argv = ["wrk", "-t1", f"-c{args.conns}", f"-d{args.duration}s", "--latency",
            f"http://127.0.0.1:{port}/{name}"]
    if close:
        argv[1:1] = ["-H", "Connection: close"]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=args.duration + 60,
                         preexec_fn=lambda: os.sched_setaffinity(0, WRK_CPUS)).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    p50, p99 = percentile(out, "50"), percentile(out, "99")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", out)
    return {"rps": rps, "total": total, "p50": p50, "p99": p99,
            "errors": errors.group(0) if errors else ""}


def bench_row(argv_fn, name, close, hub_reader=False):
    srv = Running(argv_fn, hub_reader)
    try:
        cpu0, busy0 = cpu_seconds(srv.proc.pid), busy_seconds(SERVER_CPUS)
        all0 = busy_seconds(set(CPUS))
        r = run_wrk(srv.port, name, close)
        r["cpu"] = cpu_seconds(srv.proc.pid) - cpu0
        r["busy"] = busy_seconds(SERVER_CPUS) - busy0
        r["all"] = busy_seconds(set(CPUS)) - all0
        r["peak"] = rss(srv.proc.pid, "VmHWM")
        r["cpu_per_req_us"] = r["cpu"] / max(r["total"], 1) * 1e6
        r["busy_per_req_us"] = r["busy"] / max(r["total"], 1) * 1e6
        r["all_per_req_us"] = r["all"] / max(r["total"], 1) * 1e6
        return r
    finally:
        srv.stop()


def median_row(runs):
    """Each figure's median over the rounds (the error text of any run)."""
    out = {k: statistics.median([r[k] for r in runs if not math.isnan(r[k])] or [math.nan])
           for k in runs[0] if k != "errors"}
    out["errors"] = " ".join(r["errors"] for r in runs if r["errors"])
    return out


def bench_rounds(name, close):
    runs = {srv: [] for srv, _ in SERVERS}
    for i in range(args.rounds):
        order = SERVERS[i % len(SERVERS):] + SERVERS[:i % len(SERVERS)]
        for srv, fn in order:
            runs[srv].append(bench_row(fn, name, close, srv == HUB_READER))
    return {srv: median_row(rs) for srv, rs in runs.items()}


def idle_cost(argv_fn, n):
    """RSS of n idle keep-alive connections (each served one small request
    first, as a browser's would be), divided by n."""
    srv = Running(argv_fn)
    socks = []
    try:
        warm = socket.create_connection(("127.0.0.1", srv.port))
        warm.sendall(b"GET /1k.bin HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.3)
        warm.recv(1 << 16)
        warm.close()
        time.sleep(0.2)
        before = rss(srv.proc.pid)
        request = b"GET /1k.bin HTTP/1.1\r\nHost: x\r\n\r\n"
        for i in range(n):
            s = socket.socket()
            s.setblocking(True)
            s.connect(("127.0.0.1", srv.port))
            s.sendall(request)
            socks.append(s)
            if len(socks) % 500 == 0:
                drain(socks[-500:])
        drain(socks[-(len(socks) % 500 or 500):])
        time.sleep(1.0)
        alive = sum(1 for s in socks if still_open(s))
        after = rss(srv.proc.pid)
        return (after - before) / max(alive, 1), alive
    finally:
        for s in socks:
            s.close()
        srv.stop()


def drain(socks):
    """Read each socket's response (poll: select() stops at fd 1024)."""
    want = {s.fileno(): [s, 1024, False] for s in socks}
    poller = select.poll()
    for fd in want:
        poller.register(fd, select.POLLIN)
    deadline = time.monotonic() + 30
    while want and time.monotonic() < deadline:
        for fd, _ in poller.poll(1000):
            s, left, body = want[fd]
            data = s.recv(1 << 16)
            if data and not body and b"\r\n\r\n" in data:
                data, body = data.partition(b"\r\n\r\n")[2], True
            left -= len(data) if body else 0
            if not data or left <= 0:
                poller.unregister(fd)
                del want[fd]
            else:
                want[fd] = [s, left, body]


def still_open(s):
    p = select.poll()
    p.register(s.fileno(), select.POLLIN)
    return not p.poll(0)  # readable now would mean closed (or unexpected data)


where = (f"servers on CPU {','.join(map(str, sorted(SERVER_CPUS)))}, wrk on CPU "
         f"{','.join(map(str, sorted(WRK_CPUS)))}" if PINNED else "not pinned (no CPU to spare)")
print(f"# bench/http.sh: {args.workers} worker(s) each, wrk -t1 -c{args.conns} "
      f"-d{args.duration}s, medians of {args.rounds} rounds, {os.cpu_count()} cores, {where}, "
      f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
print()
print("CPU us/req: the server's processes (user + system time). core us/req: all busy time of")
print("the server's CPUs, softirq work included (only when pinned). all us/req: every CPU's")
print("busy time, wrk's included: on loopback, TCP work lands on either side.")
print()
hdr = f"| {'file':7} | {'mode':10} | {'server':9} | {'req/s':>9} | {'p50 ms':>7} | {'p99 ms':>7} | " \
      f"{'peak RSS':>9} | {'CPU s':>6} | {'CPU us/req':>10} | {'core us/req':>11} | " \
      f"{'all us/req':>10} | {'vs best':>7} |"
print(hdr)
print("|" + "|".join("-" * (len(c)) for c in hdr.split("|")[1:-1]) + "|")
summary = []
in_netdemo = []
for label, name, _ in SIZES:
    for close in (False, True):
        mode = "close" if close else "keep-alive"
        results = bench_rounds(name, close)
        best_rps = max(results["nginx"]["rps"], results["lighttpd"]["rps"])
        best_cpu = min(results["nginx"]["cpu_per_req_us"], results["lighttpd"]["cpu_per_req_us"])
        best_busy = min(results["nginx"]["busy_per_req_us"],
                        results["lighttpd"]["busy_per_req_us"])
        best_all = min(results["nginx"]["all_per_req_us"], results["lighttpd"]["all_per_req_us"])
        for srv, r in results.items():
            ratio = r["rps"] / best_rps if best_rps else 0
            print(f"| {label:7} | {mode:10} | {srv:9} | {r['rps']:9.0f} | {r['p50']:7.2f} | "
                  f"{r['p99']:7.2f} | {r['peak'] / 1048576:7.1f}MB | {r['cpu']:6.2f} | "
                  f"{r['cpu_per_req_us']:10.1f} | "
                  + (f"{r['busy_per_req_us']:11.1f}" if PINNED else f"{'n/a':>11}")
                  + f" | {r['all_per_req_us']:10.1f} | {ratio:6.2f}x |"
                  + (f" {r['errors']}" if r["errors"] else ""))
        d = results["http-demo"]
        summary.append((label, mode, d["rps"] / best_rps if best_rps else 0,
                        best_cpu / d["cpu_per_req_us"] if d["cpu_per_req_us"] else 0,
                        best_busy / d["busy_per_req_us"] if d["busy_per_req_us"] else 0,
                        best_all / d["all_per_req_us"] if d["all_per_req_us"] else 0))
        if "netdemo" in results:
            in_netdemo.append((label, mode, results["netdemo"]["rps"] / d["rps"],
                               results[HUB_READER]["rps"] / d["rps"]))
        sys.stdout.flush()

idle = {}
if not args.no_idle:
    print()
    print(f"Idle keep-alive connections: {args.idle} each, after one 1 KiB request; "
          "RSS growth divided by the connections still open")
    print()
    print(f"| {'server':9} | {'bytes/conn':>10} | {'still open':>10} |")
    print("|-----------|------------|------------|")
    for srv, fn in SERVERS[:3]:
        per, alive = idle_cost(fn, args.idle)
        idle[srv] = per
        print(f"| {srv:9} | {per:10.0f} | {alive:10d} |")
        sys.stdout.flush()

print()
print("http-demo against the faster of nginx and lighttpd (>= 1.00x meets the target):")
print()
print("| file    | mode       | req/s ratio | CPU/req ratio | core/req ratio | all/req ratio |")
print("|---------|------------|-------------|---------------|----------------|---------------|")
for label, mode, r, c, b, a in summary:
    print(f"| {label:7} | {mode:10} | {r:10.2f}x | {c:12.2f}x | "
          + (f"{b:13.2f}x" if PINNED else f"{'n/a':>14}") + f" | {a:12.2f}x |")
if idle:
    print(f"| idle    | memory     | http-demo {idle['http-demo']:.0f} B/conn, "
          f"nginx {idle['nginx']:.0f} B/conn, lighttpd {idle['lighttpd']:.0f} B/conn |")
if in_netdemo:
    print()
    print("netdemo's web server against http-demo's (targets: >= 0.95x with no hub open,")
    print(">= 0.85x with a reader on /events):")
    print()
    print("| file    | mode       | no hub  | hub open |")
    print("|---------|------------|---------|----------|")
    for label, mode, alone, hub in in_netdemo:
        print(f"| {label:7} | {mode:10} | {alone:6.2f}x | {hub:7.2f}x |")
shutil.rmtree(work, True)
PY
