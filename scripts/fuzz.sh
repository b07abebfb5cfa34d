#!/usr/bin/env bash
# Property-based API fuzzing with schemathesis against a local server (see docs/API.md,
# OpenAPI). Usage: scripts/fuzz.sh [max-examples-per-operation]  (default 250, which makes
# well over 5,000 requests over the documented operations).
# Installs schemathesis into a private virtualenv on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

examples="${1:-250}"
target="${CARGO_TARGET_DIR:-target}"
venv="$target/fuzz-venv"
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet schemathesis
fi

# With `--tests` the build shares its dependency graph with `cargo test` (no rebuild after
# the test suite ran).
cargo build -p pursue-server --tests
data="$(mktemp -d /tmp/pursue-fuzz.XXXXXX)"
chmod 755 "$data"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
log="$data/server.log"
PORT="$port" RATE_LIMITS=off PURSUE_DATA_DIR="$data" LOG_FORMAT=json RUST_LOG=info \
  "$target/debug/pursue-server" serve >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 120); do
  curl -fsS "$base/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "$base/ready" >/dev/null

# A signed-in user so the authenticated routes get past 401.
token="$(curl -fsS -X POST "$base/api/auth/register" -H 'Content-Type: application/json' \
  -d '{"email":"fuzz@example.com","password":"Fuzzing123","display_name":"Fuzz"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"

report="$data/report"
set +e
"$venv/bin/schemathesis" run "$base/api/openapi.json" \
  --url "$base" \
  --header "Authorization: Bearer $token" \
  --checks all \
  --max-examples "$examples" \
  --report junit --report-dir "$report" \
  --workers 2 \
  2>&1 | tee "$data/schemathesis.txt"
status=${PIPESTATUS[0]}
set -e

# The server's own count, from its metrics.
curl -fsS "$base/metrics" | python3 -c '
import sys
total = errors = 0
for line in sys.stdin:
    if line.startswith("http_requests_total{") and "route=\"/metrics\"" not in line:
        value = float(line.rsplit(" ", 1)[1])
        total += value
        if "status=\"5xx\"" in line:
            errors += value
print(f"fuzz: the server answered {int(total)} requests, {int(errors)} with a 5xx status")
'
echo "fuzz: schemathesis exit status $status; output and server log in $data"
exit "$status"
