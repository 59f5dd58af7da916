# A thin wrapper over scripts/setup.sh and the CMake presets.
#
#   make run    install what building and running need, build, start
#               netdemo (all four servers and the live hub)
#   make test   install what is missing, build twice (optimised, and with
#               AddressSanitizer + UBSan), run every test in both; then
#               the thread tests under ThreadSanitizer
#   make bench  install the benchmark tools and run bench/
#   make package  build the Debian package, build/default/netdemo_*.deb
#   make fuzz   build the parsers' fuzz harnesses with clang and run each
#               for FUZZ_SECONDS (default 600: make fuzz FUZZ_SECONDS=60)
#   make format apply .clang-format to every C file

.PHONY: all setup setup-run build run test test-default test-asan test-tsan bench package fuzz format clean

all: build

setup:
	@scripts/setup.sh

setup-run:
	@scripts/setup.sh --run

build: setup
	cmake --preset default -DBUILD_TESTING=ON
	cmake --build --preset default

# Only what running needs: no test framework, browser or packaging tools.
run: setup-run
	cmake --preset default -DBUILD_TESTING=OFF
	cmake --build --preset default
	./build/default/bin/netdemo

# Warnings are errors for the test builds, as in CI.
test: setup test-default test-asan test-tsan

test-default:
	cmake --preset default -DNETDEMO_WERROR=ON -DBUILD_TESTING=ON
	cmake --build --preset default
	ctest --preset default

test-asan:
	cmake --preset asan -DNETDEMO_WERROR=ON -DBUILD_TESTING=ON
	cmake --build --preset asan
	ctest --preset asan

# ThreadSanitizer: the thread tests only (see tests/CMakeLists.txt).
test-tsan:
	cmake --preset tsan -DNETDEMO_WERROR=ON
	cmake --build --preset tsan
	ctest --preset tsan

bench: build
	@scripts/setup.sh --bench
	for script in bench/*.sh; do $$script || exit 1; done

# CPack's DEB generator; the package lands in build/default.
package: build
	cd build/default && cpack -G DEB

FUZZ_SECONDS ?= 600

fuzz:
	@scripts/setup.sh --fuzz
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh

format:
	find core proto tcp udp http ftp clients netdemo bench tests -name '*.[ch]' | xargs clang-format -i

clean:
	rm -rf build
