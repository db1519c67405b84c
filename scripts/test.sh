#!/usr/bin/env bash
# Runs every test of Quartier: formatting and lints, domain/unit/HTTP tests, storage contract and import
# tests on SQLite and on the local PostgreSQL, then end-to-end tests in Debian's Chromium against
# the release build. Installs what is missing (build tools, npm packages, chromium) and starts
# PostgreSQL if it is down.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

./scripts/setup.sh
export PATH="$PWD/end2end/node_modules/.bin:$PATH"
# Disk: about twenty test executables are linked; with debug information (even line tables:
# Leptos's long type names fill .debug_str) each weighed ~3.5 GB, 68 GB in all. Tests need none
# (a failed assertion names its file and line without it), and the incremental cache would add
# ~16 GB more. CI builds once: no cache.
export CARGO_INCREMENTAL=0
export CARGO_PROFILE_DEV_DEBUG=false

if [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's chromium"
  SUDO=$([ "$(id -u)" -eq 0 ] && echo "" || echo sudo)
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium
fi

# The backup tests run pg_dump and pg_restore (PostgreSQL's client tools; the server's package
# brings them, a machine with only a remote server may not have them).
if ! command -v pg_dump >/dev/null || ! command -v pg_restore >/dev/null; then
  say "installing PostgreSQL's client tools"
  SUDO=$([ "$(id -u)" -eq 0 ] && echo "" || echo sudo)
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q postgresql-client
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  say "starting PostgreSQL"
  SUDO=$([ "$(id -u)" -eq 0 ] && echo "" || echo sudo)
  for version in $(ls /etc/postgresql); do
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start
  done
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

say "cargo fmt --check"
cargo fmt --all -- --check

say "clippy (server side, and the browser build)"
cargo clippy -p server --all-targets -- -D warnings
cargo clippy -p app --features hydrate --target wasm32-unknown-unknown -- -D warnings

say "Rust tests (SQLite and PostgreSQL)"
# One test at a time: the in-process HTTP tests each run a whole app on their own Tokio runtime,
# and Leptos's reactive runtime is process-wide; run concurrently, a render stalled twice in
# about thirty runs (never with one runtime, as in production and the end-to-end tests).
cargo test -p server --no-fail-fast -- --test-threads=1
# The app crate's own unit tests (search text, distances, device tokens).
cargo test -p app --features ssr --lib

say "release build (server + WASM)"
cargo leptos build --release --split

say "end-to-end tests in Chromium"
mkdir -p target/e2e
(cd end2end && npx playwright test)

# Fails when a resident page is over one of its budgets (README, "Front end: weight and speed").
say "front-end budgets: sizes and Lighthouse on the resident pages"
./scripts/perf-budget.sh
