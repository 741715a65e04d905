#!/usr/bin/env bash
# Crash suite: nothing acknowledged is ever lost. Under paSendRTV2 load from ponte-bench, ponte is
# SIGKILLed at a random moment (0.2 to 2 s into the load), restarted, and every receiptId that was
# answered OK (ponte-bench writes each one as its answer arrives) must be in the receipts table
# with its outbox row for the EC's ledger route. Repeated ROUNDS times on the same database.
#   tests/crash/crash-test.sh BUILD_DIR [ROUNDS]      (make crash-test ROUNDS=50)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: crash-test.sh BUILD_DIR [ROUNDS]}" && pwd)
rounds=${2:-5}
ponte="$build/ponte"
bench="$build/ponte-bench"
ec=80015010723
for f in "$ponte" "$bench"; do
  [ -x "$f" ] || { echo "crash-test: $f is missing: build first" >&2; exit 2; }
done

work=$(mktemp -d /tmp/ponte-crash-XXXXXX)
ponte_pid=""
bench_pid=""
waiter_pid=""
cleanup() {
  for pid in $bench_pid $ponte_pid $waiter_pid; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${keep:-0}" = 1 ]; then echo "crash-test: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() {
  echo "crash-test: FAILED: $*" >&2
  echo "--- last lines of the daemon's log:" >&2
  tail -n 20 "$work/ponte.log" >&2 || true
  keep=1
  exit 1
}

# A configuration of our own: the demo's broker, station and ECs, every receipt of the first EC
# routed to one ledger (so each receipt also writes an outbox row), loopback ports of the kernel's
# choice, a database in the work folder.
"$root/certs/make-dev-certs.sh" "$work/certs" >/dev/null
sed -e "s#\"../certs/dev/#\"$work/certs/#g" -e "s#\"../build/demo/ponte.db\"#\"$work/ponte.db\"#" \
    -e 's/port: 8443/port: 0/' -e 's/port: 9464/port: 0/' -e 's/level: info/level: warning/' \
    -e 's/^\(    iban: "IT61X0306909606100000012345"\)$/\1\n    ledger_routes: [books]/' \
    "$root/config/demo.yaml" > "$work/ponte.yaml"
grep -q 'ledger_routes: \[books\]' "$work/ponte.yaml" || fail "could not add the ledger route"
mkdir -p "$work/spool"
printf 'ledgers:\n  - name: books\n    type: spool\n    directory: "%s"\n' "$work/spool" \
  >> "$work/ponte.yaml"
python3 "$root/bench/make-positions.py" "$work/positions" --count 20000 --reads 0 \
  --chunk 20000 --ec "$ec" >/dev/null
"$ponte" migrate --config "$work/ponte.yaml" >/dev/null
"$ponte" positions import --config "$work/ponte.yaml" --ec "$ec" \
  "$work/positions/positions-000.json" >/dev/null

# Starts ponte and waits for READY=1 on a notification socket of our own (bounded: 30 s).
start_ponte() {
  python3 "$root/bench/wait-ready.py" "$work/notify.sock" 30 > "$work/ready" &
  waiter_pid=$!
  for _ in $(seq 300); do [ -S "$work/notify.sock" ] && break; sleep 0.01; done
  NOTIFY_SOCKET="$work/notify.sock" "$ponte" serve --config "$work/ponte.yaml" 2>> "$work/ponte.log" &
  ponte_pid=$!
  wait "$waiter_pid" || fail "ponte did not become ready"
  waiter_pid=""
  read -r _ port < "$work/ready"
}

# Every acknowledged receiptId must have its receipt row, and its delivery to the route: an outbox
# row, or, while its deliveries wait to be queued (past outbox_queued), the route in the row's
# ledger_routes. The outbox has no index on receipt_row (nothing in ponte looks a delivery up by
# its receipt): the IN list is built once, where a join would scan the outbox once per receipt.
check_acknowledged() {
  local result
  result=$(sqlite3 -batch "$work/ponte.db" \
    ".timeout 10000" \
    ".import --schema temp $work/acked.txt acked" \
    "SELECT count(*) || ' ' || count(DISTINCT a.id) || ' ' || sum(NOT EXISTS (
       SELECT 1 FROM receipts r WHERE r.ec = '$ec' AND r.receipt_id = a.id
       AND (r.id IN (SELECT receipt_row FROM outbox WHERE route = 'books')
            OR (r.id > (SELECT receipt_row FROM outbox_queued)
                AND 'books' IN (SELECT value FROM json_each(r.ledger_routes)))))) FROM temp.acked a;") ||
    fail "cannot query $work/ponte.db"
  read -r total distinct missing <<< "$result"
  [ "$total" = "$distinct" ] || fail "a receiptId was acknowledged twice ($total lines, $distinct ids)"
  [ "${missing:-0}" = 0 ] || fail "$missing of $total acknowledged receipts are missing after the crash"
  acked_total=$total
}

# sqlite3's .import takes the first line of the file as the new table's column name.
echo id > "$work/acked.txt"
acked_total=0
pay_start=0
start_ponte
for round in $(seq "$rounds"); do
  before=$(wc -l < "$work/acked.txt")
  # Receipts pay the next unpaid notices; past the last one they are double payments, still OK.
  "$bench" --port "$port" --certs "$work/certs" --scenario sendrtv2 \
    --notices "$work/positions/pay-notices.txt" --pay-start "$pay_start" \
    --receipt-prefix "R${round}x$$-" --connections 16 --seconds 60 --timeout-ms 5000 \
    --receipts-out "$work/acked.txt" > "$work/bench-$round.out" 2>&1 &
  bench_pid=$!
  # The kill must fall under load: wait for the first acknowledgement (bounded), then a random
  # 0.2 to 2 s.
  for _ in $(seq 1000); do [ "$(wc -l < "$work/acked.txt")" -gt "$before" ] && break; sleep 0.01; done
  [ "$(wc -l < "$work/acked.txt")" -gt "$before" ] || fail "round $round: no receipt acknowledged in 10 s"
  delay_ms=$((200 + RANDOM % 1801))
  sleep "$((delay_ms / 1000)).$(printf %03d $((delay_ms % 1000)))"
  kill -KILL "$ponte_pid"
  wait "$ponte_pid" 2>/dev/null || true
  ponte_pid=""
  # SIGTERM, not SIGINT: a background job of a script ignores SIGINT.
  kill -TERM "$bench_pid" 2>/dev/null || true
  wait "$bench_pid" 2>/dev/null || true
  bench_pid=""
  pay_start=$((pay_start + $(wc -l < "$work/acked.txt") - before))

  start_ponte
  check_acknowledged
  echo "crash-test: round $round: killed after ${delay_ms} ms of load, $((pay_start)) receipts" \
       "acknowledged so far, all $acked_total in the database with their deliveries"
done
kill -TERM "$ponte_pid"
wait "$ponte_pid" || fail "ponte did not stop cleanly on SIGTERM"
ponte_pid=""
[ "$(sqlite3 "$work/ponte.db" "PRAGMA quick_check;")" = ok ] || fail "the database is damaged"
echo "crash-test: $rounds rounds, $acked_total acknowledged receipts, none lost"
