#!/bin/sh
# setup.sh - install what netdemo needs on Debian 12, and nothing twice.
#
#   scripts/setup.sh            build and test dependencies
#   scripts/setup.sh --run      only what building and running need (make run)
#   scripts/setup.sh --bench    also the tools bench/ compares against
#   scripts/setup.sh --fuzz     also clang and libFuzzer, for `make fuzz`
#
# It installs only packages that are missing, and runs `apt-get update` only
# when a package cannot be found in the current lists. Run it as root.
set -eu

# Build: compiler, CMake, Criterion for unit tests, llhttp's C sources;
# dpkg-dev's dpkg-shlibdeps computes the Debian package's Depends.
# Run: what building the programs needs, and no more: a lab machine that
# only runs netdemo gets no test frameworks, browser or packaging tools.
# gettext's msgfmt compiles the translations (po/).
RUN_PACKAGES="gcc make cmake pkg-config node-llhttp gettext"
BUILD_PACKAGES="$RUN_PACKAGES clang-format libcriterion-dev dpkg-dev"
# Integration tests: real peers and namespaces on loopback; locales gives
# the zh_CN.UTF-8 locale the translation test runs the programs in (nftables loses
# packets on `netdemo compare --netem`'s link where the kernel has no
# netem); lintian checks
# the Debian package; node and npm drive Chromium through playwright-core
# for the hub's browser test, and a CJK font lets its screenshots show the
# Chinese page. A nodejs that brings its own npm (NodeSource's does)
# conflicts with Debian's npm package, so npm is asked for only when the
# command is missing.
TEST_PACKAGES="python3 curl lftp iproute2 nftables procps locales chromium fonts-wqy-zenhei lintian nodejs npm"
command -v npm >/dev/null 2>&1 && TEST_PACKAGES="${TEST_PACKAGES% npm}"
# Benchmarks: the tools netdemo stands beside.
BENCH_PACKAGES="socat wrk nginx-light lighttpd vsftpd python3-pyftpdlib iperf3 sockperf hyperfine"
# Fuzzing: clang and its libFuzzer runtime. Only `make fuzz` needs them: the
# tests replay the fuzz corpora with gcc, so a plain build stays gcc-only.
FUZZ_PACKAGES="clang libclang-rt-14-dev"

want="$BUILD_PACKAGES $TEST_PACKAGES"
[ "${1:-}" = "--run" ] && want="$RUN_PACKAGES"
[ "${1:-}" = "--bench" ] && want="$want $BENCH_PACKAGES"
[ "${1:-}" = "--fuzz" ] && want="$want $FUZZ_PACKAGES"

# The browser test's one npm package, pinned by its lock file: installed
# when missing, once the Debian packages (npm among them) are there.
# The Chinese locale the translation test uses, generated when missing
# (Debian ships the definitions in the locales package, compiled on demand).
zh_locale() {
    [ "${1:-}" = "--run" ] && return 0
    locale -a 2>/dev/null | grep -qix 'zh_CN.utf8' && return 0
    [ "$(id -u)" -eq 0 ] || { echo "setup.sh: run as root to generate zh_CN.UTF-8" >&2; return 1; }
    echo "setup.sh: generating the zh_CN.UTF-8 locale"
    localedef -i zh_CN -f UTF-8 zh_CN.UTF-8
}

browser_deps() {
    [ "${1:-}" = "--run" ] && return 0
    dir=$(cd "$(dirname "$0")/.." && pwd)/tests/browser
    [ -d "$dir/node_modules/playwright-core" ] && return 0
    echo "setup.sh: installing playwright-core in tests/browser"
    (cd "$dir" && npm ci --no-audit --no-fund)
}

missing=""
for pkg in $want; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = "installed" ] || missing="$missing $pkg"
done
if [ -z "$missing" ]; then
    zh_locale "${1:-}"
    browser_deps "${1:-}"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh: missing packages:$missing (run as root to install them)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "setup.sh: installing$missing"
# Servers such as nginx and vsftpd start themselves when installed; the
# benchmarks start their own copies on loopback, so keep the packaged ones
# stopped (Debian's policy-rc.d convention), unless a policy already exists.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
# Try with the lists we have; refresh them only if that fails.
# shellcheck disable=SC2086
if ! apt-get install -y -q --no-install-recommends $missing; then
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing
fi
zh_locale "${1:-}"
browser_deps "${1:-}"
