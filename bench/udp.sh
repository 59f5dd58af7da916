#!/bin/sh
# bench/udp.sh - netdemo's UDP echo beside socat's and sockperf's servers,
# and its ping beside sockperf's ping-pong, in one run on loopback.
#
#   bench/udp.sh [SECONDS]     (default 5 seconds per measurement)
#
# Datagrams per second: a small load generator (written below, compiled on
# the fly) keeps WINDOW datagrams in flight against each echo server and
# counts the replies that come back. socat forks a process per datagram, so
# the fairer peer is sockperf's server, one thread like udp-demo's. It only
# answers messages in its own format, so the generator then sends, to both
# servers, the very request sockperf's client sends (captured from it at
# the start of the run); udp-demo echoes any bytes. RTT: sockperf ping-pong with
# --full-rtt, and udp-demo ping -i 0 (a ping-pong too), p50 and p99.
#
# Round trips run with client and server pinned to one CPU. In a virtual
# machine an idle vCPU halts, and waking it costs tens of microseconds, so
# unpinned round trips jump between about 12 and 50 us with whatever else
# the machine is doing; on one CPU they are steady.
set -eu
cd "$(dirname "$0")/.."
SECS=${1:-5}
WINDOW=64
PIN="taskset -c ${RTT_CPU:-1}"
BIN=build/default/bin/udp-demo
for tool in socat sockperf cc python3 taskset; do
    command -v $tool >/dev/null || { echo "bench/udp.sh: $tool is missing (scripts/setup.sh --bench)" >&2; exit 1; }
done
[ -x $BIN ] || { echo "bench/udp.sh: build first (cmake --build --preset default)" >&2; exit 1; }

TMP=$(mktemp -d)
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

# --- the load generator ------------------------------------------------------
cat > "$TMP/udpload.c" <<'EOC'
/* udpload PORT SIZE SECONDS WINDOW [PAYLOAD-FILE]: replies per second from
 * an echo server; each datagram is SIZE bytes of 'x', or the file's bytes. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#define BATCH 64
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}
int main(int argc, char **argv)
{
    int port = atoi(argv[1]), size = atoi(argv[2]), window = atoi(argv[4]);
    double secs = atof(argv[3]);
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    int big = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == -1)
        return perror("connect"), 1;
    static char out[65536], in[BATCH][2048];
    memset(out, 'x', sizeof out);
    if (argc > 5) {
        FILE *f = fopen(argv[5], "rb");
        if (f == NULL)
            return perror(argv[5]), 1;
        size = (int)fread(out, 1, sizeof out, f);
        fclose(f);
    }
    struct iovec oiov = {out, (size_t)size}, iiov[BATCH];
    struct mmsghdr omsg[BATCH], imsg[BATCH];
    for (int i = 0; i < BATCH; i++) {
        omsg[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &oiov, .msg_iovlen = 1}};
        iiov[i] = (struct iovec){in[i], sizeof in[i]};
        imsg[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iiov[i], .msg_iovlen = 1}};
    }
    long replies = 0, outstanding = 0;
    double start = now(), last_reply = start, end = start + secs;
    while (now() < end) {
        int room = window - (int)outstanding;
        if (room > BATCH)
            room = BATCH;
        if (room > 0) {
            int n = sendmmsg(fd, omsg, room, 0);
            if (n > 0)
                outstanding += n;
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        poll(&p, 1, 5);
        int n = recvmmsg(fd, imsg, BATCH, MSG_DONTWAIT, NULL);
        if (n > 0) {
            replies += n;
            outstanding -= n;
            if (outstanding < 0)
                outstanding = 0;
            last_reply = now();
        } else if (now() - last_reply > 0.02) {
            outstanding = 0; /* lost in a full queue: refill the window */
            last_reply = now();
        }
    }
    printf("%.0f\n", replies / (now() - start));
    return 0;
}
EOC
cc -O2 -o "$TMP/udpload" "$TMP/udpload.c"

free_port() {
    python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_server NAME CMD...: start it in the background, remember its pid.
start_server() {
    "$@" >"$TMP/server.out" 2>"$TMP/server.err" &
    PIDS="$PIDS $!"
    LAST=$!
    sleep 0.5
}
stop_server() {
    kill "$LAST" 2>/dev/null || true
    wait "$LAST" 2>/dev/null || true
}

# --- datagrams per second ------------------------------------------------------
dps() { # SERVER-KIND SIZE [PAYLOAD-FILE] -> replies per second
    port=$(free_port)
    case $1 in
        # --quiet: no line per datagram; sockperf's server logs none either
        netdemo) start_server $BIN server -p "$port" --mode echo --quiet ;;
        socat) start_server socat UDP-RECVFROM:"$port",bind=127.0.0.1,fork PIPE ;;
        sockperf) start_server sockperf server -i 127.0.0.1 -p "$port" ;;
    esac
    "$TMP/udpload" "$port" "$2" "$SECS" "$WINDOW" ${3:-}
    stop_server
}

# sockperf_request SIZE FILE: the first datagram sockperf's ping-pong client
# sends with a SIZE-byte message, as sockperf's server expects it.
sockperf_request() {
    python3 - "$1" "$2" <<'EOP'
import socket, subprocess, sys
size, path = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.settimeout(5)
client = subprocess.Popen(["sockperf", "ping-pong", "-i", "127.0.0.1", "-p", str(s.getsockname()[1]),
                           "-t", "1", "-m", size], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    request, _ = s.recvfrom(65536)
finally:
    client.kill()
    client.wait()
open(path, "wb").write(request)
EOP
}

# --- RTT ---------------------------------------------------------------------
# sockperf's reference: its own client and server -> "p50 p99" in microseconds,
# round trip. (sockperf's client only accepts replies from a sockperf server,
# so it cannot measure the echo servers themselves.)
sockperf_rtt() {
    port=$(free_port)
    start_server $PIN sockperf server -i 127.0.0.1 -p "$port"
    $PIN sockperf ping-pong -i 127.0.0.1 -p "$port" -t "$SECS" -m 64 --full-rtt >"$TMP/sp.out" 2>&1 || true
    stop_server
    p50=$(sed -n 's/.*percentile 50.000 = *\([0-9.]*\).*/\1/p' "$TMP/sp.out")
    p99=$(sed -n 's/.*percentile 99.000 = *\([0-9.]*\).*/\1/p' "$TMP/sp.out")
    echo "${p50:-n/a} ${p99:-n/a}"
}

# udp-demo ping -i 0 (a ping-pong, as sockperf's) against an echo server:
# percentiles of its per-reply rtt= lines, in microseconds.
netdemo_ping_rtt() { # SERVER-KIND COUNT
    port=$(free_port)
    case $1 in
        netdemo) start_server $PIN $BIN server -p "$port" --mode echo --quiet ;;
        socat) start_server $PIN socat UDP-RECVFROM:"$port",bind=127.0.0.1,fork PIPE ;;
    esac
    $PIN $BIN ping -p "$port" -c "$2" -i 0 -s 64 -t 100 >"$TMP/ping.out" || true
    stop_server
    python3 - "$TMP/ping.out" <<'EOP'
import re, sys
rtts = sorted(float(x) * 1000 for x in re.findall(r"rtt=([\d.]+) ms", open(sys.argv[1]).read()))
pick = lambda q: rtts[min(len(rtts) - 1, int(q * len(rtts)))]
print(f"{pick(0.50):.1f} {pick(0.99):.1f}" if rtts else "n/a n/a")
EOP
}

ratio() { python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'{a / b:.2f}x' if b else 'n/a')" "$1" "$2"; }

echo "bench/udp.sh: $SECS s per measurement, window $WINDOW datagrams, $(nproc) CPUs, $(uname -r)"
echo
printf '%-34s %14s %14s %8s\n' "echo throughput (datagrams/s)" "netdemo" "socat" "ratio"
for size in 64 1400; do
    n=$(dps netdemo "$size")
    s=$(dps socat "$size")
    printf '%-34s %14s %14s %8s\n' "$size-byte payload" "$n" "$s" "$(ratio "$n" "$s")"
done

echo
printf '%-34s %14s %14s %8s\n' "sockperf's messages (datagrams/s)" "netdemo" "sockperf" "ratio"
for size in 64 1400; do
    sockperf_request "$size" "$TMP/request-$size"
    n=$(dps netdemo "$size" "$TMP/request-$size")
    s=$(dps sockperf "$size" "$TMP/request-$size")
    printf '%-34s %14s %14s %8s\n' "$size-byte message" "$n" "$s" "$(ratio "$n" "$s")"
done
echo "(target: udp-demo at least 1.0x sockperf's server, with one load generator for both)"

echo
printf '%-46s %10s %10s\n' "RTT, 64-byte payload (us, round trip, 1 CPU)" "p50" "p99"
set -- $(sockperf_rtt); sp50=$1
printf '%-46s %10s %10s\n' "sockperf ping-pong -> sockperf server" "$1" "$2"
set -- $(netdemo_ping_rtt netdemo $((SECS * 20000))); np50=$1
printf '%-46s %10s %10s\n' "udp-demo ping -i 0 -> udp-demo server" "$1" "$2"
set -- $(netdemo_ping_rtt socat $((SECS * 200)))
printf '%-46s %10s %10s\n' "udp-demo ping -i 0 -> socat (fork each)" "$1" "$2"
echo
echo "udp-demo p50 / sockperf p50: $(ratio "$np50" "$sp50") (target: within 10 %)"
