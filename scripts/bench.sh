#!/usr/bin/env bash
# The benchmarks (not part of the test command): builds the release app, then measures
#   1. the kernels natively (cargo bench --bench native: one thread, and rayon on 2 threads),
#   2. CPython doing the same with concurrent.futures, asyncio and pickle (bench/python/bench.py),
#   3. the app in headless Chromium, through its own results JSON (bench/browser.mjs), and the
#      copy way's codec candidates in wasm (benches/codecs.rs),
# and writes docs/BENCHMARKS.md and docs/benchmarks.json (bench/report.mjs). About 20 minutes;
# run it on an otherwise idle machine. `--quick`: small sizes, a few minutes, report in
# target/bench/ (docs/ untouched). `--quiet`: B2 also times its pools on quiet pages, a
# diagnosis of what the live page's own work costs them (bench/NOTES.md, B2), ~6 minutes more.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/setup.sh

QUICK=()
QUIET=()
DOCS=docs
for flag in "$@"; do
  case "$flag" in
    --quick) QUICK=(--quick); DOCS=target/bench ;;
    --quiet) QUIET=(--quiet) ;;
    *) echo "usage: bash scripts/bench.sh [--quick] [--quiet]" >&2; exit 2 ;;
  esac
done
OUT=target/bench
mkdir -p "$OUT" "$DOCS"
step() { printf '\n[bench %s] === %s ===\n' "$(date +%H:%M:%S)" "$*"; }

step "release build (trunk build --release)"
trunk build --release

step "native Rust"
# The same code path as in wasm: sha2's portable backend, not the x86 SHA instructions (a
# target directory of its own, so the flag does not rebuild the test builds).
native_bench() {
  RUSTFLAGS='--cfg sha2_backend="soft"' CARGO_TARGET_DIR=target/bench-native cargo bench --bench native "$@"
}
native_bench -- --out "$OUT/native.json" "${QUICK[@]}"
# The same executable again, for the browser benchmark to take turns with (`--serve`).
NATIVE_BIN="$(native_bench --no-run --message-format=json | node -e '
  const lines = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean).map(JSON.parse);
  const exe = lines.find((m) => m.target?.name === "native" && m.executable)?.executable;
  if (!exe) throw new Error("cargo bench --no-run named no executable for the native bench");
  console.log(exe);')"

step "codecs in wasm (benches/codecs.rs, release)"
# The copy way's codec candidates, each round trip checked; one `CODEC {json}` line per shape.
CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}" WASM_BINDGEN_TEST_TIMEOUT=600 \
  cargo test --release --target wasm32-unknown-unknown --test codecs -- --nocapture \
  | tee "$OUT/codecs.log"
node -e 'const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n");
  const rows = lines.filter((l) => l.startsWith("CODEC ")).map((l) => JSON.parse(l.slice(6)));
  if (rows.length === 0) throw new Error("no CODEC lines in " + process.argv[1]);
  require("fs").writeFileSync(process.argv[2], JSON.stringify(rows, null, 1));' \
  "$OUT/codecs.log" "$OUT/codecs.json"

step "CPython"
python3 bench/python/bench.py --out "$OUT/python.json" "${QUICK[@]}"

step "the app in Chromium"
node bench/browser.mjs --dist dist --native "$OUT/native.json" --native-bin "$NATIVE_BIN" \
  --out "$OUT/browser.json" "${QUICK[@]}" "${QUIET[@]}"

step "report"
node bench/report.mjs --native "$OUT/native.json" --python "$OUT/python.json" \
  --browser "$OUT/browser.json" --codecs "$OUT/codecs.json" --json "$DOCS/benchmarks.json" --md "$DOCS/BENCHMARKS.md"
