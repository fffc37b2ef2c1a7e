#!/usr/bin/env bash
# Swift check without a Swift toolchain: generates the Swift bindings from the host build of
# the FFI crate into the package (ios/CertDoctorKit/Sources/CertDoctorKit/Generated/, not
# committed; the C header and modulemap go to target/swift/ffi/) and parses every .swift
# file under ios/ with the tree-sitter Swift grammar (tools/swift-syntax-check).
# Last line: `swift-syntax: N passed, M failed`; exit status non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
trap 'rc=$?; [ $rc -eq 0 ] || [ -n "${reported:-}" ] || echo "swift-syntax: 0 passed, 1 failed"; exit $rc' EXIT

cargo build --locked -p certdoctor-ffi
bash "$root/tests/build-host-tools.sh"
generated="$root/ios/CertDoctorKit/Sources/CertDoctorKit/Generated"
ffi="$root/target/swift/ffi"
rm -rf "$generated" "$ffi"
mkdir -p "$generated" "$ffi"
"$root/target/debug/uniffi-bindgen" generate --library "$root/target/debug/libcertdoctor_ffi.so" \
  --language swift --no-format --out-dir "$ffi" >&2
mv "$ffi"/*.swift "$generated/"
# An xcframework wants the modulemap named module.modulemap next to the header.
mv "$ffi/certdoctorFFI.modulemap" "$ffi/module.modulemap"

cargo build --locked --release --quiet \
  --manifest-path "$root/tools/swift-syntax-check/Cargo.toml" \
  --target-dir "$root/target/swift-syntax-check"
mapfile -t files < <(find "$root/ios" -name '*.swift' -not -path '*/.build/*' | sort)
reported=1
"$root/target/swift-syntax-check/release/swift-syntax-check" "${files[@]}"
