#!/usr/bin/env bash
# Size of the stripped release host cdylib (what an app ships per ABI, roughly), against a
# 2 MiB budget. Last line: `cdylib: N bytes stripped (budget 2097152)`; exit 1 above budget.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
cargo build --locked --release -p certdoctor-ffi >&2
mkdir -p target/mobile-size
cp target/release/libcertdoctor_ffi.so target/mobile-size/libcertdoctor_ffi.so
strip target/mobile-size/libcertdoctor_ffi.so
size=$(stat -c %s target/mobile-size/libcertdoctor_ffi.so)
budget=$((2 * 1024 * 1024))
echo "cdylib: $size bytes stripped (budget $budget)"
[ "$size" -le "$budget" ]
