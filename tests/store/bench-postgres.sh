#!/usr/bin/env bash
# The node-path figures of ponte on PostgreSQL, beside the same runs on SQLite: verify, getv2 and
# sendrtv2 against one ponte, then against two ponte instances in front of one database (each
# driven by its own ponte-bench, the figures summed). A throw-away PostgreSQL server is started
# (tests/store/postgres_test_server.sh) and removed after.
#   tests/store/bench-postgres.sh [BUILD_DIR] [SECONDS_PER_RUN]
# Environment: BENCH_POSITIONS (default 50000), BENCH_CONNECTIONS (default 16) for verify and
# getv2, BENCH_RECEIPT_CONNECTIONS (default 64) for sendrtv2. Prints a Markdown table and writes
# it to BUILD_DIR/bench-postgres/results.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$root" && cd "${1:-build}" && pwd)
seconds=${2:-5}
warmup=1
positions=${BENCH_POSITIONS:-50000}
connections=${BENCH_CONNECTIONS:-16}
receipt_connections=${BENCH_RECEIPT_CONNECTIONS:-64}
ec=80015010723
work="$build/bench-postgres"
ponte="$build/ponte"
bench="$build/ponte-bench"
pg_server="$root/tests/store/postgres_test_server.sh"
for f in "$ponte" "$bench"; do
  [ -x "$f" ] || { echo "bench-postgres: $f is missing: build the ponte and ponte-bench targets" >&2; exit 2; }
done
rm -rf "$work"
mkdir -p "$work/runs"
say() { echo "bench-postgres: $*" >&2; }

pids=()
pg_dir=""
cleanup() {
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "$pg_dir" ]; then "$pg_server" stop "$pg_dir" || true; fi
}
trap cleanup EXIT
trap "exit 130" INT TERM

"$root/certs/make-dev-certs.sh" "$work/certs" >/dev/null
say "starting a PostgreSQL server"
pg_dir=$("$pg_server" start | tail -n 1)
dsn=$(cat "$pg_dir/dsn")
# The server as a production one would run it: WAL flushed at each commit.
PGPASSWORD=$(cat "$pg_dir/password") psql "$dsn" -qAt -c "SHOW fsync" -c "SHOW synchronous_commit" \
  > "$work/pg-settings"

make_config() {  # ENGINE OUTPUT
  sed -e "s#\"../certs/dev/#\"$work/certs/#g" -e 's/port: 8443/port: 0/' -e 's/port: 9464/port: 0/' \
      -e 's/level: info/level: warning/' "$root/config/demo.yaml" > "$2"
  if [ "$1" = postgres ]; then
    python3 - "$2" "$dsn" "$pg_dir/password" <<'EOF'
import sys
path, dsn, password = sys.argv[1:]
text = open(path).read()
start = text.index("\nstorage:\n")
end = text.index("\nlogging:", start)
block = ("\nstorage:\n  engine: postgres\n  dsn: \"%s\"\n  password_file: \"%s\"\n"
         "  pool:\n    size: 8\n" % (dsn, password))
open(path, "w").write(text[:start] + block + text[end:])
EOF
  else
    sed -i -e "s#\"../build/demo/ponte.db\"#\"$work/ponte.db\"#" "$2"
  fi
}

# Starts ponte on CONFIG and waits for READY=1 on a notification socket of our own (the log
# level is warning, so the ready line is not logged); sets port to the node listener's.
start_ponte() {  # CONFIG LOG
  local socket="$work/notify-$RANDOM.sock"
  python3 "$root/bench/wait-ready.py" "$socket" 120 > "$work/ready" &
  local waiter=$!
  for _ in $(seq 500); do [ -S "$socket" ] && break; sleep 0.01; done
  NOTIFY_SOCKET="$socket" "$ponte" serve --config "$1" > /dev/null 2> "$2" &
  pids+=($!)
  if ! wait "$waiter"; then
    say "ponte did not become ready; its log:"
    tail "$2" >&2
    exit 1
  fi
  port=$(cut -d' ' -f2 "$work/ready")
}

stop_all() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  pids=()
}

# run LABEL SCENARIO CONNECTIONS PAY_START PORT...: one ponte-bench per port, at the same time,
# each with CONNECTIONS connections; the per-port JSON files are summed by the report.
run() {
  local label=$1 scenario=$2 conns=$3 pay_start=$4
  shift 4
  local i=0 port bench_pids=()
  say "$label"
  for port in "$@"; do
    "$bench" --port "$port" --path /nodo/paForNode --certs "$work/certs" --scenario "$scenario" \
      --notices "$work/positions/read-notices.txt" --pay-notices "$work/positions/pay-notices.txt" \
      --pay-start $(( (pay_start + i * pay_count / 2) % pay_count )) --seconds "$seconds" --warmup "$warmup" \
      --connections "$conns" --label "$label-$i" --json "$work/runs/$label-$i.json" \
      >> "$work/runs.txt" &
    bench_pids+=($!)
    i=$((i + 1))
  done
  for pid in "${bench_pids[@]}"; do wait "$pid" || true; done
}

say "making $positions positions"
python3 "$root/bench/make-positions.py" "$work/positions" --count "$positions" --ec "$ec" \
  --reads 10000 >/dev/null
for engine in sqlite postgres; do
  make_config "$engine" "$work/$engine.yaml"
  "$ponte" migrate --config "$work/$engine.yaml" >/dev/null
  say "importing into $engine"
  t0=$EPOCHREALTIME
  for f in "$work/positions"/positions-*.json; do
    "$ponte" positions import --config "$work/$engine.yaml" --ec "$ec" "$f" >/dev/null
  done
  python3 -c "print(round($EPOCHREALTIME - $t0, 1))" > "$work/import-seconds-$engine"
done

# Each engine has its own database: both pay from the first unpaid notice on. The two-instance
# run goes on where the one-instance run stopped, the second instance half the list further.
pay_count=$(wc -l < "$work/positions/pay-notices.txt")
for engine in sqlite postgres; do
  start_ponte "$work/$engine.yaml" "$work/$engine.log"
  run "$engine-1-verify" verify "$connections" 0 "$port"
  run "$engine-1-getv2" getv2 "$connections" 0 "$port"
  run "$engine-1-sendrtv2" sendrtv2 "$receipt_connections" 0 "$port"
  stop_all
done
pay=$(python3 -c "import json; print(json.load(open('$work/runs/postgres-1-sendrtv2-0.json'))['receipts_sent'])")
start_ponte "$work/postgres.yaml" "$work/postgres-a.log"
port_a=$port
start_ponte "$work/postgres.yaml" "$work/postgres-b.log"
port_b=$port
run "postgres-2-verify" verify $((connections / 2)) 0 "$port_a" "$port_b"
run "postgres-2-getv2" getv2 $((connections / 2)) 0 "$port_a" "$port_b"
run "postgres-2-sendrtv2" sendrtv2 $((receipt_connections / 2)) "$pay" "$port_a" "$port_b"
stop_all

python3 - "$work" "$seconds" "$positions" "$connections" "$receipt_connections" <<'EOF'
import glob, json, os, platform, sys
work, seconds, positions, connections, receipt_connections = sys.argv[1:]
def load(label):
    runs = [json.load(open(f)) for f in sorted(glob.glob("%s/runs/%s-*.json" % (work, label)))]
    return runs
names = {"verify": "paVerifyPaymentNotice", "getv2": "paGetPaymentV2, 5 transfers",
         "sendrtv2": "paSendRTV2, durable"}
rows = []
for scenario in ("verify", "getv2", "sendrtv2"):
    for engine, instances in (("sqlite", 1), ("postgres", 1), ("postgres", 2)):
        runs = load("%s-%d-%s" % (engine, instances, scenario))
        if not runs:
            continue
        conns = sum(r.get("connections", 0) for r in runs)
        rate = sum(r["throughput"] for r in runs)
        lat = lambda key: max(r["latency_ms"][key] for r in runs)
        errors = sum(r.get("failed", 0) for r in runs)
        rows.append("| %s | %s | %d | %d | %d | %.2f | %.2f | %.2f | %d |" % (
            names[scenario], engine, instances, conns, rate, lat("p50"), lat("p99"),
            lat("max"), errors))
cpu = "?"
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        cpu = line.split(":", 1)[1].strip()
        break
settings = open(os.path.join(work, "pg-settings")).read().split()
out = []
out.append("%d cores (%s), %s, load average after the runs %s." % (
    os.cpu_count(), cpu, platform.platform(), " ".join(open("/proc/loadavg").read().split()[:3])))
out.append("%s positions (5 transfers each); %s s per run after a 1 s warm-up; PostgreSQL with "
           "fsync=%s, synchronous_commit=%s, on the same machine; pool size 8." % (
               positions, seconds, settings[0], settings[1]))
out.append("Max of p50/p99/max over the instances' load generators when there are two.")
imports = []
for engine in ("sqlite", "postgres"):
    secs = float(open(os.path.join(work, "import-seconds-" + engine)).read())
    imports.append("%s %.0f positions/s" % (engine, int(positions) / secs if secs else 0))
out.append("`ponte positions import` of the positions: " + ", ".join(imports) + ".")
out.append("")
out.append("| run | engine | instances | connections | requests/s | p50 ms | p99 ms | max ms | errors |")
out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
out += rows
text = "\n".join(out) + "\n"
open(os.path.join(work, "results.md"), "w").write(text)
print(text)
EOF
