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
# Google stand-ins (scripts/fuzz_fakes.py): ID tokens are checked against an empty key
# set and Play purchases against an API that knows no token, so both answer their
# documented 4xx instead of 503 "not configured".
fakes_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
python3 scripts/fuzz_fakes.py "$fakes_port" &
fakes=$!
fakes_url="http://127.0.0.1:$fakes_port"
openssl genrsa -out "$data/play.pem" 2048 2>/dev/null
python3 -c '
import json, sys
key = open(sys.argv[1]).read()
print(json.dumps({"type": "service_account", "client_email": "fuzz@example.com",
                  "private_key_id": "fuzz", "private_key": key, "token_uri": sys.argv[2]}))
' "$data/play.pem" "$fakes_url/token" >"$data/play.json"
PORT="$port" RATE_LIMITS=off PURSUE_DATA_DIR="$data" LOG_FORMAT=json RUST_LOG=info \
  GOOGLE_CLIENT_ID=fuzz.apps.example GOOGLE_JWKS_URL="$fakes_url/keys.json" \
  GOOGLE_PLAY_API_BASE_URL="$fakes_url" GOOGLE_PLAY_SERVICE_ACCOUNT="$data/play.json" \
  "$target/debug/pursue-server" serve >"$log" 2>&1 &
server=$!
trap 'kill "$server" "$fakes" 2>/dev/null; wait "$server" "$fakes" 2>/dev/null || true' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 120); do
  curl -fsS "$base/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "$base/ready" >/dev/null

# A signed-in user so the authenticated routes get past 401.
token="$(curl -fsS -X POST "$base/api/auth/register" -H 'Content-Type: application/json' \
  -d '{"email":"fuzz@example.com","password":"Fuzzing123","display_name":"Fuzz","date_of_birth":"1990-01-01","consent_agreed":true}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"

report="$data/report"
# `unsupported_method` is left out: an undocumented method answers 404 ROUTE_NOT_FOUND, not
# 405 (see docs/API.md, Unknown routes). scripts/fuzz.toml lists the operations whose 400
# depends on stored state, the clock or an outside service. `DELETE /api/users/me` runs
# last, on its own: once it deletes the account every other call would only get 401.
run() {
  "$venv/bin/schemathesis" --config-file scripts/fuzz.toml run "$base/api/openapi.json" \
    --url "$base" \
    --header "Authorization: Bearer $token" \
    --checks all \
    --exclude-checks unsupported_method \
    --max-examples "$examples" \
    --report junit --report-dir "$report" \
    --workers 2 \
    "$@"
}
set +e
run --exclude-name "DELETE /api/users/me" 2>&1 | tee "$data/schemathesis.txt"
status=${PIPESTATUS[0]}
run --include-name "DELETE /api/users/me" 2>&1 | tee -a "$data/schemathesis.txt"
last=${PIPESTATUS[0]}
[ "$status" -ne 0 ] || status=$last
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
