#!/usr/bin/env bash
# Builds Quartier and serves it with the demo town (Habay, real OpenStreetMap data) on embedded
# SQLite at http://127.0.0.1:3000 (set LEPTOS_SITE_ADDR to change it). Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
# wasm-opt from npm's binaryen (Debian's older binaryen produces a broken module).
export PATH="$PWD/end2end/node_modules/.bin:$PATH"
cargo leptos build --release --split
export DATABASE_URL="${DATABASE_URL:-sqlite://./data/quartier.db}"
./target/release/quartier demo
# A demo administrator: the printed link signs you in (no SMTP in the demo: later links go to the
# log). From /manage, invite merchants; /counter is their home screen.
./target/release/quartier admin create "${QUARTIER_DEMO_ADMIN:-admin@habay.example}"
exec ./target/release/quartier serve
