#!/usr/bin/env bash
# `make bench`: ponte's node interface under load, every figure next to the same run against a
# bare mTLS echo server (ponte's own listener answering a fixed body) on the same machine. Then
# start-up time and memory with 1 000 000 positions stored. Writes bench/results/latest.md and
# latest.json.
#   bench/run-bench.sh [BUILD_DIR] [SECONDS_PER_RUN]
# Then the bulk import (bench/bulk-import.sh; BENCH_BULK=0 skips it) and the PostgreSQL runs
# (tests/store/bench-postgres.sh; BENCH_POSTGRES=0 skips them).
# Environment: BENCH_CONNECTIONS (default 16) for verify, getv2, mix and their echo run;
# BENCH_RECEIPT_CONNECTIONS (default 64) for sendrtv2, whose durable commits are shared by the
# receipts that arrive together, so its throughput grows with the receipts in flight;
# BENCH_ROUNDS (default 5): how many echo/verify/getv2 rounds give those two their ratio;
# BENCH_WEBHOOK_ROUNDS (default 5): how many pairs of sendrtv2 runs without and with webhook
# ledgers give delivery's cost (the pairs are cheap, and a ratio near its target needs them).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$root" && cd "${1:-build}" && pwd)
seconds=${2:-10}
warmup=1
connections=${BENCH_CONNECTIONS:-16}
receipt_connections=${BENCH_RECEIPT_CONNECTIONS:-64}
rounds=${BENCH_ROUNDS:-5}
webhook_rounds=${BENCH_WEBHOOK_ROUNDS:-5}
positions=200000
work="$build/bench-work"  # ($build/bench is CMake's folder for bench/)
big="$build/bench-1m"
bench="$build/ponte-bench"
ponte="$build/ponte"
ec=80015010723
for f in "$ponte" "$bench"; do
  [ -x "$f" ] || { echo "run-bench: $f is missing: run make build first" >&2; exit 2; }
done
rm -rf "$work"
mkdir -p "$work" "$work/runs"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

ponte_pid=""
echo_pid=""
sampler_pid=""
cleanup() {
  for pid in $sampler_pid $echo_pid $ponte_pid; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
say() { echo "run-bench: $*" >&2; }

"$root/certs/make-dev-certs.sh" "$work/certs" >/dev/null

# A configuration like the demo's (broker, stations, ECs), with its own database and loopback
# ports of the kernel's choice. Log level warning: the audit journal in the database already
# records every interaction, and one log line per request is an operator's choice.
make_config() {  # DATABASE OUTPUT
  sed -e "s#\"../certs/dev/#\"$work/certs/#g" -e "s#\"../build/demo/ponte.db\"#\"$1\"#" \
      -e 's/port: 8443/port: 0/' -e 's/port: 9464/port: 0/' -e 's/level: info/level: warning/' \
      "$root/config/demo.yaml" > "$2"
}

import_positions() {  # CONFIG DIR
  "$ponte" migrate --config "$1" >/dev/null
  for f in "$2"/positions-*.json; do
    "$ponte" positions import --config "$1" --ec "$ec" "$f" >/dev/null
  done
}

# Starts ponte on CONFIG and waits for READY=1 on a notification socket of our own; sets
# ponte_pid, port and ready_ms (from the exec to READY=1).
start_ponte() {  # CONFIG LOG
  python3 "$root/bench/wait-ready.py" "$work/notify.sock" 120 > "$work/ready" &
  local waiter=$!
  for _ in $(seq 500); do [ -S "$work/notify.sock" ] && break; sleep 0.01; done
  local t0=$EPOCHREALTIME
  NOTIFY_SOCKET="$work/notify.sock" "$ponte" serve --config "$1" 2>> "$2" &
  ponte_pid=$!
  wait "$waiter" || { say "ponte did not become ready; its log:"; tail "$2" >&2; exit 1; }
  local t1
  read -r t1 port < "$work/ready"
  ready_ms=$(python3 -c "print(round(($t1 - $t0) * 1000, 1))")
}

stop_ponte() {
  kill -TERM "$ponte_pid"
  wait "$ponte_pid" || true
  ponte_pid=""
}

# Samples the resident memory of PID every 100 ms, keeping the largest value (KiB) in FILE.
start_sampler() {  # PID FILE
  python3 "$root/bench/sample-rss.py" "$1" "$2" &
  sampler_pid=$!
}
stop_sampler() {
  kill "$sampler_pid" 2>/dev/null || true
  wait "$sampler_pid" 2>/dev/null || true
  sampler_pid=""
}

run() {  # LABEL PORT SCENARIO NOTICES_DIR [ponte-bench options...]
  local label=$1 port=$2 scenario=$3 dir=$4
  shift 4
  say "$label"
  "$bench" --port "$port" --certs "$work/certs" --scenario "$scenario" \
    --notices "$dir/read-notices.txt" --pay-notices "$dir/pay-notices.txt" \
    --seconds "$seconds" --warmup "$warmup" --label "$label" \
    --json "$work/runs/$label.json" "$@" | tee -a "$work/runs.txt"
}
throughput_of() { python3 -c "import json; print(int(json.load(open('$work/runs/$1.json'))['throughput']))"; }
paid_in() { python3 -c "import json; print(json.load(open('$work/runs/$1.json'))['receipts_sent'])"; }

# The positions of the standard runs: the first 10 000 notices are read (verify, getv2), the
# others are paid by receipts, each notice at most once.
say "making $positions positions"
python3 "$root/bench/make-positions.py" "$work/positions" --count "$positions" --ec "$ec" >/dev/null
make_config "$work/ponte.db" "$work/ponte.yaml"
import_positions "$work/ponte.yaml" "$work/positions"
# Kept as imported, for the paired webhook rounds (each starts from a copy of it).
cp "$work/ponte.db" "$work/pristine.db"
[ ! -e "$work/ponte.db-wal" ] || cp "$work/ponte.db-wal" "$work/pristine.db-wal"

# The transport limit, at both connection counts.
"$bench" --echo-server --port 0 --certs "$work/certs" > "$work/echo.out" &
echo_pid=$!
for _ in $(seq 500); do grep -q listening "$work/echo.out" 2>/dev/null && break; sleep 0.01; done
echo_port=$(sed -n 's/.* listening on [^ ]*:\([0-9]*\) .*/\1/p' "$work/echo.out")
run echo "$echo_port" verify "$work/positions" --connections "$connections"
run echo-receipt-connections "$echo_port" verify "$work/positions" --connections "$receipt_connections"
kill -TERM "$echo_pid"
wait "$echo_pid" || true
echo_pid=""

start_ponte "$work/ponte.yaml" "$work/ponte.log"
ready_ms_standard=$ready_ms
start_sampler "$ponte_pid" "$work/rss-standard"
pay_start=0
# verify and getv2 in rounds, each right after an echo run: a shared machine's speed drifts
# within a run, so each ratio is taken against the echo server measured a moment before it, and
# the report gives the round with the median ratio. The idle server of the pair costs nothing.
"$bench" --echo-server --port 0 --certs "$work/certs" > "$work/echo-rounds.out" &
echo_pid=$!
for _ in $(seq 500); do grep -q listening "$work/echo-rounds.out" 2>/dev/null && break; sleep 0.01; done
rounds_port=$(sed -n 's/.* listening on [^ ]*:\([0-9]*\) .*/\1/p' "$work/echo-rounds.out")
for round in $(seq "$rounds"); do
  run "echo.$round" "$rounds_port" verify "$work/positions" --connections "$connections"
  run "verify.$round" "$port" verify "$work/positions" --connections "$connections"
  run "getv2.$round" "$port" getv2 "$work/positions" --connections "$connections"
done
kill -TERM "$echo_pid"
wait "$echo_pid" || true
echo_pid=""
median_round=$(python3 -c "
import json
def tp(n): return json.load(open('$work/runs/' + n + '.json'))['throughput']
r = sorted(range(1, $rounds + 1), key=lambda k: tp('verify.%d' % k) / tp('echo.%d' % k))
print('verify.%d' % r[len(r) // 2])")
run sendrtv2 "$port" sendrtv2 "$work/positions" --connections "$receipt_connections" --pay-start "$pay_start"
pay_start=$((pay_start + $(paid_in sendrtv2)))
run mix "$port" mix "$work/positions" --connections "$connections" --pay-start "$pay_start"
pay_start=$((pay_start + $(paid_in mix)))
# Latency at half the maximum rate, open loop: what a node sending steadily would see.
run verify-half "$port" verify "$work/positions" --connections "$connections" \
  --rate $(( $(throughput_of "$median_round") / 2 ))
run sendrtv2-half "$port" sendrtv2 "$work/positions" --connections "$receipt_connections" \
  --rate $(( $(throughput_of sendrtv2) / 2 )) --pay-start "$pay_start"
stop_sampler
stop_ponte

# The same receipts without and with two webhook ledgers (two routes of the EC, both served by
# an echo server over mutual TLS): delivery must not slow the node path. In rounds, each pair
# one run after the other (the order alternates), each run on a fresh copy of the imported
# database: both see the same positions and notices and start with an empty outbox, and the
# report gives the median round's ratio.
"$bench" --echo-server --port 0 --certs "$work/certs" > "$work/echo-ledger.out" &
echo_pid=$!
for _ in $(seq 500); do grep -q listening "$work/echo-ledger.out" 2>/dev/null && break; sleep 0.01; done
ledger_port=$(sed -n 's/.* listening on [^ ]*:\([0-9]*\) .*/\1/p' "$work/echo-ledger.out")
echo "bench-webhook-secret" > "$work/webhook.secret"
make_config "$work/pair.db" "$work/ponte-receipts.yaml"
sed -e 's/^\(    iban: "IT61X0306909606100000012345"\)$/\1\n    ledger_routes: [books, treasury]/' \
  "$work/ponte-receipts.yaml" > "$work/ponte-webhooks.yaml"
{
  echo "ledgers:"
  for route in books treasury; do
    echo "  - name: $route"
    echo "    type: webhook"
    echo "    url: \"https://localhost:$ledger_port/$route\""
    echo "    secret_file: \"$work/webhook.secret\""
    echo "    client_certificate: \"$work/certs/node-client.crt\""
    echo "    client_key: \"$work/certs/node-client.key\""
    echo "    ca_file: \"$work/certs/ca.crt\""
  done
} >> "$work/ponte-webhooks.yaml"
grep -q 'ledger_routes: \[books, treasury\]' "$work/ponte-webhooks.yaml" ||
  { say "could not add the ledger routes"; exit 1; }
for round in $(seq "$webhook_rounds"); do
  kinds="receipts webhooks"
  [ $((round % 2)) = 0 ] && kinds="webhooks receipts"
  for kind in $kinds; do
    rm -f "$work/pair.db" "$work/pair.db-wal" "$work/pair.db-shm"
    cp "$work/pristine.db" "$work/pair.db"
    [ ! -e "$work/pristine.db-wal" ] || cp "$work/pristine.db-wal" "$work/pair.db-wal"
    sync  # the copy's writeback would otherwise compete with the run's fsyncs
    start_ponte "$work/ponte-$kind.yaml" "$work/ponte-$kind.log"
    run "$kind.$round" "$port" sendrtv2 "$work/positions" --connections "$receipt_connections" \
      --pay-start 0
    stop_ponte
  done
done
kill -TERM "$echo_pid"
wait "$echo_pid" || true
echo_pid=""
rm -f "$work"/pair.db* "$work"/pristine.db*

# 1 000 000 positions, imported once in chunks and kept in build/bench-1m between runs.
if [ ! -f "$big/complete" ]; then
  say "making the 1 000 000-position database in $big (once)"
  rm -rf "$big"
  mkdir -p "$big"
  python3 "$root/bench/make-positions.py" "$big/positions" --count 1000000 --ec "$ec" >/dev/null
  make_config "$big/ponte.db" "$big/ponte.yaml"
  import_positions "$big/ponte.yaml" "$big/positions"
  rm -f "$big"/positions/positions-*.json
  echo 0 > "$big/pay-cursor"
  touch "$big/complete"
fi
make_config "$big/ponte.db" "$work/ponte-1m.yaml"
big_ready=()
for _ in 1 2 3; do
  start_ponte "$work/ponte-1m.yaml" "$work/ponte-1m.log"
  big_ready+=("$ready_ms")
  stop_ponte
done
start_ponte "$work/ponte-1m.yaml" "$work/ponte-1m.log"
idle_kib_1m=$(awk '/^VmRSS/ {print $2}' "/proc/$ponte_pid/status")
start_sampler "$ponte_pid" "$work/rss-1m"
pay_start=$(cat "$big/pay-cursor")
run verify-1m "$port" verify "$big/positions" --connections "$connections"
run mix-1m "$port" mix "$big/positions" --connections "$connections" --pay-start "$pay_start"
echo $((pay_start + $(paid_in mix-1m))) > "$big/pay-cursor"
stop_sampler
hwm_kib_1m=$(awk '/^VmHWM/ {print $2}' "/proc/$ponte_pid/status")
stop_ponte

mkdir -p "$root/bench/results"
python3 "$root/bench/write-report.py" "$root" "$work" \
  "connections=$connections" "receipt_connections=$receipt_connections" "seconds=$seconds" \
  "warmup=$warmup" "positions=$positions" "ready_ms_standard=$ready_ms_standard" \
  "ready_ms_1m=${big_ready[*]}" "rss_kib_standard=$(cat "$work/rss-standard")" \
  "rss_kib_1m=$(cat "$work/rss-1m")" "hwm_kib_1m=$hwm_kib_1m" "idle_kib_1m=$idle_kib_1m" \
  "db_bytes_1m=$(stat -c %s "$big/ponte.db")" "load_before=$load_before" \
  "load_after=$(cut -d' ' -f1-3 /proc/loadavg)"

# The bulk import of 1 000 000 positions (1% bad lines), by the CLI and over HTTP.
if [ "${BENCH_BULK:-1}" = 1 ]; then
  say "bulk import of ${BENCH_BULK_POSITIONS:-1000000} positions"
  "$root/bench/bulk-import.sh" "$build" "${BENCH_BULK_POSITIONS:-1000000}" > "$work/bulk.txt"
  { echo; echo "## Bulk import"; echo; echo '```'; cat "$work/bulk.txt"; echo '```'; } \
    >> "$root/bench/results/latest.md"
fi
# The node path on PostgreSQL, one and two instances (when the server binaries are installed).
if [ "${BENCH_POSTGRES:-1}" = 1 ] && "$root/tests/store/postgres_test_server.sh" bin >/dev/null 2>&1; then
  say "PostgreSQL runs"
  BENCH_POSITIONS=20000 "$root/tests/store/bench-postgres.sh" "$build" "$seconds" >/dev/null
  { echo; echo "## PostgreSQL"; echo; cat "$build/bench-postgres/results.md"; } \
    >> "$root/bench/results/latest.md"
fi
cat "$root/bench/results/latest.md"
