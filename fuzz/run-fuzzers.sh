#!/usr/bin/env bash
# Runs every libFuzzer target of a PONTE_FUZZ build for SECONDS each, two at a time, from its
# committed corpus (fuzz/corpus/<name>, plus the project files it takes as seeds). New inputs go to
# a scratch corpus; `fuzz/run-fuzzers.sh BUILD SECONDS --merge` folds them back into fuzz/corpus,
# minimised. A crash, leak, timeout or out-of-memory fails the run and leaves the input in
# BUILD/fuzz/findings/<name>/: add it to fuzz/regressions/<name>/ once fixed, so it is replayed by
# every `make test` from then on.
#   fuzz/run-fuzzers.sh BUILD_DIR [SECONDS] [--merge]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: run-fuzzers.sh BUILD_DIR [SECONDS] [--merge]}" && pwd)
seconds=${2:-60}
merge=${3:-}
targets=(soap_decode http_request config notice_number gpd_json)

seeds_of() {
  case "$1" in
    soap_decode) echo "$root/tests/golden" ;;
    config) echo "$root/config $root/tests/ops" ;;
  esac
}

run_one() {
  local name=$1 binary="$build/fuzz/fuzz_$1"
  local scratch="$build/fuzz/scratch/$name" findings="$build/fuzz/findings/$name"
  [ -x "$binary" ] || { echo "fuzz: $binary is missing (a PONTE_FUZZ build)" >&2; return 2; }
  mkdir -p "$scratch" "$findings"
  local inputs=("$root/fuzz/corpus/$name")
  [ -d "$root/fuzz/regressions/$name" ] && inputs+=("$root/fuzz/regressions/$name")
  # shellcheck disable=SC2207
  inputs+=($(seeds_of "$name"))
  local log="$build/fuzz/$name.log"
  if ASAN_OPTIONS=detect_leaks=1 "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$findings/" "$scratch" "${inputs[@]}" \
      > "$log" 2>&1; then
    local runs
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    echo "fuzz: $name: $runs runs in ${seconds} s, no finding"
  else
    echo "fuzz: $name: FINDING, see $log and $findings/" >&2
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -5 >&2 || true
    return 1
  fi
  if [ "$merge" = --merge ]; then
    "$binary" -merge=1 -max_len=65536 "$root/fuzz/corpus/$name" "$scratch" > /dev/null 2>&1
  fi
}

# Two at a time: a core each on a two-core machine.
failed=0
pids=()
for name in "${targets[@]}"; do
  run_one "$name" & pids+=($!)
  if [ "${#pids[@]}" -ge 2 ]; then
    wait "${pids[0]}" || failed=1
    pids=("${pids[@]:1}")
  fi
done
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
[ "$failed" = 0 ] || { echo "fuzz: a target found a problem (see above)" >&2; exit 1; }
echo "fuzz: ${#targets[@]} targets, ${seconds} s each, no finding"
