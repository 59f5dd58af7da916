#!/bin/sh
# bench/tcp.sh - TCP echo throughput, round trips and memory: tcp-demo's four
# models beside socat, with iperf3's one-way loopback figure as the ceiling.
#
#   bench/tcp.sh                  (make bench builds first and installs tools)
#   BYTES=... RR_SECS=... IDLE=... bench/tcp.sh
#
# Every server gets the same load client (bench/tcpload.c), which writes and
# reads at once. Traffic stays on 127.0.0.1.
set -eu
cd "$(dirname "$0")/.."
BIN=build/default/bin
BYTES=${BYTES:-268435456}   # 256 MiB echoed through each server
RR_SECS=${RR_SECS:-3}       # seconds of 1-byte round trips
IDLE=${IDLE:-1000}          # idle connections held for the memory figure
ulimit -n 8192

for tool in socat iperf3 python3; do
    command -v "$tool" >/dev/null || { echo "bench/tcp.sh: $tool is missing (scripts/setup.sh --bench)" >&2; exit 1; }
done
[ -x "$BIN/tcpload" ] || { echo "bench/tcp.sh: build first (make build)" >&2; exit 1; }

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Memory of a process and its children, in KiB: "RSS/PSS". RSS counts the
# pages children share with their parent once per process; PSS splits them,
# so it is the fair sum for the process-per-connection servers.
mem_tree() {
    pids="$1 $(ps -o pid= --ppid "$1" 2>/dev/null | tr '\n' ' ')"
    rss=0; pss=0
    for p in $pids; do
        r=$(awk '/^Rss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
        q=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
        rss=$((rss + ${r:-0})); pss=$((pss + ${q:-0}))
    done
    echo "$rss/$pss"
}

wait_port() {
    i=0
    while ! python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),1)" 2>/dev/null; do
        i=$((i + 1)); [ $i -lt 100 ] || { echo "bench/tcp.sh: server on $1 did not start" >&2; exit 1; }
        sleep 0.05
    done
}

# Hold $IDLE connections open and measure the server's memory meanwhile.
idle_rss() { # pid port
    fifo=$(mktemp -u); mkfifo "$fifo"
    ( sleep 3600 > "$fifo" & echo $! > "$fifo.pid"; wait ) &
    "$BIN/tcpload" idle "$2" "$IDLE" < "$fifo" > "$fifo.out" &
    load=$!
    i=0
    until grep -q ready "$fifo.out" 2>/dev/null; do
        i=$((i + 1)); [ $i -lt 600 ] || break; sleep 0.05
    done
    kb=$(mem_tree "$1")
    kill "$(cat "$fifo.pid")" 2>/dev/null || true
    wait "$load" 2>/dev/null || true
    rm -f "$fifo" "$fifo.pid" "$fifo.out"
    echo "$kb" | awk -F/ '{printf "%.1f/%.1f", $1 / 1024, $2 / 1024}'
}

measure() { # name pid port idle?
    gbps=$("$BIN/tcpload" throughput "$3" "$BYTES")
    rr=$("$BIN/tcpload" rr "$3" "$RR_SECS")
    if [ "$4" = yes ]; then mib=$(idle_rss "$2" "$3"); else mib="n/a"; fi
    [ -n "$gbps" ] && [ -n "$rr" ] || { echo "bench/tcp.sh: $1 failed" >&2; exit 1; }
    echo "$1 $gbps $rr $mib"
}

results=$(mktemp)
trap 'rm -f "$results"; kill $(jobs -p) 2>/dev/null || true' EXIT

# socat as an echo server is usually run: a process per connection, 4 KiB blocks.
port=$(free_port)
socat -b 4096 TCP-LISTEN:"$port",fork,reuseaddr,bind=127.0.0.1 PIPE &
spid=$!
wait_port "$port"
measure socat "$spid" "$port" yes >> "$results"
kill "$spid"; wait "$spid" 2>/dev/null || true

for model in iterative fork thread epoll; do
    out=$(mktemp)
    # --quiet: no line per caller, so the figures measure serving, not
    # logging (socat logs nothing either)
    "$BIN/tcp-demo" server -p 0 --model "$model" --mode echo --quiet > "$out" &
    pid=$!
    i=0; until grep -q 'listening on' "$out"; do i=$((i+1)); [ $i -lt 100 ] || exit 1; sleep 0.05; done
    port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$out")
    idle=yes; [ "$model" = iterative ] && idle=no   # one caller at a time: it cannot hold 1,000
    measure "tcp-demo:$model" "$pid" "$port" "$idle" >> "$results"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rm -f "$out"
done

# The ceiling: iperf3, one stream, one way.
port=$(free_port)
iperf3 -s -1 -p "$port" -B 127.0.0.1 >/dev/null 2>&1 &
ipid=$!
sleep 0.5   # no probe connection: iperf3 -1 would serve it and exit
iperf=$(iperf3 -c 127.0.0.1 -p "$port" -t 3 -J | python3 -c 'import json,sys; print("%.2f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e9))')
wait "$ipid" 2>/dev/null || true

echo "TCP echo, $((BYTES / 1048576)) MiB per transfer, ${RR_SECS} s of 1-byte round trips, $IDLE idle connections"
echo "iperf3 one-stream one-way ceiling: $iperf Gbit/s"
echo
awk -v iperf="$iperf" '
    NR == 1 { sg = $2; sr = $3 }
    { rows[NR] = $0 }
    END {
        printf "%-20s %12s %8s %9s %12s %8s %17s\n", "server", "echo Gbit/s", "x socat", "% iperf3", "round trips/s", "x socat", "idle RSS/PSS MiB"
        for (i = 1; i <= NR; i++) {
            split(rows[i], f, " ")
            printf "%-20s %12.2f %8.2f %8.0f%% %12d %8.2f %17s\n", f[1], f[2], f[2] / sg, 100 * f[2] / iperf, f[3], f[3] / sr, f[4]
        }
    }' "$results"
