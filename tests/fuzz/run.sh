#!/bin/sh
# run.sh - build the harnesses with clang and libFuzzer (the fuzz preset)
# and run each one for a while, starting from its committed corpus.
#
#   tests/fuzz/run.sh [HARNESS...]     every harness when none is named
#   FUZZ_SECONDS=60 tests/fuzz/run.sh  seconds per harness (default 600)
#   FUZZ_FLAGS='-fork=1 -ignore_crashes=1' tests/fuzz/run.sh http_request
#                                      more libFuzzer flags (here: go on
#                                      after a finding, to collect them all)
#
# New inputs go to build/fuzz/corpus/<harness>, never into the committed
# tests/fuzz/corpus; a crash or a broken property leaves its input in
# build/fuzz/findings/<harness>. Each harness's log is build/fuzz/<harness>.log.
# Exit 1 when any harness found something.
set -eu
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SECONDS:-600}
harnesses=${*:-$(ls tests/fuzz/corpus)}
out=build/fuzz

targets=""
for h in $harnesses; do
    targets="$targets fuzz_$h"
done
cmake --preset fuzz >/dev/null
# shellcheck disable=SC2086
cmake --build --preset fuzz --target $targets

found=0
summary=""
for h in $harnesses; do
    mkdir -p "$out/corpus/$h" "$out/findings/$h"
    echo "fuzz: $h for ${seconds}s"
    # The first folder receives what libFuzzer finds; the second is only read.
    # shellcheck disable=SC2086
    "$out/bin/fuzz_$h" -max_total_time="$seconds" -print_final_stats=1 ${FUZZ_FLAGS:-} \
        -artifact_prefix="$out/findings/$h/" "$out/corpus/$h" "tests/fuzz/corpus/$h" \
        >"$out/$h.log" 2>&1 || true
    # The last status line, "#N DONE cov: C ft: F corp: K/S ...", has the figures.
    status=$(grep -E '^#[0-9]+.*cov: ' "$out/$h.log" | tail -n 1)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$h.log")
    [ -n "$execs" ] || execs=$(echo "$status" | sed -n 's/^#\([0-9]*\).*/\1/p') # -fork mode
    cov=$(echo "$status" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$status" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$status" | sed -n 's/.*corp: \([0-9]*\).*/\1/p')
    findings=$(find "$out/findings/$h" -type f | wc -l)
    [ "$findings" -eq 0 ] || found=1
    line=$(printf '%-14s execs %-10s cov %-6s ft %-6s corpus %-6s findings %s' \
        "$h" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$findings")
    echo "$line"
    summary="$summary$line
"
    if [ "$findings" -ne 0 ]; then
        grep -E 'ERROR|property violated|SUMMARY' "$out/$h.log" | head -n 5
        find "$out/findings/$h" -type f
    fi
done
echo
echo "fuzz: ${seconds}s per harness"
printf '%s' "$summary"
exit "$found"
