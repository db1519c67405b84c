#!/usr/bin/env bash
# The front end's budgets: a resident's pages load at most 150 KB (brotli) of JS + WASM, 20 KB
# of CSS and 60 KB of compressed HTML, and score at least 95/100/100/100 in Lighthouse mobile
# (LCP ≤ 2.5 s, TBT ≤ 200 ms, CLS ≤ 0.1). Uses the release build in target/ (builds it when
# missing, or with --build), serves the demo town from a scratch database on a free port,
# prints the table of figures and fails when one is over budget.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$PATH"

build=false report=()
for arg in "$@"; do
  case "$arg" in
    --build) build=true ;;
    --report-only) report=(--report-only) ;;
  esac
done
if $build || [ ! -x target/release/quartier ] || [ ! -f target/release/hash.txt ]; then
  ./scripts/setup.sh
  cargo leptos build --release --split
fi

work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DATABASE_URL="sqlite://$work/quartier.db" QUARTIER_MEDIA_DIR="$work/media" LEPTOS_SITE_ADDR="127.0.0.1:$port"
export QUARTIER_BASE_URL="http://127.0.0.1:$port" QUARTIER_SMTP_HOST=
./target/release/quartier demo > "$work/demo.log"
./target/release/quartier serve > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$port/healthz" > /dev/null && break
  kill -0 $server 2>/dev/null || { cat "$work/serve.log"; exit 1; }
  sleep 1
done
node end2end/perf-budget.mjs "http://127.0.0.1:$port" "${report[@]}"
