#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests: initdb and pg_ctl on a temporary directory,
# listening on a free loopback port, password login for the role `ponte`.
#   postgres_test_server.sh bin             print the folder of the server binaries (exit 1: none)
#   postgres_test_server.sh start [DIR]     create and start a server in DIR (default: a new
#                                           temporary folder); print DIR. DIR/dsn holds the
#                                           connection string, DIR/password the password.
#   postgres_test_server.sh restart DIR     pg_ctl restart -m fast
#   postgres_test_server.sh halt DIR        pg_ctl stop -m fast, keeping DIR
#   postgres_test_server.sh resume DIR      pg_ctl start after halt
#   postgres_test_server.sh stop DIR        stop the server and remove DIR
# As root the server runs as the `postgres` user (initdb refuses root).
set -euo pipefail

bin_dir() {
  if [ -n "${PONTE_PG_BIN:-}" ] && [ -x "$PONTE_PG_BIN/initdb" ]; then
    echo "$PONTE_PG_BIN"
    return 0
  fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
      echo "$d"
      return 0
    fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return 0
  fi
  return 1
}

# Runs a command as the server's owner.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

cmd_start() {
  local bin dir port
  bin=$(bin_dir) || { echo "postgres_test_server: no PostgreSQL server binaries found" >&2; exit 1; }
  dir=${1:-$(mktemp -d "${TMPDIR:-/tmp}/ponte-pg-XXXXXX")}
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
  chmod 700 "$dir"
  head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$dir/pwfile"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir/pwfile"; fi
  as_owner "$bin/initdb" -D "$dir/data" -U ponte --pwfile="$dir/pwfile" -E UTF8 --no-locale \
    --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
  # The port is free when chosen; another process may take it before the server binds it, so
  # a failed start is retried with another one.
  local attempt
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    as_owner tee -a "$dir/data/postgresql.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 300
shared_buffers = 64MB
log_min_messages = warning
deadlock_timeout = 200ms
EOF
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start >/dev/null; then
      cp "$dir/pwfile" "$dir/password"
      echo "host=127.0.0.1 port=$port user=ponte dbname=postgres" >"$dir/dsn"
      echo "$dir"
      return 0
    fi
  done
  cat "$dir/server.log" >&2 || true
  exit 1
}

cmd_restart() {
  local bin
  bin=$(bin_dir)
  as_owner "$bin/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 30 -m fast restart >/dev/null
}

cmd_halt() {
  as_owner "$(bin_dir)/pg_ctl" -D "$1/data" -w -t 30 -m fast stop >/dev/null
}

cmd_resume() {
  as_owner "$(bin_dir)/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 30 start >/dev/null
}

cmd_stop() {
  local bin
  bin=$(bin_dir) || true
  if [ -n "$bin" ] && [ -f "$1/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$1/data" -w -t 30 -m fast stop >/dev/null || true
  fi
  case "$1" in
    */ponte-pg-*) rm -rf "$1" ;;
  esac
}

case "${1:-}" in
  bin) bin_dir ;;
  start) cmd_start "${2:-}" ;;
  restart) cmd_restart "$2" ;;
  halt) cmd_halt "$2" ;;
  resume) cmd_resume "$2" ;;
  stop) cmd_stop "$2" ;;
  *)
    echo "usage: $0 bin | start [DIR] | restart DIR | halt DIR | resume DIR | stop DIR" >&2
    exit 64
    ;;
esac
