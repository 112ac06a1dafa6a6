#!/usr/bin/env bash
# The benchmarks (not part of the test command): builds the release app, then measures
#   1. the kernels natively (cargo bench --bench native: one thread, and rayon on 2 threads),
#   2. CPython doing the same with concurrent.futures, asyncio and pickle (bench/python/bench.py),
#   3. the app in headless Chromium, through its own results JSON (bench/browser.mjs),
# and writes docs/BENCHMARKS.md and docs/benchmarks.json (bench/report.mjs). About 15 minutes;
# run it on an otherwise idle machine. `--quick`: small sizes, a few minutes, report in
# target/bench/ (docs/ untouched).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/setup.sh

QUICK=()
DOCS=docs
if [[ "${1:-}" == "--quick" ]]; then
  QUICK=(--quick)
  DOCS=target/bench
fi
OUT=target/bench
mkdir -p "$OUT" "$DOCS"
step() { printf '\n[bench %s] === %s ===\n' "$(date +%H:%M:%S)" "$*"; }

step "release build (trunk build --release)"
trunk build --release

step "native Rust"
# The same code path as in wasm: sha2's portable backend, not the x86 SHA instructions (a
# target directory of its own, so the flag does not rebuild the test builds).
RUSTFLAGS='--cfg sha2_backend="soft"' CARGO_TARGET_DIR=target/bench-native \
  cargo bench --bench native -- --out "$OUT/native.json" "${QUICK[@]}"

step "CPython"
python3 bench/python/bench.py --out "$OUT/python.json" "${QUICK[@]}"

step "the app in Chromium"
node bench/browser.mjs --dist dist --native "$OUT/native.json" --out "$OUT/browser.json" "${QUICK[@]}"

step "report"
node bench/report.mjs --native "$OUT/native.json" --python "$OUT/python.json" \
  --browser "$OUT/browser.json" --json "$DOCS/benchmarks.json" --md "$DOCS/BENCHMARKS.md"
