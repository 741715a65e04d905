#!/usr/bin/env bash
# Checks systemd/ponte.service with `systemd-analyze verify`, which exits 0 even on settings it
# cannot parse: any line it prints is a failure. The unit's /usr/bin/ponte is pointed at the
# built binary so the check does not depend on an installation.
set -euo pipefail
unit=$1
binary=$2
command -v systemd-analyze >/dev/null || { echo "verify-unit: systemd-analyze not found (apt-get install systemd)"; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed "s#/usr/bin/ponte#$binary#g" "$unit" > "$dir/ponte.service"
out=$(systemd-analyze verify "$dir/ponte.service" 2>&1) || { echo "$out"; exit 1; }
if [ -n "$out" ]; then
  echo "$out"
  exit 1
fi
echo "ponte.service: systemd-analyze verify printed nothing"
