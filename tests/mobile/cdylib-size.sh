#!/usr/bin/env bash
# Size of the stripped cdylib in the `mobile` profile (the apps' build: fat LTO, opt-level
# "z", the link options of bindings/ffi/build.rs), against a 2 MiB budget:
#   * the host's (x86_64 Linux), which the budget is checked on;
#   * with ARM64=1, also an arm64 Linux build linked by the same lld with the same options,
#     the nearest this machine gets to the arm64-v8a library a phone runs (the NDK is not
#     installable here). Installs the cross C toolchain (apt) and the rustup target.
# Last line: `cdylib: N bytes stripped (budget 2097152)`; exit 1 when the host's is above.
# The stripped host library stays in target/mobile-size/: tests/mobile/run-all.sh runs the
# Kotlin tests against it as well.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
budget=$((2 * 1024 * 1024))
mkdir -p target/mobile-size
# The shipped builds' compiler flags (bindings/ffi/mobile-rustflags), as the apps' scripts pass them.
size_flags="$(grep -v '^#' bindings/ffi/mobile-rustflags | tr '\n' ' ')"

if [ "${ARM64:-0}" = 1 ]; then
  if ! command -v aarch64-linux-gnu-gcc >/dev/null; then
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends gcc-aarch64-linux-gnu libc6-dev-arm64-cross >&2
  fi
  rustup target list --installed | grep -qx aarch64-unknown-linux-gnu ||
    rustup target add aarch64-unknown-linux-gnu >&2
  # rustc's own lld, behind the cross gcc driver (-fuse-ld=lld finds gcc-ld/ld.lld).
  gcc_ld="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/gcc-ld"
  CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
  CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUSTFLAGS="$size_flags -C link-arg=-B$gcc_ld -C link-arg=-fuse-ld=lld -C link-arg=-Wl,-z,pack-relative-relocs -C link-arg=-Wl,--icf=all" \
    cargo build --locked --profile mobile --target aarch64-unknown-linux-gnu -p certdoctor-ffi >&2
  arm=target/mobile-size/libcertdoctor_ffi-arm64.so
  cp target/aarch64-unknown-linux-gnu/mobile/libcertdoctor_ffi.so "$arm"
  aarch64-linux-gnu-strip "$arm"
  echo "cdylib arm64: $(stat -c %s "$arm") bytes stripped (budget $budget)"
fi

CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS="$size_flags" \
  cargo build --locked --profile mobile -p certdoctor-ffi >&2
cp target/mobile/libcertdoctor_ffi.so target/mobile-size/libcertdoctor_ffi.so
strip target/mobile-size/libcertdoctor_ffi.so
size=$(stat -c %s target/mobile-size/libcertdoctor_ffi.so)
echo "cdylib: $size bytes stripped (budget $budget)"
[ "$size" -le "$budget" ] || { echo "cdylib: over budget by $((size - budget)) bytes" >&2; exit 1; }
