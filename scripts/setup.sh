#!/usr/bin/env bash
# Installs everything the app and its tests need, skipping what is already there.
# Sourced by scripts/serve.sh and scripts/test.sh (it exports PATH); safe to run twice.
#
# Cold, on 2 cores: about 30 minutes, 20 of them compiling Trunk. Warm: a few seconds.
# Versions here change together with Cargo.toml (wasm-bindgen), Trunk.toml ([tools]),
# rust-toolchain.toml and package.json.

set -euo pipefail

TOOLCHAIN=nightly-2026-05-20   # = rust-toolchain.toml
TRUNK_VERSION=0.22.1
WASM_BINDGEN_VERSION=0.2.130   # = the `wasm-bindgen` pin in Cargo.toml and Trunk.toml

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '\n[setup %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi

# 1. Chromium and ChromeDriver, from Debian (never a browser download).
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  say "installing chromium + chromium-driver from apt (~1 min)"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium chromium-driver
fi

# 2. Rust: the pinned nightly with rust-src (for build-std) and the wasm32 target.
if ! command -v rustup >/dev/null; then
  say "installing rustup (minimal profile)"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --default-toolchain none
  export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! rustup run "$TOOLCHAIN" rustc --print target-list >/dev/null 2>&1 \
  || ! rustup +"$TOOLCHAIN" target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown \
  || ! rustup +"$TOOLCHAIN" component list --installed 2>/dev/null | grep -q rust-src; then
  say "installing Rust $TOOLCHAIN with rust-src, clippy, rustfmt and wasm32 (~1 min)"
  rustup toolchain install "$TOOLCHAIN" --profile minimal -c rust-src -c clippy -c rustfmt -t wasm32-unknown-unknown
fi

# 3. Trunk, compiled from crates.io (its default tool download would need GitHub).
if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "compiling trunk $TRUNK_VERSION from crates.io (~20 min on 2 cores; this happens once)"
  # From $HOME: the project's .cargo/config.toml (build-std, wasm flags) is not for tools.
  (cd "$HOME" && cargo +"$TOOLCHAIN" install --locked trunk --version "$TRUNK_VERSION")
fi

# 4. wasm-bindgen CLI (and wasm-bindgen-test-runner), exactly the crate's version.
#    Not --locked: its lockfile names a webpki-roots version the index no longer has.
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "compiling wasm-bindgen-cli $WASM_BINDGEN_VERSION (~4 min)"
  (cd "$HOME" && cargo +"$TOOLCHAIN" install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force)
fi

# 5. npm: playwright-core (drives /usr/bin/chromium) and binaryen's wasm-opt (for Trunk).
if [ ! -x "$ROOT/node_modules/.bin/wasm-opt" ] || [ ! -d "$ROOT/node_modules/playwright-core" ] \
  || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
  say "installing npm packages (playwright-core, binaryen)"
  (cd "$ROOT" && npm ci --no-audit --no-fund)
fi

say "tools ready: $(trunk --version), $(wasm-bindgen --version), $(chromium --version 2>/dev/null | head -1), wasm-opt $(wasm-opt --version | head -1)"
