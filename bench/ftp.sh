#!/bin/sh
# bench/ftp.sh - FTP transfer speed and listing time: ftp-demo beside
# vsftpd and pyftpdlib, all driven by the same client (curl).
#
#   bench/ftp.sh                  (make bench builds first and installs tools)
#   RUNS=... SIZE_MIB=... FILES=... bench/ftp.sh
#
# Each server serves a copy-free view of one folder: a SIZE_MIB file to
# download, a folder to upload into, and a folder of FILES empty files to
# list. Every measurement is repeated RUNS times, the servers taking turns,
# and the median is reported. Traffic stays on 127.0.0.1.
set -eu
cd "$(dirname "$0")/.."
BIN=build/default/bin
RUNS=${RUNS:-7}
SIZE_MIB=${SIZE_MIB:-1024}
FILES=${FILES:-10000}
PY=/usr/bin/python3   # Debian's python3-pyftpdlib lives here

for tool in curl vsftpd; do
    command -v "$tool" >/dev/null || { echo "bench/ftp.sh: $tool is missing (scripts/setup.sh --bench)" >&2; exit 1; }
done
$PY -c 'import pyftpdlib' 2>/dev/null || { echo "bench/ftp.sh: python3-pyftpdlib is missing (scripts/setup.sh --bench)" >&2; exit 1; }
[ -x "$BIN/ftp-demo" ] || { echo "bench/ftp.sh: build first (make build)" >&2; exit 1; }

work=$(mktemp -d /tmp/ftp-bench.XXXXXX)
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Servers run on CPU 0 and curl on CPU 1, the same for every server.
# Left free, the scheduler sometimes puts a transfer's two ends on one
# core, and that halves a run's rate whichever server it is: unpinned,
# ftp-demo's downloads in one run fell into two groups, about 2.2 and
# 4.3 GB/s. Pinned, the figures measure the servers, not that lottery.
# With one CPU there is nothing to pin.
if [ "$(nproc)" -ge 2 ]; then
    on_server="taskset -c 0"; on_client="taskset -c 1"
else
    on_server=""; on_client=""
fi

free_port() {
    $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_port() {
    i=0
    while ! $PY -c "import socket; socket.create_connection(('127.0.0.1',$1),1)" 2>/dev/null; do
        i=$((i + 1)); [ $i -lt 200 ] || { echo "bench/ftp.sh: server on $1 did not start" >&2; exit 1; }
        sleep 0.05
    done
}

# The served folder. vsftpd refuses a root its anonymous user could write,
# so the root stays root's and only up/ belongs to the ftp user.
root="$work/root"
mkdir -p "$root/up" "$root/list" "$work/empty"
head -c $((SIZE_MIB * 1024 * 1024)) /dev/urandom > "$root/big.bin"
(cd "$root/list" && seq -f "file%05g.txt" 1 "$FILES" | xargs touch)
chown ftp "$root/up" 2>/dev/null || chmod 777 "$root/up"
cp "$root/big.bin" "$work/upload.bin"   # the upload source, read from the page cache

# vsftpd, standalone on 127.0.0.1 with a configuration written here.
vport=$(free_port)
cat > "$work/vsftpd.conf" <<CONF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$vport
background=NO
anonymous_enable=YES
local_enable=NO
no_anon_password=YES
anon_root=$root
write_enable=YES
anon_upload_enable=YES
anon_other_write_enable=YES
anon_umask=022
pasv_enable=YES
seccomp_sandbox=NO
secure_chroot_dir=$work/empty
xferlog_enable=NO
dirmessage_enable=NO
max_clients=50
CONF
$on_server vsftpd "$work/vsftpd.conf" & pids="$pids $!"

pport=$(free_port)
$on_server $PY -m pyftpdlib -i 127.0.0.1 -p "$pport" -d "$root" -w > "$work/pyftpdlib.log" 2>&1 & pids="$pids $!"

dport=$(free_port)
# --quiet: no line per session and transfer, as vsftpd runs with its
# transfer log off (xferlog_enable=NO above).
$on_server "$BIN/ftp-demo" server -p "$dport" -r "$root" --anonymous-write --write --quiet > "$work/ftp-demo.log" 2>&1 & pids="$pids $!"

for p in $vport $pport $dport; do wait_port "$p"; done

# One measurement: prints MB/s (transfers) or seconds (listing).
measure() { # kind port
    url="ftp://127.0.0.1:$2"
    case $1 in
    down) $on_client curl -sS --max-time 600 -o /dev/null -w '%{speed_download}' "$url/big.bin" |
              awk '{printf "%.1f", $1 / 1e6}' ;;
    up)   rm -f "$root/up/copy.bin"   # vsftpd's user may not overwrite root's file
          sync                          # start each upload with no writeback pending
          # Warm the memory the upload will fill. A virtual machine that
          # reports free memory to its host (virtio-balloon) pays for the
          # host faulting it back on first touch: a plain 1 GiB dd here
          # swings 0.4-4.2 GB/s with how long the memory was free. Writing
          # and deleting a file of the same size just before gives every
          # server the same start, memory the host already backs.
          cp "$work/upload.bin" "$root/up/.warm" && rm -f "$root/up/.warm"
          $on_client curl -sS --max-time 600 -T "$work/upload.bin" -w '%{speed_upload}' "$url/up/copy.bin" |
              awk '{printf "%.1f", $1 / 1e6}' ;;
    list) $on_client curl -sS --max-time 600 -o "$work/list.out" -w '%{time_total}' "$url/list/"
          n=$(wc -l < "$work/list.out")
          [ "$n" -eq "$FILES" ] || { echo "bench/ftp.sh: listing on $2 gave $n lines" >&2; exit 1; } ;;
    esac
}

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }

echo "FTP over loopback with curl: ${SIZE_MIB} MiB down and up, listing $FILES files; median of $RUNS runs, servers taking turns in rotating order"
echo
printf '%-22s %10s %10s %10s %12s %12s\n' "measure" "ftp-demo" "vsftpd" "pyftpdlib" "x vsftpd" "x pyftpdlib"
for kind in down up list; do
    d=""; v=""; p=""
    i=0
    while [ $i -lt "$RUNS" ]; do
        # Rotate who goes first, so no server always follows the same one
        # (an upload leaves the next server the previous one's writeback).
        for turn in 0 1 2; do
            case $(((i + turn) % 3)) in
            0) d="$d $(measure $kind "$dport")" ;;
            1) v="$v $(measure $kind "$vport")" ;;
            2) p="$p $(measure $kind "$pport")" ;;
            esac
        done
        i=$((i + 1))
    done
    md=$(echo "$d" | median); mv=$(echo "$v" | median); mp=$(echo "$p" | median)
    if [ "$kind" = list ]; then
        # Seconds: less is better, so the ratio is theirs over ours.
        label="list $FILES files (s)"
        awk -v l="$label" -v d="$md" -v v="$mv" -v p="$mp" \
            'BEGIN {printf "%-22s %10.3f %10.3f %10.3f %11.2fx %11.2fx\n", l, d, v, p, v / d, p / d}'
    else
        label="$kind (MB/s)"
        awk -v l="$label" -v d="$md" -v v="$mv" -v p="$mp" \
            'BEGIN {printf "%-22s %10.1f %10.1f %10.1f %11.2fx %11.2fx\n", l, d, v, p, d / v, d / p}'
    fi
done
echo
echo "x: how many times ftp-demo's figure is the other's (above 1.00 = ftp-demo is faster)"
