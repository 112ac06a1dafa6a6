#!/usr/bin/env bash
# Sets everything up, then builds (release: the numbers are what the page is for) and serves
# the app at http://127.0.0.1:8080 with the cross-origin isolation headers.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/setup.sh
printf '\n[serve] building and serving at http://127.0.0.1:8080 (first build ~5 min)\n'
exec trunk serve --release "$@"
