#!/usr/bin/env bash
# Sets everything up, then runs every check and test layer:
#   1. formatting and clippy (host and wasm32, warnings are errors)
#   2. host `cargo test`: the pure core
#   3. wasm-bindgen-test in headless Chromium: the browser glue
#   4. a release build with Trunk, and `trunk serve` answering with the isolation headers
#   5. Playwright end to end against the built app, with and without cross-origin isolation
# Screenshots and the results JSON of the E2E runs land in test-artifacts/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/setup.sh

step() { printf '\n[test %s] === %s ===\n' "$(date +%H:%M:%S)" "$*"; }
export CHROMEDRIVER=/usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT=120

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (host and wasm32)"
cargo clippy --workspace --lib --bins --tests --benches -- -D warnings
cargo clippy --workspace --target wasm32-unknown-unknown --lib --bins --tests -- -D warnings

step "host tests: the pure core"
cargo test --workspace

step "browser tests: wasm-bindgen-test in headless Chromium"
cargo test --target wasm32-unknown-unknown --test browser

step "release build (trunk build --release)"
trunk build --release
# The thread pool needs a wasm memory that is imported *and* shared (see .cargo/config.toml).
MEMORY="$(python3 tools/wasm_memory_info.py dist/app-*_bg.wasm | grep 'import memory')"
echo "app wasm: $MEMORY"
grep -q "'shared': True" <<<"$MEMORY"

step "trunk serve sends the isolation headers"
PORT=18080
trunk serve --release --port "$PORT" --no-autoreload >target/trunk-serve.log 2>&1 &
SERVE_PID=$!
trap 'kill $SERVE_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && break
  sleep 1
done
HEADERS="$(curl -sfI "http://127.0.0.1:$PORT/")"
kill "$SERVE_PID" 2>/dev/null || true
grep -qi '^cross-origin-opener-policy: same-origin' <<<"$HEADERS"
grep -qi '^cross-origin-embedder-policy: require-corp' <<<"$HEADERS"
echo "trunk serve: COOP and COEP present"

step "end to end: Playwright + Chromium"
mkdir -p test-artifacts
npm run --silent e2e
