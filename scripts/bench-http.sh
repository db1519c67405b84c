#!/usr/bin/env bash
# HTTP throughput of a shop page against a static file of the same size, served by the same
# release server (demo data on SQLite): wrk, 64 connections. Needs `wrk` (apt-get install wrk)
# and a release build (`cargo leptos build --release`).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
[ -x target/release/quartier ] || { echo "build first: cargo leptos build --release" >&2; exit 1; }

PORT=${BENCH_PORT:-3200}
DURATION=${BENCH_DURATION:-20s}
SHOP=${BENCH_SHOP:-boulangerie-jacob}
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work" target/site/bench-static.html' EXIT

export DATABASE_URL="sqlite://$work/bench.db" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT=target/site RUST_LOG=error
./target/release/quartier demo > /dev/null
./target/release/quartier serve &
server=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" > /dev/null && break; sleep 0.1; done

# A static file exactly as large as the shop page.
curl -fs "http://127.0.0.1:$PORT/shops/$SHOP" > target/site/bench-static.html
size=$(wc -c < target/site/bench-static.html)
echo "shop page: $size bytes"

run() {
  wrk -t2 -c64 -d"$DURATION" --latency "$1" | awk -v label="$2" '
    /Requests\/sec/ { rps = $2 }
    /^ +99%/ { p99 = $2 }
    /^ +50%/ { p50 = $2 }
    END { printf "%-34s %10s req/s   p50 %8s   p99 %8s\n", label, rps, p50, p99 }'
}
run "http://127.0.0.1:$PORT/shops/$SHOP" "shop page (SSR, SQLite)"
run "http://127.0.0.1:$PORT/bench-static.html" "static file, same size"
