#!/bin/sh
# bench/compare.sh - are netdemo compare's figures right? Each beside the
# tool a network engineer would check it with, in one run on loopback:
#
#   bench/compare.sh [SECONDS]     (default 5 seconds per reference run)
#
#   - TCP bulk throughput against iperf3's single stream (target: within 15 %);
#   - TCP and UDP round-trip p50 against sockperf's ping-pong (within 15 %),
#     both sides pinned to one CPU, as bench/udp.sh explains;
#   - the HTTP/1.0 first byte against curl's time_starttransfer for the same
#     tiny file from http-demo, 200 requests in one curl (within 20 %).
#
# It prints each pair and the ratio, and says what a figure includes that
# its reference leaves out. Every server started here is stopped here.
# Needs: iperf3 sockperf curl taskset python3 (scripts/setup.sh --bench).
set -eu
cd "$(dirname "$0")/.."
SECS=${1:-5}
PIN="taskset -c ${RTT_CPU:-1}"
ND=build/default/bin/netdemo
HD=build/default/bin/http-demo
for tool in iperf3 sockperf curl taskset python3; do
    command -v $tool >/dev/null || { echo "bench/compare.sh: $tool is missing (scripts/setup.sh --bench)" >&2; exit 1; }
done
[ -x $ND ] && [ -x $HD ] || { echo "bench/compare.sh: build first (cmake --build --preset default)" >&2; exit 1; }

TMP=$(mktemp -d)
PIDS=""
# whatever happens: every server started here stopped, the folder gone
trap 'kill $PIDS 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_port() { # wait until something listens on TCP port $1 (at most 5 s)
    python3 - "$1" <<'EOP'
import socket, sys, time
deadline = time.monotonic() + 5
while time.monotonic() < deadline:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
EOP
}

echo "# bench/compare.sh $SECS: $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC')"

# --- netdemo compare's own figures ----------------------------------------------
$ND compare --only tcp --size 1G --count 1 --repeat 5 --json >"$TMP/bulk.json"
$PIN $ND compare --only tcp,udp --size 1M --count 20000 --repeat 3 --json >"$TMP/rtt.json"
$ND compare --only http --size 1M --count 1 --repeat 5 --json >"$TMP/http.json"

# --- iperf3: one TCP stream, one way ---------------------------------------------
port=$(free_port)
iperf3 -s -1 -p "$port" >/dev/null 2>&1 &
PIDS="$PIDS $!"
sleep 0.5
iperf3 -c 127.0.0.1 -p "$port" -t "$SECS" -J >"$TMP/iperf3.json"

# --- sockperf ping-pong, TCP and UDP, pinned ----------------------------------
for proto in tcp udp; do
    port=$(free_port)
    flag=""
    [ $proto = tcp ] && flag="--tcp"
    $PIN sockperf server $flag -i 127.0.0.1 -p "$port" >/dev/null 2>&1 &
    PIDS="$PIDS $!"
    sleep 0.5
    $PIN sockperf ping-pong $flag -i 127.0.0.1 -p "$port" -t "$SECS" -m 17 --full-rtt \
        >"$TMP/sockperf-$proto.out" 2>&1 || true
done

# --- curl: the HTTP/1.0 first byte of the same tiny file -------------------------
mkdir -p "$TMP/www/files"
printf 'dream is handsome\n' >"$TMP/www/files/dream.txt"
port=$(free_port)
$HD server -p "$port" -r "$TMP/www" >/dev/null 2>&1 &
PIDS="$PIDS $!"
wait_port "$port"
# One curl for all 200, so that no run pays for starting a process; -0
# (HTTP/1.0) makes each a new connection, as netdemo compare's row does.
url="http://127.0.0.1:$port/files/dream.txt"
set --
i=0
while [ $i -lt 200 ]; do
    set -- "$@" -o /dev/null "$url"
    i=$((i + 1))
done
curl -s -0 -w '%{time_starttransfer}\n' "$@" >"$TMP/curl.txt"

python3 - "$TMP" <<'EOP'
import json, re, statistics, sys
tmp = sys.argv[1]
load = lambda name: json.load(open(f"{tmp}/{name}"))
bulk = {r["protocol"]: r for r in load("bulk.json")["bulk"]}["TCP"]
rtt = {r["protocol"]: r for r in load("rtt.json")["round_trips"]}
first = {r["protocol"]: r for r in load("http.json")["first_byte"]}["HTTP/1.0"]
iperf = load("iperf3.json")["end"]["sum_received"]["bits_per_second"]

def sockperf_p50(proto):
    text = open(f"{tmp}/sockperf-{proto}.out").read()
    m = re.search(r"percentile 50.000 = *([0-9.]+)", text)
    return float(m.group(1)) if m else float("nan")

curl_us = statistics.median(float(x) for x in open(f"{tmp}/curl.txt").read().split()) * 1e6
rows = [
    ("TCP bulk, MiB/s", bulk["mib_per_second"]["median"], iperf / 8 / (1 << 20),
     "iperf3 -t: one stream", 0.15),
    ("TCP RTT p50, us", rtt["TCP"]["rtt_p50_us"]["median"], sockperf_p50("tcp"),
     "sockperf ping-pong --tcp", 0.15),
    ("UDP RTT p50, us", rtt["UDP"]["rtt_p50_us"]["median"], sockperf_p50("udp"),
     "sockperf ping-pong", 0.15),
    ("HTTP/1.0 first byte, us", first["time_us"]["median"], curl_us,
     "curl time_starttransfer, 200 in one", 0.20),
]
print()
print(f"| {'figure':26} | {'netdemo compare':>15} | {'reference':>10} | {'ratio':>6} | "
      f"{'target':>7} | reference tool")
print(f"|{'-' * 28}|{'-' * 17}|{'-' * 12}|{'-' * 8}|{'-' * 9}|{'-' * 36}")
for name, ours, ref, tool, tol in rows:
    ratio = ours / ref if ref else float("nan")
    ok = "holds" if abs(ratio - 1) <= tol else "misses"
    print(f"| {name:26} | {ours:15.1f} | {ref:10.1f} | {ratio:5.2f}x | "
          f"{'±' + str(int(tol * 100)) + '% ' + ok:>7} | {tool}")
print()
print("What the figures include: the TCP bulk row times 1 GiB from the connect to the")
print("server's close, iperf3 a steady stream for its whole -t; the round trips carry 17")
print("bytes each way, as sockperf's -m 17 does here; netdemo's first byte reads the whole")
print("tiny response and the close, curl's time_starttransfer stops at its first byte.")
EOP
