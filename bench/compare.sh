#!/bin/sh
# bench/compare.sh - are netdemo compare's figures right? Each beside the
# tool a network engineer would check it with, on loopback:
#
#   bench/compare.sh [SECONDS [ROUNDS]]   (default 5 s per reference run, 3 rounds)
#
#   - TCP bulk throughput against iperf3's single stream (target: within 15 %),
#     both pinned to one CPU: on two virtual CPUs the scheduler puts sender
#     and receiver together or apart at random, which moves either tool by
#     40 % from one run to the next;
#   - TCP and UDP round-trip p50 against sockperf's ping-pong (within 15 %),
#     both sides pinned to one CPU, as bench/udp.sh explains;
#   - the HTTP/1.0 first byte against curl's time_starttransfer for the same
#     tiny file from http-demo, 200 requests in one curl (within 20 %).
#
# A small virtual machine's speed drifts by 20 % and more over minutes, so
# each figure is measured in ROUNDS rounds, netdemo's and the reference's
# back to back in each, and judged by the median of the rounds' ratios.
# It prints every round's pair, the ratios, and what a figure includes
# that its reference leaves out. Every server started here is stopped here.
# Needs: iperf3 sockperf curl taskset python3 (scripts/setup.sh --bench).
set -eu
cd "$(dirname "$0")/.."
SECS=${1:-5}
ROUNDS=${2:-3}
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
trap 'kill $PIDS 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$TMP"' EXIT INT TERM

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

echo "# bench/compare.sh $SECS $ROUNDS: $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC')"

# The tiny file of the first-byte pair, served by http-demo for curl.
mkdir -p "$TMP/www/files"
printf 'dream is handsome\n' >"$TMP/www/files/dream.txt"
http_port=$(free_port)
$HD server -p "$http_port" -r "$TMP/www" >/dev/null 2>&1 &
PIDS="$PIDS $!"
wait_port "$http_port"
url="http://127.0.0.1:$http_port/files/dream.txt"

round=1
while [ $round -le "$ROUNDS" ]; do
    R="$TMP/round$round"
    mkdir -p "$R"
    # --- TCP bulk: netdemo compare, then iperf3's one stream, one way ----------
    $PIN $ND compare --only tcp --size 4G --count 1 --repeat 3 --json >"$R/bulk.json"
    port=$(free_port)
    $PIN iperf3 -s -1 -p "$port" >/dev/null 2>&1 &
    PIDS="$PIDS $!"
    sleep 0.5
    $PIN iperf3 -c 127.0.0.1 -p "$port" -t "$SECS" -J >"$R/iperf3.json"

    # --- round trips: netdemo compare, then sockperf ping-pong, pinned --------
    $PIN $ND compare --only tcp,udp --size 1M --count 50000 --repeat 3 --json >"$R/rtt.json"
    for proto in tcp udp; do
        port=$(free_port)
        flag=""
        [ $proto = tcp ] && flag="--tcp"
        $PIN sockperf server $flag -i 127.0.0.1 -p "$port" >/dev/null 2>&1 &
        spid=$!
        PIDS="$PIDS $spid"
        sleep 0.5
        $PIN sockperf ping-pong $flag -i 127.0.0.1 -p "$port" -t "$SECS" -m 17 --full-rtt \
            >"$R/sockperf-$proto.out" 2>&1 || true
        kill $spid 2>/dev/null || true
    done

    # --- the HTTP/1.0 first byte: netdemo compare, then curl ------------------
    $ND compare --only http --size 1M --count 1 --repeat 5 --json >"$R/http.json"
    # One curl for all 200, so that no run pays for starting a process; -0
    # (HTTP/1.0) makes each a new connection, as netdemo compare's row does.
    set --
    i=0
    while [ $i -lt 200 ]; do
        set -- "$@" -o /dev/null "$url"
        i=$((i + 1))
    done
    curl -s -0 -w '%{time_starttransfer}\n' "$@" >"$R/curl.txt"
    round=$((round + 1))
done

python3 - "$TMP" "$ROUNDS" <<'EOP'
import json, math, re, statistics, sys
tmp, rounds = sys.argv[1], int(sys.argv[2])

def load(r, name):
    return json.load(open(f"{tmp}/round{r}/{name}"))

def sockperf_p50(r, proto):
    text = open(f"{tmp}/round{r}/sockperf-{proto}.out").read()
    m = re.search(r"percentile 50.000 = *([0-9.]+)", text)
    return float(m.group(1)) if m else float("nan")

def pairs(r):
    bulk = {x["protocol"]: x for x in load(r, "bulk.json")["bulk"]}["TCP"]
    rtt = {x["protocol"]: x for x in load(r, "rtt.json")["round_trips"]}
    first = {x["protocol"]: x for x in load(r, "http.json")["first_byte"]}["HTTP/1.0"]
    iperf = load(r, "iperf3.json")["end"]["sum_received"]["bits_per_second"]
    curl = [float(x) for x in open(f"{tmp}/round{r}/curl.txt").read().split()]
    return [
        (bulk["mib_per_second"]["median"], iperf / 8 / (1 << 20)),
        (rtt["TCP"]["rtt_p50_us"]["median"], sockperf_p50(r, "tcp")),
        (rtt["UDP"]["rtt_p50_us"]["median"], sockperf_p50(r, "udp")),
        (first["time_us"]["median"], statistics.median(curl) * 1e6),
    ]

figures = [
    ("TCP bulk, MiB/s", "iperf3 -t: one stream", 0.15),
    ("TCP RTT p50, us", "sockperf ping-pong --tcp", 0.15),
    ("UDP RTT p50, us", "sockperf ping-pong", 0.15),
    ("HTTP/1.0 first byte, us", "curl time_starttransfer", 0.20),
]
by_round = [pairs(r) for r in range(1, rounds + 1)]
print()
print(f"| {'figure':24} | {'netdemo / reference, each round':40} | {'median ratio':>12} | "
      f"{'target':>12} | reference tool")
print(f"|{'-' * 26}|{'-' * 42}|{'-' * 14}|{'-' * 14}|{'-' * 26}")
for i, (name, tool, tol) in enumerate(figures):
    cells = " ".join(f"{ours:.0f}/{ref:.0f}" for ours, ref in (p[i] for p in by_round))
    ratios = [ours / ref if ref else math.nan for ours, ref in (p[i] for p in by_round)]
    ratio = statistics.median(ratios)
    ok = "holds" if abs(ratio - 1) <= tol else "misses"
    print(f"| {name:24} | {cells:40} | {ratio:11.2f}x | {'±' + str(int(tol * 100)) + '% ' + ok:>12} | {tool}")
    print(f"| {'':24} | {'ratios ' + ' '.join(f'{x:.2f}' for x in ratios):40} | {'':12} | {'':12} |")
print()
print("Each pair ran on one CPU (taskset), but the first byte's.")
print("What the figures include: the TCP bulk row times 4 GiB from the connect to the")
print("server's close, iperf3 a steady stream for its whole -t; the round trips carry 17")
print("bytes each way, as sockperf's -m 17 does here, and netdemo's TCP server (the epoll")
print("model) makes one epoll_wait() per message that sockperf's server, blocked in recvfrom()")
print("on its one connection, does not; netdemo's first byte reads the whole tiny response")
print("and the close, curl's time_starttransfer stops at its first byte, and curl spends")
print("its own time between transfers.")
EOP
