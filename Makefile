# Thin wrapper over CMake. `make demo` and `make test` work on a fresh Debian 12 machine as root.
BUILD   ?= build
JOBS    ?= $(shell nproc)
CMAKE_FLAGS ?=

# Debian 12 packages needed to build, test and run the demo.
PACKAGES := build-essential cmake ninja-build ccache pkg-config git openssl \
  gsoap libgsoap-dev libboost-dev libboost-system-dev libssl-dev libyaml-cpp-dev catch2 \
  libcurl4-openssl-dev libsqlite3-dev sqlite3 libxml2-dev libxml2-utils nlohmann-json3-dev \
  libpq-dev postgresql curl python3 systemd dpkg-dev file

# Clang and libFuzzer for the sanitizer build and the fuzz targets.
SANITIZE_PACKAGES := clang-14 libfuzzer-14-dev
SANITIZE_BUILD ?= build-sanitize
# Seconds each fuzz target runs in `make fuzz` (and in `make test`).
SECONDS ?= 60

.PHONY: all deps sanitize-deps build test check sanitize fuzz demo clean certs package bench crash-test

all: build

deps:
	@$(MAKE) --no-print-directory install-packages WANT="$(PACKAGES)"

sanitize-deps: deps
	@$(MAKE) --no-print-directory install-packages WANT="$(SANITIZE_PACKAGES)"

.PHONY: install-packages
install-packages:
	@missing=$$(for p in $(WANT); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing:" $$missing; \
	  if [ "$$(id -u)" != 0 ]; then echo "make deps: run as root to install packages" >&2; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER_LAUNCHER=ccache $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

certs: deps
	certs/make-dev-certs.sh certs/dev

# Every test: the suite on the release build, then the sanitizer build's subset, then each fuzz
# target for SECONDS. `make check` runs the first part alone.
test: check sanitize fuzz

check: build certs
	tests/run-tests.sh $(BUILD)

$(SANITIZE_BUILD)/build.ninja:
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(SANITIZE_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
	  -DPONTE_SANITIZE=ON -DPONTE_FUZZ=ON $(CMAKE_FLAGS)

# AddressSanitizer and UndefinedBehaviorSanitizer (Clang): the unit and end-to-end tests. Left
# out, and not compiled there: the crash, hostile and packaging suites (memory bounds and timings
# do not hold under the sanitizers) and the fuzz replays (`make fuzz` runs those targets).
sanitize: sanitize-deps $(SANITIZE_BUILD)/build.ninja certs
	cmake --build $(SANITIZE_BUILD) -j $(JOBS)
	PONTE_CTEST_EXCLUDE='^(crash|hostile|fuzz):|^deb_package|_NOT_BUILT' tests/run-tests.sh $(SANITIZE_BUILD)

# Each libFuzzer target for SECONDS (fuzz/run-fuzzers.sh).
fuzz: sanitize-deps $(SANITIZE_BUILD)/build.ninja
	cmake --build $(SANITIZE_BUILD) -j $(JOBS) --target fuzz_soap_decode fuzz_http_request \
	  fuzz_config fuzz_notice_number fuzz_gpd_json
	fuzz/run-fuzzers.sh $(SANITIZE_BUILD) $(SECONDS)

demo: build certs
	config/run-demo.sh $(BUILD)

# The benchmark report (bench/results/latest.md); BENCH_SECONDS per run, default 10.
bench: build
	bench/run-bench.sh $(BUILD) $(or $(BENCH_SECONDS),10)

# The crash suite alone, ROUNDS times (make test runs 5).
crash-test: build
	tests/crash/crash-test.sh $(BUILD) $(or $(ROUNDS),50)

package: build
	cd $(BUILD) && cpack -G DEB

clean:
	rm -rf $(BUILD) $(SANITIZE_BUILD)
