#!/usr/bin/env bash
# Layer check (docs/ARCHITECTURE.md): the inner crates must not reach a web framework, a
# database driver, an HTTP client or the tokio runtime through their normal dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

inner=(pursue-domain pursue-ports pursue-app)
forbidden=(diesel diesel-async diesel_migrations tokio-postgres actix-web actix-rt actix-server reqwest hyper tokio)
status=0
for crate in "${inner[@]}"; do
  for dep in "${forbidden[@]}"; do
    # `cargo tree -i` prints the inverse tree when $dep is reachable from $crate and
    # nothing otherwise; an unknown package id is an error we ignore (not in the graph).
    out=$(cargo tree -q -e normal -p "$crate" -i "$dep" 2>/dev/null || true)
    if [ -n "$out" ]; then
      echo "layer violation: $crate depends on $dep:" >&2
      echo "$out" | sed 's/^/    /' >&2
      status=1
    fi
  done
done
# The runtime (composition root) must not reach the web framework.
for dep in actix-web actix-http; do
  out=$(cargo tree -q -e normal -p pursue-runtime -i "$dep" 2>/dev/null || true)
  if [ -n "$out" ]; then
    echo "layer violation: pursue-runtime depends on $dep:" >&2
    echo "$out" | sed 's/^/    /' >&2
    status=1
  fi
done

# Test support points inward: no adapter's dev-dependencies (nor the test kit) reach the
# HTTP server.
for crate in pursue-testkit pursue-fcm pursue-google pursue-objectstore pursue-postgres pursue-play; do
  out=$(cargo tree -q -e normal,dev -p "$crate" -i pursue-server 2>/dev/null || true)
  if [ -n "$out" ]; then
    echo "layer violation: $crate (with its dev-dependencies) depends on pursue-server:" >&2
    echo "$out" | sed 's/^/    /' >&2
    status=1
  fi
done

if [ "$status" -eq 0 ]; then
  echo "layers: ${inner[*]} are free of ${forbidden[*]};" \
    "pursue-runtime is free of actix; no adapter's tests reach pursue-server"
fi
exit "$status"
