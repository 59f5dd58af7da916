#!/bin/sh
# bench/hub.sh - how soon the hub draws a socket call while netdemo is busy.
#
#   bench/hub.sh [CONNECTIONS_PER_SECOND]      (default 1000)
#
# Runs the hub's browser test (tests/browser/hub.test.mjs: netdemo on free
# loopback ports, the page in headless Chromium) with a load of short TCP
# connections for 5 s, and prints the delay from each call (its event's
# time) to its arrow on the page, at the 99th percentile. Target: under
# 250 ms at 1,000 connections a second.
# Needs what `make test` installs (Chromium, node, playwright-core).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin="${NETDEMO:-$here/../build/default/bin/netdemo}"
[ -x "$bin" ] || { echo "hub.sh: build first: $bin is missing" >&2; exit 1; }
rate="${1:-1000}"
out=$(HUB_LOAD="$rate" ARTIFACTS="${TMPDIR:-/tmp}/netdemo-bench-hub" node "$here/../tests/browser/hub.test.mjs" "$bin")
echo "# bench/hub.sh $rate: $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "$out" | grep 'under .* connections a second' | sed 's/^browser_hub: //'
echo "(target: p99 under 250 ms at 1000 connections a second)"
