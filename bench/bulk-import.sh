#!/usr/bin/env bash
# Bulk import benchmark: POSITIONS generated debt positions (default 1 000 000) as NDJSON with
# 1% bad lines (a wrong IBAN), loaded twice into a fresh SQLite database: once with
# `ponte positions import` (the CLI), once POSTed to /organizations/{ec}/debtpositions/bulk of a
# running `ponte serve`. Prints, for each: the time, what was stored and rejected, and the peak
# RSS of the process doing the import.
#   bench/bulk-import.sh [BUILD_DIR] [POSITIONS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$root" && cd "${1:-build}" && pwd)
count=${2:-1000000}
ponte="$build/ponte"
work="$build/bench-bulk"
ec=80015010723
key=bench-bulk-key
[ -x "$ponte" ] || { echo "bulk-import: $ponte is missing: build the ponte target first" >&2; exit 2; }
rm -rf "$work"
mkdir -p "$work"
say() { echo "bulk-import: $*" >&2; }

ponte_pid=""
cleanup() {
  if [ -n "$ponte_pid" ]; then kill -KILL "$ponte_pid" 2>/dev/null || true; fi
  wait 2>/dev/null || true
}
trap cleanup EXIT

"$root/certs/make-dev-certs.sh" "$work/certs" >/dev/null

make_config() {  # DATABASE OUTPUT
  sed -e "s#\"../certs/dev/#\"$work/certs/#g" -e "s#\"../build/demo/ponte.db\"#\"$1\"#" \
      -e 's/port: 8443/port: 0/' -e 's/port: 9464/port: 0/' -e 's/level: info/level: warning/' \
      "$root/config/demo.yaml" > "$2"
  cat >> "$2" <<YAML

api_listener:
  enabled: true
  port: 0
  tls:
    certificate: "$work/certs/server.crt"
    private_key: "$work/certs/server.key"
  timeouts_ms:
    read_body: 300000
    write: 300000
  limits:
    max_bulk_bytes: 4294967296
  intermediary_keys:
    - name: bench
      sha256: "$(printf %s "$key" | sha256sum | cut -d' ' -f1)"
      creditor_institutions: ["$ec"]
YAML
}

say "writing $count positions (1% bad) to $work/positions.ndjson"
python3 - "$work/positions.ndjson" "$count" <<'PY'
import json, sys
out, count = sys.argv[1], int(sys.argv[2])
with open(out, "w") as f:
    for i in range(count):
        base = "%013d" % (4000000000000 + i)
        iuv = "01" + base + "%02d" % (int("301" + base) % 93)
        iban = "IT61X0306909606100000012345" if i % 100 != 50 else "IT00X0306909606100000012345"
        p = {"iupd": "BULK-%07d" % i, "type": "F", "fiscalCode": "RSSMRA80A01H501U",
             "fullName": "Mario Rossi", "companyName": "Comune di Valbruna",
             "switchToExpired": False,
             "paymentOption": [{"iuv": iuv, "amount": 10000, "description": "TARI 2099",
                                "isPartialPayment": False, "dueDate": "2099-12-31T23:59:59",
                                "transfer": [
                                    {"idTransfer": "1", "amount": 8000, "category": "9/0101100IM/",
                                     "remittanceInformation": "TARI", "iban": iban},
                                    {"idTransfer": "2", "amount": 2000, "category": "9/0301109AP/",
                                     "remittanceInformation": "TEFA",
                                     "organizationFiscalCode": "80011470731",
                                     "iban": "IT38C0200805364000101010101"}]}]}
        f.write(json.dumps(p, separators=(",", ":")) + "\n")
PY
size_mb=$(( $(stat -c %s "$work/positions.ndjson") / 1048576 ))

# 1. The CLI.
make_config "$work/cli.db" "$work/cli.yaml"
"$ponte" migrate --config "$work/cli.yaml" >/dev/null
say "ponte positions import ($size_mb MiB)"
start=$(date +%s.%N)
set +e
/usr/bin/time -f "%M" -o "$work/cli.rss" "$ponte" positions import --config "$work/cli.yaml" \
  --ec "$ec" "$work/positions.ndjson" > "$work/cli.out" 2> "$work/cli.err"
status=$?
set -e
end=$(date +%s.%N)
[ "$status" = 0 ] || [ "$status" = 65 ] || { cat "$work/cli.err" >&2; exit 1; }
cli_seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
cli_rss_mb=$(( $(tail -1 "$work/cli.rss") / 1024 ))
cli_reported=$(grep -c ": paymentOption\[0\].transfer\[0\].iban" "$work/cli.err" || true)

# 2. The HTTP route of a running daemon.
make_config "$work/http.db" "$work/http.yaml"
sed -i 's/level: warning/level: info/' "$work/http.yaml"  # ponte.ready names the API's port
"$ponte" migrate --config "$work/http.yaml" >/dev/null
"$ponte" serve --config "$work/http.yaml" 2> "$work/serve.log" &
ponte_pid=$!
port=""
for _ in $(seq 1 200); do
  port=$(grep -o 'api_listener=127.0.0.1:[0-9]*' "$work/serve.log" | head -1 | cut -d: -f2 || true)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$work/serve.log" >&2; exit 1; }
rss_before=$(awk '/VmRSS/ {print $2}' "/proc/$ponte_pid/status")
say "POST .../debtpositions/bulk ($size_mb MiB) to ponte serve on port $port"
start=$(date +%s.%N)
http_status=$(curl -sS --cacert "$work/certs/ca.crt" -o "$work/http-report.json" -w '%{http_code}' \
  -H "Ocp-Apim-Subscription-Key: $key" -H 'Content-Type: application/x-ndjson' \
  --data-binary @"$work/positions.ndjson" \
  "https://localhost:$port/organizations/$ec/debtpositions/bulk")
end=$(date +%s.%N)
http_seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
http_rss_mb=$(( $(awk '/VmHWM/ {print $2}' "/proc/$ponte_pid/status") / 1024 ))
kill -TERM "$ponte_pid"
wait "$ponte_pid" || true
ponte_pid=""
[ "$http_status" = 200 ] || { echo "bulk-import: HTTP $http_status"; cat "$work/http-report.json"; exit 1; }
http_counts=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("%d created, %d rejected, %d rejections reported" % (r["created"], r["rejected"], len(r["rejections"])))' "$work/http-report.json")

echo "positions: $count in $size_mb MiB of NDJSON, 1% bad"
echo "cli:  $(tail -1 "$work/cli.out"); $cli_reported bad lines reported"
echo "cli:  ${cli_seconds}s, peak RSS ${cli_rss_mb} MiB"
echo "http: $http_counts"
echo "http: ${http_seconds}s, peak RSS of ponte serve ${http_rss_mb} MiB (${rss_before} KiB before)"
