#!/usr/bin/env bash
# `make demo`: a fresh demo database with two municipalities and their positions, development
# certificates, then ponte in the foreground on loopback. Ctrl-C stops it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/${1:-build}"
ponte="$build/ponte"
demo="$root/build/demo"
config="$root/config/demo.yaml"
port=8443

[ -x "$ponte" ] || { echo "run-demo: $ponte is missing: run 'make build' first" >&2; exit 1; }
if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
  echo "run-demo: port $port on 127.0.0.1 is in use; stop what listens there (or change node_listener.port in $config)" >&2
  exit 1
fi

rm -rf "$demo"
mkdir -p "$demo"
python3 "$root/config/make-demo-positions.py" "$demo/positions"
"$ponte" migrate --config "$config"
for ec in 80015010723 83000390019; do
  "$ponte" positions import --config "$config" --ec "$ec" --with-status "$demo/positions/$ec.json"
done

python3 - "$root" "$demo" "$port" <<'PY'
import json, sys
root, demo, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
certs = f"{root}/certs/dev"
summary = {
    "broker": "15376371009",
    "stations": [{"id": "15376371009_01", "primitive_version": 2, "segregation_code": "01"},
                 {"id": "15376371009_02", "primitive_version": 1, "segregation_code": "02"}],
    "creditor_institutions": [{"fiscal_code": "80015010723", "name": "Comune di Valbruna",
                               "station": "15376371009_01"},
                              {"fiscal_code": "83000390019", "name": "Comune di Monteverde",
                               "station": "15376371009_02"}],
    "listeners": {"node": f"https://127.0.0.1:{port}/nodo/paForNode"},
    "tls": {"ca": f"{certs}/ca.crt", "node_client_certificate": f"{certs}/node-client.crt",
            "node_client_key": f"{certs}/node-client.key"},
    "database": f"{demo}/ponte.db",
    "notices": json.load(open(f"{demo}/positions/notices.json")),
}
with open(f"{demo}/summary.json", "w") as f:
    json.dump(summary, f, indent=2)
    f.write("\n")
PY

cat <<TXT

ponte demo: two municipalities, $(python3 -c "import json;print(len(json.load(open('$demo/positions/notices.json'))))") notices, summary in build/demo/summary.json

Verify the traffic fine (29.40 within 5 days of notification) over mutual TLS, from another terminal:

  curl --cacert certs/dev/ca.crt --cert certs/dev/node-client.crt --key certs/dev/node-client.key \\
       -H 'Content-Type: text/xml; charset=utf-8' -H 'SOAPAction: "paVerifyPaymentNotice"' \\
       --data-binary @config/demo-verify.xml https://127.0.0.1:$port/nodo/paForNode

TXT
cd "$root"
exec "$ponte" serve --config "$config"
