# Pursue developer recipes. `just` is optional: every recipe is a plain cargo/script call.

# Run the server (embedded PostgreSQL unless DATABASE_URL is set).
run:
    cargo run -p pursue-server

# Run the whole test suite (the README's test command).
test:
    cargo test --workspace

# Everything CI runs.
ci:
    bash .ci/run

# Format the code.
fmt:
    cargo fmt --all

# Formatting check, clippy with warnings as errors, and the layer check.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings
    scripts/check-layers.sh

# Fail if domain, ports or app reach diesel, actix, reqwest or the tokio runtime.
check-layers:
    scripts/check-layers.sh

# Apply pending migrations to the configured database.
migrate:
    cargo run -p pursue-server -- migrate

# Revert and re-apply every migration (destroys data).
migrate-redo:
    cargo run -p pursue-server -- migrate --redo

# Time the image pipeline (release build): 4000×3000 JPEG, 2 MP PNG, 512² JPEG.
bench-images:
    cargo bench -p pursue-images --bench pipeline

# Commit-to-FCM push latency against the local FCM fake (worker woken by LISTEN)
bench-push:
    cargo test -p pursue-server --test it -- --ignored bench_push_latency --nocapture

# Copy every avatar and icon into the other store (`to` = s3 or postgres; see docs/IMAGES.md).
images-migrate to *flags:
    cargo run -p pursue-server -- images migrate --to {{to}} {{flags}}

# Load benchmark: release server on a fresh embedded database, rate limits off, loopback;
# prints the Markdown report (see docs/BENCHMARKS.md). Not part of CI; < 15 min.
bench *args:
    scripts/bench.sh {{args}}
# Fuzz the API from its OpenAPI document with schemathesis (installed on first use).
fuzz examples="250":
    scripts/fuzz.sh {{examples}}
