#!/usr/bin/env bash
# `just bench`: builds the release server and the harness, starts the server on a fresh
# embedded database with rate limits off on a free loopback port, runs pursue-bench against
# it, and stops it. Loopback only; bounded in time (every step has a limit); not part of CI.
# Extra arguments go to pursue-bench (e.g. `--duration 5 --storm 0`). See docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."

LIMIT_SECS="${BENCH_LIMIT_SECS:-840}" # the whole run stops by itself after 14 minutes
# BENCH_NO_BUILD=1 reuses release binaries built earlier.
[ -n "${BENCH_NO_BUILD:-}" ] || cargo build --release -p pursue-server -p pursue-bench
target="${CARGO_TARGET_DIR:-target}/release"

data="$(mktemp -d /var/tmp/pursue-bench.XXXXXX)"
chmod 755 "$data" # the embedded cluster runs as the postgres user when started by root
log="$data/server.log"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$data"
}
trap cleanup EXIT INT TERM

HOST=127.0.0.1 PORT=0 RATE_LIMITS=off PURSUE_DATA_DIR="$data" LOG_FORMAT=json \
  RUST_LOG="${RUST_LOG:-warn,pursue_server=info}" SHUTDOWN_DELAY_SECS=0 \
  "$target/pursue-server" serve >"$log" 2>&1 &
server_pid=$!

address=""
for _ in $(seq 1 600); do
  address="$(grep -o '"address":"127\.0\.0\.1:[0-9]*"' "$log" 2>/dev/null | head -1 | cut -d'"' -f4 || true)"
  [ -n "$address" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$address" ] || { echo "the server did not start listening" >&2; cat "$log" >&2; exit 1; }

# The embedded cluster's URL, for the pgbench ceiling.
pg_args=()
pidfile="$(find "$data" -name postmaster.pid | head -1)"
pwfile="$(find "$data" -name postgres.password | head -1)"
if [ -n "$pidfile" ] && [ -n "$pwfile" ]; then
  pg_port="$(sed -n 4p "$pidfile")"
  pg_args=(--pg-url "postgres://postgres:$(head -1 "$pwfile")@127.0.0.1:${pg_port}/pursue")
fi

echo "server pid $server_pid on http://$address" >&2
timeout --signal=INT "$LIMIT_SECS" "$target/pursue-bench" "http://$address" \
  --pid "$server_pid" "${pg_args[@]}" "$@"
