#!/usr/bin/env bash
# Runs every test of certdoctor, installing what a fresh Debian 12 machine with rustup
# lacks (idempotent: skips what is already there). Each runner prints its closing count.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

step() { printf '\n== %s (%d s since start)\n' "$*" "$SECONDS"; }

step "setup"
need_apt=()
command -v openssl >/dev/null || need_apt+=(openssl)
[ -d /etc/ssl/certs ] && ls /etc/ssl/certs/*.pem >/dev/null 2>&1 || need_apt+=(ca-certificates)
# gcab writes the cabinets of the CLI's archive tests (an independent MSZIP writer).
command -v gcab >/dev/null || need_apt+=(gcab)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy

step "format"
cargo fmt --all --check

step "lint"
cargo clippy --workspace --all-targets --locked -- -D warnings

# The test suites all run even when one fails, so every closing count is printed; the exit
# status is non-zero when any of them failed.
status=0

step "rust tests"
mkdir -p target
cargo test --workspace --locked 2>&1 | tee target/rust-tests.log || status=1
awk '/^test result:/ { p += $4; f += $6 } END { printf "rust: %d passed, %d failed\n", p, f }' target/rust-tests.log

step "mobile (shipped library size; FFI bindings: Kotlin tests; Android app on the framework: Robolectric tests; Swift syntax, cross-target checks)"
bash tests/mobile/run-all.sh || status=1

step "browser (HTML report: axe-core in headless Chromium)"
bash tests/browser/run.sh || status=1

printf '\n== done in %d s\n' "$SECONDS"
exit $status
