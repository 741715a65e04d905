# Thin wrapper over CMake. `make demo` and `make test` work on a fresh Debian 12 machine as root.
BUILD   ?= build
JOBS    ?= $(shell nproc)
CMAKE_FLAGS ?=

# Debian 12 packages needed to build, test and run the demo.
PACKAGES := build-essential cmake ninja-build ccache pkg-config git openssl \
  gsoap libgsoap-dev libboost-dev libboost-system-dev libssl-dev libyaml-cpp-dev catch2 \
  libcurl4-openssl-dev libsqlite3-dev sqlite3 libxml2-dev libxml2-utils nlohmann-json3-dev \
  libpq-dev postgresql curl python3 systemd dpkg-dev file

.PHONY: all deps build test demo clean certs package bench crash-test

all: build

deps:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
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

test: build certs
	tests/run-tests.sh $(BUILD)

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
	rm -rf $(BUILD)
