#!/usr/bin/env bash
# `make test`: every test program of the build, through ctest. Under CI=true the checks against
# the official pagoPA schemas in ../shared and the PostgreSQL tests are mandatory; elsewhere they
# are skipped, with a warning, when the schemas or the server binaries are absent.
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
# One PostgreSQL server for the whole run (the store contract suite runs on it too); tests that
# restart a server start their own. Without the binaries those tests are skipped, loudly, except
# under CI=true.
pg_server="$root/tests/store/postgres_test_server.sh"
if "$pg_server" bin >/dev/null 2>&1; then
  PONTE_TEST_PG_DIR=$("$pg_server" start)
  export PONTE_TEST_PG_DIR
  trap '"$pg_server" stop "$PONTE_TEST_PG_DIR"' EXIT
elif [ "${CI:-}" = true ]; then
  echo "run-tests: PostgreSQL server binaries are missing, and CI=true requires them (make deps)" >&2
  exit 1
else
  echo "run-tests: WARNING: PostgreSQL server binaries not found: the PostgreSQL engine is not tested" >&2
fi
cd "$build"
# PONTE_CTEST_EXCLUDE: a regular expression of test names to leave out (the sanitizer build's).
exclude=()
if [ -n "${PONTE_CTEST_EXCLUDE:-}" ]; then exclude=(-E "$PONTE_CTEST_EXCLUDE"); fi
ctest --output-on-failure --timeout 600 -j "$(nproc)" "${exclude[@]}"
