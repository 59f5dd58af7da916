#!/bin/sh
# check_format.sh - every C file follows .clang-format (`make format` fixes).
set -eu
cd "$(dirname "$0")/.."
bad=$(find core proto tcp udp http ftp clients netdemo bench tests -name '*.[ch]' 2>/dev/null | sort | while read -r f; do
    clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || echo "$f"
done)
if [ -n "$bad" ]; then
    echo "not clang-formatted (run make format):" $bad >&2
    exit 1
fi
