#!/usr/bin/env bash
# `make test`: every test program of the build, through ctest. Under CI=true the checks against
# the official pagoPA schemas in ../shared are mandatory; elsewhere they are skipped when absent.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/${1:-build}"
if [ ! -d "$root/../shared/spec/pagopa-api" ]; then
  if [ "${CI:-}" = true ]; then
    echo "run-tests: ../shared/spec/pagopa-api is missing, and CI=true requires the official schemas" >&2
    exit 1
  fi
  echo "run-tests: WARNING: ../shared/spec/pagopa-api not found: checks against the official XSD are skipped" >&2
fi
cd "$build"
ctest --output-on-failure --timeout 600 -j "$(nproc)"
