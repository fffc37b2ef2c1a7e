#!/usr/bin/env bash
# Type-checks the FFI crate (and the core under it) for the phone targets. Nothing links
# here (no NDK, no Xcode): this catches target-specific code and dependencies that do not
# build for Android or iOS. Last line: `cross-check: N passed, M failed`.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
targets=(aarch64-linux-android aarch64-apple-ios)
installed="$(rustup target list --installed)"
for t in "${targets[@]}"; do
  grep -qx "$t" <<<"$installed" || rustup target add "$t" >&2
done
passed=0 failed=0
for t in "${targets[@]}"; do
  if cargo check --locked --target "$t" -p certdoctor-ffi >&2; then
    passed=$((passed + 1))
  else
    echo "cross-check: cargo check --target $t -p certdoctor-ffi FAILED" >&2
    failed=$((failed + 1))
  fi
done
echo "cross-check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
